"""DMN 1.5 §10.3.4.3 string functions: substring, string length, upper case, lower case, substring before,
substring after, replace, contains, starts with, ends with, matches, split, string join.

Positions and lengths count code points (a Python str's characters), as FEEL does. matches, replace and
split take XPath regular expressions (xsd_regex.py): matches succeeds if the pattern matches anywhere in the
input; replace and split refuse a pattern that matches the empty string (XPath's FORX0003)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..values import FeelFunction
from ._common import (
    builtin,
    fail,
    need_int,
    need_list,
    need_string,
    overloaded,
    type_name,
)
from .xsd_regex import RegexError, compile_regex, parse_replacement


def _substring(ctx, string: Any, start: Any, length: Any = None) -> str:
    s = need_string(string, "string")
    begin = need_int(start, "start position")
    if begin == 0:
        fail("start position must not be 0 (the first character is 1, the last -1)")
    if abs(begin) > len(s):
        fail(f"start position {begin} is outside the string of {len(s)} character(s)")
    skip = begin - 1 if begin > 0 else len(s) + begin
    if length is None:
        return s[skip:]
    count = need_int(length, "length")
    if count <= 0:
        fail("length must be a positive number")
    return s[skip:skip + count]


def _substring_3(ctx, string: Any, start: Any, length: Any) -> str:
    if length is None:
        fail("length must be a number, not null")
    return _substring(ctx, string, start, length)


def _before(ctx, string: Any, match: Any) -> str:
    s, m = need_string(string, "string"), need_string(match, "match")
    at = s.find(m)
    return s[:at] if at >= 0 else ""


def _after(ctx, string: Any, match: Any) -> str:
    s, m = need_string(string, "string"), need_string(match, "match")
    at = s.find(m)
    return s[at + len(m):] if at >= 0 else ""


def _flags(flags: Any) -> str:
    return "" if flags is None else need_string(flags, "flags")


def _regex(pattern: Any, flags: Any):
    try:
        return compile_regex(need_string(pattern, "pattern"), _flags(flags))
    except RegexError as exc:
        fail(str(exc))


def _matches(ctx, text: Any, pattern: Any, flags: Any = None) -> bool:
    text = need_string(text, "input")
    return _regex(pattern, flags).search(text) is not None


def _replace(ctx, text: Any, pattern: Any, replacement: Any, flags: Any = None) -> str:
    text = need_string(text, "input")
    rx = _regex(pattern, flags)
    repl = need_string(replacement, "replacement")
    if rx.search("") is not None:
        fail("pattern must not match the empty string")
    try:
        parts = parse_replacement(repl, rx.groups, literal="q" in _flags(flags))
    except RegexError as exc:
        fail(str(exc))

    def expand(m) -> str:
        return "".join(p if isinstance(p, str) else (m.group(p) or "") for p in parts)

    return rx.sub(expand, text)


def _split(ctx, string: Any, delimiter: Any) -> list[str]:
    s = need_string(string, "string")
    rx = _regex(need_string(delimiter, "delimiter"), None)
    if rx.search("") is not None:
        fail("delimiter must not match the empty string")
    if not s:
        return []
    out, start = [], 0
    for m in rx.finditer(s):
        out.append(s[start:m.start()])
        start = m.end()
    out.append(s[start:])
    return out


def _join(ctx, items: Any, delimiter: Any = None) -> str:
    items = need_list(items, "list")
    sep = "" if delimiter is None else need_string(delimiter, "delimiter")
    for item in items:
        if item is not None and not isinstance(item, str):
            fail(f"list must hold strings only, not a {type_name(item)}")
    return sep.join(item for item in items if item is not None)


def _unary(name: str, op) -> FeelFunction:
    return builtin(name, "string", lambda ctx, string: op(need_string(string, "string")))


def _binary(name: str, op) -> FeelFunction:
    return builtin(name, "string, match",
                   lambda ctx, string, match: op(need_string(string, "string"), need_string(match, "match")))


FUNCTIONS: list[FeelFunction] = [
    overloaded(builtin("substring", "string, start position", _substring),
               builtin("substring", "string, start position, length", _substring_3)),
    _unary("string length", lambda s: Decimal(len(s))),
    _unary("upper case", str.upper),
    _unary("lower case", str.lower),
    builtin("substring before", "string, match", _before),
    builtin("substring after", "string, match", _after),
    overloaded(builtin("replace", "input, pattern, replacement", _replace),
               builtin("replace", "input, pattern, replacement, flags", _replace)),
    _binary("contains", lambda s, m: m in s),
    _binary("starts with", str.startswith),
    _binary("ends with", str.endswith),
    overloaded(builtin("matches", "input, pattern", _matches),
               builtin("matches", "input, pattern, flags", _matches)),
    builtin("split", "string, delimiter", _split),
    overloaded(builtin("string join", "list: list", _join),
               builtin("string join", "list: list, delimiter", _join)),
]
