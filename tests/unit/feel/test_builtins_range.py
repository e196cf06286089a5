"""The range built-ins (engine/dmn/feel/builtins/range.py and range_parse.py), called directly."""
from __future__ import annotations

from datetime import date

import pytest

from engine.dmn.feel.values import DayTimeDuration, Range, YearMonthDuration

from .builtins_support import D, call, fails, run


def R(text: str) -> Range:
    """A numeric range from compact text: '[1..10)', '<5', '>=3'."""
    if text[0] in "<>":
        inclusive = text[1] == "="
        n = D(text[2:] if inclusive else text[1:])
        if text[0] == "<":
            return Range(None, n, False, inclusive, start_unbounded=True)
        return Range(n, None, inclusive, False, end_unbounded=True)
    a, b = text[1:-1].split("..")
    return Range(D(a), D(b), text[0] == "[", text[-1] == "]")


CASES = [
    # the DMN 1.5 spec's examples (Table 10.3.4.10) and the TCK's 1130-feel-interval
    ("before", (1, 10), True), ("before", (10, 1), False), ("before", (1, "[2..5]"), True),
    ("before", (1, "[1..10]"), False), ("before", (1, "(1..10]"), True), ("before", (1, "[5..10]"), True),
    ("before", ("[1..10]", 10), False), ("before", ("[1..10)", 10), True), ("before", ("[1..10]", 15), True),
    ("before", ("[1..10]", "[15..20]"), True), ("before", ("[1..10]", "[10..20]"), False),
    ("before", ("[1..10)", "[10..20]"), True), ("before", ("[1..10]", "(10..20]"), True),
    ("after", (10, 5), True), ("after", (5, 10), False), ("after", (12, "[2..5]"), True),
    ("after", (10, "[1..10)"), True), ("after", (10, "[1..10]"), False), ("after", ("[11..20]", 12), False),
    ("after", ("[11..20]", 10), True), ("after", ("(11..20]", 11), True), ("after", ("[11..20]", 11), False),
    ("after", ("[11..20]", "[1..10]"), True), ("after", ("[1..10]", "[11..20]"), False),
    ("after", ("[11..20]", "[1..11)"), True), ("after", ("(11..20]", "[1..11]"), True),
    ("meets", ("[1..5]", "[5..10]"), True), ("meets", ("[1..5)", "[5..10]"), False),
    ("meets", ("[1..5]", "(5..10]"), False), ("meets", ("[1..5]", "[6..10]"), False),
    ("met by", ("[5..10]", "[1..5]"), True), ("met by", ("[5..10]", "[1..5)"), False),
    ("met by", ("(5..10]", "[1..5]"), False), ("met by", ("[6..10]", "[1..5]"), False),
    ("overlaps", ("[1..5]", "[3..8]"), True), ("overlaps", ("[3..8]", "[1..5]"), True),
    ("overlaps", ("[1..8]", "[3..5]"), True), ("overlaps", ("[3..5]", "[1..8]"), True),
    ("overlaps", ("[1..5]", "[6..8]"), False), ("overlaps", ("[6..8]", "[1..5]"), False),
    ("overlaps", ("[1..5]", "[5..8]"), True), ("overlaps", ("[1..5]", "(5..8]"), False),
    ("overlaps", ("[1..5)", "[5..8]"), False), ("overlaps", ("[1..5)", "(5..8]"), False),
    ("overlaps", ("[5..8]", "[1..5]"), True), ("overlaps", ("(5..8]", "[1..5]"), False),
    ("overlaps", ("[5..8]", "[1..5)"), False), ("overlaps", ("(5..8]", "[1..5)"), False),
    ("overlaps before", ("[1..5]", "[3..8]"), True), ("overlaps before", ("[1..5]", "[6..8]"), False),
    ("overlaps before", ("[1..5]", "[5..8]"), True), ("overlaps before", ("[1..5]", "(5..8]"), False),
    ("overlaps before", ("[1..5)", "[5..8]"), False), ("overlaps before", ("[1..5)", "(1..5]"), True),
    ("overlaps before", ("[1..5]", "(1..5]"), True), ("overlaps before", ("[1..5)", "[1..5]"), False),
    ("overlaps before", ("[1..5]", "[1..5]"), False),
    ("overlaps after", ("[3..8]", "[1..5]"), True), ("overlaps after", ("[6..8]", "[1..5]"), False),
    ("overlaps after", ("[5..8]", "[1..5]"), True), ("overlaps after", ("(5..8]", "[1..5]"), False),
    ("overlaps after", ("[5..8]", "[1..5)"), False), ("overlaps after", ("(1..5]", "[1..5)"), True),
    ("overlaps after", ("(1..5]", "[1..5]"), True), ("overlaps after", ("[1..5]", "[1..5)"), False),
    ("overlaps after", ("[1..5]", "[1..5]"), False), ("overlaps after", ("(1..5)", "[1..5]"), False),
    ("overlaps after", ("(1..5]", "[1..6]"), False), ("overlaps after", ("(1..5]", "(1..5]"), False),
    ("overlaps after", ("(1..5]", "[2..5]"), False),
    ("finishes", (10, "[1..10]"), True), ("finishes", (10, "[1..10)"), False),
    ("finishes", ("[5..10]", "[1..10]"), True), ("finishes", ("[5..10)", "[1..10]"), False),
    ("finishes", ("[5..10)", "[1..10)"), True), ("finishes", ("[1..10]", "[1..10]"), True),
    ("finishes", ("(1..10]", "[1..10]"), True),
    ("finished by", ("[1..10]", 10), True), ("finished by", ("[1..10)", 10), False),
    ("finished by", ("[1..10]", "[5..10]"), True), ("finished by", ("[1..10]", "[5..10)"), False),
    ("finished by", ("[1..10)", "[5..10)"), True), ("finished by", ("[1..10]", "[1..10]"), True),
    ("finished by", ("[1..10]", "(1..10]"), True),
    ("includes", ("[1..10]", 5), True), ("includes", ("[1..10]", 12), False), ("includes", ("[1..10]", 1), True),
    ("includes", ("[1..10]", 10), True), ("includes", ("(1..10]", 1), False), ("includes", ("[1..10)", 10), False),
    ("includes", ("[1..10]", "[4..6]"), True), ("includes", ("[1..10]", "[1..5]"), True),
    ("includes", ("(1..10]", "(1..5]"), True), ("includes", ("[1..10]", "(1..10)"), True),
    ("includes", ("[1..10)", "[5..10)"), True), ("includes", ("[1..10]", "[1..10)"), True),
    ("includes", ("[1..10]", "(1..10)"), True), ("includes", ("[1..10]", "[1..10]"), True),
    ("includes", ("(1..10]", "[1..5]"), False),
    ("during", (5, "[1..10]"), True), ("during", (12, "[1..10]"), False), ("during", (1, "[1..10]"), True),
    ("during", (10, "[1..10]"), True), ("during", (1, "(1..10]"), False), ("during", (10, "[1..10)"), False),
    ("during", ("[4..6]", "[1..10)"), True), ("during", ("[1..5]", "[1..10]"), True),
    ("during", ("(1..5]", "(1..10]"), True), ("during", ("(1..10)", "[1..10]"), True),
    ("during", ("(5..10)", "[1..10)"), True), ("during", ("[1..10)", "[1..10]"), True),
    ("during", ("(1..10)", "[1..10]"), True), ("during", ("[1..10]", "[1..10]"), True),
    ("during", ("[1..10]", "(1..10]"), False),
    ("starts", (1, "[1..5]"), True), ("starts", (1, "(1..8]"), False), ("starts", ("[1..5]", "[1..5]"), True),
    ("starts", ("[1..5]", "[1..10]"), True), ("starts", ("(1..5]", "(1..10]"), True),
    ("starts", ("[1..5]", "(1..10]"), False), ("starts", ("[1..10]", "[1..5]"), False),
    ("started by", ("[1..10]", 1), True), ("started by", ("(1..10]", 1), False),
    ("started by", ("[1..10]", "[1..5]"), True), ("started by", ("(1..10]", "(1..5]"), True),
    ("started by", ("[1..10]", "(1..5]"), False), ("started by", ("[1..10]", "[1..10]"), True),
    ("started by", ("[1..5]", "[1..10]"), False),
    ("coincides", (5, 5), True), ("coincides", (3, 4), False), ("coincides", ("[1..5]", "[1..5]"), True),
    ("coincides", ("(1..5)", "[1..5]"), False), ("coincides", ("[1..5]", "[2..6]"), False),
    # unbounded endpoints
    ("before", ("<5", 5), True), ("before", ("<=5", 5), False), ("after", (">5", 5), True),
    ("includes", ("<5", -1000), True), ("includes", (">=5", 5), True), ("includes", (">5", 5), False),
    ("includes", ("<10", "[1..5]"), True), ("includes", ("[1..5]", "<3"), False),
    ("coincides", ("<5", "<5"), True), ("coincides", ("<5", "<=5"), False),
    ("overlaps", ("<5", ">3"), True), ("overlaps", ("<3", ">3"), False), ("starts", ("<3", "<5"), True),
]


def _value(v):
    return R(v) if isinstance(v, str) else D(v)


@pytest.mark.parametrize(("name", "args", "expected"), CASES)
def test_range_functions(name, args, expected):
    assert call(name, *(_value(a) for a in args)) is expected


def test_named_overloads():
    assert call("before", point1=D(1), point2=D(10)) is True
    assert call("before", point=D(1), range=R("[2..5]")) is True
    # before(point, range) and before(range, point) have the same parameter names: by name, it is the first
    assert call("before", range=R("[1..10)"), point=D(10)) is False
    assert call("before", range1=R("[1..10]"), range2=R("[15..20]")) is True
    assert call("includes", range=R("[1..10]"), point=D(5)) is True
    fails("before", point=R("[1..5]"), range=D(5))  # named: the values must be what the names say
    fails("meets", D(1), D(2))  # no point version
    fails("finishes", R("[1..5]"), D(5))  # finishes(range, point) is not a signature
    fails("coincides", D(1), R("[1..5]"))


def test_range_functions_errors():
    fails("before", D(1), "a")
    fails("before", None, D(1))
    fails("includes", R("[1..10]"), "a")
    fails("includes", Range(None, D(1), True, True), D(0))  # a null endpoint that is not unbounded
    assert call("before", date(2020, 1, 1), Range(date(2020, 2, 1), date(2020, 3, 1), True, True)) is True


@pytest.mark.parametrize(("text", "expected"), [
    ("[1..3]", Range(D(1), D(3), True, True)), ("(18..21]", Range(D(18), D(21), False, True)),
    ("]18..21]", Range(D(18), D(21), False, True)), ("[18..21)", Range(D(18), D(21), True, False)),
    ("[18..21[", Range(D(18), D(21), True, False)), (" [ 1 .. 3 ] ", Range(D(1), D(3), True, True)),
    ("[-5..-1.5]", Range(D(-5), D("-1.5"), True, True)), ('["a".."c"]', Range("a", "c", True, True)),
    ('[@"1970-01-01"..@"1970-01-02"]', Range(date(1970, 1, 1), date(1970, 1, 2), True, True)),
    ('[date("1970-01-01")..date("1970-01-02")]', Range(date(1970, 1, 1), date(1970, 1, 2), True, True)),
    ('[duration("P1D")..@"P2D"]', Range(DayTimeDuration(D(86400)), DayTimeDuration(D(172800)), True, True)),
    ('[@"P1Y"..@"P2Y"]', Range(YearMonthDuration(12), YearMonthDuration(24), True, True)),
    ('[@"00:00:00"..@"00:00:00"]', None), ('[date and time("1970-01-01T00:00:00")..@"1970-01-02T00:00:00"]', None),
])
def test_range_from_string(text, expected):
    result = call("range", text)
    assert isinstance(result, Range)
    if expected is not None:
        assert result == expected
    assert call("range", **{"from": text}) == result


@pytest.mark.parametrize("text", [
    "[..2]", "[1..]", "", " ", ">=10", '[1.."b"]', '[@"1970-01-01"..@"1970-01-02T00:00:00"]', "[3..1]",
    '["z".."a"]', '[@"P2D"..@"P1D"]', '[@"02:00:00"..@"01:00:00"]', "[null..null]",
    '[date(string("1970-01-01"))..date("1970-01-02")]', '[date(x)..date("1970-01-02")]', '[foo("1")..2]',
    "[1..3] x", "[1..3", '[@"1970-13-01"..@"1970-01-02"]', '[@"P1D"..@"P1Y"]', "[1 .. 2 .. 3]", '"[1..2]',
])
def test_range_from_string_errors(text):
    fails("range", text)


def test_range_needs_a_string():
    fails("range", R("[1..3]"))
    fails("range", None)
    result, errors = run("range", "[3..1]")
    assert result is None and errors == ["range: the start of the range is after its end"]
