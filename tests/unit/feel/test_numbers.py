"""FEEL numbers: the decimal context, conversion to Decimal, and the `string()` text of a number."""
from __future__ import annotations

import decimal
from decimal import Decimal

import pytest

from engine.dmn.feel.numbers import DECIMAL, integral, is_number, number_text, to_decimal


def test_context_is_decimal128() -> None:
    assert DECIMAL.prec == 34
    assert DECIMAL.rounding == decimal.ROUND_HALF_EVEN
    assert (DECIMAL.Emin, DECIMAL.Emax) == (-6143, 6144)


@pytest.mark.parametrize("trap", [decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow])
def test_context_traps_what_callers_turn_into_errors(trap: type) -> None:
    assert DECIMAL.traps[trap]


def test_division_by_zero_raises_in_the_context() -> None:
    with decimal.localcontext(DECIMAL), pytest.raises(decimal.DivisionByZero):
        Decimal(1) / Decimal(0)


def test_zero_by_zero_raises_invalid_operation() -> None:
    with decimal.localcontext(DECIMAL), pytest.raises(decimal.InvalidOperation):
        Decimal("0.0") / Decimal("0.0")


def test_overflow_raises() -> None:
    with decimal.localcontext(DECIMAL), pytest.raises(decimal.Overflow):
        Decimal(10) ** 7000


def test_division_rounds_to_34_digits_half_even() -> None:
    with decimal.localcontext(DECIMAL):
        third = Decimal(1) / Decimal(3)
    assert third == Decimal("0." + "3" * 34)
    with decimal.localcontext(DECIMAL):
        assert Decimal(2) / Decimal(3) == Decimal("0." + "6" * 33 + "7")


@pytest.mark.parametrize("value, expected", [
    (0, Decimal(0)),
    (-12, Decimal(-12)),
    (10**20, Decimal(10**20)),
    (0.1, Decimal("0.1")),
    (1e-7, Decimal("1E-7")),
    (2.5, Decimal("2.5")),
    ("1.10", Decimal("1.10")),
    (" 42 ", Decimal(42)),
    ("1e3", Decimal(1000)),
    (Decimal("3.14"), Decimal("3.14")),
])
def test_to_decimal(value: object, expected: Decimal) -> None:
    result = to_decimal(value)
    assert isinstance(result, Decimal)
    assert result == expected


def test_to_decimal_float_uses_its_shortest_repr() -> None:
    assert str(to_decimal(0.1)) == "0.1"
    assert to_decimal(0.1) + to_decimal(0.2) == Decimal("0.3")


def test_to_decimal_rounds_long_values_to_34_digits() -> None:
    d = to_decimal("1." + "1" * 40)
    assert len(d.as_tuple().digits) == 34


@pytest.mark.parametrize("value", [True, False, float("nan"), float("inf"), float("-inf"), "NaN", "Infinity",
                                   "abc", "", Decimal("NaN"), Decimal("-Infinity"), None, [1], object()])
def test_to_decimal_refuses_non_numbers(value: object) -> None:
    with pytest.raises(ValueError):
        to_decimal(value)


@pytest.mark.parametrize("value, expected", [
    (Decimal(1), True),
    (Decimal("-0.5"), True),
    (True, False),
    (False, False),
    (1, False),
    (1.5, False),
    ("1", False),
    (None, False),
    (Decimal("NaN"), False),
    (Decimal("Infinity"), False),
])
def test_is_number(value: object, expected: bool) -> None:
    assert is_number(value) is expected


@pytest.mark.parametrize("text, expected", [
    ("1.10", "1.1"),
    ("1e3", "1000"),
    ("1.23E+4", "12300"),
    ("-0", "0"),
    ("0.000", "0"),
    ("-0.0", "0"),
    ("1E-7", "0.0000001"),
    ("123.456000", "123.456"),
    ("-5.0", "-5"),
    ("10", "10"),
    ("100", "100"),
    ("0.5", "0.5"),
    ("-1234.5678", "-1234.5678"),
    ("60.58617166606633673745724928244262", "60.58617166606633673745724928244262"),
    ("1E+20", "100000000000000000000"),
])
def test_number_text(text: str, expected: str) -> None:
    assert number_text(Decimal(text)) == expected


@pytest.mark.parametrize("text, expected", [("2", True), ("2.0", True), ("2E+3", True), ("2.5", False),
                                            ("-0.1", False), ("0", True)])
def test_integral(text: str, expected: bool) -> None:
    assert integral(Decimal(text)) is expected
