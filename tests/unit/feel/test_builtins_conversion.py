"""The conversion built-ins (engine/dmn/feel/builtins/conversion.py), called directly."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from engine.dmn.feel import temporal as T
from engine.dmn.feel.semantics import to_string
from engine.dmn.feel.values import DayTimeDuration, YearMonthDuration

from .builtins_support import D, call, fails

PLUS2 = timezone(timedelta(hours=2))


def text(name, *args, **named):
    return to_string(call(name, *args, **named))


def test_date():
    assert call("date", "2017-12-31") == date(2017, 12, 31)
    assert text("date", "-2017-01-01") == "-2017-01-01"
    assert text("date", "999999999-12-31") == "999999999-12-31"
    assert call("date", datetime(2017, 8, 14, 14, 25)) == date(2017, 8, 14)
    assert call("date", T.parse_date_and_time("2017-09-03T09:45:30@Europe/Paris")) == date(2017, 9, 3)
    assert call("date", date(2017, 10, 11)) == date(2017, 10, 11)
    assert call("date", D(2017), D(1), D(1)) == date(2017, 1, 1)
    assert text("date", D(-2017), D(12), D(31)) == "-2017-12-31"
    assert call("date", year=D(2017), month=D(8), day=D(30)) == date(2017, 8, 30)


@pytest.mark.parametrize("args", [
    (None,), (None, D(2), D(1)), (D(2017), None, D(1)), (D(2017), D(1), None), ("2012-12-25T",), ("",),
    ("2012/12/25",), ("9999999999-12-25",), ("2017-13-10",), ("2017-12-32",), ("998-12-31",), ("01211-12-31",),
    ("+2012-12-02",), (D(2017), D(13), D(31)), (D(2017), D(12), D(32)), (D(2017), D(-8), D(2)),
    (D(-1000999999), D(12), D(1)), (D(1),), ([],), (D("2017.5"), D(1), D(1)), (time(10, 0),),
])
def test_date_errors(args):
    fails("date", *args)


def test_date_and_time():
    assert call("date and time", "2012-12-24") == datetime(2012, 12, 24)
    assert call("date and time", "2017-12-31T11:22:33") == datetime(2017, 12, 31, 11, 22, 33)
    assert text("date and time", "2017-12-31T11:22:33.123456789") == "2017-12-31T11:22:33.123456789"
    assert text("date and time", "-2017-12-31T11:22:33.456+01:35") == "-2017-12-31T11:22:33.456+01:35"
    assert text("date and time", "2011-12-31T10:15:30@Europe/Paris") == "2011-12-31T10:15:30@Europe/Paris"
    assert call("date and time", date(2017, 1, 1), time(23, 59, 1)) == datetime(2017, 1, 1, 23, 59, 1)
    assert call("date and time", date(2017, 1, 1), time(23, 59, 1, tzinfo=PLUS2)) == \
        datetime(2017, 1, 1, 23, 59, 1, tzinfo=PLUS2)
    assert call("date and time", datetime(2017, 8, 10, 10, 20, tzinfo=PLUS2), time(23, 59, 1)) == \
        datetime(2017, 8, 10, 23, 59, 1)
    assert call("date and time", date=date(2017, 1, 1), time=time(1, 2)) == datetime(2017, 1, 1, 1, 2)


@pytest.mark.parametrize("args", [
    (None,), (None, None), (datetime(2017, 8, 10), None), (None, time(23, 59)), (D(2017),), ([],), ("",),
    ("11:00:00",), ("2011-12-0310:15:30",), ("2011-12-03T10:15:30+01:00@Europe/Paris",),
    ("2017-13-10T11:22:33",), ("2017-12-31T24:00:01",), ("2017-12-31T13:20:00@xyz/abc",),
    ("2017-12-31T13:20:00+19:00",), ("2017-12-31T7:20",), (time(10, 0), time(10, 0)), (date(2017, 1, 1), "10:00"),
])
def test_date_and_time_errors(args):
    fails("date and time", *args)


def test_time():
    assert call("time", "01:02:03") == time(1, 2, 3)
    assert text("time", "11:22:33.123456789") == "11:22:33.123456789"
    assert call("time", "13:20:00-05:00") == time(13, 20, tzinfo=timezone(timedelta(hours=-5)))
    assert text("time", "11:22:33-00:00") == "11:22:33Z"
    assert text("time", "00:01:00@Europe/Paris") == "00:01:00@Europe/Paris"
    assert call("time", datetime(2017, 8, 10, 10, 20)) == time(10, 20)
    assert call("time", datetime(2017, 8, 10, 10, 20, tzinfo=PLUS2)) == time(10, 20, tzinfo=PLUS2)
    assert text("time", T.parse_date_and_time("2017-08-10T10:20:00@Europe/Paris")) == "10:20:00@Europe/Paris"
    assert text("time", date(2017, 8, 10)) == "00:00:00Z"
    assert call("time", time(1, 2)) == time(1, 2)
    assert call("time", D(11), D(59), D(45), None) == time(11, 59, 45)
    assert call("time", D(11), D(59), D(45)) == time(11, 59, 45)
    assert text("time", D(11), D(59), D(45), DayTimeDuration(D(0))) == "11:59:45Z"
    assert text("time", D(11), D(59), D(0), DayTimeDuration(D(-7260))) == "11:59:00-02:01"
    assert text("time", D(11), D(59), D(45), DayTimeDuration(D(9955))) == "11:59:45+02:45:55"
    assert text("time", D(11), D(59), D("45.5")) == "11:59:45.5"
    assert text("time", hour=D(11), minute=D(59), second=D(0), offset=DayTimeDuration(D(-7200))) == \
        "11:59:00-02:00"


@pytest.mark.parametrize("args", [
    (None,), (None, D(11), D(45), DayTimeDuration(D(0))), (D(12), None, D(45), None), (D(12), D(0), None, None),
    (D(2017),), ([],), ("",), ("23:59:60",), ("24:00:01",), ("00:60:00",), ("7:00:00",), ("13:20:00@xyz/abc",),
    ("13:20:00+19:00",), ("13:20:00+5:00",), ("13:20:00+02:00@Europe/Paris",), ("11:30:00T",),
    (D(24), D(59), D(45), None), (D(-24), D(59), D(45), None), (D(23), D(60), D(45), None),
    (D(23), D(59), D(60), None), (D(1), D(2), D(3), YearMonthDuration(1)),
    (D(1), D(2), D(3), DayTimeDuration(D(70000))),
    (D(1), D(2), D("3.0000000001")),
])
def test_time_errors(args):
    fails("time", *args)


@pytest.mark.parametrize(("args", "expected"), [
    (("1.000.000,01", ".", ","), "1000000.01"), (("1,000,000.01", ",", "."), "1000000.01"),
    (("1 000 000.01", " ", "."), "1000000.01"), (("1000000.01", None, "."), "1000000.01"),
    (("1,000,000", ",", None), "1000000"), (("1,000,000.00", ",", None), "1000000.00"), (("12",), "12"),
    (("-1.5",), "-1.5"), ((".5",), "0.5"), (("1e3",), "1000"), (("1'5",), None),
])
def test_number(args, expected):
    if expected is None:
        fails("number", *args)
    else:
        assert call("number", *args) == D(expected)


@pytest.mark.parametrize("args", [
    ("1,000,000.01", " ", "."), ("1,000,000.01", ":", "."), ("1,000,000.01", D(123), "."),
    ("1,000,000.01", ",", ":"), ("1,000,000.01", ",", D(123)), ("1,000,000.00", ",", ","),
    ("1,000,000.00", ".", "."), (None, ".", "."), (D(123), ".", "."), ("foo,bar.001", ".", ","),
    ("1.000.000,01", "."), ("1.5,2", None, ","), ("",), ("NaN",), ("Infinity",),
])
def test_number_errors(args):
    fails("number", *args)


def test_number_named():
    assert call("number", **{"from": "1.000.000,01", "decimal_separator": ",", "grouping_separator": "."}) == \
        D("1000000.01")


def test_string():
    assert call("string", D("1.10")) == "1.1"
    assert call("string", "abc") == "abc"
    assert call("string", [D(1), "a"]) == '[1, "a"]'
    assert call("string", date(2017, 1, 1)) == "2017-01-01"
    assert call("string", True) == "true"
    assert call("string", None) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("P1D", "P1D"), ("PT0.999S", "PT0.999S"), ("P1DT2H3M4.123456789S", "P1DT2H3M4.123456789S"),
    ("PT0.S", "PT0S"), ("P0D", "PT0S"), ("-PT1H2M", "-PT1H2M"), ("PT1000M", "PT16H40M"), ("PT24H", "P1D"),
    ("P1Y2M", "P1Y2M"), ("P0Y", "P0M"), ("P26M", "P2Y2M"), ("-P100M", "-P8Y4M"), ("P99999999Y", "P99999999Y"),
])
def test_duration(text, expected):
    assert to_string(call("duration", text)) == expected


@pytest.mark.parametrize("value", [None, "", D(2017), "2012T-12-2511:00:00Z", [], "P", "P0", "1Y", "P1H", "P1S",
                                   "P1Y2D"])
def test_duration_errors(value):
    fails("duration", value)


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("2011-12-22", "2013-08-24", "P1Y8M"), ("2013-08-24", "2011-12-22", "-P1Y8M"), ("2016-01-01", "2016-01-01", "P0M"),
    ("2017-12-31T13:00:00", "2017-12-31T12:00:00", "P0M"), ("2016-09-30T23:25:00", "2017-12-28T12:12:12", "P1Y2M"),
    ("-2016-01-30T09:05:00", "-2017-02-28T02:02:02", "-P11M"),
    ("2014-12-31T23:59:59", "-2019-10-01T12:32:59", "-P4033Y2M"),
    ("2011-08-25T15:59:59@Europe/Paris", "2015-08-25T15:20:59+02:00", "P4Y"),
    ("2013-08-24", "2017-12-15T00:59:59", "P4Y3M"), ("2017-02-28T23:59:59", "2019-07-23", "P2Y4M"),
])
def test_years_and_months_duration(a, b, expected):
    parse = T.parse_date_and_time
    start = T.parse_date(a) or parse(a)
    end = T.parse_date(b) or parse(b)
    assert to_string(call("years and months duration", start, end)) == expected


def test_years_and_months_duration_errors():
    for args in ((None, None), (date(2017, 8, 11), None), (None, date(2017, 8, 11)), (D(2017), date(2017, 1, 1)),
                 ("2012-12-25", date(2017, 1, 1)), ([], []), (time(1, 0), date(2017, 1, 1))):
        fails("years and months duration", *args)
    assert call("years and months duration", **{"from": date(2016, 1, 21), "to": date(2015, 1, 21)}) == \
        YearMonthDuration(-12)
