"""DMN 1.5 §10.3.4.6-7 date and time functions: is(value1, value2); day of year, day of week, month of year,
week of year (of a date or a date and time); now() and today(), which read the evaluation's clock (ctx.now)."""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from .. import temporal as T
from ..semantics import equal, type_name
from ..values import FeelFunction
from ._common import builtin, fail

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")


def _dated(value: Any) -> Any:
    if not (T.is_date(value) or T.is_date_time(value)):
        fail(f"date must be a date or a date and time, not {type_name(value)}")
    return value


def _weekday(y: int, m: int, d: int) -> int:
    """1 (Monday) … 7 (Sunday), any year."""
    return (T.days_from_civil(y, m, d) + 3) % 7 + 1


def _day_of_year(y: int, m: int, d: int) -> int:
    return T.days_from_civil(y, m, d) - T.days_from_civil(y, 1, 1) + 1


def _iso_weeks(y: int) -> int:
    """52 or 53: the number of ISO weeks of year y."""
    jan1 = _weekday(y, 1, 1)
    leap = T.days_in_month(y, 2) == 29
    return 53 if jan1 == 4 or (leap and jan1 == 3) else 52


def iso_week(y: int, m: int, d: int) -> int:
    """The ISO 8601 week number (1 … 53) of a day, any year."""
    week = (_day_of_year(y, m, d) - _weekday(y, m, d) + 10) // 7
    if week < 1:
        return _iso_weeks(y - 1)
    return 1 if week > _iso_weeks(y) else week


def _day_of_year_fn(ctx, date: Any) -> Decimal:
    v = _dated(date)
    return Decimal(_day_of_year(v.year, v.month, v.day))


def _day_of_week_fn(ctx, date: Any) -> str:
    v = _dated(date)
    return DAY_NAMES[_weekday(v.year, v.month, v.day) - 1]


def _month_of_year_fn(ctx, date: Any) -> str:
    return MONTH_NAMES[_dated(date).month - 1]


def _week_of_year_fn(ctx, date: Any) -> Decimal:
    v = _dated(date)
    return Decimal(iso_week(v.year, v.month, v.day))


def _same_zone(a: Any, b: Any) -> bool:
    """Whether two tzinfos are the same for `is`: both local, one IANA zone, or fixed offsets that agree."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, ZoneInfo) or isinstance(b, ZoneInfo):
        return isinstance(a, ZoneInfo) and isinstance(b, ZoneInfo) and a.key == b.key
    return a.utcoffset(None) == b.utcoffset(None)


def _fields(v: Any) -> tuple:
    date = (v.year, v.month, v.day) if T.is_date(v) or T.is_date_time(v) else ()
    clock = (v.hour, v.minute, v.second, T.nanos_of(v)) if T.is_time(v) or T.is_date_time(v) else ()
    return date + clock


def is_same(a: Any, b: Any) -> bool:
    """FEEL's is(): the same value of the same type. Unlike `=`, 1970-01-01 is not its midnight, a time at
    +00:00 is not one at @Etc/UTC, and 12:00-01:00 is not 17:00+04:00 (the same instant, other offsets)."""
    if a is None or b is None:
        return a is None and b is None
    if type_name(a) != type_name(b):
        return False
    if T.is_time(a) or T.is_date_time(a):
        return _fields(a) == _fields(b) and _same_zone(a.tzinfo, b.tzinfo)
    if T.is_date(a):
        return _fields(a) == _fields(b)
    return equal(a, b) is True


def _now(ctx) -> Any:
    now = ctx.now
    if isinstance(now, _dt.datetime) and now.tzinfo is None:
        now = now.astimezone()
    return now


def _today(ctx) -> Any:
    now = _now(ctx)
    return T.make_date(now.year, now.month, now.day)


FUNCTIONS: list[FeelFunction] = [
    builtin("is", "value1: any, value2: any", lambda ctx, value1, value2: is_same(value1, value2)),
    builtin("day of year", "date", _day_of_year_fn),
    builtin("day of week", "date", _day_of_week_fn),
    builtin("month of year", "date", _month_of_year_fn),
    builtin("week of year", "date", _week_of_year_fn),
    builtin("now", "", _now),
    builtin("today", "", _today),
]
