"""DMN 1.5 §10.3.4.1 conversion functions: date, date and time, time, number, string, duration,
years and months duration.

Strings are read by temporal.py's parsers (ISO 8601 forms, years up to ±999,999,999, nanoseconds, offsets
and IANA zones). A date and time keeps its zone when converted to a time; a date gives its UTC midnight as
a time (`time(date("2017-08-10"))` is 00:00:00Z, as the TCK has it). years and months duration counts whole
months between the two calendar dates (as Java's Period.between: the times of day do not count)."""
from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from typing import Any

from .. import temporal as T
from ..numbers import to_decimal
from ..semantics import to_string, type_name
from ..values import DayTimeDuration, FeelFunction, YearMonthDuration
from ._common import builtin, fail, need_number, need_string, overloaded


def _whole(value: Any, pname: str) -> int:
    n = need_number(value, pname)
    if n != n.to_integral_value():
        fail(f"{pname} must be a whole number, not {n}")
    return int(n)


def _made(value: Any, what: str) -> Any:
    if value is None:
        fail(f"there is no such {what}")
    return value


# --- date ------------------------------------------------------------------------------------------------------

def _date_from(ctx, value: Any) -> Any:
    if isinstance(value, str):
        return _made(T.parse_date(value), f"date as {value!r}")
    if T.is_date_time(value):
        return T.date_of(value)
    if T.is_date(value):
        return value
    fail(f"from must be a string, a date or a date and time, not {type_name(value)}")


def _date_ymd(ctx, year: Any, month: Any, day: Any) -> Any:
    y, m, d = _whole(year, "year"), _whole(month, "month"), _whole(day, "day")
    return _made(T.make_date(y, m, d), f"date {y}-{m}-{d}")


# --- date and time ------------------------------------------------------------------------------------------------

def _date_time_from(ctx, value: Any) -> Any:
    if isinstance(value, str):
        return _made(T.parse_date_and_time(value), f"date and time as {value!r}")
    if T.is_date_time(value):
        return value
    if T.is_date(value):
        return T.make_date_time(value.year, value.month, value.day)
    fail(f"from must be a string or a date and time, not {type_name(value)}")


def _date_time_of(ctx, date: Any, time: Any) -> Any:
    if not (T.is_date(date) or T.is_date_time(date)):
        fail(f"date must be a date or a date and time, not {type_name(date)}")
    if not T.is_time(time):
        fail(f"time must be a time, not {type_name(time)}")
    return _made(T.combine(T.date_of(date), time), "date and time")


# --- time -------------------------------------------------------------------------------------------------------

def _time_from(ctx, value: Any) -> Any:
    if isinstance(value, str):
        return _made(T.parse_time(value), f"time as {value!r}")
    if T.is_date_time(value):
        return T.time_of(value)
    if T.is_time(value):
        return value
    if T.is_date(value):
        return T.make_time(0, 0, 0, 0, T.UTC)
    fail(f"from must be a string, a time, a date or a date and time, not {type_name(value)}")


def _offset(offset: Any) -> Any:
    if offset is None:
        return None
    if not isinstance(offset, DayTimeDuration):
        fail(f"offset must be a days and time duration, not {type_name(offset)}")
    secs = offset.seconds
    if secs != secs.to_integral_value() or abs(secs) > 18 * 3600:
        fail("offset must be whole seconds between -18 and +18 hours")
    return T.UTC if not secs else _dt.timezone(_dt.timedelta(seconds=int(secs)))


def _time_hms(ctx, hour: Any, minute: Any, second: Any, offset: Any = None) -> Any:
    h, mi = _whole(hour, "hour"), _whole(minute, "minute")
    s = need_number(second, "second")
    whole = int(s)
    nanos = (s - whole) * 10**9
    if s < 0 or nanos != nanos.to_integral_value():
        fail("second must be a non-negative number with at most nine decimals")
    return _made(T.make_time(h, mi, whole, int(nanos), _offset(offset)), f"time {h}:{mi}:{s}")


def _time_hms_offset(ctx, hour: Any, minute: Any, second: Any, offset: Any) -> Any:
    return _time_hms(ctx, hour, minute, second, offset)


# --- number -------------------------------------------------------------------------------------------------------

_GROUPING = {" ", ",", "."}
_DECIMAL_SEPARATORS = {".", ","}
_NUMBER_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\Z")


def _number(ctx, text: Any, grouping: Any = None, decimal_sep: Any = None) -> Decimal:
    s = need_string(text, "from")
    if grouping is not None and need_string(grouping, "grouping separator") not in _GROUPING:
        fail("grouping separator must be a space, a comma, a period or null")
    if decimal_sep is not None and need_string(decimal_sep, "decimal separator") not in _DECIMAL_SEPARATORS:
        fail("decimal separator must be a period, a comma or null")
    if grouping is not None and grouping == decimal_sep:
        fail("grouping separator and decimal separator must differ")
    if grouping is not None:
        s = s.replace(grouping, "")
    if decimal_sep is not None and decimal_sep != ".":
        if "." in s:
            fail(f"{text!r} is not a number with these separators")
        s = s.replace(decimal_sep, ".")
    if not _NUMBER_TEXT.match(s):
        fail(f"{text!r} is not a number")
    return to_decimal(s)


# --- string and durations --------------------------------------------------------------------------------------

def _string(ctx, value: Any) -> str | None:
    return None if value is None else to_string(value)


def _duration(ctx, value: Any) -> Any:
    if isinstance(value, (DayTimeDuration, YearMonthDuration)):
        return value
    return _made(T.parse_duration(need_string(value, "from")), f"duration as {value!r}")


def months_between(a: Any, b: Any) -> int:
    """Whole calendar months from date a to date b (negative if b is before a), ignoring times of day."""
    total = (b.year * 12 + b.month) - (a.year * 12 + a.month)
    if total > 0 and b.day < a.day:
        total -= 1
    elif total < 0 and b.day > a.day:
        total += 1
    return total


def _years_and_months(ctx, start: Any, end: Any) -> YearMonthDuration:
    for value, pname in ((start, "from"), (end, "to")):
        if not (T.is_date(value) or T.is_date_time(value)):
            fail(f"{pname} must be a date or a date and time, not {type_name(value)}")
    return T.year_month(months_between(start, end))


FUNCTIONS: list[FeelFunction] = [
    overloaded(builtin("date", "from", _date_from), builtin("date", "year, month, day", _date_ymd)),
    overloaded(builtin("date and time", "from", _date_time_from),
               builtin("date and time", "date, time", _date_time_of)),
    overloaded(builtin("time", "from", _time_from),
               builtin("time", "hour, minute, second", _time_hms),
               builtin("time", "hour, minute, second, offset", _time_hms_offset)),
    overloaded(builtin("number", "from, grouping separator, decimal separator", _number),
               builtin("number", "from", _number),
               builtin("number", "from, grouping separator", _number)),
    builtin("string", "from: any", _string),
    builtin("duration", "from", _duration),
    builtin("years and months duration", "from, to", _years_and_months),
]
