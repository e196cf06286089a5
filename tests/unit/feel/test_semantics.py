"""FEEL value semantics: equality (TCK 0068), ordering, arithmetic dispatch, `string()`, host conversion."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from engine.dmn.feel import semantics as S
from engine.dmn.feel.context import EvalContext
from engine.dmn.feel.temporal import BigDate, parse_literal, year_month
from engine.dmn.feel.values import DayTimeDuration, FeelFunction, Parameter, Range, YearMonthDuration

D = Decimal
L = parse_literal
FN = FeelFunction("f", (Parameter("a"),), lambda ctx, a: a)


def rng(a: Any, b: Any, si: bool = True, ei: bool = True, su: bool = False, eu: bool = False) -> Range:
    return Range(a, b, si, ei, su, eu)


# --- equality ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b, expected", [
    (None, None, True), (True, True, True), (False, False, True), (True, False, False), (True, None, False),
    (False, None, False), (D(123), D(123), True), (D("123.01"), D("123.01"), True), (D(0), D("0.00"), True),
    (D("-0"), D(0), True), (D(-1), D(1), False), (D(100), None, False), (D(12300), D("1.23e4"), True),
    (D("0.000123"), D("1.23e-4"), True), ("foo", "foo", True), ("foo", "Foo", False), ("foo", None, False),
    ([D(1), D(2), D(3)], [D(1), D(2), D(3)], True), ([D(1)] * 3, [D(1)] * 4, False), ([], [], True),
    ([D(1), D(2)], [D(2), D(1)], False), ([], None, False), ({}, {}, True),
    ({"foo": "bar", "bar": "baz"}, {"bar": "baz", "foo": "bar"}, True), ({"foo": "bar"}, {"foo": "baz"}, False),
    ({"a": D(1)}, {"a": D(1), "b": D(2)}, False), ({}, None, False),
    ([D(1), [D(3), D(4)]], [D(1), [D(3), D(4)]], True), ([D(1), {"a": [D(3)]}], [D(1), {"a": [D(3)]}], True),
    ([D(1), [D(3), D(4)]], [D(1), [D(4), D(3)]], False),
    ({"a": {"c": "bar", "b": "foo"}}, {"a": {"b": "foo", "c": "bar"}}, True),
    (L("2018-12-08"), L("2018-12-08"), True), (L("2018-12-07"), L("2018-12-08"), False),
    (L("2018-12-07"), None, False), (L("10:30:00Z"), L("10:30:00+00:00"), True),
    (L("2018-10-08T00:00:00+02:00"), L("2018-10-08T00:00:00@Europe/Paris"), True),
    (L("P1D"), L("PT24H"), True), (L("P0D"), L("-P0D"), True), (L("P1Y"), L("P12M"), True),
    (L("P1Y"), L("-P1Y"), False), (L("P0Y"), None, False),
    (rng(D(1), D(10)), rng(D(1), D(10)), True), (rng(D(1), D(2)), rng(D(1), D(3)), False),
    (rng(D(1), D(10), si=False), rng(D(1), D(10), si=False), True),
    (rng(None, D(10), False, False, su=True), rng(None, D(10), False, False), False),
    (rng(None, D(10), False, False, su=True), rng(None, D(10), False, False, su=True), True),
    (rng(D(10), D(10)), rng(D(10), D(10), True, True), True),
    (FN, FN, True),
])
def test_equal(a: Any, b: Any, expected: bool) -> None:
    assert S.equal(a, b) is expected
    assert S.equal(b, a) is expected


@pytest.mark.parametrize("a, b", [
    (False, D(0)), (True, D(1)), (D(100), "100"), ("foo", D(100)), ([], D(0)), ({}, []),
    (L("2018-12-07"), D(100)), (L("10:30:00"), D(100)), (L("P0D"), D(0)), (L("P1Y"), L("P365D")),
    (L("2018-12-08"), L("2018-12-08T00:00:00")), (FN, D(1)), (rng(D(1), D(2)), [D(1), D(2)]),
])
def test_equal_different_types_is_null(a: Any, b: Any) -> None:
    assert S.equal(a, b) is None
    assert S.equal(b, a) is None


def test_equal_lists_with_incomparable_elements() -> None:
    assert S.equal([D(1), "a"], [D(1), D(2)]) is None
    assert S.equal(["a", D(1)], [D(2), D(2)]) is False  # one unequal pair decides
    assert S.equal([None], [None]) is True
    assert S.equal({"a": None}, {"a": D(1)}) is False


# --- ordering --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b, expected", [
    (D(1), D(2), -1), (D("2.0"), D(2), 0), (D(-1), D(-2), 1), ("a", "b", -1), ("b", "a", 1), ("a", "a", 0),
    ("B", "a", -1), (L("2018-12-08"), L("2018-12-09"), -1), (L("10:30:05"), L("10:30:04"), 1),
    (L("P1D"), L("PT23H"), 1), (L("P1Y"), L("P13M"), -1),
])
def test_compare(a: Any, b: Any, expected: int) -> None:
    assert S.compare(a, b) == expected


@pytest.mark.parametrize("a, b", [
    (D(1), None), (None, None), (True, False), (D(1), "1"), ([D(1)], [D(2)]), ({}, {}),
    (L("2018-12-08"), L("10:00:00")), (L("P1D"), L("P1Y")), (rng(D(1), D(2)), rng(D(1), D(2))),
])
def test_compare_not_ordered(a: Any, b: Any) -> None:
    assert S.compare(a, b) is None


# --- arithmetic -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("op, a, b, expected", [
    (S.add, D(10), D(5), D(15)), (S.add, D("1.2345"), D("2.234"), D("3.4685")), (S.add, "foo", "bar", "foobar"),
    (S.add, "1", "1", "11"), (S.subtract, D("1.1234"), D("-0.2345"), D("1.3579")),
    (S.multiply, D(10), D(-10), D(-100)), (S.divide, D(100), D(10), D(10)), (S.divide, D(1), D(3), D("0." + "3" * 34)),
    (S.power, D(5), D(2), D(25)), (S.power, D(5), D(-2), D("0.04")), (S.power, D(-3), D(2), D(9)),
    (S.power, D("5.5"), D(2), D("30.25")), (S.power, D(81), D(5), D(3486784401)),
    (S.power, D(0), D(0), D(1)), (S.power, D(4), D("0.5"), D(2)),
    (S.add, L("2021-01-01"), L("P1D"), L("2021-01-02")), (S.multiply, D(10), L("P1Y"), year_month(120)),
])
def test_arithmetic(op: Any, a: Any, b: Any, expected: Any) -> None:
    ctx = EvalContext()
    assert S.equal(op(ctx, a, b), expected) is True
    assert ctx.errors == []


def test_arithmetic_keeps_34_digits() -> None:
    r = S.power(EvalContext(), D(5), D("2.55"))
    assert str(r) == "60.58617166606633673745724928244262"
    assert S.add(EvalContext(), D("1E+40"), D(1)) == D("1.000000000000000000000000000000000E+40")


OPERANDS = [D(10), "10", True, L("2021-01-01"), L("2021-01-01T10:10:10"), L("10:10:10"), [D(10)], {"a": D(10)},
            L("P1D"), L("P1Y"), rng(D(1), D(10)), FN]
ALLOWED = {
    "add": {("number", "number"), ("string", "string"), ("date", "dtd"), ("date", "ymd"), ("dtd", "date"),
            ("ymd", "date"), ("date and time", "dtd"), ("date and time", "ymd"), ("dtd", "date and time"),
            ("ymd", "date and time"), ("time", "dtd"), ("dtd", "time"), ("dtd", "dtd"), ("ymd", "ymd")},
    "subtract": {("number", "number"), ("date", "date"), ("date", "dtd"), ("date", "ymd"),
                 ("date and time", "dtd"), ("date and time", "ymd"), ("date and time", "date and time"),
                 ("time", "time"), ("time", "dtd"), ("dtd", "dtd"), ("ymd", "ymd")},
    "multiply": {("number", "number"), ("number", "dtd"), ("number", "ymd"), ("dtd", "number"), ("ymd", "number")},
    "divide": {("number", "number"), ("dtd", "number"), ("ymd", "number"), ("dtd", "dtd"), ("ymd", "ymd")},
    "power": {("number", "number")},
}
# local date and time minus a date (midnight UTC): an error, though both are temporal
ALLOWED["subtract"] -= {("date and time", "date"), ("date", "date and time")}


def _kind(v: Any) -> str:
    return {"days and time duration": "dtd", "years and months duration": "ymd"}.get(S.type_name(v), S.type_name(v))


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_type_mismatches_give_null_and_an_error(name: str) -> None:
    op = getattr(S, name)
    for a in OPERANDS:
        for b in OPERANDS:
            ctx = EvalContext()
            result = op(ctx, a, b)
            if (_kind(a), _kind(b)) in ALLOWED[name]:
                assert result is not None, (name, a, b)
                assert ctx.errors == []
            else:
                assert result is None, (name, a, b, result)
                assert len(ctx.errors) == 1, (name, a, b)


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_null_operand_gives_null_without_error(name: str) -> None:
    op = getattr(S, name)
    for v in [*OPERANDS, None]:
        ctx = EvalContext()
        assert op(ctx, None, v) is None and op(ctx, v, None) is None
        assert ctx.errors == []


@pytest.mark.parametrize("op, a, b", [
    (S.divide, D(100), D(0)), (S.divide, D("0.0"), D("0.0")), (S.divide, D("-1.0"), D("0.0")),
    (S.power, D(10), D(10000)), (S.power, D(0), D(-1)), (S.power, D(-8), D("0.5")),
    (S.multiply, D("1E+6000"), D("1E+6000")), (S.divide, L("P10D"), D(0)), (S.divide, L("P10Y"), L("P0Y")),
    (S.subtract, L("2021-01-02T10:10:10@Europe/Paris"), L("2021-01-01T10:10:10")),
    (S.add, L("999999999-12-31"), L("P1D")),
])
def test_arithmetic_errors_are_reported(op: Any, a: Any, b: Any) -> None:
    ctx = EvalContext()
    assert op(ctx, a, b) is None
    assert len(ctx.errors) == 1 and ctx.errors[0].endswith(".")


def test_negate() -> None:
    ctx = EvalContext()
    assert S.negate(ctx, D(10)) == D(-10)
    assert str(S.negate(ctx, D(0))) == "0"
    assert S.negate(ctx, L("P1D")) == L("-P1D")
    assert S.negate(ctx, L("-P1Y")) == L("P1Y")
    assert S.negate(ctx, None) is None
    assert ctx.errors == []
    for v in (L("2021-01-01"), L("2021-01-01T10:10:10"), L("10:10:10"), {"a": D(1)}, "10", [D(10)],
              rng(D(1), D(5)), True, FN):
        ctx = EvalContext()
        assert S.negate(ctx, v) is None
        assert len(ctx.errors) == 1


# --- string() ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, text", [
    (None, "null"), (True, "true"), (False, "false"), (D("1.10"), "1.1"), (D("1e3"), "1000"), (D("-0"), "0"),
    ("abc", "abc"), (L("2021-01-01"), "2021-01-01"), (L("-2021-01-01T10:10:10@Australia/Melbourne"),
                                                      "-2021-01-01T10:10:10@Australia/Melbourne"),
    (L("10:15:00+11:00"), "10:15:00+11:00"), (L("P1DT2H"), "P1DT2H"), (L("-P1Y2M"), "-P1Y2M"), (L("PT0S"), "PT0S"),
    ([D(1), D(2)], "[1, 2]"), ([D(1), "a", None], '[1, "a", null]'), ([], "[]"),
    ({"a": D(1), "b": "x"}, '{a: 1, b: "x"}'), ({}, "{}"), ({"a": [D(1)]}, "{a: [1]}"),
    (rng(D(1), D(10)), "[1..10]"), (rng(D(1), D(10), False, False), "(1..10)"),
    (rng(None, D(10), False, False, su=True), "< 10"), (rng(D(10), None, True, False, eu=True), ">= 10"),
    (rng("a", "c"), '["a".."c"]'), (FN, "function"), (['say "hi"'], '["say \\"hi\\""]'),
])
def test_to_string(value: Any, text: str) -> None:
    assert S.to_string(value) == text


@pytest.mark.parametrize("value, name", [
    (None, "null"), (True, "boolean"), (D(1), "number"), ("", "string"), (L("2021-01-01"), "date"),
    (L("10:00:00"), "time"), (L("2021-01-01T10:00:00"), "date and time"), (BigDate(-1, 1, 1), "date"),
    (L("P1D"), "days and time duration"), (L("P1Y"), "years and months duration"), ([], "list"),
    ({}, "context"), (rng(D(1), D(2)), "range"), (FN, "function"),
])
def test_type_name(value: Any, name: str) -> None:
    assert S.type_name(value) == name


# --- host conversion ----------------------------------------------------------------------------------------------

def test_from_host() -> None:
    assert S.from_host(1) == D(1) and isinstance(S.from_host(1), Decimal)
    assert str(S.from_host(0.1)) == "0.1"
    assert S.from_host(True) is True
    assert S.from_host(None) is None
    assert S.from_host("x") == "x"
    assert S.from_host(float("nan")) is None and S.from_host(float("inf")) is None
    assert S.from_host(Decimal("NaN")) is None
    assert S.from_host((1, [2.5, {"a": 3}])) == [D(1), [D("2.5"), {"a": D(3)}]]
    assert S.from_host({1: "x"}) == {"1": "x"}
    assert S.from_host(dt.timedelta(days=1, seconds=1, microseconds=500000)) == DayTimeDuration(D("86401.5"))
    day = dt.date(2020, 1, 1)
    assert S.from_host(day) is day
    assert S.from_host(dt.datetime(2020, 1, 1, 10)) == dt.datetime(2020, 1, 1, 10)
    assert S.from_host(YearMonthDuration(3)) == YearMonthDuration(3)
    with pytest.raises(TypeError):
        S.from_host(object())
    with pytest.raises(TypeError):
        S.from_host({1, 2})


def test_to_host() -> None:
    assert S.to_host(D(3)) == 3 and type(S.to_host(D("3.0"))) is int
    assert S.to_host(D("2.5")) == 2.5 and isinstance(S.to_host(D("2.5")), float)
    assert S.to_host(D(2) ** 70) == float(2**70)
    assert S.to_host(L("P1DT2H")) == "P1DT2H"
    assert S.to_host(L("-P1Y2M")) == "-P1Y2M"
    assert S.to_host(L("-2021-01-01")) == "-2021-01-01"
    assert S.to_host(L("2021-01-01")) == dt.date(2021, 1, 1)
    assert S.to_host([D(1), {"a": D("0.5"), "b": None}]) == [1, {"a": 0.5, "b": None}]
    assert S.to_host(rng(D(1), D(10))) == "[1..10]"
    assert S.to_host(True) is True and S.to_host(None) is None and S.to_host("s") == "s"


def test_host_round_trip() -> None:
    value = {"n": 10, "x": 0.25, "s": "t", "b": False, "l": [1, 2], "d": dt.date(2020, 5, 1), "z": None}
    assert S.to_host(S.from_host(value)) == value
