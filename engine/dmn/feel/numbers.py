"""FEEL numbers: Decimals in one context (DMN 1.5 §10.3.2.3: IEEE 754-2008 decimal128, 34 digits, half-even).

Public: DECIMAL, to_decimal(x), is_number(v), number_text(d), finite(d), integral(d).

Every FEEL number is a finite `decimal.Decimal`. NaN and the infinities are not FEEL numbers: to_decimal()
refuses them (ValueError) and callers turn such a result into an error and null. DECIMAL traps
InvalidOperation, DivisionByZero and Overflow, so that arithmetic done under `decimal.localcontext(DECIMAL)`
raises instead of giving NaN/Infinity; the caller catches `decimal.DecimalException` and reports an error.
"""
from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any

DECIMAL = decimal.Context(
    prec=34,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-6143,
    Emax=6144,
    capitals=1,
    clamp=1,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)


def is_number(value: Any) -> bool:
    """Tell whether a value is a FEEL number: a finite Decimal (never a bool, int or float)."""
    return isinstance(value, Decimal) and value.is_finite()


def finite(value: Decimal) -> bool:
    """Tell whether a Decimal is a FEEL number (not NaN, not an infinity)."""
    return value.is_finite()


def integral(value: Decimal) -> bool:
    """Tell whether a finite Decimal has no fractional part (2, 2.0, 2E+3)."""
    return value.is_finite() and value == value.to_integral_value()


def to_decimal(value: Any) -> Decimal:
    """A FEEL number from an int, float (by its shortest repr: 0.1 is 0.1), numeric str or Decimal,
    rounded to 34 digits. Raises ValueError for a bool, NaN, an infinity, or text that is no number."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except decimal.InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
    else:
        raise ValueError(f"a {type(value).__name__} is not a number")
    if not result.is_finite():
        raise ValueError("NaN and infinities are not FEEL numbers")
    try:
        return DECIMAL.plus(result) if len(result.as_tuple().digits) > 34 else result
    except decimal.DecimalException:
        raise ValueError("the number is out of range") from None


def number_text(value: Decimal) -> str:
    """FEEL's `string()` of a number: plain digits, never an exponent, no trailing fractional zeros
    (`string(1.10)` is "1.1", `string(1e3)` is "1000", `string(-0)` is "0")."""
    if value.is_zero():
        return "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
