"""Which characters a text field may hold: one rule for every form, the API and account names.

Refused everywhere: control characters (Unicode category Cc: NUL, ESC, DEL, C1 controls…), the
bidirectional controls that reorder what is shown (U+200E/F, U+061C, U+202A–U+202E, U+2066–U+2069)
and lone surrogates (which cannot be stored as UTF-8). A single-line field (a name, an address) also
refuses tab, line breaks and the Unicode line/paragraph separators; a multi-line field (a note, a
textarea) keeps tab, LF and CR.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset("\t\n\r\u2028\u2029")
MULTILINE_KEEPS = frozenset("\t\n\r")
SENTENCE = "must not contain control characters, text-direction controls or lone surrogates"


def bad_character(text: str, multiline: bool = False) -> str | None:
    """The first character of `text` that a field may not hold (None when every character is allowed)."""
    for char in text:
        if char in BIDI_CONTROLS:
            return char
        if char in LINE_BREAKS:
            if multiline and char in MULTILINE_KEEPS:
                continue
            return char
        if unicodedata.category(char) in ("Cc", "Cs"):
            return char
    return None


def is_clean(text: str, multiline: bool = False) -> bool:
    """True when `text` holds no refused character."""
    return bad_character(text, multiline) is None


def check(text: str, what: str = "the text", multiline: bool = False) -> None:
    """Raise ValueError naming the character's code point (never the text) if `text` holds a refused one."""
    char = bad_character(text, multiline)
    if char is not None:
        raise ValueError(f"{what} {SENTENCE} (U+{ord(char):04X})")


def strings_in(value: Any) -> Iterator[tuple[str, str]]:
    """Every string in a JSON value, keys included, with the top-level key it is under ("" at the top).

    Iterative, so a deeply nested document cannot exhaust the stack."""
    stack: list[tuple[str | None, Any]] = [(None, value)]
    while stack:
        top, item = stack.pop()
        if isinstance(item, str):
            yield top or "", item
        elif isinstance(item, dict):
            for key, inner in item.items():
                where = top if top is not None else str(key)
                if isinstance(key, str):
                    yield where, key
                stack.append((where, inner))
        elif isinstance(item, list):
            stack.extend((top, inner) for inner in item)


def first_bad_string(value: Any, multiline: bool = True) -> str | None:
    """The top-level key under which a JSON value holds a refused character (None when it holds none)."""
    for where, text in strings_in(value):
        if not is_clean(text, multiline):
            return where
    return None


def require_clean(text: str, error: Exception, multiline: bool = False) -> None:
    """Raise `error` (the caller's own exception and sentence) if `text` holds a refused character."""
    if not is_clean(text, multiline):
        raise error
