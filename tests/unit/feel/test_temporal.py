"""FEEL temporal values: parsing their literal forms, their `string()` text, constructors and properties."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from engine.dmn.feel.temporal import (
    BigDate, BigDateTime, NanoDateTime, NanoTime, civil_from_days, combine, date_of, day_time, days_from_civil,
    is_date, is_date_time, is_duration, is_temporal, is_time, make_date, make_date_time, make_time, nanos_of,
    parse_date, parse_date_and_time, parse_duration, parse_literal, parse_time, property_of, text_of, time_of,
    year_month, zone,
)
from engine.dmn.feel.values import DayTimeDuration, Range, YearMonthDuration

PARIS = ZoneInfo("Europe/Paris")


# --- dates ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2017-12-31", "2017-12-31"),
    ("2017-01-01", "2017-01-01"),
    ("2020-02-29", "2020-02-29"),
    ("-2017-12-31", "-2017-12-31"),
    ("999999999-12-31", "999999999-12-31"),
    ("-999999999-12-31", "-999999999-12-31"),
    ("99999-12-31", "99999-12-31"),
    ("0000-12-25", "0000-12-25"),
])
def test_parse_date_round_trips(text: str, expected: str) -> None:
    d = parse_date(text)
    assert d is not None and is_date(d)
    assert text_of(d) == expected


def test_parse_date_gives_a_python_date_within_years_1_to_9999() -> None:
    assert parse_date("2017-12-31") == dt.date(2017, 12, 31)
    assert type(parse_date("2017-12-31")) is dt.date
    assert parse_date("-2017-12-31") == BigDate(-2017, 12, 31)


@pytest.mark.parametrize("text", [
    "", "2012-12-25T", "2012/12/25", "0000-12-25T", "9999999999-12-25", "2017-13-10", "2017-12-32",
    "998-12-31", "01211-12-31", "2012T-12-2511:00:00Z", "+2012-12-02", "2019-02-29", "2017-00-10",
    "2017-12-31T11:22:33", " 2017-12-31",
])
def test_parse_date_refuses(text: str) -> None:
    assert parse_date(text) is None


def test_parse_date_refuses_non_text() -> None:
    assert parse_date(None) is None  # type: ignore[arg-type]
    assert parse_date(2017) is None  # type: ignore[arg-type]


# --- times ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("01:02:03", "01:02:03"),
    ("00:00:00", "00:00:00"),
    ("11:22:33.444", "11:22:33.444"),
    ("11:22:33.123456789", "11:22:33.123456789"),
    ("11:22:33.100", "11:22:33.1"),
    ("10:30:00.0000", "10:30:00"),
    ("23:59:00Z", "23:59:00Z"),
    ("13:20:00+02:00", "13:20:00+02:00"),
    ("13:20:00-05:00", "13:20:00-05:00"),
    ("11:22:33-00:00", "11:22:33Z"),
    ("11:22:33+00:00", "11:22:33Z"),
    ("11:59:45+02:45:55", "11:59:45+02:45:55"),
    ("00:01:00@Etc/UTC", "00:01:00@Etc/UTC"),
    ("00:01:00@Europe/Paris", "00:01:00@Europe/Paris"),
    ("24:00:00", "00:00:00"),
])
def test_parse_time_round_trips(text: str, expected: str) -> None:
    t = parse_time(text)
    assert t is not None and is_time(t)
    assert text_of(t) == expected


@pytest.mark.parametrize("text", [
    "", "23:59:60", "24:00:01", "24:01:00", "25:00:00", "00:60:00", "00:00:61", "7:00:00", "07:1:00",
    "07:01:2", "13:20:00@xyz/abc", "13:20:00+19:00", "13:20:00-19:00", "13:20:00+5:00", "13:20:00+5",
    "13:20:00+02:00@Europe/Paris", "7:20", "07:2", "11:30:00T", "2012T-12-2511:00:00Z", "11:00",
])
def test_parse_time_refuses(text: str) -> None:
    assert parse_time(text) is None


def test_parse_time_keeps_nanoseconds() -> None:
    t = parse_time("11:22:33.123456789")
    assert isinstance(t, NanoTime) and isinstance(t, dt.time)
    assert t.microsecond == 123456 and nanos_of(t) == 123456789
    assert type(parse_time("11:22:33.123456")) is dt.time


def test_parse_time_zones() -> None:
    assert parse_time("10:00:00Z").tzinfo is dt.timezone.utc
    assert parse_time("10:00:00+05:00").utcoffset() == dt.timedelta(hours=5)
    assert parse_time("10:00:00@Europe/Paris").tzinfo == PARIS
    assert parse_time("10:00:00").tzinfo is None


# --- date and time -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2012-12-24", "2012-12-24T00:00:00"),
    ("2017-12-31T00:00:00", "2017-12-31T00:00:00"),
    ("-2017-12-31T11:22:33", "-2017-12-31T11:22:33"),
    ("99999-12-31T11:22:33", "99999-12-31T11:22:33"),
    ("-99999-12-31T11:22:33", "-99999-12-31T11:22:33"),
    ("2017-12-31T11:22:33.345", "2017-12-31T11:22:33.345"),
    ("2017-12-31T11:22:33.123456789", "2017-12-31T11:22:33.123456789"),
    ("2017-12-31T11:22:33.567Z", "2017-12-31T11:22:33.567Z"),
    ("2017-12-31T11:22:33-01:35", "2017-12-31T11:22:33-01:35"),
    ("-2017-12-31T11:22:33.456+01:35", "-2017-12-31T11:22:33.456+01:35"),
    ("2011-12-31T10:15:30@Europe/Paris", "2011-12-31T10:15:30@Europe/Paris"),
    ("2011-12-31T10:15:30.123456789@Europe/Paris", "2011-12-31T10:15:30.123456789@Europe/Paris"),
    ("999999999-12-31T23:59:59.999999999@Europe/Paris", "999999999-12-31T23:59:59.999999999@Europe/Paris"),
    ("-999999999-12-31T23:59:59.999999999+02:00", "-999999999-12-31T23:59:59.999999999+02:00"),
    ("2021-01-01T24:00:00", "2021-01-02T00:00:00"),
    ("2021-12-31T24:00:00Z", "2022-01-01T00:00:00Z"),
])
def test_parse_date_and_time_round_trips(text: str, expected: str) -> None:
    v = parse_date_and_time(text)
    assert v is not None and is_date_time(v)
    assert text_of(v) == expected


@pytest.mark.parametrize("text", [
    "", "11:00:00", "2011-12-0310:15:30", "2011-12-03T10:15:30+01:00@Europe/Paris", "9999999999-12-27T11:22:33",
    "2017-13-10T11:22:33", "2017-00-10T11:22:33", "2017-13-32T11:22:33", "2017-13-0T11:22:33",
    "998-12-31T11:22:33", "01211-12-31T11:22:33", "+99999-12-01T11:22:33", "2017-12-31T24:00:01",
    "2017-12-31T24:01:00", "2017-12-31T25:00:00", "2017-12-31T00:60:00", "2017-12-31T00:00:61",
    "2017-12-31T7:00:00", "2017-12-31T07:1:00", "2017-12-31T07:01:2", "2017-12-31T13:20:00@xyz/abc",
    "2017-12-31T13:20:00+19:00", "2017-12-31T13:20:00+05:0", "2017-12-31T13:20:00+5", "2017-12-31T7:20",
    "2017-02-29T10:00:00",
])
def test_parse_date_and_time_refuses(text: str) -> None:
    assert parse_date_and_time(text) is None


def test_date_and_time_representations() -> None:
    assert type(parse_date_and_time("2017-12-31T11:22:33")) is dt.datetime
    assert isinstance(parse_date_and_time("2017-12-31T11:22:33.123456789"), NanoDateTime)
    big = parse_date_and_time("-2017-12-31T11:22:33")
    assert isinstance(big, BigDateTime) and big.year == -2017 and big.hour == 11
    assert parse_date_and_time("2017-12-31T11:22:33@Europe/Paris").utcoffset() == dt.timedelta(hours=1)


# --- durations -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("P1D", "P1D"), ("PT2H", "PT2H"), ("PT3M", "PT3M"), ("PT4S", "PT4S"), ("PT0.999S", "PT0.999S"),
    ("P1DT2H3M4.123456789S", "P1DT2H3M4.123456789S"), ("PT0S", "PT0S"), ("PT0.000S", "PT0S"), ("PT0.S", "PT0S"),
    ("PT0M", "PT0S"), ("PT0H", "PT0S"), ("P0D", "PT0S"), ("-PT1H2M", "-PT1H2M"), ("PT1000M", "PT16H40M"),
    ("PT1000M0.999999999S", "PT16H40M0.999999999S"), ("PT61M", "PT1H1M"), ("PT24H", "P1D"), ("PT240H", "P10D"),
    ("P2DT100M", "P2DT1H40M"), ("PT3600S", "PT1H"), ("-P0D", "PT0S"),
    ("P1Y2M", "P1Y2M"), ("P1Y", "P1Y"), ("P0Y", "P0M"), ("P0M", "P0M"), ("-P1Y", "-P1Y"), ("P26M", "P2Y2M"),
    ("P1Y27M", "P3Y3M"), ("-P100M", "-P8Y4M"), ("P999999999M", "P83333333Y3M"), ("-P99999999Y", "-P99999999Y"),
])
def test_parse_duration_round_trips(text: str, expected: str) -> None:
    d = parse_duration(text)
    assert d is not None and is_duration(d)
    assert text_of(d) == expected


def test_parse_duration_kinds() -> None:
    assert parse_duration("P1Y2M") == YearMonthDuration(14)
    assert parse_duration("-P1D") == DayTimeDuration(Decimal(-86400))
    assert parse_duration("PT1.5S") == DayTimeDuration(Decimal("1.5"))


@pytest.mark.parametrize("text", ["", "P", "P0", "1Y", "1D", "P1H", "P1S", "PT", "P1Y2D", "P1MT2H",
                                  "2012T-12-2511:00:00Z", "P1DT", "+P1D", "P-1D", "p1d", "P1.5D"])
def test_parse_duration_refuses(text: str) -> None:
    assert parse_duration(text) is None


# --- @ literals ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, kind", [
    ("2019-03-31", "date"), ("2018-12-08T10:30:11", "date and time"), ("10:30:11+11:00", "time"),
    ("10:30:11@Australia/Melbourne", "time"), ("P10D", "dtd"), ("P10Y", "ymd"), ("-P1D", "dtd"),
    ("-2021-01-01T10:10:10+11:00", "date and time"), ("-2021-01-01", "date"),
])
def test_parse_literal(text: str, kind: str) -> None:
    v = parse_literal(text)
    checks = {"date": is_date, "time": is_time, "date and time": is_date_time,
              "dtd": lambda x: isinstance(x, DayTimeDuration), "ymd": lambda x: isinstance(x, YearMonthDuration)}
    assert checks[kind](v)
    assert text_of(v) == text


@pytest.mark.parametrize("text", ["foo", "", "2019-02-30", "P", "10:30"])
def test_parse_literal_refuses(text: str) -> None:
    assert parse_literal(text) is None


# --- constructors and the calendar ---------------------------------------------------------------------------

def test_make_date() -> None:
    assert make_date(2017, 8, 30) == dt.date(2017, 8, 30)
    assert make_date(-2017, 1, 1) == BigDate(-2017, 1, 1)
    assert make_date(999999999, 12, 31) == BigDate(999999999, 12, 31)
    for bad in [(2017, 13, 31), (2017, 12, 32), (2017, -8, 2), (2017, 8, -2), (-1000999999, 12, 1),
                (2019, 2, 29), (1900, 2, 29)]:
        assert make_date(*bad) is None
    assert make_date(2000, 2, 29) == dt.date(2000, 2, 29)
    assert make_date(-4, 2, 29) == BigDate(-4, 2, 29)


def test_make_time() -> None:
    assert make_time(12, 0, 0) == dt.time(12)
    assert make_time(11, 59, 0, tz=dt.timezone(dt.timedelta(hours=2, minutes=1))).utcoffset() == \
        dt.timedelta(hours=2, minutes=1)
    assert nanos_of(make_time(1, 2, 3, 5)) == 5
    for bad in [(24, 59, 45), (-24, 59, 45), (23, 60, 45), (23, 59, 60)]:
        assert make_time(*bad) is None


def test_make_date_time_and_parts() -> None:
    v = make_date_time(2017, 1, 1, 23, 59, 1, 123456789, PARIS)
    assert text_of(v) == "2017-01-01T23:59:01.123456789@Europe/Paris"
    assert text_of(date_of(v)) == "2017-01-01"
    assert text_of(time_of(v)) == "23:59:01.123456789@Europe/Paris"
    assert make_date_time(2017, 2, 30) is None
    assert text_of(combine(dt.date(2017, 1, 1), parse_time("23:59:01@Europe/Paris"))) == \
        "2017-01-01T23:59:01@Europe/Paris"
    assert text_of(combine(parse_date_and_time("2017-09-05T10:20:00-01:00"), parse_time("09:15:30Z"))) == \
        "2017-09-05T09:15:30Z"
    assert date_of(dt.date(2020, 1, 1)) == dt.date(2020, 1, 1)


@pytest.mark.parametrize("y, m, d", [(1970, 1, 1), (2000, 2, 29), (-2021, 1, 1), (999999999, 12, 31),
                                     (-999999999, 1, 1), (1, 1, 1), (0, 3, 1), (2021, 12, 31)])
def test_civil_days_round_trip(y: int, m: int, d: int) -> None:
    assert civil_from_days(days_from_civil(y, m, d)) == (y, m, d)


def test_days_from_civil_matches_python() -> None:
    for day in (dt.date(1, 1, 1), dt.date(1970, 1, 1), dt.date(2024, 2, 29), dt.date(9999, 12, 31)):
        assert days_from_civil(day.year, day.month, day.day) == (day - dt.date(1970, 1, 1)).days


def test_predicates() -> None:
    d, t, dtm = dt.date(2020, 1, 1), dt.time(1), dt.datetime(2020, 1, 1)
    assert is_date(d) and not is_date(dtm) and is_date(BigDate(-1, 1, 1))
    assert is_date_time(dtm) and is_date_time(BigDateTime(-1, 1, 1, 0, 0, 0)) and not is_date_time(d)
    assert is_time(t) and not is_time(dtm)
    assert all(is_temporal(v) for v in (d, t, dtm, day_time(1), year_month(1)))
    assert not any(is_temporal(v) for v in (None, "2020-01-01", Decimal(1), [d]))


def test_zone() -> None:
    assert zone("Asia/Tokyo") == ZoneInfo("Asia/Tokyo")
    assert zone("xyz/abc") is None
    assert zone("../etc/passwd") is None


def test_day_time_normalises() -> None:
    assert day_time(Decimal("3600.000")) == DayTimeDuration(Decimal(3600))
    assert day_time(Decimal("-0")) == DayTimeDuration(Decimal(0))
    assert str(day_time(Decimal("1.50")).seconds) == "1.5"


# --- properties ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, name, expected", [
    ("2018-12-10", "year", 2018), ("2018-12-10", "month", 12), ("2018-12-10", "day", 10),
    ("2018-12-10", "weekday", 1), ("-2021-01-01", "year", -2021), ("2018-12-16", "weekday", 7),
    ("2018-12-10T10:30:01", "year", 2018), ("2018-12-10T10:30:01", "weekday", 1), ("2018-12-10T10:30:01", "hour", 10),
    ("2018-12-10T10:30:01", "minute", 30), ("2018-12-10T10:30:01", "second", 1),
    ("10:30:01", "hour", 10), ("10:30:01", "minute", 30), ("10:30:01", "second", 1),
    ("P1Y2M", "years", 1), ("P2M", "years", 0), ("P2M", "months", 2), ("P1Y", "months", 0),
    ("-P1Y2M", "years", -1), ("-P1Y2M", "months", -2),
    ("P1D", "days", 1), ("PT2H", "days", 0), ("PT2H", "hours", 2), ("P1D", "hours", 0), ("PT2M", "minutes", 2),
    ("PT2S", "seconds", 2), ("P1D", "seconds", 0), ("-P1DT2H3M4S", "hours", -2), ("-P1DT2H3M4S", "seconds", -4),
])
def test_property_numbers(text: str, name: str, expected: int) -> None:
    assert property_of(parse_literal(text), name) == Decimal(expected)


def test_property_of_date_and_time_from_a_date_text() -> None:
    v = parse_date_and_time("2018-12-10")
    assert [property_of(v, n) for n in ("hour", "minute", "second")] == [0, 0, 0]


def test_time_offset_and_timezone() -> None:
    assert property_of(parse_literal("2018-12-10T10:30:00+05:00"), "time offset") == day_time(18000)
    assert property_of(parse_literal("2018-12-10T10:30:00"), "time offset") is None
    assert property_of(parse_literal("2018-12-10T10:30:00@Etc/UTC"), "timezone") == "Etc/UTC"
    assert property_of(parse_literal("2018-12-10T10:30:00"), "timezone") is None
    assert property_of(parse_literal("10:30:00+05:00"), "time offset") == day_time(18000)
    assert property_of(parse_literal("10:30:00"), "time offset") is None
    assert property_of(parse_literal("10:30:00"), "timezone") is None
    assert property_of(parse_literal("10:30:00@Europe/Paris"), "timezone") == "Europe/Paris"
    assert property_of(parse_literal("2018-07-10T10:30:00@Europe/Paris"), "time offset") == day_time(7200)


def test_range_properties() -> None:
    r = Range(Decimal(1), Decimal(10), True, False)
    assert property_of(r, "start") == 1 and property_of(r, "end") == 10
    assert property_of(r, "start included") is True and property_of(r, "end included") is False
    open_start = Range(None, Decimal(10), False, False, start_unbounded=True)
    assert property_of(open_start, "start") is None


@pytest.mark.parametrize("text, name", [
    ("P1Y", "days"), ("P1Y", "hours"), ("P1Y", "minutes"), ("P1Y", "seconds"), ("P1D", "years"),
    ("P1D", "months"), ("2018-12-10", "hour"), ("10:30:00", "year"), ("2018-12-10", "foo"),
])
def test_property_of_unknown_raises_key_error(text: str, name: str) -> None:
    with pytest.raises(KeyError):
        property_of(parse_literal(text), name)


def test_property_of_non_temporal_raises_key_error() -> None:
    with pytest.raises(KeyError):
        property_of("abc", "year")


def test_text_of_rejects_non_temporal() -> None:
    with pytest.raises(TypeError):
        text_of("2020-01-01")


@pytest.mark.parametrize("text, doy, week", [
    ("2019-01-01", 1, 1), ("2019-12-31", 365, 1), ("2020-12-31", 366, 53), ("2021-01-03", 3, 53),
    ("2019-09-17", 260, 38), ("2021-01-04T10:00:00", 4, 1),
    ("-2021-01-01", 1, 1), ("-4-12-31", 366, 1),  # as 1979-01-01 and 1996-12-31: the calendar repeats every 400 years
])
def test_day_and_week_of_year(text: str, doy: int, week: int) -> None:
    from engine.dmn.feel.temporal import day_of_year, week_of_year
    v = parse_literal(text) if not text.startswith("-4-") else BigDate(-4, 12, 31)
    assert day_of_year(v) == doy
    assert week_of_year(v) == week
