"""The date and time built-ins (engine/dmn/feel/builtins/temporal.py), called directly."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.dmn.feel import temporal as T
from engine.dmn.feel.values import DayTimeDuration, YearMonthDuration

from .builtins_support import NOW, D, call, fails

lit = T.parse_literal


@pytest.mark.parametrize(("day", "of_year", "of_week", "month", "week"), [
    ("1970-01-01", 1, "Thursday", "January", 1), ("2019-12-31", 365, "Tuesday", "December", 1),
    ("2020-12-31", 366, "Thursday", "December", 53), ("2019-09-17", 260, "Tuesday", "September", 38),
    ("2003-12-29", 363, "Monday", "December", 1), ("2004-01-01", 1, "Thursday", "January", 1),
    ("2010-01-01", 1, "Friday", "January", 53), ("2005-01-02", 2, "Sunday", "January", 53),
    ("2008-12-29", 364, "Monday", "December", 1), ("-0001-01-01", 1, "Friday", "January", 53),
    ("20000-06-15", 167, "Thursday", "June", 24),
])
def test_day_week_month(day, of_year, of_week, month, week):
    for value in (T.parse_date(day), T.parse_date_and_time(day + "T10:10:10")):
        assert call("day of year", value) == D(of_year)
        assert call("day of week", value) == of_week
        assert call("month of year", value) == month
        assert call("week of year", value) == D(week)


def test_week_numbers_agree_with_python():
    day = date(1999, 12, 1)
    for _ in range(3000):
        assert call("week of year", day) == D(day.isocalendar()[1])
        day += timedelta(days=1)


@pytest.mark.parametrize("name", ["day of year", "day of week", "month of year", "week of year"])
def test_day_functions_errors(name):
    for value in (None, "foo", D(1), time(10, 0), DayTimeDuration(D(1))):
        fails(name, value)
    assert call(name, date=date(2019, 9, 17)) is not None


def test_now_and_today_read_the_clock():
    assert call("now") == NOW
    assert call("today") == date(2024, 5, 17)


@pytest.mark.parametrize(("a", "b", "expected"), [
    (D(1), D(1), True), (D(1), D("1.0"), True), (D(1), D(2), False), (True, True, True), (True, False, False),
    ("foo", "foo", True), ("foo", "bar", False), (None, None, True), (D(1), None, False), (D(1), "1", False),
    ("2012-12-25", "2012-12-25", True), ("2012-12-25", "2012-12-25T00:00:00Z", False),
    ("23:00:50", "23:00:50", True), ("23:00:50Z", "23:00:50+00:00", True), ("23:00:50", "23:00:50Z", False),
    ("23:00:50@Australia/Melbourne", "23:00:50@Australia/Melbourne", True),
    ("23:00:50@Australia/Melbourne", "23:00:50+10:00", False), ("23:00:50@Etc/GMT", "23:00:50Z", False),
    ("23:00:50@Australia/Melbourne", "23:00:50@Australia/Sydney", False), ("20:00:50+00:00", "21:00:50+01:00", False),
    ("2012-12-25T10:10:10+11:00", "2012-12-25T10:10:10+11:00", True),
    ("2002-04-02T12:00:00-01:00", "2002-04-02T17:00:00+04:00", False),
    ("2021-04-02T23:00:00@Australia/Melbourne", "2021-04-02T23:00:00+11:00", False),
    ("P1D", "PT24H", True), ("P1Y", "P12M", True), ("P0Y", "P0D", False),
    ("12:00:00.000000001", "12:00:00.000000002", False),
])
def test_is(a, b, expected):
    def value(v):
        return lit(v) if isinstance(v, str) and any(c.isdigit() for c in v) else v
    assert call("is", value(a), value(b)) is expected
    assert call("is", value1=value(a), value2=value(b)) is expected


def test_is_with_python_values():
    paris = ZoneInfo("Europe/Paris")
    assert call("is", datetime(2020, 1, 1, tzinfo=paris), datetime(2020, 1, 1, tzinfo=ZoneInfo("Europe/Paris")))
    assert not call("is", datetime(2020, 1, 1, tzinfo=UTC), datetime(2020, 1, 1))
    assert not call("is", YearMonthDuration(0), DayTimeDuration(D(0)))
    assert call("is", [D(1)], [D("1.0")])
