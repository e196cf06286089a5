"""Conversion of input and output values by a clause's typeRef, as Camunda 7 does."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .values import describe, is_number


class ConversionError(ValueError):
    """A value that cannot be converted to the clause's typeRef."""


_INTEGER_TEXT = re.compile(r"[+-]?\d+")


def _to_string(value: Any) -> str:
    """Convert str, number, boolean or date to a string."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise ConversionError


def _to_integer(value: Any) -> int:
    """Convert a whole number or a string of digits to int."""
    if isinstance(value, bool):
        raise ConversionError
    if isinstance(value, int):
        return value
    if isinstance(value, (float, Decimal)):
        try:
            whole = int(value)
        except (OverflowError, ValueError):
            raise ConversionError from None
        if whole == value:
            return whole
    if isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
        return int(value.strip())
    raise ConversionError


def _to_double(value: Any) -> float:
    """Convert a number or a numeric string to float."""
    if is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise ConversionError from None
    raise ConversionError


def _to_number(value: Any) -> int | float | Decimal:
    """Keep a number as it is; parse a numeric string to int or float."""
    if is_number(value):
        return value
    if isinstance(value, str):
        return _to_integer(value) if _INTEGER_TEXT.fullmatch(value.strip()) else _to_double(value)
    raise ConversionError


def _to_boolean(value: Any) -> bool:
    """Convert a bool or the strings "true"/"false"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip() in ("true", "false"):
        return value.strip() == "true"
    raise ConversionError


def _to_date(value: Any) -> datetime.date:
    """Convert a date, a datetime (its calendar day) or an ISO date/date-time string."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return datetime.date.fromisoformat(text[:10] if "T" in text else text)
        except ValueError:
            raise ConversionError from None
    raise ConversionError


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "string": _to_string,
    "integer": _to_integer,
    "long": _to_integer,
    "double": _to_double,
    "number": _to_number,
    "boolean": _to_boolean,
    "date": _to_date,
}


def normalize_type_ref(type_ref: str | None) -> str | None:
    """Return the canonical typeRef name, None for no conversion; raise ValueError if unknown."""
    if type_ref is None:
        return None
    name = type_ref.strip()
    name = name[5:] if name.lower().startswith("feel:") else name
    if not name or name.lower() == "any":
        return None
    if name.lower() not in _CONVERTERS:
        raise ValueError(f"typeRef '{type_ref}' is not supported")
    return name.lower()


def convert(value: Any, type_ref: str | None) -> Any:
    """Convert a value to a normalized typeRef; None always stays None."""
    if value is None or type_ref is None:
        return value
    try:
        return _CONVERTERS[type_ref](value)
    except ConversionError:
        raise ConversionError(f"value {describe(value)} cannot be converted to {type_ref}") from None
