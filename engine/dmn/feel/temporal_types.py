"""The Python classes and constructors of FEEL's temporal values, and a calendar for any year.

Public: BigDate, BigDateTime, NanoTime, NanoDateTime, UTC, MAX_YEAR; days_from_civil(y, m, d),
civil_from_days(n), days_in_month(y, m); is_date(v), is_time(v), is_date_time(v), is_duration(v),
is_temporal(v), nanos_of(v); make_date(y, m, d), make_time(h, mi, s, nanos=0, tz=None),
make_date_time(y, m, d, h=0, mi=0, s=0, nanos=0, tz=None), combine(date, time), date_of(v), time_of(v),
zone(text), day_time(seconds), year_month(months). temporal.py re-exports all of them.

A date is a `datetime.date`, a time a `datetime.time`, a date and time a `datetime.datetime` (values.py).
Two extensions, made only where Python's types cannot hold the value (the TCK has years -999,999,999 to
999,999,999 and nanoseconds):
- NanoTime / NanoDateTime: subclasses of time / datetime with `nanos`, the whole sub-second part in
  nanoseconds (the base microsecond holds its first six digits). isinstance(v, datetime.time) stays true.
- BigDate / BigDateTime: dates and date-times outside years 1..9999 (not subclasses of date/datetime; they
  have the same attribute names: year, month, day, hour, minute, second, microsecond, tzinfo, nanos).
Build values with make_*/combine and inspect them with is_*/nanos_of: they pick the representation.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .values import DayTimeDuration, YearMonthDuration

MAX_YEAR = 999_999_999
UTC = _dt.timezone.utc

class NanoTime(_dt.time):
    """A time whose sub-second part needs more than microseconds; `nanos` is the whole fraction (0..10**9-1)."""

    __slots__ = ("nanos",)

    def __new__(cls, hour: int, minute: int, second: int, nanos: int, tzinfo: Any = None) -> "NanoTime":
        self = super().__new__(cls, hour, minute, second, nanos // 1000, tzinfo)
        object.__setattr__(self, "nanos", nanos)
        return self

    def __reduce__(self):  # noqa: D105 - keep the nanoseconds through copy/pickle
        return (NanoTime, (self.hour, self.minute, self.second, self.nanos, self.tzinfo))


class NanoDateTime(_dt.datetime):
    """A datetime whose sub-second part needs more than microseconds; `nanos` as in NanoTime."""

    __slots__ = ("nanos",)

    def __new__(cls, year: int, month: int, day: int, hour: int, minute: int, second: int, nanos: int,
                tzinfo: Any = None) -> "NanoDateTime":
        self = super().__new__(cls, year, month, day, hour, minute, second, nanos // 1000, tzinfo)
        object.__setattr__(self, "nanos", nanos)
        return self

    def __reduce__(self):  # noqa: D105
        return (NanoDateTime, (self.year, self.month, self.day, self.hour, self.minute, self.second, self.nanos,
                               self.tzinfo))


@dataclass(frozen=True, slots=True)
class BigDate:
    """A FEEL date outside Python's years 1..9999 (year 0 is 1 BCE, as in ISO 8601)."""

    year: int
    month: int
    day: int

    def isoweekday(self) -> int:
        """1 for Monday … 7 for Sunday."""
        return (days_from_civil(self.year, self.month, self.day) + 3) % 7 + 1


@dataclass(frozen=True, slots=True)
class BigDateTime:
    """A FEEL date and time outside Python's years 1..9999; `nanos` is the sub-second part in nanoseconds."""

    year: int
    month: int
    day: int
    hour: int
    minute: int
    second: int
    nanos: int = 0
    tzinfo: Any = None

    @property
    def microsecond(self) -> int:
        """The sub-second part in whole microseconds, as datetime has it."""
        return self.nanos // 1000

    def isoweekday(self) -> int:
        """1 for Monday … 7 for Sunday."""
        return (days_from_civil(self.year, self.month, self.day) + 3) % 7 + 1


# --- calendar on plain integers (any year) ---------------------------------------------------------------

def days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm, any year)."""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(z: int) -> tuple[int, int, int]:
    """The (year, month, day) of a day count since 1970-01-01."""
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return yoe + era * 400 + (m <= 2), m, d


def days_in_month(y: int, m: int) -> int:
    """The number of days of month m of year y (proleptic Gregorian)."""
    if m == 2:
        return 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28
    return 30 if m in (4, 6, 9, 11) else 31


# --- predicates and constructors ---------------------------------------------------------------------------

def is_date(v: Any) -> bool:
    """Tell whether v is a FEEL date."""
    return isinstance(v, BigDate) or (isinstance(v, _dt.date) and not isinstance(v, _dt.datetime))


def is_time(v: Any) -> bool:
    """Tell whether v is a FEEL time."""
    return isinstance(v, _dt.time)


def is_date_time(v: Any) -> bool:
    """Tell whether v is a FEEL date and time."""
    return isinstance(v, (_dt.datetime, BigDateTime))


def is_duration(v: Any) -> bool:
    """Tell whether v is a FEEL duration of either kind."""
    return isinstance(v, (DayTimeDuration, YearMonthDuration))


def is_temporal(v: Any) -> bool:
    """Tell whether v is a date, time, date and time or duration."""
    return is_date(v) or is_time(v) or is_date_time(v) or is_duration(v)


def nanos_of(v: Any) -> int:
    """The sub-second part of a time or date and time in nanoseconds (0 for a date)."""
    n = getattr(v, "nanos", None)
    return n if n is not None else getattr(v, "microsecond", 0) * 1000


def make_date(year: int, month: int, day: int) -> Any:
    """A FEEL date, or None if there is no such day (years beyond ±999,999,999 included)."""
    if not (-MAX_YEAR <= year <= MAX_YEAR and 1 <= month <= 12 and 1 <= day <= days_in_month(year, month)):
        return None
    if 1 <= year <= 9999:
        return _dt.date(year, month, day)
    return BigDate(year, month, day)


def make_time(hour: int, minute: int, second: int, nanos: int = 0, tz: Any = None) -> _dt.time | None:
    """A FEEL time, or None if a field is out of range."""
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59 and 0 <= nanos < 10**9):
        return None
    if nanos % 1000:
        return NanoTime(hour, minute, second, nanos, tz)
    return _dt.time(hour, minute, second, nanos // 1000, tz)


def make_date_time(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0,
                   nanos: int = 0, tz: Any = None) -> Any:
    """A FEEL date and time, or None if a field is out of range."""
    if make_date(year, month, day) is None or make_time(hour, minute, second, nanos) is None:
        return None
    if not 1 <= year <= 9999:
        return BigDateTime(year, month, day, hour, minute, second, nanos, tz)
    if nanos % 1000:
        return NanoDateTime(year, month, day, hour, minute, second, nanos, tz)
    return _dt.datetime(year, month, day, hour, minute, second, nanos // 1000, tz)


def combine(date: Any, time: Any) -> Any:
    """The date and time of a date (or the date of a date and time) with a time (keeping its zone)."""
    return make_date_time(date.year, date.month, date.day, time.hour, time.minute, time.second, nanos_of(time),
                          time.tzinfo)


def date_of(v: Any) -> Any:
    """The date part of a date and time (a date is returned as is)."""
    return make_date(v.year, v.month, v.day) if is_date_time(v) else v


def time_of(v: Any) -> _dt.time | None:
    """The time part of a date and time, with its zone."""
    return make_time(v.hour, v.minute, v.second, nanos_of(v), v.tzinfo)


def zone(text: str) -> Any:
    """The tzinfo for an IANA zone id (`Europe/Paris`), or None if unknown."""
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError):
        return None
    except Exception:  # noqa: BLE001 - any malformed key is simply not a zone
        return None


def day_time(seconds: Decimal | int) -> DayTimeDuration:
    """A days-and-time duration of that many seconds (normalises -0)."""
    s = Decimal(seconds)
    if s == s.to_integral_value():
        return DayTimeDuration(Decimal(int(s)))
    return DayTimeDuration(s.normalize())


def year_month(months: int) -> YearMonthDuration:
    """A years-and-months duration of that many months."""
    return YearMonthDuration(int(months))
