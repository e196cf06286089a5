r"""XML Schema / XPath 3.1 regular expressions (XPath F&O §5.6.1, as FEEL's matches, replace and split use them),
translated to Python `re` patterns.

Public: compile_regex(pattern, flags) -> re.Pattern (cached), RegexError; parse_replacement(text, groups).

What differs from Python and is translated: `.` never matches \n or \r (unless flag s); `$` is the end of the
string (unless flag m), never "before a final newline"; `\s` is only space, tab, CR and LF; `\w` is every
character but punctuation, separators and "other" (\p{P}, \p{Z}, \p{C}); `\i` and `\c` are XML name
characters; `\p{Lu}`, `\p{IsBasicLatin}` and their `\P` complements; character class subtraction
`[a-z-[aeiou]]`; back-references `\N` only to a group already closed. Flag x removes white space outside
character classes before parsing; flag q takes the pattern literally. Anything XML Schema does not allow
(`\b`, `(?=…)`, `a{,2}`, possessive `a*+`, an unknown escape or flag) is a RegexError.
"""
from __future__ import annotations

import functools
import re
import sys
import unicodedata

from ._unicode_blocks import BLOCKS

MAX = sys.maxunicode
Ranges = list[tuple[int, int]]


class RegexError(ValueError):
    """The pattern, flags or replacement string is not valid in XPath's regular expression language."""


# --- sets of code points as sorted, disjoint, inclusive ranges -------------------------------------------

def _norm(ranges: Ranges) -> Ranges:
    out: Ranges = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _complement(ranges: Ranges) -> Ranges:
    out, nxt = [], 0
    for lo, hi in _norm(ranges):
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= MAX:
        out.append((nxt, MAX))
    return out


def _minus(a: Ranges, b: Ranges) -> Ranges:
    cb = _complement(b)
    out = []
    for lo, hi in _norm(a):
        for clo, chi in cb:
            if clo <= hi and chi >= lo:
                out.append((max(lo, clo), min(hi, chi)))
    return out


@functools.cache
def _categories() -> dict[str, Ranges]:
    """Every general category (`Lu`, …) and category letter (`L`, …) as ranges (one pass over Unicode)."""
    cats: dict[str, Ranges] = {}
    start, current = 0, unicodedata.category("\0")
    for cp in range(1, MAX + 2):
        cat = unicodedata.category(chr(cp)) if cp <= MAX else None
        if cat != current:
            cats.setdefault(current, []).append((start, cp - 1))
            start, current = cp, cat
    for major in "LMNPSZC":
        cats[major] = _norm([r for k, v in cats.items() if len(k) == 2 and k[0] == major for r in v])
    return cats


_NAME_START = [(0x3A, 0x3A), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A), (0xC0, 0xD6), (0xD8, 0xF6),
               (0xF8, 0x2FF), (0x370, 0x37D), (0x37F, 0x1FFF), (0x200C, 0x200D), (0x2070, 0x218F),
               (0x2C00, 0x2FEF), (0x3001, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFFD), (0x10000, 0xEFFFF)]
_NAME_MORE = [(0x2D, 0x2E), (0x30, 0x39), (0xB7, 0xB7), (0x300, 0x36F), (0x203F, 0x2040)]


def _escape_set(letter: str) -> Ranges:
    r"""The code points of a multi-character escape (`\s`, `\d`, `\w`, `\i`, `\c` and upper-case complements)."""
    low = letter.lower()
    if low == "s":
        base = [(0x9, 0xA), (0xD, 0xD), (0x20, 0x20)]
    elif low == "d":
        base = _categories()["Nd"]
    elif low == "w":
        cats = _categories()
        base = _complement(cats["P"] + cats["Z"] + cats["C"])
    elif low == "i":
        base = _NAME_START
    else:
        base = _norm(_NAME_START + _NAME_MORE)
    return _complement(base) if letter.isupper() else _norm(base)


def _property_set(name: str) -> Ranges:
    if name.startswith("Is"):
        key = re.sub(r"[\s_\-]", "", name[2:]).lower()
        if key not in BLOCKS:
            raise RegexError(f"unknown Unicode block {name[2:]!r}")
        return [BLOCKS[key]]
    cats = _categories()
    if name in cats or name == "Cn":
        return cats.get(name, [])
    raise RegexError(f"unknown Unicode category {name!r}")


def _char(cp: int) -> str:
    c = chr(cp)
    if c.isalnum() and cp < 0x80:
        return c
    return f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}"


def _emit(ranges: Ranges, negated: bool = False) -> str:
    ranges = _norm(ranges)
    if not ranges:
        return "(?s:.)" if negated else "(?!)"
    body = "".join(_char(lo) if lo == hi else f"{_char(lo)}-{_char(hi)}" for lo, hi in ranges)
    return f"[{'^' if negated else ''}{body}]"


# --- the translator --------------------------------------------------------------------------------------

_SINGLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t"} | {c: c for c in "\\|.-^?*+{}()[]$"}
_MULTI_ESCAPES = set("sSdDwWiIcC")


def _strip_whitespace(pattern: str) -> str:
    """Flag x: white space removed outside character classes (an escaped character stays escaped)."""
    out, depth, i = [], 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(c)
            i += 1
            if depth == 0:
                while i < len(pattern) and pattern[i] in " \t\n\r":
                    i += 1
            if i < len(pattern):
                out.append(pattern[i])
        elif c in " \t\n\r" and depth == 0:
            pass
        else:
            depth += (c == "[") - (c == "]" and depth > 0)
            out.append(c)
        i += 1
    return "".join(out)


class _Translator:
    """One pattern's recursive-descent parse, producing the Python pattern text."""

    def __init__(self, pattern: str, dotall: bool, multiline: bool) -> None:
        self.p, self.i = pattern, 0
        self.dotall, self.multiline = dotall, multiline
        self.groups = 0
        self.closed: set[int] = set()

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.p[j] if j < len(self.p) else ""

    def translate(self) -> str:
        out = self.regexp()
        if self.i < len(self.p):
            raise RegexError(f"unbalanced {self.peek()!r} at position {self.i + 1}")
        return out

    def regexp(self) -> str:
        branches = [self.branch()]
        while self.peek() == "|":
            self.i += 1
            branches.append(self.branch())
        return "|".join(branches)

    def branch(self) -> str:
        out = []
        while self.peek() not in ("", "|", ")"):
            atom = self.atom()
            out.append(atom + self.quantifier())
        return "".join(out)

    def quantifier(self) -> str:
        c = self.peek()
        if c in ("?", "*", "+"):
            self.i += 1
            q = c
        elif c == "{":
            m = re.compile(r"\{(\d+)(,(\d*))?\}").match(self.p, self.i)
            if m is None:
                raise RegexError(f"malformed quantifier at position {self.i + 1}")
            if m.group(3) and int(m.group(3)) < int(m.group(1)):
                raise RegexError(f"quantifier {m.group(0)} has its bounds reversed")
            self.i = m.end()
            q = m.group(0)
        else:
            return ""
        if self.peek() == "?":
            self.i += 1
            q += "?"
        if self.peek() in ("?", "*", "+", "{"):
            raise RegexError(f"a quantifier cannot follow a quantifier (position {self.i + 1})")
        return q

    def atom(self) -> str:
        c = self.peek()
        self.i += 1
        if c == "\\":
            return self.escape()
        if c == "[":
            negated, ranges = self.char_class()
            return _emit(ranges, negated)
        if c == "(":
            return self.group()
        if c == ".":
            return "(?s:.)" if self.dotall else "[^\\n\\r]"
        if c == "^":
            return "^"
        if c == "$":
            return "$" if self.multiline else "\\Z"
        if c in "?*+{":
            raise RegexError(f"nothing to repeat at position {self.i}")
        if c in "]}":
            raise RegexError(f"unescaped {c!r} at position {self.i}")
        return re.escape(c)

    def group(self) -> str:
        capturing = True
        if self.peek() == "?":
            if self.peek(1) != ":":
                raise RegexError(f"unsupported group construct '(?{self.peek(1)}' at position {self.i}")
            self.i += 2
            capturing = False
        if capturing:
            self.groups += 1
            number = self.groups
        inner = self.regexp()
        if self.peek() != ")":
            raise RegexError("missing ')'")
        self.i += 1
        if capturing:
            self.closed.add(number)
            return f"({inner})"
        return f"(?:{inner})"

    def escape(self) -> str:
        c = self.peek()
        if c.isdigit() and c.isascii():
            return self.backreference()
        if c in ("p", "P") or c in _MULTI_ESCAPES:
            return _emit(self.class_escape())
        self.i += 1
        if c in _SINGLE_ESCAPES:
            return re.escape(_SINGLE_ESCAPES[c])
        raise RegexError(f"unknown escape '\\{c}'" if c else "a pattern cannot end with '\\'")

    def backreference(self) -> str:
        if self.peek() == "0":
            raise RegexError("'\\0' is not a back-reference")
        number = int(self.peek())
        self.i += 1
        while self.peek().isdigit() and self.peek().isascii() and int(f"{number}{self.peek()}") in self.closed:
            number = int(f"{number}{self.peek()}")
            self.i += 1
        if number not in self.closed:
            raise RegexError(f"back-reference \\{number} to a group that is not closed before it")
        return f"(?:\\{number})"

    def class_escape(self) -> Ranges:
        r"""The set of a `\p{…}`/`\P{…}` or multi-character escape; self.i is at the letter after the backslash."""
        c = self.peek()
        self.i += 1
        if c in _MULTI_ESCAPES:
            return _escape_set(c)
        m = re.compile(r"\{([A-Za-z0-9\-]+)\}").match(self.p, self.i)
        if m is None:
            raise RegexError(f"malformed '\\{c}{{…}}' escape at position {self.i}")
        self.i = m.end()
        ranges = _property_set(m.group(1))
        return _complement(ranges) if c == "P" else _norm(ranges)

    def char_class(self) -> tuple[bool, Ranges]:
        """A character class expression after its '[': (negated, ranges) with any subtraction applied."""
        negated = self.peek() == "^"
        if negated:
            self.i += 1
        ranges: Ranges = []
        first = True
        while True:
            c = self.peek()
            if c == "":
                raise RegexError("missing ']'")
            if c == "]":
                if first:
                    raise RegexError("a character class cannot be empty")
                self.i += 1
                return negated, ranges
            if c == "-" and self.peek(1) == "[" and not first:
                self.i += 2
                sub_negated, sub = self.char_class()
                if self.peek() != "]":
                    raise RegexError("a subtraction must end its character class")
                self.i += 1
                base = _complement(ranges) if negated else ranges
                return False, _minus(base, _complement(sub) if sub_negated else sub)
            if c == "[":
                raise RegexError(f"unescaped '[' in a character class at position {self.i + 1}")
            if c == "-" and not first and self.peek(1) != "]":
                raise RegexError(f"unescaped '-' in a character class at position {self.i + 1}")
            first = False
            lo = self.class_char(ranges)
            if lo is None:
                continue
            if self.peek() == "-" and self.peek(1) not in ("]", "[", ""):
                self.i += 1
                hi = self.class_char(None)
                if hi is None or hi < lo:
                    raise RegexError("invalid range in a character class")
                ranges.append((lo, hi))
            else:
                ranges.append((lo, lo))

    def class_char(self, ranges: Ranges | None) -> int | None:
        """One character of a class (its code point), or None after adding a class escape's set to ranges."""
        c = self.peek()
        self.i += 1
        if c != "\\":
            return ord(c)
        e = self.peek()
        if e in ("p", "P") or e in _MULTI_ESCAPES:
            if ranges is None:
                raise RegexError("a class escape cannot end a range")
            ranges.extend(self.class_escape())
            return None
        self.i += 1
        if e in _SINGLE_ESCAPES:
            return ord(_SINGLE_ESCAPES[e])
        raise RegexError(f"unknown escape '\\{e}' in a character class" if e else "missing ']'")


@functools.lru_cache(maxsize=512)
def compile_regex(pattern: str, flags: str = "") -> re.Pattern:
    """The Python equivalent of an XPath regular expression with XPath flags (a string of s, m, i, x, q).
    Raises RegexError for an invalid pattern or flag."""
    bad = set(flags) - set("smixq")
    if bad:
        raise RegexError(f"unknown regular expression flag(s) {''.join(sorted(bad))!r}")
    py_flags = re.IGNORECASE if "i" in flags else 0
    if "q" in flags:
        text = re.escape(pattern)
    else:
        if "x" in flags:
            pattern = _strip_whitespace(pattern)
        text = _Translator(pattern, "s" in flags, "m" in flags).translate()
        if "m" in flags:
            py_flags |= re.MULTILINE
    try:
        return re.compile(text, py_flags)
    except (re.error, OverflowError, RecursionError) as exc:
        raise RegexError(f"invalid regular expression: {exc}") from None


def parse_replacement(text: str, groups: int, literal: bool = False) -> list[str | int]:
    r"""fn:replace's replacement string as literal parts and group numbers (`$0` … `$N`); `\$` and `\\` are
    the escapes for `$` and `\`. A `$N` with N beyond the groups keeps fewer digits (XPath's rule); with
    `literal` (flag q) the text is taken as it is."""
    if literal:
        return [text]
    parts: list[str | int] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            if i + 1 >= len(text) or text[i + 1] not in "\\$":
                raise RegexError("in a replacement, '\\' must be followed by '\\' or '$'")
            parts.append(text[i + 1])
            i += 2
        elif c == "$":
            j = i + 1
            while j < len(text) and text[j].isascii() and text[j].isdigit():
                j += 1
            if j == i + 1:
                raise RegexError("in a replacement, '$' must be followed by a digit")
            digits = text[i + 1:j]
            while len(digits) > 1 and int(digits) > groups:
                digits = digits[:-1]
            number = int(digits)
            parts.append(number if number <= groups else "")
            i += 1 + len(digits)
        else:
            parts.append(c)
            i += 1
    return parts
