"""engine.dmn beyond decision tables, on the FEEL engine: boxed expressions, business knowledge models, decision
services, item definitions, imports, requirement order and cycles, and the sentences their problems give.

The DMN TCK (tests/conformance/test_dmn_tck.py) checks the semantics case by case; these pin kentei's own API
(load_model, Decision.evaluate's strictness and value, Invocable.invoke, imports by namespace) and what the TCK
leaves out: Japanese names, Camunda-7-style files, the messages.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from engine.dmn import DecisionError, DmnErrors, load_dmn, load_model

DMN15 = "https://www.omg.org/spec/DMN/20230324/MODEL/"
DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"


def model(*elements: str, ns: str = DMN15, namespace: str = "urn:kentei:test", extra: str = "") -> bytes:
    return (f'<definitions xmlns="{ns}" id="defs" name="test" namespace="{namespace}" {extra}>'
            + "".join(elements) + "</definitions>").encode()


def literal(decision_id: str, name: str, text: str, *requires: str, type_ref: str = "") -> str:
    needs = "".join(f'<informationRequirement><required{kind} href="#{ref}"/></informationRequirement>'
                    for kind, ref in (r.split(":") for r in requires) if kind in ("Decision", "Input"))
    needs += "".join(f'<knowledgeRequirement><requiredKnowledge href="#{r.split(":")[1]}"/></knowledgeRequirement>'
                     for r in requires if r.startswith("Knowledge:"))
    variable = f'<variable name="{name}"{f" typeRef={chr(34)}{type_ref}{chr(34)}" if type_ref else ""}/>'
    return (f'<decision id="{decision_id}" name="{name}">{variable}{needs}'
            f"<literalExpression><text>{text}</text></literalExpression></decision>")


def input_data(element_id: str, name: str, type_ref: str = "Any") -> str:
    return f'<inputData id="{element_id}" name="{name}"><variable name="{name}" typeRef="{type_ref}"/></inputData>'


# -- literal expressions, Japanese names, requirements in any order ---------------------------------------
def test_a_literal_decision_with_japanese_names_and_requirements_in_any_order() -> None:
    loaded = load_model(model(
        literal("d_total", "合計 手数料", "基本 料金 + 追加 料金", "Decision:d_extra", "Input:i_base"),
        literal("d_extra", "追加 料金", "if 等級 = \"1級\" then 3100 else 0", "Input:i_grade"),
        input_data("i_base", "基本 料金", "number"), input_data("i_grade", "等級", "string")), "料金.dmn")
    result = loaded.decision("合計 手数料").evaluate({"基本 料金": 18200, "等級": "1級"})
    assert result.value == Decimal(21300) and result.as_variable() == 21300
    assert [step.decision_id for step in result.trace] == ["d_extra", "d_total"]


def test_input_data_typeref_is_checked_strictly_and_leniently() -> None:
    decision = load_dmn(model(literal("d", "D", "n * 2", "Input:i"), input_data("i", "n", "number")))["d"]
    with pytest.raises(DecisionError, match=r'd: input data \'n\': value "x" does not conform to type number'):
        decision.evaluate({"n": "x"})
    lenient = decision.evaluate({"n": "x"}, strict=False)
    assert lenient.value is None and "does not conform to type number" in lenient.errors[0]


def test_item_definitions_structure_collections_and_allowed_values() -> None:
    types = ('<itemDefinition name="tGrade"><typeRef>string</typeRef><allowedValues><text>"1級", "2級"</text>'
             '</allowedValues></itemDefinition>'
             '<itemDefinition name="tPerson"><itemComponent name="name"><typeRef>string</typeRef></itemComponent>'
             '<itemComponent name="grade"><typeRef>tGrade</typeRef></itemComponent></itemDefinition>'
             '<itemDefinition name="tPeople" isCollection="true"><typeRef>tPerson</typeRef></itemDefinition>')
    decision = load_dmn(model(types, literal("d", "D", "count(people[grade = \"1級\"])", "Input:i"),
                              input_data("i", "people", "tPeople")))["d"]
    people = [{"name": "山田", "grade": "1級"}, {"name": "佐藤", "grade": "2級"}]
    assert decision.evaluate({"people": people}).value == 1
    with pytest.raises(DecisionError, match="does not conform to type"):
        decision.evaluate({"people": [{"name": "鈴木", "grade": "9級"}]})
    single = decision.evaluate({"people": people[0]})  # a single context where a list is declared: a list of it
    assert single.value == 1


# -- boxed expressions -------------------------------------------------------------------------------------
def _boxed(body: str) -> object:
    return load_dmn(model(f'<decision id="d" name="D"><variable name="D"/>{body}</decision>'))["d"]


def lit(text: str) -> str:
    return f"<literalExpression><text>{text}</text></literalExpression>"


@pytest.mark.parametrize(("body", "expected"), [
    ('<context><contextEntry><variable name="a"/>' + lit("2") + '</contextEntry><contextEntry><variable name="b"/>'
     + lit("a * 3") + "</contextEntry></context>", {"a": 2, "b": 6}),
    ('<context><contextEntry><variable name="a"/>' + lit("2") + "</contextEntry><contextEntry>" + lit("a + 1")
     + "</contextEntry></context>", 3),
    ("<list>" + lit("1") + lit('"二"') + "</list>", [1, "二"]),
    ('<relation><column name="名前"/><column name="点"/><row>' + lit('"山田"') + lit("80") + "</row><row>"
     + lit('"佐藤"') + lit("65") + "</row></relation>", [{"名前": "山田", "点": 80}, {"名前": "佐藤", "点": 65}]),
    ("<conditional><if>" + lit("1 &lt; 2") + "</if><then>" + lit('"yes"') + "</then><else>" + lit('"no"')
     + "</else></conditional>", "yes"),
    ('<for iteratorVariable="x"><in>' + lit("[1, 2, 3]") + "</in><return>" + lit("x * x") + "</return></for>",
     [1, 4, 9]),
    ('<every iteratorVariable="x"><in>' + lit("[1, 2]") + "</in><satisfies>" + lit("x > 0") + "</satisfies></every>",
     True),
    ("<filter><in>" + lit("[1, 5, 10]") + "</in><match>" + lit("item > 3") + "</match></filter>", [5, 10]),
    ('<context><contextEntry><variable name="double"/><functionDefinition><formalParameter name="n" '
     'typeRef="number"/>' + lit("n * 2") + "</functionDefinition></contextEntry><contextEntry>" + lit("double(21)")
     + "</contextEntry></context>", 42),
])
def test_boxed_expressions(body: str, expected: object) -> None:
    assert _boxed(body).evaluate({}).as_variable() == expected  # type: ignore[attr-defined]


# -- business knowledge models and decision services ----------------------------------------------------------
BKM = ('<businessKnowledgeModel id="b" name="受検料"><variable name="受検料"/><encapsulatedLogic>'
       '<formalParameter name="等級" typeRef="string"/>'
       + lit('if 等級 = "1級" then 18200 else 3100') + "</encapsulatedLogic></businessKnowledgeModel>")


def test_a_business_knowledge_model_called_from_feel_and_by_invocation() -> None:
    invocation = ('<decision id="d2" name="D2"><variable name="D2"/><knowledgeRequirement><requiredKnowledge '
                  'href="#b"/></knowledgeRequirement><invocation>' + lit("受検料") + '<binding><parameter '
                  'name="等級"/>' + lit('"2級"') + "</binding></invocation></decision>")
    loaded = load_model(model(BKM, literal("d1", "D1", '受検料("1級")', "Knowledge:b"), invocation))
    assert loaded.decision("D1").evaluate({}).value == 18200
    assert loaded.decision("D2").evaluate({}).value == 3100
    assert loaded.invocable("受検料").invoke({"等級": "1級"}).value == 18200


def test_a_decision_service_as_an_invocable_and_as_a_function() -> None:
    service = ('<decisionService id="s" name="料金サービス"><variable name="料金サービス"/><outputDecision href="#d"/>'
               '<inputData href="#i"/></decisionService>')
    loaded = load_model(model(input_data("i", "等級", "string"), literal("d", "料金", '"料金: " + 等級', "Input:i"),
                              service, literal("c", "呼び出し", '料金サービス("2級")', "Knowledge:s")))
    assert loaded.invocable("料金サービス").invoke({"等級": "1級"}).value == "料金: 1級"
    assert loaded.decision("呼び出し").evaluate({}).value == "料金: 2級"


# -- imports ---------------------------------------------------------------------------------------------------
def test_imports_are_found_by_namespace_among_the_files_given() -> None:
    imported = model(BKM, '<itemDefinition name="tGrade"><typeRef>string</typeRef></itemDefinition>',
                     namespace="urn:kentei:fees")
    importing = model('<import namespace="urn:kentei:fees" name="料金表" '
                      f'importType="{DMN15}"/>', input_data("i", "等級", "料金表.tGrade"),
                      '<decision id="d" name="D"><variable name="D"/><informationRequirement><requiredInput '
                      'href="#i"/></informationRequirement><knowledgeRequirement><requiredKnowledge '
                      'href="urn:kentei:fees#b"/></knowledgeRequirement>' + lit("料金表.受検料(等級)") + "</decision>")
    loaded = load_model(importing, "main.dmn", imports={"fees.dmn": imported, "main.dmn": importing})
    assert loaded.decision("D").evaluate({"等級": "1級"}).value == 18200
    with pytest.raises(DmnErrors, match="the imported namespace 'urn:kentei:fees' is not the namespace of any DMN"):
        load_model(importing, "main.dmn")


# -- problems at load --------------------------------------------------------------------------------------------
def test_a_requirement_cycle_is_refused_at_load() -> None:
    with pytest.raises(DmnErrors) as caught:
        load_dmn(model(literal("a", "A", "B", "Decision:b"), literal("b", "B", "A", "Decision:a")), "cycle.dmn")
    assert [(e.element_id, e.message) for e in caught.value.errors] == [
        ("a", "decision requirements form a cycle (a -> b -> a)")]


def test_a_bad_cell_is_named_by_its_rule_and_column() -> None:
    table = ('<decision id="eligibility" name="E"><decisionTable id="t"><input id="i1" label="年数"><inputExpression>'
             '<text>years</text></inputExpression></input><input id="i2" label="等級"><inputExpression><text>grade'
             '</text></inputExpression></input><output id="o" name="ok"/><rule id="rule_7"><inputEntry><text>-'
             '</text></inputEntry><inputEntry><text>"1級</text></inputEntry><outputEntry><text>true</text>'
             "</outputEntry></rule></decisionTable></decision>")
    with pytest.raises(DmnErrors) as caught:
        load_dmn(model(table, ns=DMN13), "eligibility.dmn")
    (problem,) = caught.value.errors
    assert f"eligibility.dmn:{problem}" == (
        "eligibility.dmn:rule_7/input_2: input entry '\"1級' for input '等級' is not a FEEL simple unary test "
        "(the string is not closed (a '\"' is missing) at column 1)")


# -- decision tables on the FEEL engine: issue 12's bugs ---------------------------------------------------------
def _list_table(entry: str) -> object:
    table = ('<decision id="d" name="D"><decisionTable id="t" hitPolicy="COLLECT"><input id="i1"><inputExpression>'
             '<text>symptom</text></inputExpression></input><output id="o" name="hit"/><rule id="r1"><inputEntry>'
             f"<text>{entry}</text></inputEntry><outputEntry><text>true</text></outputEntry></rule></decisionTable>"
             "</decision>")
    return load_dmn(model(table, ns=DMN13))["d"]


@pytest.mark.parametrize(("entry", "symptom", "matched"), [
    ("flu", "fever", True), ("flu", "cough", False),
    ("not(flu)", "fever", False), ("not(flu)", "cough", True),
    ('["fever", "ache"]', "ache", True), ('"fever", "ache"', "cough", False),
])
def test_a_list_in_an_input_entry_matches_its_members(entry: str, symptom: str, matched: bool) -> None:
    """0039-dt-list-semantics: a list-valued entry never matched, and not(list) matched a member."""
    result = _list_table(entry).evaluate({"symptom": symptom, "flu": ["fever", "ache"]})  # type: ignore[attr-defined]
    assert (result.matched_rule_ids == ["r1"]) is matched
