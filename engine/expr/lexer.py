"""Tokenizer for the JUEL subset found between ``${`` / ``#{`` and ``}``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .errors import failure_at

TokenKind = Literal["num", "str", "name", "op", "const", "end"]

# Keyword spellings mapped onto the canonical operator each one stands for.
KEYWORD_OPERATORS: dict[str, str] = {
    "and": "and", "or": "or", "not": "not", "empty": "empty",
    "eq": "==", "ne": "!=", "lt": "<", "gt": ">", "le": "<=", "ge": ">=",
    "div": "/", "mod": "%", "instanceof": "instanceof",
}
CONSTANTS: dict[str, Any] = {"true": True, "false": False, "null": None}

SYMBOL_OPERATORS: dict[str, str] = {
    "&&": "and", "||": "or", "==": "==", "!=": "!=", "<=": "<=", ">=": ">=",
    "<": "<", ">": ">", "!": "not", "+": "+", "-": "-", "*": "*", "/": "/",
    "%": "%", "?": "?", ":": ":", ".": ".", "[": "[", "]": "]", "(": "(",
    ")": ")", ",": ",",
}
ESCAPES: dict[str, str] = {
    "\\": "\\", "'": "'", '"': '"', "n": "\n", "t": "\t", "r": "\r",
    "$": "$", "#": "#",
}


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical token; ``pos`` is a 0-based offset into the whole text."""

    kind: TokenKind
    value: Any
    pos: int
    text: str

    def describe(self) -> str:
        """Name the token for an error message."""
        if self.kind == "end":
            return "end of expression"
        return f"token '{self.text}'"


def is_name_start(char: str) -> bool:
    """True for a character that may start an identifier (Unicode XID_Start or '_')."""
    return char.isidentifier()


def is_name_part(char: str) -> bool:
    """True for a character that may continue an identifier (Unicode XID_Continue)."""
    return ("a" + char).isidentifier()


def _is_digit(char: str) -> bool:
    return "0" <= char <= "9"


def tokenize(text: str, start: int) -> tuple[list[Token], int]:
    """Tokenize ``text`` from ``start`` up to the closing '}'; return tokens and the index after it."""
    tokens: list[Token] = []
    i, n = start, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char == "}":
            tokens.append(Token("end", None, i, "}"))
            return tokens, i + 1
        elif _is_digit(char) or (char == "." and i + 1 < n and _is_digit(text[i + 1])):
            token = _number(text, i)
            tokens.append(token)
            i += len(token.text)
        elif char in "'\"":
            token = _string(text, i)
            tokens.append(token)
            i += len(token.text)
        elif is_name_start(char):
            j = i + 1
            while j < n and is_name_part(text[j]):
                j += 1
            word = text[i:j]
            if word in CONSTANTS:
                tokens.append(Token("const", CONSTANTS[word], i, word))
            elif word in KEYWORD_OPERATORS:
                tokens.append(Token("op", KEYWORD_OPERATORS[word], i, word))
            else:
                tokens.append(Token("name", word, i, word))
            i = j
        else:
            pair = text[i:i + 2]
            if pair in SYMBOL_OPERATORS:
                tokens.append(Token("op", SYMBOL_OPERATORS[pair], i, pair))
                i += 2
            elif char in SYMBOL_OPERATORS:
                tokens.append(Token("op", SYMBOL_OPERATORS[char], i, char))
                i += 1
            elif char == "=":
                raise failure_at("a single '=' is not an operator (use '==' to compare)", text, i)
            else:
                raise failure_at(f"unexpected character '{char}'", text, i)
    raise failure_at("missing '}' to close the expression", text, start - 2)


def _number(text: str, i: int) -> Token:
    """Read an integer or decimal literal (with optional exponent) starting at ``i``."""
    j, n = i, len(text)
    while j < n and _is_digit(text[j]):
        j += 1
    is_float = False
    if j < n and text[j] == "." and not (j + 1 < n and text[j + 1] == "."):
        is_float = True
        j += 1
        while j < n and _is_digit(text[j]):
            j += 1
    if j < n and text[j] in "eE":
        k = j + 1
        if k < n and text[k] in "+-":
            k += 1
        if k < n and _is_digit(text[k]):
            is_float = True
            j = k
            while j < n and _is_digit(text[j]):
                j += 1
    if j < n and is_name_part(text[j]):
        raise failure_at(f"malformed number '{text[i:j + 1]}'", text, i)
    literal = text[i:j]
    try:
        return Token("num", float(literal) if is_float else int(literal), i, literal)
    except ValueError:
        # Python refuses int() of more than 4300 digits; no business value needs that.
        raise failure_at(f"number '{literal[:20]}...' is too long", text, i) from None


def _string(text: str, i: int) -> Token:
    """Read a quoted string literal with backslash escapes starting at ``i``."""
    quote, j, n = text[i], i + 1, len(text)
    chars: list[str] = []
    while j < n:
        char = text[j]
        if char == quote:
            return Token("str", "".join(chars), i, text[i:j + 1])
        if char == "\\":
            if j + 1 >= n:
                break
            escaped = text[j + 1]
            if escaped == "u":
                digits = text[j + 2:j + 6]
                if len(digits) != 4 or any(c not in "0123456789abcdefABCDEF" for c in digits):
                    raise failure_at("invalid \\u escape in string", text, j)
                chars.append(chr(int(digits, 16)))
                j += 6
                continue
            if escaped not in ESCAPES:
                raise failure_at(f"unknown escape '\\{escaped}' in string", text, j)
            chars.append(ESCAPES[escaped])
            j += 2
            continue
        chars.append(char)
        j += 1
    raise failure_at("unterminated string", text, i)
