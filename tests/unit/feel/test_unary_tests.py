"""Decision-table input entries through compile_unary_tests: every kind of test, null inputs, list semantics
(TCK 0039), negation, `?`, and the regressions of issue 12."""
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from engine.dmn.feel import EvalContext, FeelSyntaxError, compile_expression, compile_unary_tests

D = Decimal


def matches(text: str, value: Any, variables: dict[str, Any] | None = None, names: tuple[str, ...] = ()) -> bool:
    return compile_unary_tests(text, names or tuple(variables or ())).matches(value, variables or {})


@pytest.mark.parametrize("text", ["-", "", "  ", " - "])
def test_anything(text: str) -> None:
    for value in (D(1), "a", None, [D(1)], date(2026, 4, 1)):
        assert matches(text, value)


@pytest.mark.parametrize(("text", "yes", "no"), [
    ("< 10", [D(9), D("9.99")], [D(10), D(11)]),
    ("<= 10", [D(10)], [D("10.01")]),
    ("> 10", [D(11)], [D(10)]),
    (">= 10", [D(10)], [D(9)]),
    ("= 10", [D(10), D("10.0")], [D(9)]),
    ("!= 10", [D(9), None], [D(10)]),
    ("10", [D(10)], [D(11), "10", None]),
    ("[1..10]", [D(1), D(10)], [D(0), D(11)]),
    ("(1..10)", [D(2)], [D(1), D(10)]),
    ("]1..10]", [D(10)], [D(1)]),
    ("[1..10[", [D(1)], [D(10)]),
    ('"A", "B"', ["A", "B"], ["C", None]),
    ("<18, >=60", [D(17), D(60)], [D(18), D(59)]),
    ('not("A", "B")', ["C", None], ["A", "B"]),
    ("not(< 10)", [D(10)], [D(9), None]),
    ("null", [None], [D(0), ""]),
    ("null, [0..999]", [None, D(5)], [D(1000)]),
    ("true", [True], [False, None]),
    ("false", [False], [True, None]),
    ('"技能検定"', ["技能検定"], ["技能"]),
    ('< "m"', ["a"], ["z", D(1)]),
    ('>=date("2016-10-01")', [date(2016, 10, 1)], [date(2016, 9, 30)]),
    ('[@"2026-01-01"..@"2026-12-31"]', [date(2026, 6, 1)], [date(2027, 1, 1)]),
    ("-5", [D(-5)], [D(5)]),
])
def test_tests(text: str, yes: list[Any], no: list[Any]) -> None:
    for value in yes:
        assert matches(text, value), (text, value)
    for value in no:
        assert not matches(text, value), (text, value)


def test_endpoints_from_variables() -> None:
    variables = {"numB": D(2), "numC": D(5), "limit": D(10), "Complex": {"aNumber": D(10)}}
    assert matches("[numB..numC]", D(3), variables)
    assert not matches("[numB..numC]", D(6), variables)
    assert matches("< limit", D(9), variables) and not matches("< limit", D(10), variables)
    assert matches("> Complex.aNumber", D(15), variables)
    assert matches("Complex.aNumber", D(10), variables)
    assert matches("< Monthly Salary * 2", D(10), {"Monthly Salary": D(6)})


def test_question_mark() -> None:
    assert matches("? > 10", D(11)) and not matches("? > 10", D(10))
    assert matches("? = null", None)
    assert matches('starts with(?, "技")', "技能")
    assert matches("count(?) > 1", [D(1), D(2)]) and not matches("count(?) > 1", [D(1)])
    assert matches("?", D(3))  # not a boolean: compared with the input
    assert not matches("? > 10", None)
    assert matches("not(? > 10)", D(3)) and not matches("not(? > 10)", None)


class TestListSemantics:
    """TCK 0039-dt-list-semantics and 0072: lists as test values and as inputs (issue 12's first bug)."""

    flu = ["fever", "cough", "sore throat", "runny nose"]

    def test_a_list_value_contains_the_input(self) -> None:
        assert matches("Flu Symtoms", "cough", {"Flu Symtoms": self.flu})
        assert not matches("Flu Symtoms", "stuffy nose", {"Flu Symtoms": self.flu})
        assert matches('["a", "b"]', "b") and not matches('["a", "b"]', "c")

    def test_a_list_of_ranges(self) -> None:
        assert matches("[[2..4], [6..8]]", D(7)) and not matches("[[2..4], [6..8]]", D(5))

    def test_a_list_input_against_a_list(self) -> None:
        assert matches("[1, 2]", [D(1), D(2)])
        assert not matches("[1, 2]", [D(2), D(1)])
        assert matches("[[1, 2], [3]]", [D(3)])
        assert matches("=[1, 2]", [D(1), D(2)])

    def test_not_a_list_does_not_match_its_elements(self) -> None:
        symptoms = {"Flu Symtoms": self.flu}
        assert not matches("not(Flu Symtoms)", "cough", symptoms)
        assert matches("not(Flu Symtoms)", "headache", symptoms)
        assert not matches('not(["a", "b"])', "a") and matches('not(["a", "b"])', "z")


def test_decimals_in_entries() -> None:  # issue 12's second bug: 0.1 + 0.2 is 0.3
    value = compile_expression("a + b").evaluate({"a": D("0.1"), "b": D("0.2")})
    assert matches("0.3", value) and matches("[0.3..0.3]", value)


def test_values_that_do_not_compare_never_match() -> None:
    assert not matches("< 10", "abc") and not matches("not(< 10)", "abc")
    assert not matches("10", "10") and not matches("not(10)", "10")
    assert not matches("[1..10]", date(2026, 1, 1))
    assert not matches("< 10", None) and not matches("[1..10]", None)


def test_null_input() -> None:
    assert matches("null", None) and matches("-", None)
    assert not matches("1", None) and matches("not(1)", None)  # null = 1 is false, so its negation matches
    assert not matches('"A"', None) and matches("!= 1", None)


def test_a_variable_range() -> None:
    assert matches("r", D(5), {"r": compile_expression("[1..10]").evaluate({})})
    assert matches("r", D(5), {"r": compile_expression("< 6").evaluate({})})


def test_errors_in_an_entry_do_not_match() -> None:
    ctx = EvalContext()
    assert compile_unary_tests("missing").matches(D(1), {}, ctx) is False
    assert ctx.errors == ["The name 'missing' is not defined."]
    ctx = EvalContext()
    assert compile_unary_tests("? / 0 > 1").matches(D(1), {}, ctx) is False
    assert ctx.errors


@pytest.mark.parametrize("text", ["<", "[1..", "not(1", "1,", "< 1 2"])
def test_syntax_errors(text: str) -> None:
    with pytest.raises(FeelSyntaxError):
        compile_unary_tests(text)


def test_names_with_spaces_in_entries() -> None:
    variables = {"Minimum Age": D(18), "Maximum Age": D(65)}
    assert matches("[Minimum Age..Maximum Age]", D(30), variables)
    assert not matches("[Minimum Age..Maximum Age]", D(70), variables)
    assert matches("受験 資格", "一級", {"受験 資格": ["一級", "二級"]})


def test_matches_returns_a_bool() -> None:
    tests = compile_unary_tests("< 10")
    assert tests.matches(D(1), {}) is True and tests.matches(None, {}) is False
    assert repr(tests) == "UnaryTests('< 10')"
