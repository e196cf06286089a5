"""Hostile nesting in expressions (security review, issue 10, finding 11): a sentence, never a RecursionError.

A DMN cell nested about 2,000 levels deep answered 500 at upload: the FEEL parser recursed until Python's
stack ran out.  Both expression languages now refuse nesting beyond a fixed depth with their normal error,
and long flat chains (`1+1+...`, `a and b and ...`) neither parse nor evaluate by recursing per operator.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from decimal import Decimal
from xml.sax.saxutils import escape

import pytest

from engine.dmn import DmnErrors, load_dmn
from engine.dmn.errors import FeelSyntaxError
from engine.dmn.feel import compile_expression as parse_expression
from engine.dmn.feel import compile_unary_tests as parse_unary_tests
from engine.dmn.feel.parser import MAX_NESTING
from engine.expr import EvaluationError, ExpressionError, compile_condition, compile_expression
from engine.validation.bpmn_rules import Known
from engine.validation.files import check_files

DEEP = 2000
FLAT = 50_000
NESTED = f"the expression is nested more than {MAX_NESTING} levels deep"
TOO_DEEP = "the expression is nested more than"  # levels, or operations of one level
ONE = Decimal(1)
DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"


def wrap(opening: str, inner: str, closing: str, levels: int = DEEP) -> str:
    return opening * levels + inner + closing * levels


# -- FEEL: deep nesting is refused with a sentence -----------------------------------------------------
FEEL_DEEP = {
    "parentheses": wrap("(", "1", ")"),
    "unary minus": wrap("-", "1", ""),
    "unary minus with spaces": wrap("- ", "x", ""),
    "not()": wrap("not(", "true", ")"),
    "date()": wrap("date(", '"2026-04-01"', ")"),
    "minus and parentheses": wrap("-(", "x", ")"),
    "operators at every level": wrap("x or x and x = x + x * (", "x", ")"),
}
UNARY_DEEP = {
    **FEEL_DEEP,
    "comparison endpoint": "< " + wrap("(", "1", ")"),
    "interval endpoint": "[" + wrap("(", "1", ")") + "..2]",
    "list item": "1, " + wrap("(", "2", ")"),
    "not() entry": "not(" + wrap("(", "1", ")") + ")",
}


@pytest.mark.parametrize("text", FEEL_DEEP.values(), ids=FEEL_DEEP.keys())
def test_a_deeply_nested_feel_expression_is_refused_with_a_sentence(text: str) -> None:
    with pytest.raises(FeelSyntaxError) as err:
        parse_expression(text)
    assert str(err.value).startswith(TOO_DEEP), err.value


@pytest.mark.parametrize("text", UNARY_DEEP.values(), ids=UNARY_DEEP.keys())
def test_a_deeply_nested_input_entry_is_refused_with_a_sentence(text: str) -> None:
    with pytest.raises(FeelSyntaxError) as err:
        parse_unary_tests(text)
    assert str(err.value).startswith(TOO_DEEP), err.value


def test_the_limit_is_the_nesting_the_sentence_names() -> None:
    seven = Decimal(7)
    assert parse_expression(wrap("(", "x", ")", MAX_NESTING)).evaluate({"x": seven}) == 7
    assert parse_expression(wrap("-", "x", "", MAX_NESTING)).evaluate({"x": seven}) == 7  # an even count
    assert parse_expression(wrap("not(", "x", ")", MAX_NESTING)).evaluate({"x": True}) is True
    assert parse_unary_tests("< " + wrap("(", "5", ")", MAX_NESTING)).matches(Decimal(3), {}) is True
    for text in (wrap("(", "x", ")", MAX_NESTING + 1), wrap("-", "x", "", MAX_NESTING + 1),
                 wrap("not(", "x", ")", MAX_NESTING + 1)):
        with pytest.raises(FeelSyntaxError, match=NESTED):
            parse_expression(text)


def test_nested_operations_without_parentheses_count_too() -> None:
    """Each level may nest several operations (or, and, =, +, *): the tree they make is limited as well."""
    text = wrap("x or x and x = x + x * (", "x", ")", 40)  # 40 levels of parentheses, 200 operations deep
    with pytest.raises(FeelSyntaxError, match=TOO_DEEP):
        parse_expression(text)
    assert parse_expression(wrap("x + (", "x", ")", 50)).evaluate({"x": ONE}) == 51


def test_a_deep_stack_at_the_caller_is_no_recursion_error() -> None:
    """Even called from deep inside another program, the parser answers with the sentence."""
    def dive(levels: int) -> None:
        if levels:
            dive(levels - 1)
        else:
            for text in (wrap("date(", "x", ")", MAX_NESTING), wrap("(", "1", ")")):
                try:
                    parse_expression(text)
                except FeelSyntaxError as exc:
                    assert TOO_DEEP in str(exc)
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    dive(sys.getrecursionlimit() - depth - 60)


# -- FEEL: long flat chains parse and evaluate without recursing per operator -----------------------------
FLAT_CHAINS: dict[str, tuple[str, object]] = {
    "sum": ("+".join(["1"] * FLAT), FLAT),
    "sum of variables": ("+".join(["x"] * FLAT), FLAT),
    "alternating + and -": ("1" + "+1-1" * (FLAT // 2), 1),
    "product": ("*".join(["x"] * FLAT), 1),
    "quotient": ("/".join(["x"] * FLAT), 1),
    "and": (" and ".join(["x > 0"] * FLAT), True),
    "or": (" or ".join(["x < 0"] * FLAT), False),
    "and of ors": (" and ".join(["(x < 0 or x > 0)"] * (FLAT // 10)), True),
    "mixed precedence": ("+".join(["x*x"] * FLAT) + " = " + str(FLAT), True),
}


@pytest.mark.parametrize("text, value", FLAT_CHAINS.values(), ids=FLAT_CHAINS.keys())
def test_a_long_flat_chain_parses_and_evaluates(text: str, value: object) -> None:
    assert parse_expression(text).evaluate({"x": ONE}) == value
    assert parse_unary_tests(text).matches(value, {"x": ONE}) in (True, False)


def test_a_long_flat_chain_keeps_feel_semantics() -> None:
    """Folding a chain gives what nesting gave: left to right, null propagation, three-valued logic."""
    assert parse_expression("10 - 3 - 2").evaluate({}) == 5
    assert parse_expression("12 / 2 / 3").evaluate({}) == 2
    assert parse_expression("1 + x + 2").evaluate({"x": None}) is None
    assert parse_expression("x > 0 and y and true").evaluate({"x": ONE, "y": None}) is None
    assert parse_expression("x > 0 and y and false").evaluate({"x": ONE, "y": None}) is False
    assert parse_expression("y or x > 0").evaluate({"x": ONE, "y": None}) is True
    assert parse_expression("y or x < 0").evaluate({"x": ONE, "y": None}) is None
    assert parse_expression("false and missing").evaluate({}) is False  # short-circuit: 'missing' is not read
    assert parse_expression("true or missing").evaluate({}) is True
    assert parse_unary_tests(",".join(str(n) for n in range(FLAT))).matches(Decimal(FLAT - 1), {}) is True


# -- FEEL through the DMN loader and the deploy-time check -------------------------------------------------
def table(cell: str, output: str = '"pass"') -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><definitions xmlns="{DMN13}" id="dd" name="d" namespace="t">'
            '<decision id="d" name="D"><decisionTable id="dt"><input id="in1" label="score">'
            '<inputExpression id="ie" typeRef="integer"><text>score</text></inputExpression></input>'
            '<output id="out1" name="outcome" typeRef="string"/>'
            f'<rule id="r1"><inputEntry><text>{escape(cell)}</text></inputEntry>'
            f'<outputEntry><text>{escape(output)}</text></outputEntry></rule>'
            '</decisionTable></decision></definitions>').encode()


@pytest.mark.parametrize(("content", "cell"), [(table(wrap("(", "1", ")")), "r1/input_1"),
                                               (table("-", wrap("(", "1", ")")), "r1/output_1"),
                                               (table("-", wrap("-", "score", "")), "r1/output_1")],
                         ids=["input entry", "output entry", "minus"])
def test_a_dmn_cell_nested_2000_levels_deep_is_one_problem(content: bytes, cell: str) -> None:
    with pytest.raises(DmnErrors) as err:
        load_dmn(content, "deep.dmn")
    [problem] = err.value.errors
    assert problem.element_id == cell and NESTED in problem.message
    checked, problems = check_files([("deep.dmn", content)], Known())
    assert checked == [] and [(p.file, p.element_id) for p in problems] == [("deep.dmn", cell)]
    assert NESTED in problems[0].message


def test_a_dmn_cell_with_a_long_flat_chain_loads_and_decides() -> None:
    decisions = load_dmn(table(" or ".join(["score = 1"] * FLAT), "+".join(['"a"'] * 3)), "flat.dmn")
    assert decisions["d"].evaluate({"score": 1}).outputs == [{"outcome": "aaa"}]


# -- JUEL: the same shapes are refused by its own limits -----------------------------------------------------
JUEL_DEEP = {
    "parentheses": wrap("(", "1", ")"),
    "not": wrap("!", "true", ""),
    "unary minus": wrap("-", "1", ""),
    "empty": wrap("empty ", "x", ""),
    "index": wrap("a[", "1", "]"),
    "call": wrap("len(", "'x'", ")"),
    "conditional": wrap("true ? 1 : ", "2", ""),
    "flat sum": "+".join(["1"] * FLAT),
    "flat and": " and ".join(["true"] * FLAT),
    "property chain": "a" + ".b" * FLAT,
}


@pytest.mark.parametrize("body", JUEL_DEEP.values(), ids=JUEL_DEEP.keys())
@pytest.mark.parametrize("compile_", [compile_expression, compile_condition], ids=["expression", "condition"])
def test_a_deeply_nested_juel_expression_is_refused_with_a_sentence(
        compile_: Callable[[str], object], body: str) -> None:
    with pytest.raises(ExpressionError) as err:
        compile_("${" + body + "}")
    assert "nested too deeply" in str(err.value) or "too complex" in str(err.value), str(err.value)[:200]


def test_juel_at_its_limits_evaluates_without_recursion_error() -> None:
    from engine.expr.parser import MAX_DEPTH, MAX_NESTING as JUEL_NESTING
    for body in (wrap("(", "x", ")", JUEL_NESTING - 1), wrap("-", "x", "", JUEL_NESTING - 1),
                 "+".join(["x"] * (MAX_DEPTH - 1))):
        value = compile_expression("${" + body + "}").evaluate({"x": 1})
        assert isinstance(value, int | float)
    try:
        compile_expression("${" + "+".join(["x"] * (MAX_DEPTH - 1)) + "}").evaluate({"x": "a"})
    except EvaluationError:
        pass


# -- decisions requiring decisions: the requirement graph is walked (and evaluated) by recursion -----------
def chain_of_decisions(count: int) -> bytes:
    decisions = []
    for n in range(count):
        needs = f'<informationRequirement><requiredDecision href="#d{n + 1}"/></informationRequirement>' \
            if n < count - 1 else ""
        decisions.append(f'<decision id="d{n}" name="D{n}">{needs}<decisionTable id="t{n}"><input id="i{n}">'
                         '<inputExpression typeRef="integer"><text>score</text></inputExpression></input>'
                         f'<output id="o{n}" name="out{n}" typeRef="string"/><rule id="r{n}"><inputEntry><text>-'
                         '</text></inputEntry><outputEntry><text>"x"</text></outputEntry></rule></decisionTable>'
                         '</decision>')
    return (f'<?xml version="1.0" encoding="UTF-8"?><definitions xmlns="{DMN13}" id="dd" name="d" namespace="t">'
            + "".join(decisions) + "</definitions>").encode()


def test_a_chain_of_2000_required_decisions_is_one_problem() -> None:
    from engine.dmn.loader import MAX_REQUIREMENT_DEPTH
    with pytest.raises(DmnErrors) as err:
        load_dmn(chain_of_decisions(DEEP), "chain.dmn")
    [problem] = err.value.errors
    assert problem.element_id == "d0"
    assert problem.message == f"decision requirements are nested more than {MAX_REQUIREMENT_DEPTH} levels deep"
    checked, problems = check_files([("chain.dmn", chain_of_decisions(DEEP))], Known())
    assert checked == [] and [(p.file, p.element_id) for p in problems] == [("chain.dmn", "d0")]


def test_a_chain_at_the_limit_loads_and_decides() -> None:
    from engine.dmn.loader import MAX_REQUIREMENT_DEPTH
    decisions = load_dmn(chain_of_decisions(MAX_REQUIREMENT_DEPTH + 1), "chain.dmn")
    assert decisions["d0"].evaluate({"score": 1}).outputs == [{"out0": "x"}]
    with pytest.raises(DmnErrors, match="nested more than"):
        load_dmn(chain_of_decisions(MAX_REQUIREMENT_DEPTH + 2), "chain.dmn")
