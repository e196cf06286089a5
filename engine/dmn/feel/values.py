"""FEEL's values as Python values: one representation per FEEL type, shared by the whole FEEL engine.

| FEEL type                  | Python                                                                    |
|----------------------------|---------------------------------------------------------------------------|
| null                       | None                                                                      |
| number                     | decimal.Decimal (never int, float or bool; see numbers.py for the context) |
| string                     | str                                                                       |
| boolean                    | bool                                                                      |
| date                       | datetime.date (never a datetime.datetime)                                 |
| time                       | datetime.time; tzinfo None (local), datetime.timezone (offset) or ZoneInfo |
| date and time              | datetime.datetime; tzinfo as for time                                     |
| days and time duration     | DayTimeDuration (exact seconds as a Decimal)                              |
| years and months duration  | YearMonthDuration (whole months)                                          |
| list                       | list (never mutated after it is made)                                     |
| context                    | dict[str, Any] (insertion order is the context's order; never mutated)    |
| range                      | Range                                                                     |
| function                   | FeelFunction                                                              |

Dates, times and date-times outside what Python's classes hold (years beyond 1–9999, nanoseconds) are the
classes of temporal_types.py (NanoTime, NanoDateTime subclass time/datetime; BigDate, BigDateTime stand
alone): build temporal values with temporal.make_date / make_time / make_date_time / combine and test them
with is_date / is_time / is_date_time, never with raw constructors or isinstance.

Semantics (equality, ordering, type checks, conversion from and to host values) live in the sibling
modules; this one only defines the value classes, so that every module can import it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class DayTimeDuration:
    """A days-and-time duration: a signed, exact number of seconds (fractions down to any precision)."""

    seconds: Decimal


@dataclass(frozen=True, slots=True)
class YearMonthDuration:
    """A years-and-months duration: a signed whole number of months."""

    months: int


@dataclass(frozen=True, slots=True)
class Range:
    """A FEEL range. An endpoint of None with its `*_unbounded` flag set is open-ended (`< 10` is
    Range(None, Decimal(10), start_included=False, end_included=False, start_unbounded=True))."""

    start: Any
    end: Any
    start_included: bool
    end_included: bool
    start_unbounded: bool = False
    end_unbounded: bool = False
    #: "=" or "!=" when the range is the value of the unary test `(=10)` / `(!=10)` (start = end = the operand):
    #: `(=10) = [10..10]` is false, `(!=10) = (!=10)` true; None for every other range.
    operator: str | None = None


@dataclass(frozen=True, slots=True)
class Parameter:
    """A function parameter: its name and, if declared, its FEEL type (typesys.FeelType) or None."""

    name: str
    type: Any = None


@dataclass(frozen=True, eq=False)
class FeelFunction:
    """A callable FEEL value: a built-in, a user-defined `function(a, b) …`, a BKM or a decision service.

    `impl(ctx, *args)` takes an EvalContext first (context.EvalContext: `ctx.error(message)` reports an error;
    the function then returns None, FEEL's null), then the bound arguments in parameter order (a variadic
    function gets its extra arguments as one list in the last parameter). `variadic`: the last parameter takes the rest of the positional
    arguments. `overloads`: further FeelFunctions of other arities or parameter names tried in order when
    this one does not fit the call (e.g. `substring(string, start position)` and `substring(string, start
    position, length)`).
    """

    name: str
    params: tuple[Parameter, ...]
    impl: Callable[..., Any] = field(repr=False)
    variadic: bool = False
    overloads: tuple["FeelFunction", ...] = ()
    result_type: Any = None
