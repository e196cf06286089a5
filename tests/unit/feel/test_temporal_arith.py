"""Temporal arithmetic and ordering: the TCK's 0100-arithmetic cases, then the rules one by one."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from engine.dmn.feel import semantics, temporal_arith
from engine.dmn.feel.context import EvalContext
from engine.dmn.feel.temporal import day_time, parse_literal, text_of, year_month
from engine.dmn.feel.temporal_arith import (
    add, add_months, compare, divide, equal, from_instant, from_local, instant_seconds, local_seconds, multiply,
    negate, subtract,
)

from .temporal_arith_cases import CASES

OPS = {"+": semantics.add, "-": semantics.subtract, "*": semantics.multiply, "/": semantics.divide}
L = parse_literal


def _value(text: str) -> Any:
    return Decimal(text) if re.fullmatch(r"-?[\d.]+", text) else parse_literal(text)


@pytest.mark.parametrize("left, op, right, expected", CASES)
def test_tck_arithmetic(left: str, op: str, right: str, expected: str | None) -> None:
    ctx = EvalContext()
    result = OPS[op](ctx, _value(left), _value(right))
    if expected is None:
        assert result is None
        assert ctx.errors
        return
    assert not ctx.errors
    assert semantics.equal(result, _value(expected)) is True, semantics.to_string(result)
    if "@" in expected or expected.startswith("-") and not expected.startswith("-P"):
        assert semantics.to_string(result) == expected


# --- the rules one by one ---------------------------------------------------------------------------------------

def test_durations_add_and_subtract_within_their_kind() -> None:
    assert add(L("P1D"), L("PT2H")) == day_time(93600)
    assert subtract(L("P1Y"), L("P2M")) == year_month(10)
    assert add(L("P1Y"), L("P1D")) is NotImplemented
    assert subtract(L("P1D"), L("P1Y")) is NotImplemented


def test_end_of_month_clamp() -> None:
    assert text_of(add(L("2021-01-31"), L("P1M"))) == "2021-02-28"
    assert text_of(add(L("2020-01-31"), L("P1M"))) == "2020-02-29"
    assert text_of(add(L("2020-02-29"), L("P1Y"))) == "2021-02-28"
    assert text_of(subtract(L("2021-03-31T10:00:00"), L("P1M"))) == "2021-02-28T10:00:00"
    assert text_of(add_months(L("2021-12-15"), 1)) == "2022-01-15"
    assert text_of(add_months(L("2021-01-15"), -13)) == "2019-12-15"


def test_date_plus_day_time_duration_is_a_date() -> None:
    assert add(L("2021-01-01"), L("PT36H")) == dt.date(2021, 1, 2)
    assert subtract(L("2021-01-02"), L("PT1S")) == dt.date(2021, 1, 1)
    assert subtract(L("2020-03-01"), L("PT24H")) == dt.date(2020, 2, 29)


def test_time_plus_duration_wraps_and_keeps_its_zone() -> None:
    assert text_of(add(L("23:30:00+01:00"), L("PT1H"))) == "00:30:00+01:00"
    assert text_of(subtract(L("00:15:00"), L("PT30M"))) == "23:45:00"
    assert text_of(add(L("10:00:00.5"), L("PT0.75S"))) == "10:00:01.25"
    assert add(L("10:00:00"), L("P1Y")) is NotImplemented


def test_zoned_date_time_adds_on_the_instant() -> None:
    # Europe/Paris leaves summer time on 2021-10-31 at 03:00 (+02:00 → +01:00).
    v = add(L("2021-10-30T12:00:00@Europe/Paris"), L("PT24H"))
    assert text_of(v) == "2021-10-31T11:00:00@Europe/Paris"
    assert v.utcoffset() == dt.timedelta(hours=1)
    # years and months keep the wall clock
    assert text_of(add(L("2021-07-01T12:00:00@Europe/Paris"), L("P6M"))) == "2022-01-01T12:00:00@Europe/Paris"


def test_differences() -> None:
    assert subtract(L("2021-01-02"), L("2021-01-01")) == day_time(86400)
    assert subtract(L("2021-01-01T10:00:00+01:00"), L("2021-01-01T10:00:00Z")) == day_time(-3600)
    assert subtract(L("2021-01-01T10:00:00"), L("2021-01-01T09:00:00.5")) == day_time(Decimal("3599.5"))
    assert subtract(L("-2021-01-01"), L("-2022-12-31")) == day_time(86400)
    assert subtract(L("10:00:00+01:00"), L("10:00:00Z")) == day_time(-3600)
    with pytest.raises(ValueError):
        subtract(L("10:00:00"), L("10:00:00Z"))
    with pytest.raises(ValueError):
        subtract(L("2021-01-01T00:00:00"), L("2021-01-01"))


def test_years_and_months_difference_is_not_here() -> None:
    assert subtract(L("P1Y"), L("2021-01-01")) is NotImplemented
    assert add(L("2021-01-01"), L("2021-01-01")) is NotImplemented


def test_multiply_and_divide() -> None:
    assert multiply(Decimal("1.5"), L("P4DT1H")) == L("P6DT1H30M")
    assert multiply(L("P1Y11M"), Decimal("-2.5")) == year_month(-57)
    assert multiply(L("P1D"), L("P1D")) is NotImplemented
    assert divide(L("P10Y11M"), Decimal("2.5")) == year_month(52)
    assert divide(L("P10D"), L("P5D")) == Decimal(2)
    assert divide(L("P1Y"), L("P6M")) == Decimal(2)
    assert divide(Decimal(10), L("P1D")) is NotImplemented
    assert divide(L("P1D"), L("P1Y")) is NotImplemented
    for zero in (Decimal(0), L("P0D")):
        with pytest.raises(ValueError):
            divide(L("P10D"), zero)
    with pytest.raises(ValueError):
        divide(L("P1Y"), L("P0M"))


def test_negate() -> None:
    assert negate(L("P1D")) == L("-P1D")
    assert negate(L("-P1Y")) == L("P1Y")
    assert negate(L("2021-01-01")) is NotImplemented


def test_out_of_range_results_raise() -> None:
    with pytest.raises(ValueError):
        add(L("999999999-12-31"), L("P1D"))
    with pytest.raises(ValueError):
        add(L("999999999-12-31T00:00:00"), L("P1Y"))


def test_seconds_round_trip() -> None:
    for text in ("2021-01-01T10:10:10.123456789", "-2021-06-30T23:59:59", "1970-01-01T00:00:00"):
        v = L(text)
        assert text_of(from_local(local_seconds(v))) == text
    v = L("2021-07-01T12:00:00@Europe/Paris")
    assert text_of(from_instant(instant_seconds(v), v.tzinfo)) == "2021-07-01T12:00:00@Europe/Paris"
    assert instant_seconds(L("1970-01-01T01:00:00+01:00")) == 0
    assert instant_seconds(L("1970-01-02")) == 86400
    assert instant_seconds(L("1970-01-01T00:00:00")) is None


# --- ordering and equality ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b, expected", [
    ("2018-12-08", "2018-12-08", 0), ("2018-12-07", "2018-12-08", -1), ("-2018-12-08", "2018-12-08", -1),
    ("10:30:00", "10:30:00.0000", 0), ("10:30:01", "10:30:00", 1), ("10:30:00Z", "10:30:00+00:00", 0),
    ("10:30:00@Europe/Paris", "10:30:00@Europe/Paris", 0), ("10:30:00+01:00", "10:30:00Z", -1),
    ("2018-12-08T00:00:00", "2018-12-07T00:00:00", 1),
    ("2018-10-08T00:00:00+02:00", "2018-10-08T00:00:00@Europe/Paris", 0),
    ("2002-04-02T12:00:00@Australia/Melbourne", "2002-04-02T12:00:00@Australia/Sydney", 0),
    ("2018-12-08T00:00:00+00:00", "2018-12-08T00:00:00@Etc/UTC", 0),
    ("2018-12-08T00:00:00@Europe/Paris", "2018-12-08T00:00:00@Asia/Dhaka", 1),
    ("2002-04-02T23:00:00-04:00", "2002-04-03T02:00:00-01:00", 0),
    ("P1D", "PT24H", 0), ("P1D", "P2D", -1), ("P0D", "-P0D", 0), ("P1Y", "P12M", 0), ("-P1Y", "P1M", -1),
])
def test_compare(a: str, b: str, expected: int) -> None:
    assert compare(L(a), L(b)) == expected
    assert compare(L(b), L(a)) == -expected
    assert equal(L(a), L(b)) is (expected == 0)


def test_equality_at_millisecond_precision() -> None:
    assert equal(L("10:30:00.0001"), L("10:30:00.0002")) is True
    assert equal(L("2018-12-08T00:00:00.0001"), L("2018-12-08T00:00:00.0000")) is True
    assert equal(L("10:30:00.001"), L("10:30:00.002")) is False


@pytest.mark.parametrize("a, b", [
    ("2018-12-08", "2018-12-08T00:00:00"), ("2018-12-08T00:00:00", "2018-12-08T00:00:00Z"),
    ("10:00:00", "10:00:00Z"), ("P1Y", "P365D"), ("2018-12-08", "10:00:00"), ("P1D", "10:00:00"),
])
def test_incomparable(a: str, b: str) -> None:
    assert compare(L(a), L(b)) is None
    assert equal(L(a), L(b)) is None


def test_compare_non_temporal_is_none() -> None:
    assert compare("a", L("P1D")) is None
    assert temporal_arith.compare(Decimal(1), Decimal(2)) is None


@pytest.mark.parametrize("start, end, expected", [
    ("2011-12-22", "2013-08-24", "P1Y8M"), ("2013-08-24", "2011-12-22", "-P1Y8M"), ("2015-01-21", "2016-01-21", "P1Y"),
    ("2016-01-01", "2016-01-01", "P0M"), ("2017-12-31T13:00:00", "2017-12-31T12:00:00", "P0M"),
    ("2016-09-30T23:25:00", "2017-12-28T12:12:12", "P1Y2M"), ("2014-12-31T23:59:59", "2019-10-01T12:32:59", "P4Y9M"),
    ("-2016-01-30T09:05:00", "-2017-02-28T02:02:02", "-P11M"),
    ("2014-12-31T23:59:59", "-2019-10-01T12:32:59", "-P4033Y2M"),
    ("2017-09-05T10:20:00-01:00", "-2019-10-01T12:32:59+02:00", "-P4035Y11M"),
    ("2017-09-05T10:20:00+05:00", "2019-10-01T12:32:59", "P2Y"), ("2013-08-24", "2017-12-15T00:59:59", "P4Y3M"),
    ("2014-12-31T23:59:59", "2016-12-31T00:00:01", "P2Y"), ("2017-02-28T23:59:59", "2019-07-23", "P2Y4M"),
])
def test_months_between(start: str, end: str, expected: str) -> None:
    assert text_of(temporal_arith.months_between(L(start), L(end))) == expected
