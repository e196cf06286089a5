"""Defence in depth: find anything that looks like a 個人番号 in a payload, by key or by value."""
from __future__ import annotations

import re
from typing import Any

# Keys are compared after lower-casing and turning spaces and hyphens into underscores.
_KEY_MARKERS = ("my_number", "mynumber", "個人番号", "kojin_bango", "kojinbango")
_TO_ASCII = str.maketrans("０１２３４５６７８９", "0123456789")
_TWELVE = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\uff0d\u30fc]")
# For messages: 12 or more digits, optionally grouped by single spaces or hyphens.
_DIGIT_RUN = re.compile(r"[0-9０-９](?:[ \-]?[0-9０-９]){11,}")


def is_my_number_key(key: str) -> bool:
    """True when a key names a 個人番号 (my_number, myNumber, 個人番号 …)."""
    folded = key.lower().replace("-", "_").replace(" ", "_")
    return any(marker in folded for marker in _KEY_MARKERS)


def looks_like_my_number(value: Any) -> bool:
    """True for a 12-digit value: a 12-digit run in text, 12 digits with separators, or a 12-digit integer."""
    if isinstance(value, bool):
        return False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return 10**11 <= abs(value) < 10**12
    if not isinstance(value, str):
        return False
    text = value.translate(_TO_ASCII)
    if _TWELVE.search(text):
        return True
    compact = _SEPARATORS.sub("", text)
    # Check digits are not verified on purpose: a mistyped number is still personal data.
    return len(compact) == 12 and compact.isascii() and compact.isdigit()


def find_my_number(obj: Any, path: str = "") -> str | None:
    """The dotted path of the first key or value that looks like a 個人番号, or None."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            if looks_like_my_number(str(key)):
                return f"{path}.[redacted]" if path else "[redacted]"
            where = f"{path}.{key}" if path else str(key)
            if is_my_number_key(str(key)):
                return where
            found = find_my_number(value, where)
            if found:
                return found
        return None
    if isinstance(obj, (list, tuple)):
        for index, value in enumerate(obj):
            found = find_my_number(value, f"{path}[{index}]")
            if found:
                return found
        return None
    return (path or "value") if looks_like_my_number(obj) else None


def redact(text: str) -> str:
    """`text` with every run of 12 or more digits replaced, for messages that end up in logs and incidents."""
    return _DIGIT_RUN.sub("[redacted]", text)
