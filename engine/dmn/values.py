"""FEEL value semantics on Python values: equality, ordering and arithmetic.

Comparisons are three-valued: True, False, or None when FEEL would yield null
(a None operand in an ordering, or operands of incomparable types such as a
string and a number).  Callers treat None as "does not match".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

Number = int | float | Decimal


def is_number(value: Any) -> bool:
    """Tell whether a value is a FEEL number (bool is not one)."""
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _coerce_numbers(a: Number, b: Number) -> tuple[Number, Number]:
    """Bring a float and a Decimal to Decimal, using the float's shortest repr."""
    # repr() gives the digits a person typed (0.1, not 0.1000000000000000055...).
    if isinstance(a, Decimal) and isinstance(b, float):
        return a, Decimal(repr(b))
    if isinstance(a, float) and isinstance(b, Decimal):
        return Decimal(repr(a)), b
    return a, b


def _as_date(value: Any) -> datetime.date | None:
    """Return a date for a date, a datetime (its calendar day) or an ISO date string."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _comparable_pair(a: Any, b: Any) -> tuple[Any, Any] | None:
    """Return both operands in one comparable form, or None if FEEL cannot compare them."""
    if is_number(a) and is_number(b):
        return _coerce_numbers(a, b)
    if isinstance(a, str) and isinstance(b, str):
        return a, b
    if isinstance(a, bool) and isinstance(b, bool):
        return a, b
    if isinstance(a, datetime.datetime) and isinstance(b, datetime.datetime):
        return a, b
    if isinstance(a, datetime.date) or isinstance(b, datetime.date):
        da, db = _as_date(a), _as_date(b)
        return (da, db) if da is not None and db is not None else None
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return list(a), list(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a, b
    return None


def feel_equal(a: Any, b: Any) -> bool | None:
    """FEEL '=': None equals only None; incomparable types give None."""
    if a is None or b is None:
        return a is None and b is None
    pair = _comparable_pair(a, b)
    if pair is None:
        return None
    try:
        return bool(pair[0] == pair[1])
    except (TypeError, InvalidOperation):
        return None


def feel_compare(a: Any, b: Any) -> int | None:
    """FEEL ordering: -1, 0 or 1, or None when the operands have no order."""
    if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
        return None
    pair = _comparable_pair(a, b)
    if pair is None or isinstance(pair[0], (list, dict)):
        return None
    left, right = pair
    try:
        return (left > right) - (left < right)
    except (TypeError, InvalidOperation):
        return None


def _numeric(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """Wrap a numeric operator with FEEL null propagation and number coercion."""

    def apply(a: Any, b: Any) -> Any:
        if not (is_number(a) and is_number(b)):
            return None
        left, right = _coerce_numbers(a, b)
        try:
            return op(left, right)
        except ArithmeticError:
            return None

    return apply


def _divide(a: Number, b: Number) -> Number | None:
    """Divide, keeping exact integer quotients as int and giving None for division by zero."""
    if b == 0:
        return None
    if isinstance(a, int) and isinstance(b, int) and a % b == 0:
        return a // b
    return a / b


def feel_add(a: Any, b: Any) -> Any:
    """FEEL '+': numbers add, strings concatenate, anything else is null."""
    if isinstance(a, str) and isinstance(b, str):
        return a + b
    return _add(a, b)


_add = _numeric(lambda a, b: a + b)
feel_subtract = _numeric(lambda a, b: a - b)
feel_multiply = _numeric(lambda a, b: a * b)
feel_divide = _numeric(_divide)


def feel_negate(value: Any) -> Any:
    """FEEL unary minus; null for anything but a number."""
    return -value if is_number(value) else None


def describe(value: Any) -> str:
    """Render a value for an error message the way FEEL would write it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, datetime.date):
        return f'date("{value.isoformat()}")'
    return str(value)
