"""Tokenizer for the FEEL subset used in decision table cells."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .errors import FeelSyntaxError


class Kind(Enum):
    """Token kinds of the FEEL subset."""

    NUMBER = "number"
    STRING = "string"
    NAME = "name"
    OP = "operator"
    END = "end of text"


@dataclass(frozen=True)
class Token:
    """One token with its start offset in the cell text."""

    kind: Kind
    text: str
    pos: int
    value: str | int | float | None = None


# Longest operators first so "<=" wins over "<" and ".." over ".".
_OPERATORS = ("..", "<=", ">=", "!=", "<", ">", "=", "+", "-", "*", "/", "(", ")", "[", "]", ",", ".")
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r", "'": "'"}


def _is_name_start(char: str) -> bool:
    """Tell whether a character may start a FEEL name (letters of any script, or _)."""
    return char.isalpha() or char == "_"


def _is_name_part(char: str) -> bool:
    """Tell whether a character may continue a FEEL name."""
    return char.isalnum() or char == "_"


def _read_string(text: str, start: int) -> tuple[str, int]:
    """Read a double-quoted string literal starting at start; return value and end offset."""
    chars: list[str] = []
    pos = start + 1
    while pos < len(text):
        char = text[pos]
        if char == '"':
            return "".join(chars), pos + 1
        if char == "\\":
            escape = text[pos + 1 : pos + 2]
            if escape == "u" and len(text) >= pos + 6:
                try:
                    chars.append(chr(int(text[pos + 2 : pos + 6], 16)))
                except ValueError:
                    raise FeelSyntaxError(f"invalid \\u escape at column {pos + 1}") from None
                pos += 6
                continue
            if escape not in _ESCAPES:
                raise FeelSyntaxError(f"invalid escape '\\{escape}' at column {pos + 1}")
            chars.append(_ESCAPES[escape])
            pos += 2
            continue
        chars.append(char)
        pos += 1
    raise FeelSyntaxError(f"the string starting at column {start + 1} is not closed")


def _is_digit(char: str) -> bool:
    """Tell whether a character is an ASCII digit."""
    return "0" <= char <= "9"


def _read_number(text: str, start: int) -> tuple[int | float, int]:
    """Read digits with an optional fraction; a '..' after the digits is a range, not a fraction."""
    pos = start
    while pos < len(text) and _is_digit(text[pos]):
        pos += 1
    is_float = False
    if pos + 1 < len(text) and text[pos] == "." and _is_digit(text[pos + 1]):
        is_float = True
        pos += 1
        while pos < len(text) and _is_digit(text[pos]):
            pos += 1
    literal = text[start:pos]
    return (float(literal) if is_float else int(literal)), pos


def tokenize(text: str) -> list[Token]:
    """Split cell text into tokens, ending with an END token."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char.isspace():
            pos += 1
        elif char == '"':
            value, end = _read_string(text, pos)
            tokens.append(Token(Kind.STRING, text[pos:end], pos, value))
            pos = end
        elif _is_digit(char):
            number, end = _read_number(text, pos)
            tokens.append(Token(Kind.NUMBER, text[pos:end], pos, number))
            pos = end
        elif _is_name_start(char):
            end = pos + 1
            while end < len(text) and _is_name_part(text[end]):
                end += 1
            tokens.append(Token(Kind.NAME, text[pos:end], pos, text[pos:end]))
            pos = end
        else:
            operator = next((op for op in _OPERATORS if text.startswith(op, pos)), None)
            if operator is None:
                raise FeelSyntaxError(f"unexpected character {char!r} at column {pos + 1}")
            tokens.append(Token(Kind.OP, operator, pos))
            pos += len(operator)
    tokens.append(Token(Kind.END, "", len(text)))
    return tokens
