"""range(from) of DMN 1.5 §10.3.4.10: a range literal read from a string, `"[1..10)"`, `"]a..z["`,
`"[@\"2021-01-01\"..date(\"2021-12-31\")]"`.

Endpoints are literals: a number (optionally negative), a string, an `@"…"` temporal literal, or one of
date, time, date and time, duration invoked on a string literal. Both endpoints are required, of one type,
and the start may not be after the end; anything else (`"[..2]"`, `">= 10"`, `"[null..null]"`, a name, an
expression) is an error."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from .. import temporal as T
from ..errors import FeelSyntaxError
from ..lexer import END, NAME, NUMBER, OP, STRING, Token, tokenize
from ..semantics import compare, type_name
from ..values import DayTimeDuration, Range, YearMonthDuration
from ._common import fail

_CONSTRUCTORS = {
    "date": T.parse_date,
    "time": T.parse_time,
    "date and time": T.parse_date_and_time,
    "duration": T.parse_duration,
}


class _Reader:
    """A cursor over the tokens of a range literal."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens, self.i = tokens, 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        if self.i < len(self.tokens) - 1:
            self.i += 1
        return tok

    def op(self, *texts: str) -> str:
        tok = self.take()
        if tok.kind != OP or tok.text not in texts:
            fail(f"expected {' or '.join(texts)} in the range, found {tok.text or 'the end'!r}")
        return tok.text

    def string(self) -> str:
        tok = self.take()
        if tok.kind != STRING:
            fail("a range endpoint must be a literal")
        return tok.value

    def endpoint(self) -> Any:
        tok = self.peek()
        if tok.kind == OP and tok.text == "-":
            self.take()
            num = self.take()
            if num.kind != NUMBER:
                fail("a range endpoint must be a literal")
            return -num.value
        if tok.kind == NUMBER:
            return self.take().value
        if tok.kind == STRING:
            return self.take().value
        if tok.kind == OP and tok.text == "@":
            self.take()
            return self._temporal(T.parse_literal, self.string())
        if tok.kind == NAME:
            words = []
            while self.peek().kind == NAME:
                words.append(self.take().text)
            parse = _CONSTRUCTORS.get(" ".join(words))
            if parse is None:
                fail("a range endpoint must be a literal")
            self.op("(")
            text = self.string()
            self.op(")")
            return self._temporal(parse, text)
        fail("a range endpoint must be a literal")

    @staticmethod
    def _temporal(parse: Any, text: str) -> Any:
        value = parse(text)
        if value is None:
            fail(f"{text!r} is not a valid temporal literal")
        return value


def _same_type(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return isinstance(a, Decimal) and isinstance(b, Decimal)
    if isinstance(a, (DayTimeDuration, YearMonthDuration)):
        return type(a) is type(b)
    return type_name(a) == type_name(b)


def parse_range(text: str) -> Range:
    """The Range a range literal's text denotes; ArgError (via fail) if it is not one."""
    try:
        tokens = tokenize(text)
    except FeelSyntaxError as exc:
        fail(f"{text!r} is not a range literal: {exc}")
    reader = _Reader(tokens)
    opening = reader.op("[", "(", "]")
    start = reader.endpoint()
    reader.op("..")
    end = reader.endpoint()
    closing = reader.op("]", ")", "[")
    if reader.peek().kind != END:
        fail(f"{text!r} has more than a range literal")
    if not _same_type(start, end):
        fail(f"the endpoints are a {type_name(start)} and a {type_name(end)}")
    order = compare(start, end)
    if order is None:
        fail(f"the endpoints {text!r} are not ordered")
    if order > 0:
        fail("the start of the range is after its end")
    return Range(start, end, start_included=opening == "[", end_included=closing == "]")
