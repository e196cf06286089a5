"""Keeping the number out of text: masks for display and scrubbing of free-text fields."""
from __future__ import annotations

import re

from .check_digit import validate_my_number

# Twelve or more digits, in any script, with spaces or hyphens between them.
_NUMBER_LIKE = re.compile(r"\d(?:[\s\-\u2010-\u2015\u2212\uff0d\u30fc]*\d){11,}")


def mask(number: str) -> str:
    """'********9018': the last four digits only."""
    digits = validate_my_number(number)
    return "*" * (len(digits) - 4) + digits[-4:]


def scrub(text: str, limit: int) -> str:
    """`text` with anything number-like replaced, cut to `limit` characters, for log columns."""
    # Actor, purpose and reason are caller-supplied; a number pasted into them must not reach the log.
    return _NUMBER_LIKE.sub("[redacted]", text)[:limit]
