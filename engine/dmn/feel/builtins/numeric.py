"""DMN 1.5 §10.3.4.5 numeric functions: decimal, floor, ceiling, round up/down/half up/half down, abs, modulo,
sqrt, log, exp, odd, even. Every result is a Decimal computed in numbers.DECIMAL (34 digits)."""
from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any

from ..values import DayTimeDuration, FeelFunction, YearMonthDuration
from ._common import builtin, fail, need_int, need_number, overloaded

MIN_SCALE, MAX_SCALE = -6111, 6176


def _scale(value: Any) -> int:
    scale = need_int(value, "scale")
    if not MIN_SCALE <= scale <= MAX_SCALE:
        fail(f"scale must be between {MIN_SCALE} and {MAX_SCALE}, not {scale}")
    return scale


def round_to(n: Decimal, scale: int, rounding: str) -> Decimal:
    """n rounded to `scale` digits after the point (a negative scale rounds to tens, hundreds…)."""
    if n.as_tuple().exponent >= -scale:  # already no more digits than asked: nothing to round
        return n
    return n.quantize(Decimal(1).scaleb(-scale), rounding=rounding)


def _rounder(name: str, rounding: str) -> FeelFunction:
    return builtin(name, "n, scale", lambda ctx, n, scale: round_to(need_number(n, "n"), _scale(scale), rounding))


def _integral(name: str, rounding: str) -> FeelFunction:
    one = builtin(name, "n", lambda ctx, n: need_number(n, "n").to_integral_value(rounding=rounding))
    return overloaded(one, _rounder(name, rounding))


def _abs(ctx, n: Any) -> Any:
    if isinstance(n, Decimal):
        return abs(n)
    if isinstance(n, DayTimeDuration):
        return DayTimeDuration(abs(n.seconds))
    if isinstance(n, YearMonthDuration):
        return YearMonthDuration(abs(n.months))
    need_number(n, "n")


def _modulo(ctx, dividend: Any, divisor: Any) -> Decimal:
    a, b = need_number(dividend, "dividend"), need_number(divisor, "divisor")
    if b.is_zero():
        fail("divisor must not be zero")
    r = a % b  # the sign of the dividend; FEEL's modulo has the sign of the divisor
    if r and (r < 0) != (b < 0):
        r += b
    return r


def _sqrt(ctx, number: Any) -> Decimal:
    n = need_number(number, "number")
    if n < 0:
        fail("number must not be negative")
    return n.sqrt()


def _log(ctx, number: Any) -> Decimal:
    n = need_number(number, "number")
    if n <= 0:
        fail("number must be positive")
    return n.ln()


def _exp(ctx, number: Any) -> Decimal:
    return need_number(number, "number").exp()


def _parity(number: Any) -> int:
    n = need_number(number, "number")
    if n != n.to_integral_value():
        fail("number must be a whole number")
    return int(n % 2)


FUNCTIONS: list[FeelFunction] = [
    _rounder("decimal", decimal.ROUND_HALF_EVEN),
    _integral("floor", decimal.ROUND_FLOOR),
    _integral("ceiling", decimal.ROUND_CEILING),
    _rounder("round up", decimal.ROUND_UP),
    _rounder("round down", decimal.ROUND_DOWN),
    _rounder("round half up", decimal.ROUND_HALF_UP),
    _rounder("round half down", decimal.ROUND_HALF_DOWN),
    builtin("abs", "n", _abs),
    builtin("modulo", "dividend, divisor", _modulo),
    builtin("sqrt", "number", _sqrt),
    builtin("log", "number", _log),
    builtin("exp", "number", _exp),
    builtin("odd", "number", lambda ctx, number: _parity(number) != 0),
    builtin("even", "number", lambda ctx, number: _parity(number) == 0),
]
