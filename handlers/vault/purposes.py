"""The purpose limit: what the number may be used for (DOMAIN.md, 個人番号 rules)."""
from __future__ import annotations

IDENTITY_CHECK = "identity_check"  # 本人確認 / 住基ネット照会
REGISTRATION = "registration"
CHANGE = "change"
DELETION = "deletion"

ALLOWED_PURPOSES: frozenset[str] = frozenset({IDENTITY_CHECK, REGISTRATION, CHANGE, DELETION})


def is_allowed(purpose: str) -> bool:
    """True when `purpose` is exactly one of the allowed purposes."""
    return isinstance(purpose, str) and purpose in ALLOWED_PURPOSES
