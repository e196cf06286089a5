"""Defence in depth: a notice context may never carry a 個人番号, by key or by value."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .errors import PersonalNumberRefused

# Key fragments after case-folding and dropping separators: my_number, MyNumber, 個人番号, マイナンバー, kojin-bango.
_KEY_MARKS = ("mynumber", "個人番号", "マイナンバー", "kojinbango")
_KEY_DROP = str.maketrans("", "", "_- \u3000.")
_TO_ASCII = str.maketrans("０１２３４５６７８９", "0123456789")
# Twelve digits, bare or printed 4-4-4 as on the card, not part of a longer code (so a UUID's last group passes).
_TWELVE = re.compile(r"(?<![0-9A-Za-z-])\d{4}[ \u3000-]?\d{4}[ \u3000-]?\d{4}(?![0-9A-Za-z-])")


def _refused_key(key: object) -> bool:
    """Whether a key names a 個人番号, however it is spelled."""
    text = str(key).casefold().translate(_KEY_DROP)
    return any(mark in text for mark in _KEY_MARKS)


def _looks_like_my_number(value: object) -> bool:
    """Whether a scalar holds twelve digits the way a 個人番号 is written."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return len(str(abs(value))) == 12
    if isinstance(value, str):
        return _TWELVE.search(value.translate(_TO_ASCII)) is not None
    return False


def refuse_my_number(context: Mapping[str, Any]) -> None:
    """PersonalNumberRefused if any key (at any depth) names a 個人番号 or any value holds 12 digits."""
    stack: list[tuple[str, object]] = [("", context)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, Mapping):
            for key, item in value.items():
                where = f"{path}.{key}" if path else str(key)
                if _refused_key(key):
                    raise PersonalNumberRefused(f"notice field {where!r} names a 個人番号; notices never carry one")
                stack.append((where, item))
        elif isinstance(value, (list, tuple, set, frozenset)):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))
        elif _looks_like_my_number(value):
            # The message names the field, never the value: it ends up in logs and incidents.
            raise PersonalNumberRefused(f"notice field {path!r} holds a 12-digit number; notices never carry "
                                        "a 個人番号")
