"""Keep 個人番号 out of messages: show only the last four digits."""
from __future__ import annotations

import re

# Any run of exactly 12 digits looks like a 個人番号; scrub it from text that may be logged.
_TWELVE_DIGITS = re.compile(r"(?<!\d)\d{8}(\d{4})(?!\d)")


def mask_number(my_number: str) -> str:
    """`123456789018` -> `********9018`; anything shorter than five characters is fully masked."""
    if len(my_number) <= 4:
        return "*" * len(my_number)
    return "*" * (len(my_number) - 4) + my_number[-4:]


def scrub(text: str, my_number: str | None = None) -> str:
    """`text` with the given number and every 12-digit run masked."""
    if my_number and len(my_number) > 4:
        text = text.replace(my_number, mask_number(my_number))
    return _TWELVE_DIGITS.sub(lambda m: "********" + m.group(1), text)
