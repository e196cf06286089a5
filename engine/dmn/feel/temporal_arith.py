"""Arithmetic and ordering of FEEL's temporal values (DMN 1.5 §10.3.2.3.4-7, §10.3.2.10, as the TCK reads it).

Public: add(a, b), subtract(a, b), multiply(a, b), divide(a, b), negate(v), compare(a, b), equal(a, b),
local_seconds(v), instant_seconds(v), from_local(seconds, tz), from_instant(seconds, tz), add_months(v, n),
months_between(start, end) (the `years and months duration(from, to)` built-in's rule).

add/subtract/multiply/divide return NotImplemented when no temporal rule takes these operand types (the
caller then reports a type error) and raise ValueError with a sentence when the rule applies but fails
(a local date-time minus a zoned one, a result outside years ±999,999,999, a division by zero).

Rules: a date in `-` against a date and time (and date - date) is that date's midnight UTC; date ± duration
is a date (the date of its midnight shifted); time ± days-and-time duration wraps within the day;
date-time − date-time is an instant difference when both are zoned, a local difference when both are local,
an error when mixed; years-and-months shift the calendar month and clamp the day to the month's end
(2021-01-31 + P1M is 2021-02-28). Times and date-times order and compare at millisecond precision (the TCK
has time("10:30:00.0001") = time("10:30:00.0002")); a local and a zoned date-time do not compare (None).
"""
from __future__ import annotations

import datetime as _dt
import decimal
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from .numbers import DECIMAL
from .temporal import (
    UTC, civil_from_days, date_of, day_time, days_from_civil, days_in_month, is_date, is_date_time, is_time,
    make_date, make_date_time, make_time, nanos_of, offset_of, year_month,
)
from .values import DayTimeDuration, YearMonthDuration

_NANO = Decimal("1E-9")
_DAY = 86400


def _secs_of_day(v: Any) -> Decimal:
    return Decimal(v.hour * 3600 + v.minute * 60 + v.second) + Decimal(nanos_of(v)) * _NANO


def local_seconds(v: Any) -> Decimal:
    """Seconds since 1970-01-01T00:00:00 of a date or date-time's wall-clock fields (a date: its midnight)."""
    days = days_from_civil(v.year, v.month, v.day)
    return Decimal(days * _DAY) + (_secs_of_day(v) if is_date_time(v) else 0)


def instant_seconds(v: Any) -> Decimal | None:
    """Seconds since the epoch (UTC) of a zoned date-time; a date is its midnight UTC; None if local."""
    if is_date(v):
        return local_seconds(v)
    off = offset_of(v)
    return None if off is None else local_seconds(v) - int(off.total_seconds())


def from_local(seconds: Decimal, tz: Any = None) -> Any:
    """The date-time with these wall-clock seconds since 1970-01-01 and zone tz (ValueError if out of range)."""
    with decimal.localcontext(DECIMAL):
        whole = int(seconds.to_integral_value(rounding=decimal.ROUND_FLOOR))
        nanos = int(((seconds - whole) * 10**9).to_integral_value(rounding=decimal.ROUND_FLOOR))
    days, rest = divmod(whole, _DAY)
    y, mo, d = civil_from_days(days)
    v = make_date_time(y, mo, d, rest // 3600, rest // 60 % 60, rest % 60, nanos, tz)
    if v is None:
        raise ValueError("The date and time is out of range.")
    return v


def _zone_offset_at(instant: Decimal, tz: Any) -> int:
    """The UTC offset in seconds of tz at an instant (for years outside 1..9999, the same point of the
    400-year cycle)."""
    if not isinstance(tz, ZoneInfo):
        return int(tz.utcoffset(None).total_seconds())
    days, rest = divmod(int(instant), _DAY)
    y, mo, d = civil_from_days(days)
    y = y if 2 <= y <= 9998 else 2000 + (y - 2000) % 400
    utc = _dt.datetime(y, mo, d, rest // 3600, rest // 60 % 60, rest % 60, tzinfo=UTC)
    return int(utc.astimezone(tz).utcoffset().total_seconds())


def from_instant(seconds: Decimal, tz: Any) -> Any:
    """The date-time of an instant (seconds since the epoch, UTC) shown in zone tz."""
    return from_local(seconds + _zone_offset_at(seconds, tz), tz)


def add_months(v: Any, months: int) -> Any:
    """A date or date-time shifted by calendar months, the day clamped to the month's end."""
    total = v.year * 12 + (v.month - 1) + months
    y, mo = divmod(total, 12)
    mo += 1
    d = min(v.day, days_in_month(y, mo))
    r = (make_date(y, mo, d) if is_date(v) else
         make_date_time(y, mo, d, v.hour, v.minute, v.second, nanos_of(v), v.tzinfo))
    if r is None:
        raise ValueError("The date is out of range.")
    return r


def months_between(start: Any, end: Any) -> YearMonthDuration:
    """The whole calendar months from start to end (dates or date-times; only their calendar dates count,
    zones ignored), as Java's Period.between: 2014-12-31 → 2019-10-01 is P4Y9M, 2013-08-24 → 2011-12-22 is
    -P1Y8M."""
    months = (end.year * 12 + end.month) - (start.year * 12 + start.month)
    days = end.day - start.day
    if months > 0 and days < 0:
        months -= 1
    elif months < 0 and days > 0:
        months += 1
    return year_month(months)


def _shift(v: Any, d: DayTimeDuration | YearMonthDuration, sign: int) -> Any:
    """A date, time or date-time moved by a duration (sign -1 subtracts)."""
    if isinstance(d, YearMonthDuration):
        if is_time(v):
            return NotImplemented
        return add_months(v, sign * d.months)
    delta = d.seconds if sign > 0 else -d.seconds
    if is_time(v):
        secs = ((_secs_of_day(v) + delta) % _DAY + _DAY) % _DAY  # Decimal's % keeps the dividend's sign
        whole = int(secs)
        return make_time(whole // 3600, whole // 60 % 60, whole % 60, int((secs - whole) * 10**9), v.tzinfo)
    if is_date(v):
        r = from_local(local_seconds(v) + delta)
        return date_of(r)
    if v.tzinfo is None or not isinstance(v.tzinfo, ZoneInfo):
        return from_local(local_seconds(v) + delta, v.tzinfo)
    return from_instant(instant_seconds(v) + delta, v.tzinfo)


def _difference(a: Any, b: Any) -> DayTimeDuration:
    """a − b for dates and date-times (a date is its midnight UTC)."""
    if is_date(a) and is_date(b):
        return day_time(local_seconds(a) - local_seconds(b))
    ia, ib = instant_seconds(a), instant_seconds(b)
    if ia is not None and ib is not None:
        return day_time(ia - ib)
    if ia is None and ib is None:
        return day_time(local_seconds(a) - local_seconds(b))
    raise ValueError("A date and time without a time zone cannot be subtracted from or to one with a zone.")


def _time_seconds(v: _dt.time) -> Decimal | None:
    """Seconds of day of a time, in UTC when it has an offset; None for a local time."""
    off = offset_of(v)
    return None if off is None else _secs_of_day(v) - int(off.total_seconds())


def _time_difference(a: _dt.time, b: _dt.time) -> DayTimeDuration:
    sa, sb = _time_seconds(a), _time_seconds(b)
    if sa is None or sb is None:
        if (sa is None) != (sb is None):
            raise ValueError("A time without a time zone cannot be subtracted from or to one with a zone.")
        sa, sb = _secs_of_day(a), _secs_of_day(b)
    return day_time(sa - sb)


def add(a: Any, b: Any) -> Any:
    """a + b for temporal operands (durations of one kind; a date, time or date-time and a duration)."""
    if isinstance(a, DayTimeDuration) and isinstance(b, DayTimeDuration):
        return day_time(a.seconds + b.seconds)
    if isinstance(a, YearMonthDuration) and isinstance(b, YearMonthDuration):
        return year_month(a.months + b.months)
    if isinstance(a, (DayTimeDuration, YearMonthDuration)) and not isinstance(b, (DayTimeDuration,
                                                                                   YearMonthDuration)):
        a, b = b, a
    if isinstance(b, (DayTimeDuration, YearMonthDuration)) and (is_date(a) or is_time(a) or is_date_time(a)):
        return _shift(a, b, 1)
    return NotImplemented


def subtract(a: Any, b: Any) -> Any:
    """a − b for temporal operands: durations, a value minus a duration, date(-time) − date(-time), time − time."""
    if isinstance(a, DayTimeDuration) and isinstance(b, DayTimeDuration):
        return day_time(a.seconds - b.seconds)
    if isinstance(a, YearMonthDuration) and isinstance(b, YearMonthDuration):
        return year_month(a.months - b.months)
    if isinstance(b, (DayTimeDuration, YearMonthDuration)) and (is_date(a) or is_time(a) or is_date_time(a)):
        return _shift(a, b, -1)
    if (is_date(a) or is_date_time(a)) and (is_date(b) or is_date_time(b)):
        return _difference(a, b)
    if is_time(a) and is_time(b):
        return _time_difference(a, b)
    return NotImplemented


def _number(v: Any) -> bool:
    return isinstance(v, Decimal) and v.is_finite()


def multiply(a: Any, b: Any) -> Any:
    """duration × number or number × duration (years-and-months truncate to whole months)."""
    if _number(a):
        a, b = b, a
    if not _number(b):
        return NotImplemented
    with decimal.localcontext(DECIMAL):
        if isinstance(a, DayTimeDuration):
            return day_time(a.seconds * b)
        if isinstance(a, YearMonthDuration):
            return year_month(int((Decimal(a.months) * b).to_integral_value(rounding=decimal.ROUND_DOWN)))
    return NotImplemented


def divide(a: Any, b: Any) -> Any:
    """duration ÷ number (a duration) or duration ÷ duration of the same kind (a number)."""
    with decimal.localcontext(DECIMAL):
        try:
            if isinstance(a, DayTimeDuration) and _number(b):
                return day_time(a.seconds / b)
            if isinstance(a, YearMonthDuration) and _number(b):
                return year_month(int((Decimal(a.months) / b).to_integral_value(rounding=decimal.ROUND_DOWN)))
            if isinstance(a, DayTimeDuration) and isinstance(b, DayTimeDuration):
                return a.seconds / b.seconds
            if isinstance(a, YearMonthDuration) and isinstance(b, YearMonthDuration):
                return Decimal(a.months) / Decimal(b.months)
        except (decimal.DivisionByZero, decimal.InvalidOperation):
            raise ValueError("Division by zero.") from None
    return NotImplemented


def negate(v: Any) -> Any:
    """−duration; NotImplemented for any other value."""
    if isinstance(v, DayTimeDuration):
        return day_time(-v.seconds)
    if isinstance(v, YearMonthDuration):
        return year_month(-v.months)
    return NotImplemented


def _millis(s: Decimal) -> Decimal:
    return s.quantize(Decimal("0.001"), rounding=decimal.ROUND_FLOOR, context=DECIMAL)


def _key(v: Any) -> tuple[str, Decimal] | None:
    """(kind, comparable seconds) of a temporal value; kind 'local'/'zoned' for times and date-times."""
    if is_date(v):
        return "date", local_seconds(v)
    if is_date_time(v):
        inst = instant_seconds(v)
        return ("local", _millis(local_seconds(v))) if inst is None else ("zoned", _millis(inst))
    if is_time(v):
        s = _time_seconds(v)
        return ("tlocal", _millis(_secs_of_day(v))) if s is None else ("tzoned", _millis(s))  # as Java's OffsetTime
    if isinstance(v, DayTimeDuration):
        return "dtd", v.seconds
    if isinstance(v, YearMonthDuration):
        return "ymd", Decimal(v.months)
    return None


def compare(a: Any, b: Any) -> int | None:
    """−1, 0 or 1 for two temporal values of one kind; None if they do not compare (a date with a time,
    a local with a zoned date-time, a years-months with a days-time duration, a non-temporal value)."""
    ka, kb = _key(a), _key(b)
    if ka is None or kb is None:
        return None
    if ka[0] != kb[0]:
        return None
    return (ka[1] > kb[1]) - (ka[1] < kb[1])


def equal(a: Any, b: Any) -> bool | None:
    """FEEL `=` on two temporal values (None if they do not compare)."""
    c = compare(a, b)
    return None if c is None else c == 0
