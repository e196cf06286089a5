"""Compilation of one <decisionTable> element: inputs, outputs and rules."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from .errors import DmnError, FeelSyntaxError
from .feel import parse_expression
from .feel_ast import Expr, Literal
from .hit_policies import PRIORITY_POLICIES
from .model import DEFAULT_INPUT_VARIABLE, InputClause, OutputClause, Rule
from .type_refs import normalize_type_ref
from .unary_tests import EqualsTest, ListTest, UnaryTest, parse_unary_tests
from .values import feel_equal

CAMUNDA_NS = "http://camunda.org/schema/1.0/dmn"
JUEL_MESSAGE = "JUEL cells are not supported; use FEEL"
_JUEL_TEXT = re.compile(r"^\s*[$#]\{")

Element = etree._Element


def language_problem(element: Element, default_language: str | None) -> str | None:
    """Return why an element's expression language is refused, or None for FEEL."""
    language = (element.get("expressionLanguage") or default_language or "").strip()
    lowered = language.lower()
    if "juel" in lowered:
        return JUEL_MESSAGE
    if not language or "feel" in lowered:
        return None
    return f"expression language '{language}' is not supported; use FEEL"


def _count(number: int, singular: str, plural: str) -> str:
    """Render '1 input' or '2 inputs'."""
    return f"{number} {singular if number == 1 else plural}"


class TableLoader:
    """Compiles the clauses and rules of one decision table, appending every problem to errors."""

    def __init__(self, ns: str, decision_id: str, default_language: str | None, errors: list[DmnError]) -> None:
        self.ns = ns
        self.decision_id = decision_id
        self.default_language = default_language
        self.errors = errors

    def tag(self, local: str) -> str:
        """The qualified tag name of a DMN element."""
        return f"{{{self.ns}}}{local}"

    def fail(self, element_id: str | None, message: str) -> None:
        """Record one problem."""
        self.errors.append(DmnError(element_id, message))

    def cell_text(self, element: Element | None) -> str:
        """The stripped <text> of an expression element ('' when absent)."""
        if element is None:
            return ""
        return (element.findtext(self.tag("text")) or "").strip()

    def refused(self, element: Element, text: str, element_id: str) -> bool:
        """Record and report a cell written in JUEL or another non-FEEL language."""
        problem = language_problem(element, self.default_language)
        if problem is None and _JUEL_TEXT.match(text):
            problem = JUEL_MESSAGE
        if problem is not None:
            self.fail(element_id, problem)
        return problem is not None

    # -- inputs ---------------------------------------------------------------

    def inputs(self, elements: list[Element]) -> list[InputClause | None]:
        """Compile the input clauses; a clause with a problem is None."""
        return [self.input_clause(element, number) for number, element in enumerate(elements, start=1)]

    def input_clause(self, element: Element, number: int) -> InputClause | None:
        """Compile one input clause."""
        input_id = element.get("id") or f"{self.decision_id} input {number}"
        label = element.get("label") or ""
        expression_element = element.find(self.tag("inputExpression"))
        text = self.cell_text(expression_element)
        if expression_element is None or not text:
            self.fail(input_id, "input has no input expression text")
            return None
        if self.refused(expression_element, text, input_id):
            return None
        type_ref = self.type_ref(expression_element, input_id)
        try:
            expression = parse_expression(text)
        except FeelSyntaxError as error:
            self.fail(input_id, f"input expression {text!r} is not a valid FEEL expression ({error})")
            return None
        variable = (element.get(f"{{{CAMUNDA_NS}}}inputVariable") or "").strip() or DEFAULT_INPUT_VARIABLE
        return InputClause(input_id, label, text, expression, type_ref, variable)

    def type_ref(self, element: Element, element_id: str) -> str | None:
        """The normalized typeRef of an element, recording an unknown one."""
        try:
            return normalize_type_ref(element.get("typeRef"))
        except ValueError as error:
            self.fail(element_id, str(error))
            return None

    # -- outputs --------------------------------------------------------------

    def outputs(self, elements: list[Element]) -> list[OutputClause | None]:
        """Compile the output clauses; a clause with a problem is None."""
        clauses: list[OutputClause | None] = []
        seen: set[str] = set()
        for number, element in enumerate(elements, start=1):
            clause = self.output_clause(element, number, single=len(elements) == 1)
            if clause is not None and clause.name in seen:
                self.fail(clause.id, f"output name '{clause.name}' is used by more than one output")
                clause = None
            if clause is not None:
                seen.add(clause.name)
            clauses.append(clause)
        return clauses

    def output_clause(self, element: Element, number: int, single: bool) -> OutputClause | None:
        """Compile one output clause; a lone unnamed output is keyed by the decision id."""
        output_id = element.get("id") or f"{self.decision_id} output {number}"
        name = (element.get("name") or "").strip()
        if not name and not single:
            self.fail(output_id, "output has no name, which a table with several outputs needs")
            return None
        type_ref = self.type_ref(element, output_id)
        priorities = self.output_values(element.find(self.tag("outputValues")), output_id)
        return OutputClause(output_id, name or self.decision_id, element.get("label") or "", type_ref, priorities)

    def output_values(self, element: Element | None, output_id: str) -> tuple[Any, ...] | None:
        """Parse outputValues as a list of literals, highest priority first."""
        text = self.cell_text(element)
        if not text:
            return None
        try:
            tests = parse_unary_tests(text)
        except FeelSyntaxError:
            tests = None
        items = tests.tests if isinstance(tests, ListTest) else (tests,)
        literals = [item.expected for item in items if isinstance(item, EqualsTest)]
        values = [literal.value for literal in literals if isinstance(literal, Literal)]
        if len(values) != len(items):
            self.fail(output_id, f"output values {text!r} are not a comma-separated list of FEEL literals")
            return None
        return tuple(values)

    # -- rules ----------------------------------------------------------------

    def rules(
        self, elements: list[Element], inputs: list[InputClause | None], outputs: list[OutputClause | None], policy: str
    ) -> list[Rule | None]:
        """Compile every rule; a rule with a problem is None."""
        return [self.rule(element, number, inputs, outputs, policy) for number, element in enumerate(elements, start=1)]

    def rule(
        self,
        element: Element,
        number: int,
        inputs: list[InputClause | None],
        outputs: list[OutputClause | None],
        policy: str,
    ) -> Rule | None:
        """Compile one rule's input and output entries."""
        rule_id = element.get("id") or f"{self.decision_id} rule {number}"
        input_entries = element.findall(self.tag("inputEntry"))
        output_entries = element.findall(self.tag("outputEntry"))
        if len(input_entries) != len(inputs) or len(output_entries) != len(outputs):
            self.fail(
                rule_id,
                f"rule has {_count(len(input_entries), 'input entry', 'input entries')} and "
                f"{_count(len(output_entries), 'output entry', 'output entries')} but the table has "
                f"{_count(len(inputs), 'input', 'inputs')} and {_count(len(outputs), 'output', 'outputs')}",
            )
            return None
        tests = [self.input_entry(entry, clause, rule_id) for entry, clause in zip(input_entries, inputs)]
        results = [self.output_entry(entry, clause, rule_id, policy) for entry, clause in zip(output_entries, outputs)]
        if any(test is None for test in tests) or any(result is None for result in results):
            return None
        return Rule(rule_id, tuple(t for t in tests if t is not None), tuple(r for r in results if r is not None))

    def input_entry(self, element: Element, clause: InputClause | None, rule_id: str) -> UnaryTest | None:
        """Compile one input entry as FEEL simple unary tests."""
        text = self.cell_text(element)
        if self.refused(element, text, rule_id):
            return None
        try:
            return parse_unary_tests(text)
        except FeelSyntaxError as error:
            column = f" for input '{clause.title}'" if clause is not None else ""
            self.fail(rule_id, f"input entry {text!r}{column} is not a FEEL simple unary test ({error})")
            return None

    def output_entry(self, element: Element, clause: OutputClause | None, rule_id: str, policy: str) -> Expr | None:
        """Compile one output entry as a FEEL expression; an empty cell is null."""
        text = self.cell_text(element)
        if self.refused(element, text, rule_id):
            return None
        name = f" for output '{clause.name}'" if clause is not None else ""
        try:
            expression = parse_expression(text) if text else Literal(None)
        except FeelSyntaxError as error:
            self.fail(rule_id, f"output entry {text!r}{name} is not a valid FEEL expression ({error})")
            return None
        if (
            policy in PRIORITY_POLICIES
            and clause is not None
            and clause.priorities is not None
            and isinstance(expression, Literal)
            and not any(feel_equal(expression.value, value) is True for value in clause.priorities)
        ):
            self.fail(rule_id, f"output entry {text!r}{name} is not one of the output's outputValues")
            return None
        return expression
