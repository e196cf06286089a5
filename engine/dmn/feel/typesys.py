"""FEEL's types (DMN 1.5 §10.3.2.9): the type model, its text form, and `instance of`.

Public: FeelType, AnyType, NullType, PrimitiveType, ListType, ContextType, RangeType, FunctionType,
ConstrainedType; ANY, NULL, NUMBER, STRING, BOOLEAN, DATE, TIME, DATE_AND_TIME, DAYS_AND_TIME_DURATION,
YEARS_AND_MONTHS_DURATION, PRIMITIVES (name → type, DMN aliases included); parse_type(text, resolve=None),
type_of(value), is_instance(value, type), conforms(sub, sup), type_text(type).

Every type answers two questions: `accepts(value)` (FEEL `value instance of T`) and `conforms_to(other)`
(structural subtyping: list<number> conforms to list<Any>; a context type with more fields to one with fewer;
function types are contravariant in their parameters and covariant in their result; Null conforms to all).
`null instance of T` is false for every T but Null (TCK 0070: `null instance of Any` is false), while a null
inside a list or context is accepted by any element or field type (`{a: null} instance of context<a: string>`).

Extending (for DMN item definitions): subclass FeelType as a frozen dataclass and override `accepts` and
`conforms_to` (and `__str__`), or use ConstrainedType(base, name, check) for "base type plus allowed values"
(its `check(value)` sees only non-null values that base accepts). parse_type(text, resolve) calls
resolve(name) for a name that is not FEEL's, so `list<tPerson>` can refer to an item definition.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .temporal import is_date, is_date_time, is_time
from .values import DayTimeDuration, FeelFunction, Range, YearMonthDuration


@dataclass(frozen=True)
class FeelType:
    """A FEEL type (abstract)."""

    def accepts(self, value: Any) -> bool:
        """FEEL `value instance of self`."""
        raise NotImplementedError

    def conforms_to(self, other: "FeelType") -> bool:
        """Whether every value of self is a value of other (other is not Any; the caller checked that)."""
        return self == other


@dataclass(frozen=True)
class AnyType(FeelType):
    """Any: the top type, every value but null."""

    def accepts(self, value: Any) -> bool:
        return value is not None

    def __str__(self) -> str:
        return "Any"


@dataclass(frozen=True)
class NullType(FeelType):
    """Null: the type of null alone, a subtype of every type."""

    def accepts(self, value: Any) -> bool:
        return value is None

    def __str__(self) -> str:
        return "Null"


def _is_number(v: Any) -> bool:
    return isinstance(v, Decimal) and not isinstance(v, bool)


_CHECKS: dict[str, Callable[[Any], bool]] = {
    "number": _is_number,
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "date": is_date,
    "time": lambda v: is_time(v),
    "date and time": is_date_time,
    "days and time duration": lambda v: isinstance(v, DayTimeDuration),
    "years and months duration": lambda v: isinstance(v, YearMonthDuration),
}


@dataclass(frozen=True)
class PrimitiveType(FeelType):
    """One of FEEL's simple types, by its FEEL name (`number`, `date and time`, `days and time duration` …)."""

    name: str

    def accepts(self, value: Any) -> bool:
        return _CHECKS[self.name](value)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class ListType(FeelType):
    """list<element>."""

    element: FeelType = field(default_factory=AnyType)

    def accepts(self, value: Any) -> bool:
        return isinstance(value, list) and all(x is None or self.element.accepts(x) for x in value)

    def conforms_to(self, other: FeelType) -> bool:
        return isinstance(other, ListType) and conforms(self.element, other.element)

    def __str__(self) -> str:
        return f"list<{self.element}>"


@dataclass(frozen=True)
class ContextType(FeelType):
    """context<name: type, …>; a context value may have more entries than the type names."""

    fields: tuple[tuple[str, FeelType], ...] = ()

    def accepts(self, value: Any) -> bool:
        if not isinstance(value, dict):
            return False
        return all(n in value and (value[n] is None or t.accepts(value[n])) for n, t in self.fields)

    def conforms_to(self, other: FeelType) -> bool:
        if not isinstance(other, ContextType):
            return False
        mine = dict(self.fields)
        return all(n in mine and conforms(mine[n], t) for n, t in other.fields)

    def field_type(self, name: str) -> FeelType | None:
        """The type of one field, or None if the type does not name it."""
        return dict(self.fields).get(name)

    def __str__(self) -> str:
        return "context<" + ", ".join(f"{n}: {t}" for n, t in self.fields) + ">" if self.fields else "context"


@dataclass(frozen=True)
class RangeType(FeelType):
    """range<element>."""

    element: FeelType = field(default_factory=AnyType)

    def accepts(self, value: Any) -> bool:
        return isinstance(value, Range) and all(e is None or self.element.accepts(e)
                                                for e in (value.start, value.end))

    def conforms_to(self, other: FeelType) -> bool:
        return isinstance(other, RangeType) and conforms(self.element, other.element)

    def __str__(self) -> str:
        return f"range<{self.element}>"


@dataclass(frozen=True)
class FunctionType(FeelType):
    """function<param types>->result."""

    params: tuple[FeelType, ...] = ()
    result: FeelType = field(default_factory=AnyType)

    def accepts(self, value: Any) -> bool:
        if not isinstance(value, FeelFunction):
            return False
        candidates = (value, *value.overloads)
        return any(conforms(_function_type(f), self) for f in candidates)

    def conforms_to(self, other: FeelType) -> bool:
        if not isinstance(other, FunctionType) or len(other.params) != len(self.params):
            return False
        return (all(conforms(o, s) for s, o in zip(self.params, other.params))
                and conforms(self.result, other.result))

    def __str__(self) -> str:
        return "function<" + ", ".join(str(p) for p in self.params) + f">->{self.result}"


@dataclass(frozen=True)
class ConstrainedType(FeelType):
    """A base type narrowed by a predicate on its values (an item definition's allowed values), named."""

    base: FeelType
    name: str
    check: Callable[[Any], bool] = field(compare=False, hash=False, repr=False, default=lambda v: True)

    def accepts(self, value: Any) -> bool:
        return self.base.accepts(value) and (value is None or bool(self.check(value)))

    def conforms_to(self, other: FeelType) -> bool:
        return self == other or conforms(self.base, other)

    def __str__(self) -> str:
        return self.name


ANY = AnyType()
NULL = NullType()
NUMBER = PrimitiveType("number")
STRING = PrimitiveType("string")
BOOLEAN = PrimitiveType("boolean")
DATE = PrimitiveType("date")
TIME = PrimitiveType("time")
DATE_AND_TIME = PrimitiveType("date and time")
DAYS_AND_TIME_DURATION = PrimitiveType("days and time duration")
YEARS_AND_MONTHS_DURATION = PrimitiveType("years and months duration")

PRIMITIVES: dict[str, FeelType] = {
    "Any": ANY, "Null": NULL, "number": NUMBER, "string": STRING, "boolean": BOOLEAN, "date": DATE,
    "time": TIME, "date and time": DATE_AND_TIME, "dateTime": DATE_AND_TIME,
    "days and time duration": DAYS_AND_TIME_DURATION, "dayTimeDuration": DAYS_AND_TIME_DURATION,
    "years and months duration": YEARS_AND_MONTHS_DURATION, "yearMonthDuration": YEARS_AND_MONTHS_DURATION,
    "list": ListType(ANY), "context": ContextType(), "range": RangeType(ANY),
}


def _function_type(f: FeelFunction) -> FunctionType:
    params = tuple(p.type if isinstance(p.type, FeelType) else ANY for p in f.params)
    result = f.result_type if isinstance(f.result_type, FeelType) else ANY
    return FunctionType(params, result)


# --- the operations -------------------------------------------------------------------------------------------

def conforms(sub: FeelType, sup: FeelType) -> bool:
    """Whether type sub conforms to type sup (every value of sub is a value of sup)."""
    if isinstance(sup, AnyType) or isinstance(sub, NullType) or sub == sup:
        return True
    if isinstance(sup, ConstrainedType) and not isinstance(sub, ConstrainedType):
        return False
    return sub.conforms_to(sup)


def type_text(t: FeelType) -> str:
    """The FEEL text of a type (`list<number>`, `context<a: string>`, an item definition's name)."""
    return str(t)


def is_instance(value: Any, t: FeelType) -> bool:
    """FEEL `value instance of t`."""
    return t.accepts(value)


def type_of(value: Any) -> FeelType:
    """The most specific FEEL type of a value (a list's element type is the one all non-null elements share,
    else Any)."""
    if value is None:
        return NULL
    for t in (BOOLEAN, NUMBER, STRING, DATE_AND_TIME, DATE, TIME, DAYS_AND_TIME_DURATION,
              YEARS_AND_MONTHS_DURATION):
        if t.accepts(value):
            return t
    if isinstance(value, list):
        kinds = {type_of(x) for x in value if x is not None}
        return ListType(kinds.pop() if len(kinds) == 1 else ANY)
    if isinstance(value, dict):
        return ContextType(tuple((k, type_of(v)) for k, v in value.items()))
    if isinstance(value, Range):
        kinds = {type_of(x) for x in (value.start, value.end) if x is not None}
        return RangeType(kinds.pop() if len(kinds) == 1 else ANY)
    if isinstance(value, FeelFunction):
        return _function_type(value)
    return ANY


# --- parsing --------------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(->|[<>,:()]|[^\s<>,:()\-]+(?:\s+[^\s<>,:()\-]+)*|-)")


class _Parser:
    """A recursive-descent parser of FEEL type text."""

    def __init__(self, text: str, resolve: Callable[[str], FeelType | None] | None) -> None:
        self.text, self.resolve, self.pos = text, resolve, 0
        self.tokens: list[str] = []
        i = 0
        while i < len(text):
            if text[i:].strip() == "":
                break
            m = _TOKEN.match(text, i)
            if m is None:
                raise ValueError(f"Cannot read the type {text!r}.")
            self.tokens.append(m.group(1))
            i = m.end()

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (expected is not None and tok != expected):
            raise ValueError(f"Cannot read the type {self.text!r}: expected {expected or 'a type'}.")
        self.pos += 1
        return tok

    def parse(self) -> FeelType:
        t = self.type()
        if self.peek() is not None:
            raise ValueError(f"Cannot read the type {self.text!r}: unexpected {self.peek()!r}.")
        return t

    def type(self) -> FeelType:
        name = self.take()
        if name in ("list", "range") and self.peek() == "<":
            self.take("<")
            element = self.type()
            self.take(">")
            return ListType(element) if name == "list" else RangeType(element)
        if name == "context" and self.peek() == "<":
            self.take("<")
            fields: list[tuple[str, FeelType]] = []
            while self.peek() != ">":
                if fields:
                    self.take(",")
                fname = self.take()
                self.take(":")
                fields.append((fname, self.type()))
            self.take(">")
            return ContextType(tuple(fields))
        if name == "function" and self.peek() == "<":
            self.take("<")
            params: list[FeelType] = []
            while self.peek() != ">":
                if params:
                    self.take(",")
                params.append(self.type())
            self.take(">")
            self.take("->")
            return FunctionType(tuple(params), self.type())
        return self.named(name)

    def named(self, name: str) -> FeelType:
        key = " ".join(name.split())
        if key in PRIMITIVES:
            return PRIMITIVES[key]
        found = self.resolve(name) if self.resolve else None
        if found is None:
            raise ValueError(f"{name!r} is not a FEEL type.")
        return found


def parse_type(text: str, resolve: Callable[[str], FeelType | None] | None = None) -> FeelType:
    """The FeelType of a type's text (`number`, `list<string>`, `context<a: number>`, `range<date>`,
    `function<number, string>->boolean`, `Any`, `Null`, DMN aliases `dateTime` …). A name FEEL does not know
    is looked up with resolve(name); ValueError if the text is not a type."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("A type needs a name.")
    return _Parser(re.sub(r"\bfeel:(?=\S)", "", text), resolve).parse()
