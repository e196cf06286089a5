"""The built-ins through the FEEL engine (compile_expression): names with spaces, named arguments, overloads,
varargs, implicit conversions, functions as arguments, and errors that give null and are reported."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from engine.dmn.feel import EvalContext, compile_expression
from engine.dmn.feel.semantics import to_string

NOW = datetime(2024, 5, 17, 10, 30, tzinfo=UTC)


def feel(text: str, **variables):
    ctx = EvalContext(now=NOW)
    value = compile_expression(text, names=variables).evaluate(variables, ctx)
    return value, ctx.errors


@pytest.mark.parametrize(("text", "expected"), [
    ('substring(string: "foobar", start position: 3)', "obar"),
    ('substring("\\U01F40Efoo", 2) = "foo"', True),
    ('string length("🐎😀")', "2"),
    ('upper case(["bob"])', "BOB"),
    ('string join(delimiter: "X", list: ["a","c"])', "aXc"),
    ('replace("0123456789", "(\\d{3})(\\d{3})(\\d{4})", "($1) $2-$3")', "(012) 345-6789"),
    ('matches("x", "[A-Z-[OI]]", "i")', True),
    ('split("a;b;c;;", ";")', '["a", "b", "c", "", ""]'),
    ("min(1, 2, 3) + max([1, 2, 3]) + sum(4)", "8"),
    ("count([1, 2, 3]) instance of number", True),
    ("mean([1, 2, 3, 4])", "2.5"),
    ("all(true, null, true)", None),
    ("any(list: [false, true])", True),
    ("median(8, 2, 5, 7)", "6"),
    ("mode([3, 6, 1, 9, 6, 1, 3])", "[1, 3, 6]"),
    ("stddev(list: [2, 4, 7, 5]) > 2.08", True),
    ("product(2, 3, 4)", "24"),
    ("sublist([1, 2, 3], -1, 1)", "[3]"),
    ("append([1], 2, 3)", "[1, 2, 3]"),
    ("concatenate([1], [2], [3])", "[1, 2, 3]"),
    ("insert before([1, 3], 2, 2)", "[1, 2, 3]"),
    ("index of([1, 2, 3, 2], 2)", "[2, 4]"),
    ("union([1, 2], [2, 3])", "[1, 2, 3]"),
    ("distinct values([1, 2, 3, 2, 1])", "[1, 2, 3]"),
    ('flatten([["w", "x"], "y", [["z"]]])', '["w", "x", "y", "z"]'),
    ("list replace(match: function(item, newItem) item = 2, newItem: 4, list: [1, 2, 3])", "[1, 4, 3]"),
    ("sort([3, 1, 4, 1, 5], function(x, y) x > y)", "[5, 4, 3, 1, 1]"),
    ("sort(list: [3, 1], precedes: function(x, y) x < y)", "[1, 3]"),
    ("decimal(1/3, 2)", "0.33"),
    ("floor(-1.56, 1) + ceiling(1.5)", "0.4"),
    ("round half down(n: 5.5, scale: 0)", "5"),
    ("modulo(-10.1, 4.5)", "3.4"),
    ("abs(duration(\"-P1D\"))", "P1D"),
    ("odd(5) and even(4)", True),
    ("sqrt(16) = 4", True),
    ('number(from: "1.000.000,01", decimal separator: ",", grouping separator: ".")', "1000000.01"),
    ('date(year: 2017, month: 8, day: 30)', "2017-08-30"),
    ('date and time(date: date("2017-01-01"), time: time("23:59:01"))', "2017-01-01T23:59:01"),
    ('time(11, 59, 45, duration("PT2H"))', "11:59:45+02:00"),
    ('years and months duration(from: date("2011-12-22"), to: date("2013-08-24"))', "P1Y8M"),
    ('day of week(date: @"2019-09-17")', "Tuesday"),
    ('month of year(@"2019-09-17")', "September"),
    ('week of year(@"2010-01-01")', "53"),
    ('day of year(@"2020-12-31")', "366"),
    ('is(value1: @"2021-02-13")', False),
    ('is(@"P1D", @"PT24H")', True),
    ("now()", "2024-05-17T10:30:00Z"),
    ("today()", "2024-05-17"),
    ('get value(key: "a", m: {a: "foo"})', "foo"),
    ('get entries({a: 1})', "[{key: \"a\", value: 1}]"),
    ('context([{key: "a", value: 1}])', "{a: 1}"),
    ('context put({x: 1, y: {a: 0}}, ["y", "a"], 2)', "{x: 1, y: {a: 2}}"),
    ('context put(context: {x: 1}, key: "y", value: 2)', "{x: 1, y: 2}"),
    ('context merge([{a: 1}, {a: 2, b: 3}])', "{a: 2, b: 3}"),
    ("before(1, [2..5])", True),
    ("overlaps([1..5], [5..8])", True),
    ("includes(range: [1..10], point: 5)", True),
    ('2 in range("[1..3]")', True),
    ('range("[1..3]") = [1..3]', True),
    ("not(null)", None),
])
def test_builtins_in_feel(text, expected):
    value, errors = feel(text)
    assert errors == []
    if isinstance(expected, bool) or expected is None:
        assert value is expected
    else:
        assert to_string(value) == expected


def test_names_with_spaces_and_japanese_values():
    value, errors = feel('string join(["東京", "大阪"], "・") + substring after("日本語テキスト", "語")')
    assert (value, errors) == ("東京・大阪テキスト", [])
    value, _ = feel("sum(Monthly Fees)", **{"Monthly Fees": [Decimal(10), Decimal("2.5")]})
    assert value == Decimal("12.5")
    value, _ = feel("day of year(birth date)", **{"birth date": date(2000, 3, 1)})
    assert value == Decimal(61)


def test_a_builtin_is_a_value():
    value, errors = feel("(function(f) f(-3))(abs)")
    assert (value, errors) == (Decimal(3), [])
    value, errors = feel("sort([2, 1], function(x, y) x < y)")
    assert value == [Decimal(1), Decimal(2)]


@pytest.mark.parametrize(("text", "message"), [
    ("substring(\"abc\", 0)", "substring: start position must not be 0"),
    ("abs(\"-1\")", "abs: n must be a number, not string"),
    ('matches("a", "(")', "matches: "),
    ("sqrt(-1)", "sqrt: number must not be negative"),
    ("modulo(1, 0)", "modulo: divisor must not be zero"),
    ("all([true, 1])", "all: every item must be a boolean, not number"),
    ('date("2017-13-10")', "date: there is no such date"),
    ('range("[3..1]")', "range: the start of the range is after its end"),
    ("sort([1, 2], function(x, y) null)", "sort: precedes must return a boolean, not null"),
    ("stddev([1])", "stddev: needs at least two numbers"),
])
def test_errors_give_null_and_are_reported(text, message):
    value, errors = feel(text)
    assert value is None
    assert errors and errors[0].startswith(message)


@pytest.mark.parametrize("text", [
    "abs()", "abs(1, 1)", "abs(number: 1)", "floor(n: 1.5, scal: 1)", "round up(scale: 0)", "split()",
    'string join(list: ["a"], delimitr: "X")', 'context put(context: {}, key: ["y", "a"], value: 2)',
    "now(123)", 'is(value1: 1, value2: 1, value3: 1)',
])
def test_wrong_invocations_give_null(text):
    value, errors = feel(text)
    assert value is None
    assert errors
