"""Unit tests for engine.dmn: loading, FEEL cells, hit policies and decision requirement graphs."""

from __future__ import annotations

import datetime
import pickle
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple
from xml.sax.saxutils import escape, quoteattr

import pytest

from engine.dmn import Decision, DecisionError, DecisionResult, DmnError, DmnErrors, load_dmn

FIXTURES = Path(__file__).parent / "dmn_fixtures"
PACKAGE = Path(__file__).parents[2] / "engine" / "dmn"
DMN11 = "http://www.omg.org/spec/DMN/20151101/dmn.xsd"
DMN12 = "http://www.omg.org/spec/DMN/20180521/MODEL/"
DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"


# -- building small Camunda-Modeler-style DMN files ------------------------------------------


class In(NamedTuple):
    """An input column for the test table builder."""

    expression: str
    type_ref: str | None = "string"
    variable: str | None = None
    language: str | None = None


class Out(NamedTuple):
    """An output column for the test table builder."""

    name: str | None
    type_ref: str | None = None
    values: str | None = None


Rows = list[tuple[list[str], list[str]]]


def _cell(tag: str, element_id: str, text: str) -> str:
    """One inputEntry/outputEntry as Camunda Modeler writes it."""
    return f'<{tag} id="{element_id}"><text>{escape(text)}</text></{tag}>'


def decision_xml(
    inputs: list[In],
    outputs: list[Out],
    rows: Rows,
    *,
    decision_id: str = "d",
    hit_policy: str | None = None,
    aggregation: str | None = None,
    requires: tuple[str, ...] = (),
) -> str:
    """One <decision> with a decision table; inputs are input1.., outputs output1.., rules r1.."""
    parts = [f'<decision id="{decision_id}" name="Decision {decision_id}">']
    parts += [f'<informationRequirement><requiredDecision href="#{r}" /></informationRequirement>' for r in requires]
    policy = f' hitPolicy="{hit_policy}"' if hit_policy else ""
    policy += f' aggregation="{aggregation}"' if aggregation else ""
    parts.append(f'<decisionTable id="table_{decision_id}"{policy}>')
    for n, column in enumerate(inputs, start=1):
        variable = f" camunda:inputVariable={quoteattr(column.variable)}" if column.variable is not None else ""
        type_ref = f' typeRef="{column.type_ref}"' if column.type_ref else ""
        language = f' expressionLanguage="{column.language}"' if column.language else ""
        parts.append(
            f'<input id="input{n}" label="Input {n}"{variable}>'
            f'<inputExpression id="expr{n}"{type_ref}{language}><text>{escape(column.expression)}</text>'
            "</inputExpression></input>"
        )
    for n, column in enumerate(outputs, start=1):
        name = f" name={quoteattr(column.name)}" if column.name is not None else ""
        type_ref = f' typeRef="{column.type_ref}"' if column.type_ref else ""
        values = f"<outputValues><text>{escape(column.values)}</text></outputValues>" if column.values else ""
        parts.append(f'<output id="output{n}" label="Output {n}"{name}{type_ref}>{values}</output>')
    for n, (entries, results) in enumerate(rows, start=1):
        parts.append(f'<rule id="r{n}">')
        parts += [_cell("inputEntry", f"r{n}i{i}", text) for i, text in enumerate(entries, start=1)]
        parts += [_cell("outputEntry", f"r{n}o{i}", text) for i, text in enumerate(results, start=1)]
        parts.append("</rule>")
    parts.append("</decisionTable></decision>")
    return "".join(parts)


def definitions(*decisions: str, ns: str = DMN13) -> bytes:
    """Wrap decisions in a <definitions> root of the given DMN namespace."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<definitions xmlns="{ns}" xmlns:camunda="http://camunda.org/schema/1.0/dmn" '
        'id="defs" name="Tests" namespace="http://camunda.org/schema/1.0/dmn">'
        + "".join(decisions)
        + "</definitions>"
    ).encode("utf-8")


def one_table(inputs: list[In], outputs: list[Out], rows: Rows, **options: Any) -> Decision:
    """Load a file with a single decision 'd' and return it."""
    return load_dmn(definitions(decision_xml(inputs, outputs, rows, **options)))["d"]


def load_problems(xml: bytes) -> list[DmnError]:
    """Load a file that must fail and return its problems."""
    with pytest.raises(DmnErrors) as caught:
        load_dmn(xml, "test.dmn")
    return caught.value.errors


def fixture(name: str) -> dict[str, Decision]:
    """Load a DMN file from the fixtures folder."""
    return load_dmn((FIXTURES / name).read_bytes(), name)


# -- input entries: FEEL simple unary tests --------------------------------------------------


def entry_matches(entry: str, value: Any, **context: Any) -> bool:
    """Tell whether a one-cell rule with this input entry matches the value."""
    decision = one_table([In("value", None)], [Out("hit")], [([entry], ["true"])])
    return decision.evaluate({"value": value, **context}).matched_rule_ids == ["r1"]


@pytest.mark.parametrize(
    ("entry", "value", "expected"),
    [
        ("-", 5, True),
        ("-", None, True),
        ("", "anything", True),
        ('"2級"', "2級", True),
        ('"2級"', "3級", False),
        ('"2級"', None, False),
        ("65", 65, True),
        ("65", 65.0, True),
        ("65", Decimal("65"), True),
        ("65", 64, False),
        ("65", "65", False),
        ("-3.5", -3.5, True),
        ("-3.5", Decimal("-3.5"), True),
        ("0.1", Decimal("0.1"), True),
        ("0.1", 0.1, True),
        ("true", True, True),
        ("true", False, False),
        ("true", 1, False),
        ("1", True, False),
        ("false", False, True),
        ("null", None, True),
        ("null", 0, False),
        ("null", "", False),
        ("< 65", 64, True),
        ("< 65", 65, False),
        ("<= 65", 65, True),
        ("<= 65", 66, False),
        ("> 65", 66, True),
        ("> 65", 65, False),
        (">= 65", 65, True),
        (">= 65", 64, False),
        (">= 65", 64.999, False),
        (">= 65", Decimal("65.0"), True),
        (">= 65", None, False),
        (">= 65", "65", False),
        ("= 65", 65, True),
        ("= 65", 66, False),
        ('!= "x"', "y", True),
        ('!= "x"', "x", False),
        ('!= "x"', None, True),
        ("< -3.5", -4, True),
        ('< "b"', "a", True),
        ("[0..2[", 0, True),
        ("[0..2[", 1.999, True),
        ("[0..2[", 2, False),
        ("[0..2[", -1, False),
        ("]1..5]", 1, False),
        ("]1..5]", 5, True),
        ("(1..5)", 1, False),
        ("(1..5)", 3, True),
        ("(1..5)", 5, False),
        ("[1..5]", 1, True),
        ("[1..5]", 5, True),
        ("[1..5]", 0.5, False),
        ("[1..5]", 5.5, False),
        ("[1..5]", None, False),
        ("[1..5]", "3", False),
        ("(1..5]", 5, True),
        ('"2級","3級"', "3級", True),
        ('"2級","3級"', "1級", False),
        ("1, 2, 3", 2, True),
        ("1, 2, 3", 4, False),
        ("null, > 5", None, True),
        ("null, > 5", 6, True),
        ('not("基礎級")', "2級", True),
        ('not("基礎級")', "基礎級", False),
        ('not("基礎級")', None, True),
        ("not(< 5, > 10)", 7, True),
        ("not(< 5, > 10)", 5, True),
        ("not(< 5, > 10)", 10, True),
        ("not(< 5, > 10)", 3, False),
        ("not(< 5, > 10)", 11, False),
        ("not(< 5, > 10)", None, False),
        ("not(null)", None, False),
        ("not(null)", 5, True),
        ("not(5)", "abc", False),
        ("< 65", "abc", False),
        ('"abc"', 5, False),
        ('date("2026-03-14")', datetime.date(2026, 3, 14), True),
        # FEEL compares a date with a date: a text or a date and time is not one (typeRef="date" converts it,
        # test_date_type_ref_converts_text_and_date_times).
        ('date("2026-03-14")', "2026-03-14", False),
        ('date("2026-03-14")', datetime.datetime(2026, 3, 14, 9, 30), False),
        ('date("2026-03-14")', datetime.date(2026, 3, 15), False),
        ('>= date("2026-03-14")', datetime.date(2026, 3, 15), True),
        ('>= date("2026-03-14")', "2026-03-13", False),
        ('>= date("2026-03-14")', "not a date", False),
        ('[date("2026-01-01")..date("2026-12-31")]', datetime.date(2026, 12, 31), True),
        ('[date("2026-01-01")..date("2026-12-31")[', datetime.date(2026, 12, 31), False),
        ("(2 * 3)", 6, True),
    ],
)
def test_unary_test_forms(entry: str, value: Any, expected: bool) -> None:
    assert entry_matches(entry, value) is expected


@pytest.mark.parametrize("value", ["2026-03-14", datetime.datetime(2026, 3, 14, 9, 30), datetime.date(2026, 3, 14)])
def test_date_type_ref_converts_text_and_date_times(value: Any) -> None:
    decision = one_table([In("value", "date")], [Out("hit")], [(['date("2026-03-14")'], ["true"])])
    assert decision.evaluate({"value": value}).matched_rule_ids == ["r1"]


@pytest.mark.parametrize(
    ("entry", "value", "context", "expected"),
    [
        (">= minimumYears", 3, {"minimumYears": 3}, True),
        (">= minimumYears", 2, {"minimumYears": 3}, False),
        ("[low..high]", 5, {"low": 1, "high": 5}, True),
        ("[low..high]", 6, {"low": 1, "high": 5}, False),
        (">= limit * 2", 6, {"limit": 3}, True),
        (">= limit * 2", 5, {"limit": 3}, False),
        ("< rules.maximum", 9, {"rules": {"maximum": 10}}, True),
        ("minimumYears", 3, {"minimumYears": 3}, True),
        ("> 必要年数", 8, {"必要年数": 7}, True),
        ("cellInput > 5 and cellInput < 10", 7, {}, True),
        ("cellInput > 5 and cellInput < 10", 10, {}, False),
        ("cellInput = 1 or cellInput = limit", 3, {"limit": 3}, True),
    ],
)
def test_unary_tests_with_context_variables(entry: str, value: Any, context: dict[str, Any], expected: bool) -> None:
    assert entry_matches(entry, value, **context) is expected


def test_missing_variable_in_unary_test_is_a_decision_error() -> None:
    with pytest.raises(DecisionError, match="rule 'r1' failed: The name 'minimumYears' is not defined") as caught:
        entry_matches(">= minimumYears", 3)
    assert caught.value.decision_id == "d"


def test_custom_input_variable_name() -> None:
    decision = one_table(
        [In("applicant.years", "integer", variable="years")], [Out("ok")], [(["years >= 2 and years <= 4"], ["true"])]
    )
    assert decision.evaluate({"applicant": {"years": 3}}).as_variable() is True
    assert decision.evaluate({"applicant": {"years": 5}}).as_variable() is None


def test_empty_input_variable_attribute_means_cell_input() -> None:
    decision = one_table([In("x", None, variable="")], [Out("ok")], [(["cellInput > 1"], ["true"])])
    assert decision.evaluate({"x": 2}).as_variable() is True


# -- FEEL expressions (input expressions and output entries share one grammar) ----------------


@pytest.mark.parametrize(
    ("expression", "context", "expected"),
    [
        ("season", {"season": "Spring"}, "Spring"),
        ("applicant.grade", {"applicant": {"grade": "2級"}}, "2級"),
        ("等級", {"等級": "1級"}, "1級"),
        ("price * quantity", {"price": 2.5, "quantity": 4}, 10),  # numbers are decimals: 10.0 is 10
        ("total / count", {"total": 7, "count": 2}, 3.5),
        ("total / count", {"total": 6, "count": 3}, 2),
        ("(a + b) * 2 - 1", {"a": 1, "b": 2}, 5),
        ('first + " " + last', {"first": "山田", "last": "太郎"}, "山田 太郎"),
        ("age >= 65", {"age": 65}, True),
        ("age >= 65", {"age": 64}, False),
        ("age >= 65", {"age": None}, None),
        ("age >= 65 and member", {"age": 70, "member": False}, False),
        ("not(member) or age < 18", {"age": 30, "member": False}, True),
        ('grade = "2級" or grade = "3級"', {"grade": "3級"}, True),
        ("-amount", {"amount": Decimal("1.5")}, -1.5),  # outputs are host values: a fraction is a float
        ("amount + 0.1", {"amount": Decimal("0.2")}, 0.3),
        ('"fixed"', {}, "fixed"),
        ("42", {}, 42),
        ('date("2026-03-14")', {}, datetime.date(2026, 3, 14)),
        ("date(when)", {"when": "2026-03-14"}, datetime.date(2026, 3, 14)),
    ],
)
def test_expressions(expression: str, context: dict[str, Any], expected: Any) -> None:
    decision = one_table([In("x", None)], [Out("value")], [(["-"], [expression])])
    value = decision.evaluate({"x": 1, **context}).as_variable()
    assert value == expected and type(value) is type(expected)


def test_numbers_are_decimals() -> None:
    """Issue 12's bug: 0.1 + 0.2 was a binary float, not 0.3; the value is exact, the row a float."""
    decision = one_table([In("a + b", None)], [Out("value")], [(["0.3"], ["a + b"])])
    result = decision.evaluate({"a": 0.1, "b": 0.2})
    assert result.matched_rule_ids == ["r1"]
    assert result.value == Decimal("0.3") and result.as_variable() == 0.3


@pytest.mark.parametrize(
    ("expression", "context", "message"),
    [
        # FEEL errors give null and are reported; evaluating strictly (the engine's way) makes them incidents.
        ("applicant.grade", {"applicant": None}, "null has no entry 'grade'"),
        ("total / count", {"total": 6, "count": 0}, "Division by zero"),
        ('"a" + 1', {}, "Cannot add string and number"),
        ("flag + 1", {"flag": True}, "Cannot add boolean and number"),
    ],
)
def test_expression_errors_are_decision_errors(expression: str, context: dict[str, Any], message: str) -> None:
    decision = one_table([In("x", None)], [Out("value")], [(["-"], [expression])])
    with pytest.raises(DecisionError, match=f"output 'value' of rule 'r1' failed: {message}"):
        decision.evaluate({"x": 1, **context})
    lenient = decision.evaluate({"x": 1, **context}, strict=False)
    assert lenient.value is None and message in lenient.errors[0]


@pytest.mark.parametrize(
    ("expression", "context", "entry"),
    [
        ("season", {"season": "Spring"}, '"Spring"'),
        ("applicant.grade", {"applicant": {"grade": "2級"}}, '"2級"'),
        ("等級", {"等級": "1級"}, '"1級"'),
        ("price * quantity", {"price": 2.5, "quantity": 4}, "10"),
        ("age >= 65", {"age": 65}, "true"),
        ('"literal"', {}, '"literal"'),
    ],
)
def test_input_expressions(expression: str, context: dict[str, Any], entry: str) -> None:
    decision = one_table([In(expression, None)], [Out("hit")], [([entry], ["true"])])
    assert decision.evaluate(context).as_variable() is True


def test_date_call_with_bad_variable_is_a_decision_error() -> None:
    decision = one_table([In("date(when)", None)], [Out("hit")], [(["-"], ["true"])])
    with pytest.raises(DecisionError, match=r"input 'Input 1' failed: date: there is no such date as 'soon'"):
        decision.evaluate({"when": "soon"})


def test_missing_input_variable_is_a_decision_error() -> None:
    decisions = fixture("dinnerDecisions.dmn")
    with pytest.raises(DecisionError) as caught:
        decisions["dish"].evaluate({"season": "Spring"})
    assert caught.value.decision_id == "dish"
    assert "The name 'guestCount' is not defined" in str(caught.value)


def test_path_into_a_non_mapping_is_a_decision_error() -> None:
    decision = one_table([In("applicant.grade")], [Out("x")], [(["-"], ["1"])])
    with pytest.raises(DecisionError, match="A string has no property 'grade'"):
        decision.evaluate({"applicant": "2級"})


def test_input_type_ref_converts_the_input_value() -> None:
    decision = one_table([In("guests", "integer")], [Out("small")], [(["<= 4"], ["true"])])
    assert decision.evaluate({"guests": "4"}).as_variable() is True
    with pytest.raises(DecisionError, match=r"input 'Input 1' failed: value \"four\" cannot be converted to integer"):
        decision.evaluate({"guests": "four"})


# -- output entries and typeRef --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        ('"Pinot Noir"', {}, "Pinot Noir"),
        ("42", {}, 42),
        ("-3.5", {}, -3.5),
        ("true", {}, True),
        ("false", {}, False),
        ("null", {}, None),
        ("", {}, None),
        ('date("2026-03-14")', {}, datetime.date(2026, 3, 14)),
        ("base", {"base": 18200}, 18200),
        ("applicant.name", {"applicant": {"name": "山田"}}, "山田"),
        ("base * 2 + 100", {"base": 50}, 200),
        ("base / 2", {"base": 18200}, 9100),
        ('"第" + grade', {"grade": "2級"}, "第2級"),
    ],
)
def test_output_entries(text: str, context: dict[str, Any], expected: Any) -> None:
    decision = one_table([In("x", None)], [Out("result")], [(["-"], [text])])
    assert decision.evaluate({"x": 1, **context}).outputs == [{"result": expected}]


@pytest.mark.parametrize(
    ("type_ref", "text", "expected"),
    [
        ("integer", '"42"', 42),
        ("integer", "4.0", 4),
        ("long", "7", 7),
        ("double", "1", 1),  # numbers are decimals, a whole one is an int
        ("double", '"2.5"', 2.5),
        ("string", "5", "5"),
        ("string", "true", "true"),
        ("string", '"テキスト"', "テキスト"),
        ("boolean", '"true"', True),
        ("boolean", "false", False),
        ("date", '"2026-03-14"', datetime.date(2026, 3, 14)),
        ("date", 'date("2026-03-14")', datetime.date(2026, 3, 14)),
        ("integer", "", None),
        ("number", '"12"', 12),
    ],
)
def test_output_type_ref_conversion(type_ref: str, text: str, expected: Any) -> None:
    decision = one_table([In("x", None)], [Out("v", type_ref)], [(["-"], [text])])
    value = decision.evaluate({"x": 1}).as_variable()
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    ("type_ref", "text"),
    [
        ("integer", '"abc"'),
        ("integer", "4.5"),
        ("integer", "true"),
        ("double", "true"),
        ("boolean", "1"),
        ("boolean", '"yes"'),
        ("date", '"14.03.2026"'),
    ],
)
def test_output_type_ref_conversion_failure_is_a_decision_error(type_ref: str, text: str) -> None:
    decision = one_table([In("x", None)], [Out("v", type_ref)], [(["-"], [text])])
    with pytest.raises(DecisionError, match=f"output 'v' of rule 'r1' failed: .* cannot be converted to {type_ref}"):
        decision.evaluate({"x": 1})


def test_missing_variable_in_output_entry_is_a_decision_error() -> None:
    decision = one_table([In("x", None)], [Out("v")], [(["-"], ["unknownVariable"])])
    with pytest.raises(DecisionError, match="The name 'unknownVariable' is not defined"):
        decision.evaluate({"x": 1})


def test_unnamed_single_output_is_keyed_by_decision_id() -> None:
    decision = one_table([In("x", None)], [Out(None)], [(["-"], ['"yes"'])])
    assert decision.evaluate({"x": 1}).outputs == [{"d": "yes"}]


# -- hit policies ----------------------------------------------------------------------------

LEVELS = Out("level", "string", '"high","medium","low"')
SCORE_RULES: Rows = [
    (["< 50"], ['"low"']),
    ([">= 40"], ['"medium"']),
    ([">= 80"], ['"high"']),
    ([">= 0"], ['"low"']),
    (["> 90"], ['"high"']),
]


def score_table(hit_policy: str | None) -> Decision:
    """A table whose rules overlap: score 95 matches r2, r3, r4 and r5."""
    return one_table([In("score", "integer")], [LEVELS], SCORE_RULES, hit_policy=hit_policy)


@pytest.mark.parametrize(
    ("hit_policy", "score", "levels", "rule_ids"),
    [
        (None, -5, ["low"], ["r1"]),
        ("UNIQUE", -5, ["low"], ["r1"]),
        ("UNIQUE", None, [], []),
        ("FIRST", 95, ["medium"], ["r2"]),
        ("FIRST", 45, ["low"], ["r1"]),
        ("PRIORITY", 95, ["high"], ["r3"]),
        ("PRIORITY", 45, ["medium"], ["r2"]),
        ("PRIORITY", 10, ["low"], ["r1"]),
        ("RULE ORDER", 95, ["medium", "high", "low", "high"], ["r2", "r3", "r4", "r5"]),
        ("OUTPUT ORDER", 95, ["high", "high", "medium", "low"], ["r3", "r5", "r2", "r4"]),
        ("OUTPUT ORDER", 45, ["medium", "low", "low"], ["r2", "r1", "r4"]),
        ("COLLECT", 95, ["medium", "high", "low", "high"], ["r2", "r3", "r4", "r5"]),
        ("COLLECT", None, [], []),
    ],
)
def test_hit_policies(hit_policy: str | None, score: int | None, levels: list[str], rule_ids: list[str]) -> None:
    result = score_table(hit_policy).evaluate({"score": score})
    assert [row["level"] for row in result.outputs] == levels
    assert result.matched_rule_ids == rule_ids


def test_default_hit_policy_is_unique() -> None:
    assert score_table(None).hit_policy == "UNIQUE"


def test_unique_violation_names_the_matched_rules() -> None:
    decision = one_table(
        [In("x", "integer")],
        [Out("y")],
        [(["1"], ["1"]), (["[2..3]"], ["2"]), (["4"], ["4"]), (["5"], ["5"]), ([">= 3"], ["3"])],
    )
    with pytest.raises(DecisionError) as caught:
        decision.evaluate({"x": 3})
    assert str(caught.value) == "d: UNIQUE hit policy violated by rules r2 and r5"
    assert caught.value.decision_id == "d"
    with pytest.raises(DecisionError, match="violated by rules r2, r3, r4 and r5"):
        score_table("UNIQUE").evaluate({"score": 95})


def test_any_with_equal_outputs_returns_one() -> None:
    rows: Rows = [(["> 0"], ['"yes"']), (["> 5"], ['"yes"'])]
    decision = one_table([In("x", "integer")], [Out("y")], rows, hit_policy="ANY")
    result = decision.evaluate({"x": 7})
    assert result.outputs == [{"y": "yes"}]
    assert result.matched_rule_ids == ["r1"]


def test_any_with_different_outputs_is_a_decision_error() -> None:
    with pytest.raises(DecisionError, match="ANY hit policy violated: rules r2, r3, r4 and r5 give different outputs"):
        score_table("ANY").evaluate({"score": 95})


def test_priority_with_several_outputs_ranks_by_first_then_second() -> None:
    decision = one_table(
        [In("x", "integer")],
        [Out("level", "string", '"high","low"'), Out("channel", "string", '"phone","mail"')],
        [(["> 0"], ['"low"', '"phone"']), (["> 1"], ['"high"', '"mail"']), (["> 2"], ['"high"', '"phone"'])],
        hit_policy="PRIORITY",
    )
    assert decision.evaluate({"x": 5}).single() == {"level": "high", "channel": "phone"}


def test_priority_value_outside_output_values_at_run_time_is_a_decision_error() -> None:
    decision = one_table([In("x", None)], [Out("level", None, '"high","low"')], [(["-"], ["x"])], hit_policy="PRIORITY")
    with pytest.raises(DecisionError, match='value "medium" is not one of its output values'):
        decision.evaluate({"x": "medium"})


AGGREGATION_RULES: Rows = [([" > 0"], ["10"]), (["> 5"], ["20"]), (["> 10"], ["5"]), (["< 0"], [""])]


@pytest.mark.parametrize(
    ("aggregation", "x", "expected", "rule_ids"),
    [
        ("SUM", 12, 35, ["r1", "r2", "r3"]),
        ("COUNT", 12, 3, ["r1", "r2", "r3"]),
        ("MIN", 12, 5, ["r1", "r2", "r3"]),
        ("MAX", 12, 20, ["r1", "r2", "r3"]),
        ("SUM", 3, 10, ["r1"]),
        ("SUM", -1, None, ["r4"]),
        ("COUNT", -1, 1, ["r4"]),
        ("SUM", 0, None, []),
        ("COUNT", 0, 0, []),
        ("MIN", 0, None, []),
        ("MAX", 0, None, []),
    ],
)
def test_collect_aggregations(aggregation: str, x: int, expected: Any, rule_ids: list[str]) -> None:
    decision = one_table(
        [In("x", "integer")],
        [Out("points", "integer")],
        AGGREGATION_RULES,
        hit_policy="COLLECT",
        aggregation=aggregation,
    )
    result = decision.evaluate({"x": x})
    assert result.outputs == [{"points": expected}]
    assert result.as_variable() == expected
    assert result.matched_rule_ids == rule_ids


def test_collect_sum_mixes_int_float_and_decimal() -> None:
    rows: Rows = [(["-"], ["1"]), (["-"], ["0.5"]), (["-"], ["x"])]
    decision = one_table([In("x", None)], [Out("v")], rows, hit_policy="COLLECT", aggregation="SUM")
    assert decision.evaluate({"x": Decimal("0.25")}).as_variable() == Decimal("1.75")


def test_collect_sum_of_strings_is_a_decision_error() -> None:
    decision = one_table([In("x", None)], [Out("v")], [(["-"], ['"a"'])], hit_policy="COLLECT", aggregation="SUM")
    with pytest.raises(DecisionError, match="COLLECT SUM needs numbers"):
        decision.evaluate({"x": 1})


def test_collect_max_of_strings_and_numbers_is_a_decision_error() -> None:
    decision = one_table(
        [In("x", None)], [Out("v")], [(["-"], ['"a"']), (["-"], ["1"])], hit_policy="COLLECT", aggregation="MAX"
    )
    with pytest.raises(DecisionError, match="COLLECT MAX cannot compare"):
        decision.evaluate({"x": 1})


# -- DecisionResult --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outputs", "expected"),
    [
        ([], None),
        ([{"a": 1}], 1),
        ([{"a": None}], None),
        ([{"a": 1, "b": 2}], {"a": 1, "b": 2}),
        ([{"a": 1}, {"a": 2}], [1, 2]),
        ([{"a": 1, "b": 2}, {"a": 3, "b": 4}], [{"a": 1, "b": 2}, {"a": 3, "b": 4}]),
    ],
)
def test_as_variable_follows_camunda_mapping(outputs: list[dict[str, Any]], expected: Any) -> None:
    assert DecisionResult(outputs, [f"r{n}" for n in range(len(outputs))]).as_variable() == expected


def test_single() -> None:
    assert DecisionResult([], []).single() is None
    assert DecisionResult([{"a": 1}], ["r1"]).single() == {"a": 1}
    with pytest.raises(DecisionError, match="expected a single result but 2 rules matched") as caught:
        DecisionResult([{"a": 1}, {"a": 2}], ["r1", "r2"], "d").single()
    assert caught.value.decision_id == "d"


# -- decision requirement graphs -------------------------------------------------------------


def test_dinner_decisions_load() -> None:
    decisions = fixture("dinnerDecisions.dmn")
    assert set(decisions) == {"dish", "beverages"}
    assert decisions["beverages"].required == ["dish"]
    assert decisions["beverages"].hit_policy == "COLLECT"
    assert decisions["dish"].hit_policy == "UNIQUE"
    assert decisions["dish"].name == "Dish"


@pytest.mark.parametrize(
    ("season", "guests", "children", "dish", "beverages"),
    [
        ("Spring", 4, False, "Dry Aged Gourmet Steak", ["Pinot Noir", "Water"]),
        ("Spring", 4, True, "Dry Aged Gourmet Steak", ["Pinot Noir", "Apple Juice", "Water"]),
        ("Spring", 5, False, "Steak", ["Pinot Noir", "Water"]),
        ("Winter", 8, False, "Roastbeef", ["Bordeaux", "Water"]),
        ("Fall", 9, False, "Stew", ["Guiness", "Water"]),
        ("Fall", 3, True, "Spareribs", ["Aecht Schlenkerla Rauchbier", "Apple Juice", "Water"]),
        ("Summer", 20, False, "Light Salad and a nice Steak", ["Pinot Noir", "Water"]),
    ],
)
def test_dinner_drg(season: str, guests: int, children: bool, dish: str, beverages: list[str]) -> None:
    decisions = fixture("dinnerDecisions.dmn")
    context = {"season": season, "guestCount": guests, "guestsWithChildren": children}
    assert decisions["dish"].evaluate(context).as_variable() == dish
    result = decisions["beverages"].evaluate(context)
    assert result.as_variable() == beverages
    assert decisions["beverages"].evaluate(context, decisions).as_variable() == beverages


def test_dinner_spring_four_guests_rule_ids() -> None:
    decisions = fixture("dinnerDecisions.dmn")
    context = {"season": "Spring", "guestCount": 4, "guestsWithChildren": False}
    assert decisions["dish"].evaluate(context).matched_rule_ids == ["row-506282952-3"]
    assert decisions["beverages"].evaluate(context).matched_rule_ids == ["row-506282952-10", "row-506282952-12"]


def test_required_decision_missing_from_given_decisions_is_a_decision_error() -> None:
    decisions = fixture("dinnerDecisions.dmn")
    with pytest.raises(DecisionError, match="required decision 'dish' is not available") as caught:
        decisions["beverages"].evaluate({}, {"beverages": decisions["beverages"]})
    assert caught.value.decision_id == "beverages"


def test_required_collect_decision_provides_a_list_and_outputs_override_context() -> None:
    xml = definitions(
        decision_xml(
            [In("x", None)], [Out("items")], [(["-"], ['"a"']), (["-"], ['"b"'])], decision_id="a", hit_policy="COLLECT"
        ),
        decision_xml([In("x", None)], [Out("flag")], [(["> 100"], ["true"])], decision_id="f"),
        decision_xml(
            [In("items", None), In("flag", None)],
            [Out("all")],
            [(["-", "null"], ["items"])],
            decision_id="b",
            requires=("a", "f"),
        ),
    )
    decisions = load_dmn(xml)
    assert decisions["b"].evaluate({"x": 1, "items": "shadowed", "flag": True}).as_variable() == ["a", "b"]


def test_diamond_requirements() -> None:
    base = ("base",)
    xml = definitions(
        decision_xml([In("x", None)], [Out("base")], [(["-"], ["x + 1"])], decision_id="base"),
        decision_xml([In("base", None)], [Out("left")], [(["-"], ["base * 2"])], decision_id="left", requires=base),
        decision_xml([In("base", None)], [Out("right")], [(["-"], ["base * 3"])], decision_id="right", requires=base),
        decision_xml(
            [In("left", None), In("right", None)],
            [Out("top")],
            [(["-", "-"], ["left + right"])],
            decision_id="top",
            requires=("left", "right"),
        ),
    )
    assert load_dmn(xml)["top"].evaluate({"x": 1}).as_variable() == 10


@pytest.mark.parametrize(
    ("grade", "years", "eligible", "reason", "fee"),
    [
        ("基礎級", 0, True, "基礎級は実務経験不要", 9100),
        ("2級", 2, True, "実務経験が足りている", 18200),
        ("3級", 5, True, "実務経験が足りている", 18200),
        ("2級", 1, False, "実務経験が不足", 0),
        ("1級", 7, True, "実務経験が足りている", 18200),
        ("1級", 6, False, "実務経験が不足", 0),
        ("特級", None, False, "実務経験が不足", 0),
    ],
)
def test_japanese_grades(grade: str, years: int | None, eligible: bool, reason: str, fee: int) -> None:
    decisions = fixture("grades.dmn")
    applicant = {"等級": grade, "実務経験年数": years}
    context = {"applicant": applicant, "一級必要年数": 7, "基本手数料": 18200}
    assert decisions["eligibility"].evaluate(context).single() == {"受検可否": eligible, "理由": reason}
    assert decisions["fee"].evaluate(context).as_variable() == fee


# -- namespaces and loading ------------------------------------------------------------------


@pytest.mark.parametrize("ns", [DMN11, DMN12, DMN13])
def test_all_camunda_dmn_namespaces_load(ns: str) -> None:
    xml = definitions(decision_xml([In("x", "integer")], [Out("y")], [(["> 1"], ['"big"'])]), ns=ns)
    assert load_dmn(xml)["d"].evaluate({"x": 2}).as_variable() == "big"


def test_load_accepts_text() -> None:
    xml = definitions(decision_xml([In("x")], [Out("y")], [(["-"], ["1"])])).decode("utf-8")
    assert set(load_dmn(xml)) == {"d"}


def test_non_decision_elements_are_ignored() -> None:
    xml = definitions(
        decision_xml([In("x")], [Out("y")], [(["-"], ["1"])]),
        '<inputData id="in1" name="X" /><knowledgeSource id="ks" name="Book" />',
    )
    assert set(load_dmn(xml)) == {"d"}


def test_feel_expression_language_is_accepted() -> None:
    xml = definitions(decision_xml([In("x", language="feel")], [Out("y")], [(["-"], ["1"])]))
    assert set(load_dmn(xml)) == {"d"}


SIMPLE = ([In("x")], [Out("y")], [(["-"], ["1"])])
BPMN_ROOT = b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="bpmn"/>'
WRONG_DMN_ROOT = b'<foo xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="foo"/>'
LITERAL_DECISION = '<decision id="lit" name="L"><literalExpression><text>1</text></literalExpression></decision>'


def with_table(inputs: list[In], outputs: list[Out], rows: Rows, **options: Any) -> bytes:
    """A one-decision file for load error tests."""
    return definitions(decision_xml(inputs, outputs, rows, **options))


def with_entry(text: str) -> bytes:
    """A file whose only rule has this input entry."""
    return with_table([In("x")], [Out("y")], [([text], ["1"])])


def with_output(text: str, *outputs: Out, **options: Any) -> bytes:
    """A file whose only rule has this output entry."""
    return with_table([In("x")], list(outputs) or [Out("y")], [(["-"], [text])], **options)


def with_input(column: In) -> bytes:
    """A file with this single input column."""
    return with_table([column], [Out("y")], [(["-"], ["1"])])


def with_policy(hit_policy: str, aggregation: str | None = None, outputs: int = 1) -> bytes:
    """A file with this hit policy and aggregation."""
    columns = [Out(f"y{n}") for n in range(outputs)]
    rows: Rows = [(["-"], ["1"] * outputs)]
    return with_table([In("x")], columns, rows, hit_policy=hit_policy, aggregation=aggregation)


@pytest.mark.parametrize(
    ("xml", "element_id", "message"),
    [
        (b"<definitions><decision", None, "the file is not well-formed XML at line 1, column 23"),
        (BPMN_ROOT, "bpmn", "is not a DMN 1.1, 1.2, 1.3, 1.4 or 1.5 definitions element"),
        (WRONG_DMN_ROOT, "foo", "is not a DMN 1.1, 1.2, 1.3, 1.4 or 1.5 definitions element"),
        (with_table([], [Out("y")], []), "d", "decision table has no inputs"),
        (with_table([In("x")], [], []), "d", "decision table has no outputs"),
        (
            with_table([In("x"), In("z")], [Out("y")], [(["-"], ["1"])]),
            "r1",
            "rule has 1 input entry and 1 output entry but the table has 2 inputs and 1 output",
        ),
        (
            with_table([In("x")], [Out("y")], [(["-"], ["1", "2"])]),
            "r1",
            "rule has 1 input entry and 2 output entries but the table has 1 input and 1 output",
        ),
        # a cell is named by its rule and column: r1/input_1 is rule r1's first input entry
        (with_entry(">= )"), "r1/input_1", "input entry '>= )' for input 'Input 1' is not a FEEL simple unary test"),
        (with_entry("[1..5"), "r1/input_1", "is not a FEEL simple unary test"),
        (with_entry("'single'"), "r1/input_1", "expected an expression but found"),
        (with_entry('"open'), "r1/input_1", "is not closed"),
        (with_output("1 +"), "r1/output_1", "output entry '1 +' for output 'y' is not a valid FEEL expression"),
        (with_output("-"), "r1/output_1", "is not a valid FEEL expression"),
        (with_input(In("a +")), "input1", "input expression 'a +' is not a valid FEEL expression"),
        (with_input(In("")), "input1", "input has no input expression text"),
        (with_input(In("x", "money")), "input1", "typeRef 'money' is not supported"),
        (with_output("1", Out("y", "char")), "output1", "typeRef 'char' is not supported"),
        (with_table([In("x")], [Out("y"), Out(None)], [(["-"], ["1", "2"])]), "output2", "output has no name"),
        (with_table([In("x")], [Out("y"), Out("y")], [(["-"], ["1", "2"])]), "output2", "is used by more than one"),
        (with_policy("SOMETIMES"), "d", "hit policy 'SOMETIMES' is not a DMN hit policy"),
        (with_policy("COLLECT", "AVG"), "d", "aggregation 'AVG' is not one of SUM, COUNT, MIN and MAX"),
        (with_policy("RULE ORDER", "SUM"), "d", "aggregation SUM is only allowed with hit policy COLLECT"),
        (with_policy("COLLECT", "SUM", outputs=2), "d", "aggregation SUM needs exactly one output column"),
        (with_policy("PRIORITY"), "d", "hit policy PRIORITY needs outputValues"),
        (with_policy("OUTPUT ORDER"), "d", "hit policy OUTPUT ORDER needs outputValues"),
        (
            with_output('"c"', Out("y", None, '"a","b"'), hit_policy="PRIORITY"),
            "r1/output_1",
            "output entry '\"c\"' for output 'y' is not one of the output's outputValues",
        ),
        (
            with_output('"a"', Out("y", None, '"a", >'), hit_policy="PRIORITY"),
            "output1",
            "output values '\"a\", >' are not FEEL simple unary tests",
        ),
        (with_table(*SIMPLE, requires=("ghost",)), "d", "required decision 'ghost' does not exist in this file"),
        (with_table(*SIMPLE, requires=("d",)), "d", "decision requirements form a cycle (d -> d)"),
        (with_input(In("x", language="juel")), "input1", "JUEL cells are not supported; use FEEL"),
        (with_input(In("${x}")), "input1", "JUEL cells are not supported; use FEEL"),
        (with_entry("${x > 5}"), "r1/input_1", "JUEL cells are not supported; use FEEL"),
        (with_output("#{y}"), "r1/output_1", "JUEL cells are not supported; use FEEL"),
        (with_input(In("x", language="javascript")), "input1", "expression language 'javascript' is not supported"),
        (definitions('<decision id="empty" name="Empty" />'), "empty", "decision has no decision logic"),
        (definitions(decision_xml(*SIMPLE), decision_xml(*SIMPLE)), "d", "decision id is used by more than one"),
    ],
)
def test_load_errors_name_the_element(xml: bytes, element_id: str | None, message: str) -> None:
    problems = load_problems(xml)
    assert [problem.element_id for problem in problems] == [element_id]
    assert message in problems[0].message
    expected = f"{element_id}: {problems[0].message}" if element_id is not None else problems[0].message
    assert str(problems[0]) == expected


def test_juel_entry_with_expression_language_attribute_is_refused() -> None:
    xml = with_table(*SIMPLE).replace(b'<inputEntry id="r1i1">', b'<inputEntry id="r1i1" expressionLanguage="juel">')
    assert [(p.element_id, p.message) for p in load_problems(xml)] == [("r1/input_1",
                                                                       "JUEL cells are not supported; use FEEL")]


def test_definitions_level_juel_is_refused() -> None:
    xml = with_table(*SIMPLE).replace(b'id="defs"', b'id="defs" expressionLanguage="juel"')
    assert {p.message for p in load_problems(xml)} == {"JUEL cells are not supported; use FEEL"}


def test_cycle_through_several_decisions() -> None:
    xml = definitions(
        decision_xml(*SIMPLE, decision_id="a", requires=("b",)),
        decision_xml(*SIMPLE, decision_id="b", requires=("c",)),
        decision_xml(*SIMPLE, decision_id="c", requires=("a",)),
    )
    problems = load_problems(xml)
    expected = [("a", "decision requirements form a cycle (a -> b -> c -> a)")]
    assert [(p.element_id, p.message) for p in problems] == expected


def test_all_problems_of_a_file_are_collected() -> None:
    xml = definitions(
        decision_xml(
            [In("x")], [Out("y")], [([">= )"], ["1"]), (["-"], ["1", "2"]), (["-"], ["1 +"])], decision_id="a"
        ),
        decision_xml(*SIMPLE, decision_id="b", hit_policy="MAYBE", requires=("nowhere",)),
    )
    with pytest.raises(DmnErrors) as caught:
        load_dmn(xml, "broken.dmn")
    errors = caught.value.errors
    assert [e.element_id for e in errors] == ["r1/input_1", "r2", "r3/output_1", "b", "b"]
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, DmnError)
    assert caught.value.filename == "broken.dmn"
    assert str(caught.value).startswith("broken.dmn: 5 problems in DMN file: r1/input_1: input entry '>= )'")


def test_dmn_error_string_format() -> None:
    error = DmnError("r1", "input entry '>= = 5' is not a FEEL simple unary test")
    assert str(error) == "r1: input entry '>= = 5' is not a FEEL simple unary test"
    assert (error.element_id, error.message) == ("r1", "input entry '>= = 5' is not a FEEL simple unary test")
    assert isinstance(error, ValueError)
    assert isinstance(DecisionError("d", "boom"), RuntimeError)
    assert str(DecisionError("d", "boom")) == "d: boom"


# -- no Python eval --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "rows", "message"),
    [
        # FEEL names may start with '_': these are FEEL calls of functions that do not exist, never Python.
        ([In("x")], [(['__import__("os")'], ["1"])], "rule 'r1' failed: There is no function named '__import__'"),
        ([In("x")], [(["-"], ['__import__("os").system("true")'])], "There is no function named '__import__'"),
        ([In('__import__("os")')], [(["-"], ["1"])], "input 'Input 1' failed: There is no function named '__import__'"),
        ([In("x")], [(["-"], ['open("/etc/passwd")'])], "There is no function named 'open'"),
        ([In("x")], [(["[c for c in x]"], ["1"])], "The name 'c for c' is not defined"),
    ],
)
def test_python_code_in_cells_never_runs(inputs: list[In], rows: Rows, message: str) -> None:
    decision = load_dmn(with_table(inputs, [Out("y")], rows))["d"]
    with pytest.raises(DecisionError, match=re.escape(message)):
        decision.evaluate({"x": "a"})


def test_python_syntax_in_a_cell_is_refused() -> None:
    (problem,) = load_problems(with_table([In("x")], [Out("y")], [(["-"], ["lambda: 1"])]))
    assert (problem.element_id, problem.message) == (
        "r1/output_1", "output entry 'lambda: 1' for output 'y' is not a valid FEEL expression (expected an operator "
        "or the end of the text but found ':' at column 7)")


def test_an_impossible_date_is_a_decision_error() -> None:
    decision = load_dmn(with_entry('date("2026-02-30")'))["d"]
    with pytest.raises(DecisionError, match="rule 'r1' failed: date: there is no such date as '2026-02-30'"):
        decision.evaluate({"x": "a"})


def test_literal_expression_decision() -> None:
    decision = load_dmn(definitions(LITERAL_DECISION))["lit"]
    assert decision.evaluate({}).as_variable() == 1


def test_dunder_member_cannot_reach_python_attributes() -> None:
    decision = one_table([In("x", None)], [Out("y")], [(["-"], ["x.__class__"])])
    with pytest.raises(DecisionError, match="A number has no property '__class__'"):
        decision.evaluate({"x": 1})


def test_package_never_uses_python_eval() -> None:
    forbidden = re.compile(r"(?<![\w.])(eval|exec|compile|__import__|getattr)\s*\(")
    sources = sorted(PACKAGE.glob("*.py"))
    assert sources
    for source in sources:
        assert not forbidden.search(source.read_text(encoding="utf-8")), source.name


def test_package_modules_stay_small() -> None:
    for source in PACKAGE.glob("*.py"):
        assert len(source.read_text(encoding="utf-8").splitlines()) < 300, source.name


def test_errors_survive_pickling() -> None:
    for error in (DmnError("r1", "bad"), DmnErrors([DmnError("r1", "bad")], "f.dmn"), DecisionError("d", "boom")):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and str(copy) == str(error)
