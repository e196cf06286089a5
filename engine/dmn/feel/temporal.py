"""FEEL's temporal values: parsing of their literal forms, their `string()` text, and their properties.

Public: parse_date(text), parse_time(text), parse_date_and_time(text), parse_duration(text),
parse_literal(text) (the `@"…"` form), text_of(value), duration_text(d), offset_of(v), property_of(value, name),
day_of_year(v), week_of_year(v) (ISO 8601 week);
and, re-exported from temporal_types.py, the classes and constructors: BigDate, BigDateTime, NanoTime,
NanoDateTime, is_date, is_time, is_date_time, is_duration, is_temporal, nanos_of, make_date, make_time,
make_date_time, combine, date_of, time_of, zone, day_time, year_month, days_from_civil, civil_from_days,
days_in_month. Arithmetic and ordering are in temporal_arith.py.

Text forms (ISO 8601 as FEEL extends it): dates `2021-01-31`, `-2017-12-31`, `999999999-12-31` (a year of more
than four digits has no leading zero); times `10:15:30`, `10:15:30.123456789`, `24:00:00` (midnight), with
`Z`, `+02:00`, `-02:45:55` or `@Europe/Paris`; date-times `<date>T<time>` (a bare date is its midnight);
durations `P1Y2M` or `P1DT2H3M4.5S`, optionally negative (`-P1D`); a mix of both kinds (`P1Y2D`) is refused.
`string()` of a zero offset is `Z`; of a zone id, `@Zone/Id`.
"""
from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from .numbers import number_text
from .temporal_types import (  # noqa: F401 - re-exported
    MAX_YEAR, UTC, BigDate, BigDateTime, NanoDateTime, NanoTime, civil_from_days, combine, date_of, day_time,
    days_from_civil, days_in_month, is_date, is_date_time, is_duration, is_temporal, is_time, make_date,
    make_date_time, make_time, nanos_of, time_of, year_month, zone,
)
from .values import DayTimeDuration, Range, YearMonthDuration

# --- parsing -------------------------------------------------------------------------------------------------

_DATE = r"(?P<year>-?(?:[1-9]\d{4,8}|\d{4}))-(?P<month>\d\d)-(?P<day>\d\d)"
_TIME = (r"(?P<hour>\d\d):(?P<minute>\d\d):(?P<second>\d\d)(?:\.(?P<frac>\d+))?"
         r"(?:(?P<z>[zZ])|(?P<off>[+-]\d\d:\d\d(?::\d\d)?)|@(?P<zone>[A-Za-z][A-Za-z0-9_+\-/]*))?")
_DATE_RE = re.compile(_DATE + r"\Z")
_TIME_RE = re.compile(_TIME + r"\Z")
_DATE_TIME_RE = re.compile(_DATE + "T" + _TIME + r"\Z")
_DURATION_RE = re.compile(r"(?P<sign>-)?P(?!\Z)(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<d>\d+)D)?"
                          r"(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+(?:\.\d*)?)S)?)?\Z")


def _tz(m: re.Match) -> tuple[bool, Any]:
    """(ok, tzinfo) of a time match's zone part."""
    if m.group("z"):
        return True, UTC
    off = m.group("off")
    if off:
        sign = -1 if off[0] == "-" else 1
        parts = [int(p) for p in off[1:].split(":")]
        h, mi, s = parts[0], parts[1], parts[2] if len(parts) > 2 else 0
        if h > 18 or mi > 59 or s > 59 or h * 3600 + mi * 60 + s > 18 * 3600:
            return False, None
        delta = _dt.timedelta(hours=h, minutes=mi, seconds=s) * sign
        return True, UTC if not delta else _dt.timezone(delta)
    if m.group("zone"):
        tz = zone(m.group("zone"))
        return tz is not None, tz
    return True, None


def _time_fields(m: re.Match) -> tuple[int, int, int, int, Any] | None:
    """(hour, minute, second, nanos, tz) of a time match, or None; 24:00:00 is returned as hour 24."""
    h, mi, s = int(m.group("hour")), int(m.group("minute")), int(m.group("second"))
    frac = m.group("frac") or ""
    nanos = int((frac + "000000000")[:9])
    ok, tz = _tz(m)
    if not ok or mi > 59 or s > 59 or h > 24 or (h == 24 and (mi or s or nanos)):
        return None
    return h, mi, s, nanos, tz


def parse_date(text: str) -> Any:
    """The date of `YYYY-MM-DD` (years up to nine digits, optionally negative), or None."""
    m = _DATE_RE.match(text) if isinstance(text, str) else None
    if m is None:
        return None
    return make_date(int(m.group("year")), int(m.group("month")), int(m.group("day")))


def parse_time(text: str) -> _dt.time | None:
    """The time of `hh:mm:ss[.f…][Z|±hh:mm[:ss]|@Zone/Id]`, or None (24:00:00 is midnight)."""
    m = _TIME_RE.match(text) if isinstance(text, str) else None
    f = _time_fields(m) if m else None
    if f is None:
        return None
    h, mi, s, nanos, tz = f
    return make_time(0 if h == 24 else h, mi, s, nanos, tz)


def parse_date_and_time(text: str) -> Any:
    """The date and time of `<date>T<time>` (a bare date gives its midnight, local), or None;
    `T24:00:00` is the next day's midnight."""
    if not isinstance(text, str):
        return None
    m = _DATE_TIME_RE.match(text)
    if m is None:
        d = parse_date(text)
        return None if d is None else make_date_time(d.year, d.month, d.day)
    f = _time_fields(m)
    y, mo, d = int(m.group("year")), int(m.group("month")), int(m.group("day"))
    if f is None or make_date(y, mo, d) is None:
        return None
    h, mi, s, nanos, tz = f
    if h == 24:
        y, mo, d = civil_from_days(days_from_civil(y, mo, d) + 1)
        h = 0
    return make_date_time(y, mo, d, h, mi, s, nanos, tz)


def parse_duration(text: str) -> DayTimeDuration | YearMonthDuration | None:
    """The duration of `[-]PnYnM` (years and months) or `[-]PnDTnHnMn.nS` (days and time), or None.
    A mix of both kinds (`P1Y2D`) is refused."""
    m = _DURATION_RE.match(text) if isinstance(text, str) else None
    if m is None:
        return None
    g = m.groupdict()
    sign = -1 if g["sign"] else 1
    ym = g["y"] is not None or g["mo"] is not None
    dt = any(g[k] is not None for k in ("d", "h", "mi", "s"))
    if ym and dt:
        return None
    if ym:
        return year_month(sign * (int(g["y"] or 0) * 12 + int(g["mo"] or 0)))
    secs = (int(g["d"] or 0) * 86400 + int(g["h"] or 0) * 3600 + int(g["mi"] or 0) * 60
            + Decimal(g["s"].rstrip(".") if g["s"] else 0))
    return day_time(sign * secs)


def parse_literal(text: str) -> Any:
    """The value of an `@"…"` literal: a date and time, date, time or duration; None if it is none of them."""
    if not isinstance(text, str):
        return None
    if "T" in text and not text.startswith(("P", "-P")):
        return parse_date_and_time(text)
    for parse in (parse_date, parse_time, parse_duration):
        v = parse(text)
        if v is not None:
            return v
    return None


# --- text ------------------------------------------------------------------------------------------------------

def _year_text(y: int) -> str:
    return f"-{-y:04d}" if y < 0 else f"{y:04d}"


def _zone_text(tz: Any, ref: Any = None) -> str:
    """The text of a tzinfo: '' (local), 'Z', '+01:00', '+02:45:55' or '@Europe/Paris'."""
    if tz is None:
        return ""
    if isinstance(tz, ZoneInfo):
        return "@" + tz.key
    off = tz.utcoffset(ref)
    if off is None:
        return ""
    total = int(off.total_seconds())
    if total == 0:
        return "Z"
    sign = "-" if total < 0 else "+"
    h, rest = divmod(abs(total), 3600)
    mi, s = divmod(rest, 60)
    return f"{sign}{h:02d}:{mi:02d}" + (f":{s:02d}" if s else "")


def _clock_text(h: int, mi: int, s: int, nanos: int) -> str:
    text = f"{h:02d}:{mi:02d}:{s:02d}"
    if nanos:
        text += "." + f"{nanos:09d}".rstrip("0")
    return text


def duration_text(d: DayTimeDuration | YearMonthDuration) -> str:
    """ISO 8601 text of a duration: `P1Y2M`, `-P3M`, `P0M`; `P1DT2H3M4.5S`, `-PT1H`, `PT0S`."""
    if isinstance(d, YearMonthDuration):
        sign, months = ("-" if d.months < 0 else ""), abs(d.months)
        y, mo = divmod(months, 12)
        body = (f"{y}Y" if y else "") + (f"{mo}M" if mo or not y else "")
        return f"{sign}P{body}"
    secs = d.seconds
    sign, secs = ("-" if secs < 0 else ""), abs(secs)
    whole = int(secs)
    frac = secs - whole
    days, rest = divmod(whole, 86400)
    h, rest = divmod(rest, 3600)
    mi, s = divmod(rest, 60)
    time = (f"{h}H" if h else "") + (f"{mi}M" if mi else "")
    if s or frac:
        time += number_text(s + frac) + "S"
    if not days and not time:
        return "PT0S"
    return f"{sign}P" + (f"{days}D" if days else "") + (f"T{time}" if time else "")


def text_of(v: Any) -> str:
    """FEEL's `string()` of a temporal value (ISO 8601; zones as `@Zone/Id`)."""
    if is_duration(v):
        return duration_text(v)
    if is_date(v):
        return f"{_year_text(v.year)}-{v.month:02d}-{v.day:02d}"
    if is_date_time(v):
        ref = v if isinstance(v, _dt.datetime) else None
        return (f"{_year_text(v.year)}-{v.month:02d}-{v.day:02d}T"
                + _clock_text(v.hour, v.minute, v.second, nanos_of(v)) + _zone_text(v.tzinfo, ref))
    if is_time(v):
        return _clock_text(v.hour, v.minute, v.second, nanos_of(v)) + _zone_text(v.tzinfo)
    raise TypeError(f"not a temporal value: {v!r}")


# --- properties ------------------------------------------------------------------------------------------------

def offset_of(v: Any) -> _dt.timedelta | None:
    """The UTC offset of a time or date and time, or None if local (a zone's offset at that date; for a time
    with a zone id, the offset on 1970-01-01)."""
    tz = v.tzinfo
    if tz is None:
        return None
    if isinstance(v, _dt.datetime):
        return v.utcoffset()
    if is_date_time(v):  # BigDateTime: the zone's rule in the same position of the 400-year cycle
        y = 2000 + (v.year - 2000) % 400
        return _dt.datetime(y, v.month, v.day, v.hour, v.minute, v.second, tzinfo=tz).utcoffset()
    if isinstance(tz, ZoneInfo):
        return _dt.datetime(1970, 1, 1, v.hour, v.minute, v.second, tzinfo=tz).utcoffset()
    return tz.utcoffset(None)


def day_of_year(v: Any) -> int:
    """The day of the year (1..366) of a date or date-time, any year."""
    return days_from_civil(v.year, v.month, v.day) - days_from_civil(v.year, 1, 1) + 1


def week_of_year(v: Any) -> int:
    """The ISO 8601 week number (1..53) of a date or date-time, any year (weeks start on Monday; week 1
    holds the year's first Thursday)."""
    days = days_from_civil(v.year, v.month, v.day)
    thursday = days - ((days + 3) % 7) + 3  # the Thursday of the same ISO week (1970-01-01 was a Thursday)
    year = civil_from_days(thursday)[0]
    return (thursday - days_from_civil(year, 1, 1)) // 7 + 1


_DATE_PROPS = ("year", "month", "day", "weekday")
_TIME_PROPS = ("hour", "minute", "second", "time offset", "timezone")


def property_of(v: Any, name: str) -> Any:
    """The value of property `name` of a date, time, date and time, duration or range (DMN 1.5 §10.3.2.7:
    year, month, day, weekday, hour, minute, second, time offset, timezone; years, months; days, hours,
    minutes, seconds; start, end, start included, end included). Raises KeyError if v has no such property."""
    if isinstance(v, Range):
        props = {"start": v.start, "end": v.end, "start included": v.start_included,
                 "end included": v.end_included}
        return props[name]
    if isinstance(v, YearMonthDuration):
        sign = -1 if v.months < 0 else 1
        props = {"years": sign * (abs(v.months) // 12), "months": sign * (abs(v.months) % 12)}
        return Decimal(props[name])
    if isinstance(v, DayTimeDuration):
        sign = -1 if v.seconds < 0 else 1
        whole = int(abs(v.seconds))
        props = {"days": whole // 86400, "hours": whole // 3600 % 24, "minutes": whole // 60 % 60,
                 "seconds": whole % 60}
        return Decimal(sign * props[name])
    dated, timed = is_date(v) or is_date_time(v), is_time(v) or is_date_time(v)
    if dated and name in _DATE_PROPS:
        return Decimal(v.isoweekday() if name == "weekday" else getattr(v, name))
    if timed and name in _TIME_PROPS:
        if name == "time offset":
            if isinstance(v.tzinfo, ZoneInfo) and is_time(v):
                return None
            off = offset_of(v)
            return None if off is None else day_time(int(off.total_seconds()))
        if name == "timezone":
            return v.tzinfo.key if isinstance(v.tzinfo, ZoneInfo) else None
        return Decimal(getattr(v, name))
    raise KeyError(name)
