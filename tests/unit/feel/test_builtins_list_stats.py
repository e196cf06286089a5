"""The list aggregates (engine/dmn/feel/builtins/list_stats.py), called directly."""
from __future__ import annotations

from datetime import date

import pytest

from engine.dmn.feel.values import DayTimeDuration

from .builtins_support import D, call, fails


def N(*xs):
    return [D(x) for x in xs]


def test_min_max():
    assert call("min", N(6, 14, -3)) == D(-3)
    assert call("max", N(6, 14, -3)) == D(14)
    assert call("min", D(3), D(1), D(2)) == D(1)
    assert call("max", "a", "c", "b") == "c"
    assert call("min", [date(2020, 1, 2), date(2019, 5, 1)]) == date(2019, 5, 1)
    assert call("max", [DayTimeDuration(D(1)), DayTimeDuration(D(60))]) == DayTimeDuration(D(60))
    assert call("min", []) is None
    assert call("max", D(5)) == D(5)
    assert call("min", list=N(2, 1)) == D(1)
    assert call("min", N(1)) == D(1)
    for name in ("min", "max"):
        fails(name, [D(1), "a"])
        fails(name, [D(1), None])
        fails(name, None)
        fails(name)
        fails(name, [True])


def test_sum_mean():
    assert call("sum", N(6, 14, -3)) == D(17)
    assert call("sum", D(1), D(2), D(3)) == D(6)
    assert call("sum", D(1)) == D(1)
    assert call("sum", []) is None
    assert call("mean", N(1, 2, 3)) == D(2)
    assert call("mean", D(6), D(14), D(3)) == D("7.666666666666666666666666666666667")  # 34 digits
    assert call("mean", []) is None
    for name in ("sum", "mean"):
        fails(name, [D(1), "a"])
        fails(name, [D(1), None])
        fails(name, None)
        fails(name)


def test_all_any():
    assert call("all", [True, False, True]) is False
    assert call("all", [True, True]) is True
    assert call("all", [True, None, True]) is None
    assert call("all", [False, None]) is False
    assert call("all", []) is True
    assert call("all", True) is True
    assert call("all", True, False, True) is False
    assert call("all", True, None) is None
    assert call("all", list=[True]) is True
    assert call("any", [True, False]) is True
    assert call("any", [False, False]) is False
    assert call("any", [None, False]) is None
    assert call("any", [None, True]) is True
    assert call("any", []) is False
    assert call("any", False) is False
    assert call("any", False, True) is True
    for name in ("all", "any"):
        fails(name, None)
        fails(name, D(123))
        fails(name, [True, D(123)])
        fails(name, True, D(123))
        fails(name)


def test_product():
    assert call("product", N(6, 3, 9, 6, 6)) == D(5832)
    assert call("product", N("2.5", 1, "2.5", 3)) == D("18.75")
    assert call("product", D(2), D(3), D(4)) == D(24)
    assert call("product", D(6)) == D(6)
    for args in (([],), (None,), (N(1, 2) + [None],), (N(1) + ["foo"],), ()):
        fails("product", *args)


def test_median():
    assert call("median", N(8, 2, 5, 3, 4)) == D(4)
    assert call("median", N(8, 2, 5, 7)) == D(6)
    assert call("median", N(6, 1, 2, 3)) == D("2.5")
    assert call("median", []) is None
    assert call("median", D(4)) == D(4)
    assert call("median", D(8), D(2), D(5)) == D(5)
    for args in ((None,), (N(1, 2) + ["foo"],), ()):
        fails("median", *args)


def test_stddev():
    assert call("stddev", N(2, 4, 7, 5)).quantize(D("1E-13")) == D("2.0816659994661")
    assert call("stddev", D(2), D(4), D(7), D(5)) == call("stddev", N(2, 4, 7, 5))
    assert call("stddev", N(1, 1)) == D(0)
    for args in (([],), (D(47),), (N(47),), (None,), (N(1, 2) + ["foo"],), ()):
        fails("stddev", *args)


@pytest.mark.parametrize(("args", "expected"), [
    ((N(6, 3, 9, 6, 6),), N(6)), ((N(3, 6, 1, 9, 6, 1, 3),), N(1, 3, 6)), ((N("2.5", 1, "2.5", 3),), N("2.5")),
    (([],), []), ((D(6),), N(6)), ((D(6), D(3), D(6)), N(6)), (([D(1), D("1.0"), D(2)],), N(1)),
])
def test_mode(args, expected):
    assert call("mode", *args) == expected


def test_mode_errors():
    for args in ((None,), (N(1, 2) + ["foo"],), ()):
        fails("mode", *args)
