"""The shape of a synced record, shared by the client side and the simulator: kinds, tenants, ids, dates."""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from .errors import InvalidField
from .guard import looks_like_my_number

KINDS = ("applicant", "passer")
SYNC_OUTCOMES = frozenset({"created", "updated", "unchanged"})
REVOKE_OUTCOMES = frozenset({"revoked", "unchanged"})
DELETE_OUTCOMES = frozenset({"deleted", "unchanged"})
# 都道府県コード 01–47: one tenant per prefecture.
TENANTS = frozenset(f"{n:02d}" for n in range(1, 48))
_RECORD_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,127}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_TEXT = 500


def check_kind(value: Any, field: str = "kind") -> str:
    """'applicant' or 'passer'."""
    if value not in KINDS:
        raise InvalidField(field, "must be 'applicant' or 'passer'")
    return str(value)


def check_tenant(value: Any, field: str = "tenant") -> str:
    """A 都道府県コード, two digits from 01 to 47."""
    if not isinstance(value, str) or value not in TENANTS:
        raise InvalidField(field, "must be a prefecture code from '01' to '47'")
    return value


def check_version(value: Any, field: str = "version") -> int:
    """A record version: an integer of at least 1 (not a boolean)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidField(field, "must be an integer of at least 1")
    return value


def check_int(value: Any, field: str, low: int, high: int) -> int:
    """An integer in [low, high] (not a boolean)."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidField(field, f"must be an integer from {low} to {high}")
    return value


def check_seconds(value: Any, field: str, high: float) -> float:
    """A number of seconds in [0, high]."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= high:
        raise InvalidField(field, f"must be a number of seconds from 0 to {high:g}")
    return float(value)


def check_record_id(value: Any, field: str = "record_id") -> str:
    """A record id: ASCII letters, digits, '.', '_' and '-', at most 128 characters, never a 個人番号."""
    if not isinstance(value, str) or not _RECORD_ID.fullmatch(value):
        raise InvalidField(field, "must be 1–128 ASCII letters, digits, '.', '_' or '-'")
    if looks_like_my_number(value):
        raise InvalidField(field, "must not contain a 12-digit number (a 個人番号 is never an id here)")
    return value


def check_date(value: Any, field: str = "date") -> str:
    """A calendar date written YYYY-MM-DD; a date object is accepted and written so."""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise InvalidField(field, "must be a date written YYYY-MM-DD")


def check_text(value: Any, field: str, max_length: int = MAX_TEXT) -> str:
    """Non-blank text of at most `max_length` characters."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidField(field, "is required")
    if len(value) > max_length:
        raise InvalidField(field, f"must be at most {max_length} characters")
    return value


def check_fields(body: dict[str, Any], allowed: frozenset[str]) -> None:
    """Refuse keys outside `allowed`, naming the first one in sorted order."""
    unknown = sorted(str(key) for key in body if key not in allowed)
    if unknown:
        raise InvalidField(unknown[0], "is not a field of this request")
