"""The numeric built-ins (engine/dmn/feel/builtins/numeric.py), called directly."""
from __future__ import annotations

from datetime import date, time

import pytest

from engine.dmn.feel.values import DayTimeDuration, YearMonthDuration

from .builtins_support import D, call, fails


@pytest.mark.parametrize(("n", "scale", "expected"), [
    (D(1) / D(3), D(2), "0.33"), (D(1) / D(3), D("2.5"), "0.33"), (D("1.5"), D(0), "2"), (D("2.5"), D(0), "2"),
    (D(0), D(0), "0"), (D("0.0"), D(1), "0.0"), (D("0.515"), D(2), "0.52"), (D("65.123456"), D(6), "65.123456"),
    (D(15) / D(7), D(3), "2.143"), (D(1234), D(-2), "1.2E+3"), (D("5.5"), D(6176), "5.5"),
])
def test_decimal(n, scale, expected):
    assert call("decimal", n, scale) == D(expected)


def test_decimal_named_and_errors():
    assert call("decimal", n=D(15) / D(7), scale=D(3)) == D("2.143")
    for args in ((None, D(1)), (D(1), None), ("1", D(1)), (D(1), "1"), (D(1), D(6177)), (D(1), D(-6112))):
        fails("decimal", *args)


@pytest.mark.parametrize(("args", "floor", "ceiling"), [
    ((D("1.5"),), "1", "2"), ((D("-1.5"),), "-2", "-1"), ((D("0.3333"),), "0", "1"), ((D("-0.3333"),), "-1", "0"),
    ((D("1.56"), D(1)), "1.5", "1.6"), ((D("-1.56"), D(1)), "-1.6", "-1.5"), ((D(7),), "7", "7"),
    ((D(155), D(-1)), "150", "160"),
])
def test_floor_ceiling(args, floor, ceiling):
    assert call("floor", *args) == D(floor)
    assert call("ceiling", *args) == D(ceiling)


@pytest.mark.parametrize("name", ["floor", "ceiling"])
@pytest.mark.parametrize("args", [(None, D(1)), (D("1.56"), None), ("1.5",), (D("1.5"), "1"), (True,), (None,)])
def test_floor_ceiling_errors(name, args):
    fails(name, *args)


@pytest.mark.parametrize(("name", "cases"), [
    ("round up", [("5.5", "6"), ("-5.5", "-6"), ("1.121", "1.13", 2), ("-1.126", "-1.13", 2), ("5.1", "6")]),
    ("round down", [("5.5", "5"), ("-5.5", "-5"), ("1.121", "1.12", 2), ("-1.126", "-1.12", 2), ("5.9", "5")]),
    ("round half up", [("5.5", "6"), ("-5.5", "-6"), ("1.121", "1.12", 2), ("-1.126", "-1.13", 2),
                       ("1.125", "1.13", 2)]),
    ("round half down", [("5.5", "5"), ("-5.5", "-5"), ("1.121", "1.12", 2), ("-1.126", "-1.13", 2),
                         ("1.125", "1.12", 2)]),
])
def test_rounding(name, cases):
    for n, expected, *scale in cases:
        assert call(name, D(n), D(scale[0] if scale else 0)) == D(expected), (name, n)
    assert call(name, n=D("5.5"), scale=D(6176)) == D("5.5")
    for args in ((None, D(0)), (D(1), None), ("123", D(0)), (D("5.5"), "0"), (D("5.5"), D(-6112)),
                 (D("5.5"), D(6177))):
        fails(name, *args)


def test_abs():
    assert call("abs", D(-1)) == D(1)
    assert call("abs", D(0)) == D(0)
    assert call("abs", n=D("-1.5")) == D("1.5")
    assert call("abs", DayTimeDuration(D(-86400))) == DayTimeDuration(D(86400))
    assert call("abs", YearMonthDuration(-12)) == YearMonthDuration(12)
    for v in (None, "-1", True, date(2018, 12, 6), time(0, 0)):
        fails("abs", v)


@pytest.mark.parametrize(("a", "b", "expected"), [
    (10, 4, 2), (10, -4, -2), (-10, 4, 2), (0, 4, 0), (12, 5, 2), (-12, 5, 3), (12, -5, -3), (-12, -5, -2),
    ("10.1", "4.5", "1.1"), ("-10.1", "4.5", "3.4"), ("10.1", "-4.5", "-3.4"), ("-10.1", "-4.5", "-1.1"),
])
def test_modulo(a, b, expected):
    assert call("modulo", D(a), D(b)) == D(expected)


def test_modulo_errors():
    assert "zero" in fails("modulo", D(10), D(0))
    for args in ((None, None), (D(10), None), (None, D(4)), ("10", "4"), (True, True),
                 (DayTimeDuration(D(10)), D(4))):
        fails("modulo", *args)
    assert call("modulo", dividend=D(10), divisor=D(4)) == D(2)


def test_sqrt_log_exp():
    assert call("sqrt", D(4)) == D(2)
    assert call("sqrt", D(0)) == D(0)
    assert call("sqrt", D(2)) == D("1.414213562373095048801688724209698")
    assert call("exp", D(0)) == D(1)
    assert abs(call("exp", D(4)) - D("54.59815003314423907811026120286088")) < D("1E-30")
    assert abs(call("exp", D(-1)) - D("0.3678794411714423215955237701614609")) < D("1E-30")
    assert abs(call("log", D(4)) - D("1.386294361119890618834464242916353")) < D("1E-30")
    assert call("log", D(1)) == D(0)
    assert call("sqrt", number=D(4)) == D(2)
    for name, bad in (("sqrt", D(-1)), ("log", D(0)), ("log", D(-1))):
        fails(name, bad)
    for name in ("sqrt", "log", "exp"):
        for v in (None, "4", True, DayTimeDuration(D(4)), date(2018, 12, 6)):
            fails(name, v)


def test_exp_overflow_is_an_error():
    assert "number" in fails("exp", D(100000))


def test_odd_even():
    for n, odd in ((2, False), (1, True), (-2, False), (-1, True), (0, False), (D("4.0"), False)):
        assert call("odd", D(n)) is odd
        assert call("even", D(n)) is (not odd)
    for name in ("odd", "even"):
        for v in (None, "4", True, D("1.5"), YearMonthDuration(4)):
            fails(name, v)
