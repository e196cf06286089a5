"""The FEEL tokenizer: FEEL text (DMN 1.5 §10.3.1.2) as a list of tokens, ending with an END token.

Tokens:
- NUMBER: `12`, `1.5`, `.872`, `1.23e4`, `1.23e-4` (value: the exact Decimal). A sign is never part of a
  number (`-5` is a negation) and `1..5` is 1, `..`, 5.
- STRING: `"…"` with the escapes `\\"`, `\\\\`, `\\n`, `\\r`, `\\t`, `\\'`, `\\uXXXX` (UTF-16 surrogate pairs
  combine into one character) and `\\UXXXXXX` (six hex digits); any other backslash is kept with the
  character after it (`"\\d"` is two characters), as regular expressions need (value: the string).
- NAME: one word of a name: a name start character (`?`, `_`, a letter, and the spec's ranges of other
  characters: accents, Greek, CJK, kana, emoji, …) followed by name part characters (those, ASCII digits,
  `·`, combining marks, `‿`, `⁀`). Keywords (`and`, `if`, `true`, …) are
  NAME tokens too: a name may contain them (`date and time`), so only the parser can tell.
- OP: `..`, `**`, `<=`, `>=`, `!=`, `->`, and one of `< > = + - * / ( ) [ ] { } , . : @ ' ’`.
- END: the end of the text.

A name with spaces or with the extra name characters `.` `/` `-` `'` `+` `*` is several tokens here (the
words and the symbols between them); the parser joins them into one name (see parser.py for the rule).
Whitespace and comments (`// …` to the end of the line, `/* … */`) separate tokens and are dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import FeelSyntaxError

NUMBER, STRING, NAME, OP, END = "number", "string", "name", "operator", "end of text"

_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t", "'": "'"}


@dataclass(slots=True)
class Token:
    """One token: its kind, its text as written, where it starts and ends (offsets in the FEEL text), and
    its value (a Decimal for a NUMBER, the unescaped str for a STRING, else the text). Never changed."""

    kind: str
    text: str
    pos: int
    end: int
    value: Any = None


# DMN 1.5 §10.3.1.2 rules 23-24 (XML's name characters): the ranges of name start characters beyond ASCII.
_START_RANGES = (
    (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x2FF), (0x370, 0x37D), (0x37F, 0x1FFF), (0x200C, 0x200D),
    (0x2070, 0x218F), (0x2C00, 0x2FEF), (0x3001, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFFD), (0x10000, 0xEFFFF),
)
_PART_RANGES = ((0xB7, 0xB7), (0x300, 0x36F), (0x203F, 0x2040))


def _in_ranges(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    """Tell whether a code point is in one of the ranges."""
    return any(low <= code <= high for low, high in ranges)


def is_name_start(char: str) -> bool:
    """Tell whether a character may start a FEEL name: `?`, `_`, an ASCII letter, or one of the spec's
    ranges (Latin accents, Greek, CJK, kana, emoji, …)."""
    if char < "\x80":
        return char.isalpha() or char == "_" or char == "?"
    return _in_ranges(ord(char), _START_RANGES)


def is_name_part(char: str) -> bool:
    """Tell whether a character may continue a word of a FEEL name (a start character, an ASCII digit,
    `·`, a combining mark U+0300-U+036F, `‿` or `⁀`)."""
    if char < "\x80":
        return char.isalnum() or char == "_" or char == "?"
    code = ord(char)
    return _in_ranges(code, _START_RANGES) or _in_ranges(code, _PART_RANGES)


def _hex(text: str, pos: int, count: int) -> int | None:
    """The value of `count` hex digits at pos, or None when they are not there."""
    digits = text[pos : pos + count]
    if len(digits) != count or any(c not in "0123456789abcdefABCDEF" for c in digits):
        return None
    return int(digits, 16)


def _read_string(text: str, start: int) -> tuple[str, int]:
    """Read the string literal whose opening quote is at start; return its value and its end offset."""
    chars: list[str] = []
    pos = start + 1
    length = len(text)
    while pos < length:
        char = text[pos]
        if char == '"':
            return "".join(chars), pos + 1
        if char != "\\":
            chars.append(char)
            pos += 1
            continue
        escape = text[pos + 1 : pos + 2]
        if escape in _ESCAPES:
            chars.append(_ESCAPES[escape])
            pos += 2
        elif escape in ("u", "U"):
            count = 4 if escape == "u" else 6
            code = _hex(text, pos + 2, count)
            if code is None or code > 0x10FFFF:
                raise FeelSyntaxError(f"the escape '\\{escape}' needs {count} hexadecimal digits", pos)
            pos += 2 + count
            if 0xD800 <= code < 0xDC00 and text.startswith("\\u", pos):
                low = _hex(text, pos + 2, 4)
                if low is not None and 0xDC00 <= low < 0xE000:
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    pos += 6
            chars.append(chr(code))
        elif escape == "":
            break
        else:  # not a FEEL escape: kept as written (regular expressions use \d, \s, \1, …)
            chars.append("\\" + escape)
            pos += 2
    raise FeelSyntaxError("the string is not closed (a '\"' is missing)", start)


def _char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    """The body of a regular-expression character class for code point ranges."""
    return "".join(re.escape(chr(low)) + ("" if low == high else "-" + re.escape(chr(high))) for low, high in ranges)


_NAME_START = "?_A-Za-z" + _char_class(_START_RANGES)
_TOKEN = re.compile(
    r"(?P<space>(?:\s+|//[^\n]*|/\*.*?\*/)+)"
    r"|(?P<number>(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?)"
    rf"|(?P<name>[{_NAME_START}][{_NAME_START}0-9{_char_class(_PART_RANGES)}]*)"
    r"|(?P<op>\.\.|\*\*|<=|>=|!=|->|[<>=+\-*/()\[\]{},.:@'’])"
    r'|(?P<string>")',
    re.DOTALL,
)


def tokenize(text: str) -> list[Token]:
    """Split FEEL text into tokens, the last one END. Raises FeelSyntaxError on a character that no token
    can start with, an unclosed string or comment, or a bad `\\u` escape."""
    tokens: list[Token] = []
    append = tokens.append
    match = _TOKEN.match
    length = len(text)
    pos = 0
    while pos < length:
        found = match(text, pos)
        if found is None:
            raise FeelSyntaxError(f"unexpected character {text[pos]!r}", pos)
        kind = found.lastgroup
        end = found.end()
        if kind == "space":
            if text.startswith("/*", end):
                raise FeelSyntaxError("the comment is not closed (a '*/' is missing)", end)
        elif kind == "name":
            word = found.group()
            append(Token(NAME, word, pos, end, word))
        elif kind == "op":
            if text.startswith("/*", pos):
                raise FeelSyntaxError("the comment is not closed (a '*/' is missing)", pos)
            op = found.group()
            append(Token(OP, op, pos, end, op))
        elif kind == "number":
            digits = found.group()
            append(Token(NUMBER, digits, pos, end, Decimal(digits)))
        else:
            value, end = _read_string(text, pos)
            append(Token(STRING, text[pos:end], pos, end, value))
        pos = end
    append(Token(END, "", length, length, None))
    return tokens
