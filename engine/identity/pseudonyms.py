"""Pseudonymous IDs (仮名ID) as kentei issues them: `PSN-` and 128 bits written as 32 letters a–p.

Letters, not hex digits: a random hex ID holds a run of twelve or more digits about once in thirty, and
such a run looks like a 個人番号 to every guard that keeps the number out of logs and payloads (the
vault's access-log scrub, the national system's guard), which would redact or refuse the ID itself.
"""
from __future__ import annotations

import re
import secrets

PSEUDONYM = re.compile(r"PSN-[a-p]{32}")
_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")


def from_bits(bits: bytes) -> str:
    """The ID for 16 bytes (random, or the first 128 bits of a keyed digest)."""
    if len(bits) < 16:
        raise ValueError("a pseudonymous ID needs 128 bits")
    return "PSN-" + bits[:16].hex().translate(_LETTERS)


def new() -> str:
    """A new random pseudonymous ID (128 bits from `secrets`)."""
    return from_bits(secrets.token_bytes(16))
