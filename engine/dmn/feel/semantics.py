"""FEEL value semantics on the values of values.py: equality, ordering, arithmetic, `string()`, host conversion.

Public: equal(a, b), compare(a, b), add(ctx, a, b), subtract(ctx, a, b), multiply(ctx, a, b),
divide(ctx, a, b), power(ctx, a, b), negate(ctx, v), to_string(v), type_name(v), from_host(v), to_host(v).

- equal: FEEL `=`. null = null is true, null = anything else false; values of different types (a number and
  a string, a date and a date and time, a list and a number) give None (FEEL null: the TCK wants an error
  there); lists equal element-wise, contexts entry-wise regardless of order, ranges by endpoints and
  inclusivity, functions by identity.
- compare: −1/0/1 for two numbers, strings, dates, times, date-times or durations of one kind; None otherwise
  (null operands, booleans, lists, a local against a zoned date-time …).
- Arithmetic: any null operand gives null silently; operands no rule takes give null and `ctx.error(…)`;
  numbers are computed in numbers.DECIMAL (an overflow, a division by zero, 0 ** -1, (-8) ** 0.5 become
  errors); `+` concatenates two strings; temporal rules are in temporal_arith.py.
"""
from __future__ import annotations

import datetime as _dt
import decimal
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from . import temporal_arith
from .numbers import DECIMAL, number_text, to_decimal
from .temporal import BigDate, BigDateTime, is_date, is_date_time, is_duration, is_time, text_of
from .values import DayTimeDuration, FeelFunction, Range, YearMonthDuration


def _is_num(v: Any) -> bool:
    return isinstance(v, Decimal) and v.is_finite()


def type_name(v: Any) -> str:
    """The FEEL type name of a value, for messages (`number`, `date and time`, `list`, `null` …)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, Decimal):
        return "number"
    if isinstance(v, str):
        return "string"
    if is_date_time(v):
        return "date and time"
    if is_date(v):
        return "date"
    if is_time(v):
        return "time"
    if isinstance(v, DayTimeDuration):
        return "days and time duration"
    if isinstance(v, YearMonthDuration):
        return "years and months duration"
    if isinstance(v, list):
        return "list"
    if isinstance(v, dict):
        return "context"
    if isinstance(v, Range):
        return "range"
    if isinstance(v, FeelFunction):
        return "function"
    return type(v).__name__


# --- equality and ordering -----------------------------------------------------------------------------------

def _seq_equal(pairs: Any) -> bool | None:
    """All pairs equal: False if one pair is unequal, None if one is incomparable and none unequal."""
    result: bool | None = True
    for x, y in pairs:
        e = equal(x, y)
        if e is False:
            return False
        if e is None:
            result = None
    return result


def equal(a: Any, b: Any) -> bool | None:
    """FEEL `a = b`: True, False, or None when the two cannot be compared."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b if isinstance(a, bool) and isinstance(b, bool) else None
    if _is_num(a) and _is_num(b):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return False if len(a) != len(b) else _seq_equal(zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return False
        return _seq_equal((a[k], b[k]) for k in a)
    if isinstance(a, Range) and isinstance(b, Range):
        if (a.start_included, a.end_included, a.start_unbounded, a.end_unbounded, a.operator) != \
                (b.start_included, b.end_included, b.start_unbounded, b.end_unbounded, b.operator):
            return False
        return _seq_equal(((a.start, b.start), (a.end, b.end)))
    if isinstance(a, FeelFunction) and isinstance(b, FeelFunction):
        return a is b
    if type_name(a) != type_name(b):
        return None
    return temporal_arith.equal(a, b)


def compare(a: Any, b: Any) -> int | None:
    """The order of a and b (−1, 0, 1), or None if FEEL does not order them."""
    if _is_num(a) and _is_num(b):
        return (a > b) - (a < b)
    if isinstance(a, str) and isinstance(b, str):
        return (a > b) - (a < b)
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return None
    return temporal_arith.compare(a, b)


# --- arithmetic -----------------------------------------------------------------------------------------------

def _numeric(ctx: Any, op: str, fn: Any, a: Decimal, b: Decimal) -> Decimal | None:
    try:
        with decimal.localcontext(DECIMAL):
            r = fn(a, b)
    except decimal.DivisionByZero:
        ctx.error(f"Division by zero in {number_text(a)} {op} {number_text(b)}.")
        return None
    except decimal.DecimalException:
        ctx.error(f"{number_text(a)} {op} {number_text(b)} is not a number FEEL can represent.")
        return None
    if not r.is_finite():
        ctx.error(f"{number_text(a)} {op} {number_text(b)} is not a number FEEL can represent.")
        return None
    return r


def _mismatch(ctx: Any, verb: str, a: Any, b: Any) -> None:
    ctx.error(f"Cannot {verb} {type_name(a)} and {type_name(b)}.")
    return None


def _temporal(ctx: Any, verb: str, fn: Any, a: Any, b: Any) -> Any:
    try:
        r = fn(a, b)
    except ValueError as e:
        ctx.error(str(e))
        return None
    except (OverflowError, ArithmeticError):
        ctx.error(f"The result of the {verb} is out of range.")
        return None
    if r is NotImplemented:
        return _mismatch(ctx, verb, a, b)
    return r


def add(ctx: Any, a: Any, b: Any) -> Any:
    """FEEL `a + b`."""
    if a is None or b is None:
        return None
    if _is_num(a) and _is_num(b):
        return _numeric(ctx, "+", lambda x, y: x + y, a, b)
    if isinstance(a, str) and isinstance(b, str):
        return a + b
    return _temporal(ctx, "add", temporal_arith.add, a, b)


def subtract(ctx: Any, a: Any, b: Any) -> Any:
    """FEEL `a - b`."""
    if a is None or b is None:
        return None
    if _is_num(a) and _is_num(b):
        return _numeric(ctx, "-", lambda x, y: x - y, a, b)
    return _temporal(ctx, "subtract", temporal_arith.subtract, a, b)


def multiply(ctx: Any, a: Any, b: Any) -> Any:
    """FEEL `a * b`."""
    if a is None or b is None:
        return None
    if _is_num(a) and _is_num(b):
        return _numeric(ctx, "*", lambda x, y: x * y, a, b)
    return _temporal(ctx, "multiply", temporal_arith.multiply, a, b)


def divide(ctx: Any, a: Any, b: Any) -> Any:
    """FEEL `a / b` (division by zero is an error)."""
    if a is None or b is None:
        return None
    if _is_num(a) and _is_num(b):
        return _numeric(ctx, "/", lambda x, y: x / y, a, b)
    return _temporal(ctx, "divide", temporal_arith.divide, a, b)


def _pow(x: Decimal, y: Decimal) -> Decimal:
    if y == 0:
        return Decimal(1)
    return x ** y


def power(ctx: Any, a: Any, b: Any) -> Any:
    """FEEL `a ** b` on numbers (a non-integer exponent needs a positive base)."""
    if a is None or b is None:
        return None
    if _is_num(a) and _is_num(b):
        return _numeric(ctx, "**", _pow, a, b)
    return _mismatch(ctx, "raise to a power", a, b)


def negate(ctx: Any, v: Any) -> Any:
    """FEEL `-v` on a number or a duration."""
    if v is None:
        return None
    if _is_num(v):
        return -v if v else Decimal(0)
    r = temporal_arith.negate(v)
    if r is NotImplemented:
        ctx.error(f"Cannot negate {type_name(v)}.")
        return None
    return r


# --- string() ---------------------------------------------------------------------------------------------------

def _inner(v: Any) -> str:
    """The text of a value inside a list, context or range: strings quoted."""
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return to_string(v)


def to_string(v: Any) -> str:
    """FEEL's `string()` text of any value: `null`, `true`, `1.5`, `abc`, `2021-01-01`, `P1DT2H`,
    `[1, "a"]`, `{a: 1, b: "x"}`, `[1..10)`, `function`."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        return number_text(v)
    if isinstance(v, str):
        return v
    if is_date(v) or is_time(v) or is_date_time(v) or is_duration(v):
        return text_of(v)
    if isinstance(v, list):
        return "[" + ", ".join(_inner(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_inner(x)}" for k, x in v.items()) + "}"
    if isinstance(v, Range):
        if v.operator:
            return f"{v.operator}{_inner(v.start)}"
        if v.start_unbounded or v.end_unbounded:
            if v.start_unbounded and v.end_unbounded:
                return "[..]"
            if v.start_unbounded:
                return ("<= " if v.end_included else "< ") + _inner(v.end)
            return (">= " if v.start_included else "> ") + _inner(v.start)
        return (("[" if v.start_included else "(") + _inner(v.start) + ".." + _inner(v.end)
                + ("]" if v.end_included else ")"))
    if isinstance(v, FeelFunction):
        return "function"
    return str(v)


# --- host conversion ----------------------------------------------------------------------------------------------

def from_host(v: Any) -> Any:
    """A FEEL value from a Python/JSON value: int/float → Decimal (float by its repr; NaN and ±inf → None),
    bool, str, date/time/datetime kept, timedelta → DayTimeDuration, tuple/list → list, dict → dict (keys as
    str), FEEL values kept. Raises TypeError for anything else."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, (int, float, Decimal)):
        if isinstance(v, float) and not math.isfinite(v):
            return None
        try:
            return to_decimal(v)
        except ValueError:
            return None
    if isinstance(v, _dt.timedelta):
        secs = Decimal(v.days * 86400 + v.seconds) + Decimal(v.microseconds) / Decimal(10**6)
        return DayTimeDuration(secs)
    if isinstance(v, (_dt.date, _dt.time, BigDate, BigDateTime, DayTimeDuration, YearMonthDuration, Range,
                      FeelFunction)):
        return v
    if isinstance(v, (list, tuple)):
        return [from_host(x) for x in v]
    if isinstance(v, Mapping):
        return {str(k): from_host(x) for k, x in v.items()}
    raise TypeError(f"A {type(v).__name__} is not a value FEEL knows.")


_INT64 = 2**63


def to_host(v: Any) -> Any:
    """A plain Python value of a FEEL value, safe for JSON process variables: an integral number within
    64 bits → int, any other number → float (the nearest; FEEL keeps 34 digits, JSON numbers do not);
    durations → ISO 8601 text (`P1DT2H`, `P1Y2M`); dates, times and date-times kept (those outside years
    1..9999 → ISO text); lists and contexts converted inside; a range → its `string()` text; functions kept."""
    if isinstance(v, Decimal):
        if v == v.to_integral_value() and abs(v) < _INT64:
            return int(v)
        return float(v)
    if is_duration(v) or isinstance(v, (BigDate, BigDateTime)):
        return text_of(v)
    if isinstance(v, list):
        return [to_host(x) for x in v]
    if isinstance(v, dict):
        return {k: to_host(x) for k, x in v.items()}
    if isinstance(v, Range):
        return to_string(v)
    return v
