"""JUEL-style coercions and operators on plain Python values."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .errors import EvaluationFailure

Number = int | float | Decimal

_INT_TEXT = re.compile(r"[+-]?[0-9]+")
_FLOAT_TEXT = re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?")


def is_number(value: object) -> bool:
    """True for int, float and Decimal, but not bool."""
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def describe(value: object) -> str:
    """Describe a value for an error message without calling its own repr."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if is_number(value):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string '{shown}'"
    if isinstance(value, datetime):
        return f"the date-time {value.isoformat()}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, dict):
        return "a map"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"a value of type {type(value).__name__}"


def to_text(value: object) -> str:
    """Convert a value to text the way JUEL does (null -> '', booleans lower-case)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_bool(value: object) -> bool:
    """Coerce to boolean: null and '' are false, 'true'/'false' strings are accepted."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("", "false"):
            return False
        if lowered == "true":
            return True
    raise EvaluationFailure(f"cannot use {describe(value)} as a boolean")


def to_number(value: object) -> Number:
    """Coerce to a number: numbers pass through, numeric strings are parsed."""
    if is_number(value):
        return value  # type: ignore[return-value]
    if isinstance(value, str):
        text = value.strip()
        if _INT_TEXT.fullmatch(text):
            return int(text)
        if _FLOAT_TEXT.fullmatch(text):
            return float(text)
    raise EvaluationFailure(f"cannot use {describe(value)} as a number")


def is_empty(value: object) -> bool:
    """JUEL ``empty``: null, '' and empty collections are empty."""
    if value is None:
        return True
    if isinstance(value, (str, list, tuple, dict, set, frozenset)):
        return len(value) == 0
    return False


def _unify(left: Number, right: Number) -> tuple[Number, Number]:
    """Make Decimal and float operands compatible (Python refuses to mix them)."""
    if isinstance(left, Decimal) and isinstance(right, float):
        return float(left), right
    if isinstance(left, float) and isinstance(right, Decimal):
        return left, float(right)
    return left, right


def equals(left: object, right: object) -> bool:
    """JUEL ``==``: numeric, then boolean, then string coercion, else plain equality."""
    if left is None or right is None:
        return left is None and right is None
    if is_number(left) or is_number(right):
        a, b = _unify(to_number(left), to_number(right))
        return a == b
    if isinstance(left, bool) or isinstance(right, bool):
        return to_bool(left) == to_bool(right)
    if isinstance(left, str) or isinstance(right, str):
        return to_text(left) == to_text(right)
    return left == right


def compare(op: str, left: object, right: object) -> bool:
    """JUEL ``<``, ``>``, ``<=``, ``>=`` on numbers, strings, dates or date-times."""
    a: Any
    b: Any
    if left is None or right is None:
        raise EvaluationFailure(f"cannot compare {describe(left)} with {describe(right)} using '{op}'")
    if is_number(left) or is_number(right):
        a, b = _unify(to_number(left), to_number(right))
    elif isinstance(left, str) and isinstance(right, str):
        a, b = left, right
    elif isinstance(left, datetime) and isinstance(right, datetime):
        if (left.tzinfo is None) != (right.tzinfo is None):
            raise EvaluationFailure("cannot compare a naive date-time with a timezone-aware one")
        a, b = left, right
    elif (isinstance(left, date) and isinstance(right, date)
          and not isinstance(left, datetime) and not isinstance(right, datetime)):
        a, b = left, right
    else:
        raise EvaluationFailure(f"cannot compare {describe(left)} with {describe(right)} using '{op}'")
    if op == "<":
        return bool(a < b)
    if op == ">":
        return bool(a > b)
    if op == "<=":
        return bool(a <= b)
    return bool(a >= b)


def arithmetic(op: str, left: object, right: object) -> Number:
    """JUEL ``+ - * / %``: numeric only, with numeric strings coerced."""
    a, b = _unify(to_number(left), to_number(right))
    if op == "+":
        return a + b  # type: ignore[operator]
    if op == "-":
        return a - b  # type: ignore[operator]
    if op == "*":
        return a * b  # type: ignore[operator]
    if b == 0:
        raise EvaluationFailure(f"division by zero ({describe(left)} {op} {describe(right)})")
    if op == "/":
        return a / b  # type: ignore[operator]
    # '%' follows Java: the remainder takes the sign of the dividend.
    if isinstance(a, int) and isinstance(b, int):
        remainder = abs(a) % abs(b)
        return -remainder if a < 0 else remainder
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return a % b  # type: ignore[operator]
    return math.fmod(a, b)  # type: ignore[arg-type]


def negate(value: object) -> Number:
    """Unary minus on a number or numeric string."""
    return -to_number(value)
