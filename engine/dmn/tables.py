"""Compilation of one `<decisionTable>`: hit policy, input and output clauses, rules (evaluation: table_eval.py).

Input entries are FEEL unary tests (`-`, `?`, `< 10`, `[1..10)`, `"a","b"`, `not(…)`, a list, an expression on
`?`); output entries are FEEL expressions. In Camunda 7's files (DMN 1.1-1.3) an input's value is also named
`cellInput` (or its `camunda:inputVariable`), and typeRefs convert values as Camunda 7 does (coercion.py).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from .boxed import conversion
from .build import Build, Evaluator, constant
from .build import cell as cell_of
from .feel import compile_expression, compile_unary_tests
from .feel.context import EvalContext
from .feel.errors import FeelSyntaxError
from .hit_policies import AGGREGATIONS, HIT_POLICIES, POLICY_ALIASES, PRIORITY_POLICIES
from .table_eval import InputClause, OutputClause, Rule, Table
from .xml import CAMUNDA_NS, Element, child, children, text_of

DEFAULT_INPUT_VARIABLE = "cellInput"
#: How input entries that are unary tests rather than expressions begin (`< 5`, `[1..2]`, `not("a")`).
_TEST_STARTS = ("<", ">", "=", "!=", "[", "]", "(", "not(", "not (")


def _count(number: int, singular: str, plural: str) -> str:
    """Render '1 input' or '2 inputs'."""
    return f"{number} {singular if number == 1 else plural}"


def compile_table(build: Build, element: Element, names: list[str], where: str,
                  default_output: str | None = None) -> Table | None:
    """Compile a decision table; None after recording its problems. default_output keys a lone unnamed output."""
    before = len(build.errors)
    table_id = element.get("id") or where
    policy = (element.get("hitPolicy") or "UNIQUE").strip()
    policy = POLICY_ALIASES.get(policy, policy)
    aggregation = (element.get("aggregation") or "").strip() or None
    input_elements = children(element, "input")
    output_elements = children(element, "output")
    if not input_elements and build.camunda:
        build.fail(where, "decision table has no inputs")
    if not output_elements:
        build.fail(where, "decision table has no outputs")
    _check_policy(build, where, policy, aggregation, len(output_elements))
    inputs = [_input(build, e, n, names, where) for n, e in enumerate(input_elements, start=1)]
    outputs = _outputs(build, output_elements, names, where, default_output or element.get("outputLabel") or "result")
    ranked = any(text_of(child(e, "outputValues")) for e in output_elements)
    if policy in PRIORITY_POLICIES and output_elements and not ranked:
        build.fail(where, f"hit policy {policy} needs outputValues on an output to rank rules")
    rules = [_rule(build, e, n, inputs, outputs, names, policy, where)
             for n, e in enumerate(children(element, "rule"), start=1)]
    if len(build.errors) > before:
        return None
    inputs = [_binding(clause, column, children(element, "rule")) for column, clause in enumerate(inputs)]
    return Table(table_id, policy, aggregation, tuple(i for i in inputs if i is not None),
                 tuple(o for o in outputs if o is not None), tuple(r for r in rules if r is not None))


def _binding(clause: InputClause | None, column: int, rules: list[Element]) -> InputClause | None:
    """The clause, marked as binding its input variable only when one of its column's entries names it."""
    if clause is None:
        return None
    variable = clause.input_variable
    texts = (text_of(entries[column]) for entries in (children(rule, "inputEntry") for rule in rules)
             if column < len(entries))
    binds = bool(variable) and any(variable in text for text in texts)
    return replace(clause, binds=binds)


def _check_policy(build: Build, where: str, policy: str, aggregation: str | None, output_count: int) -> None:
    """Record an unknown hit policy or aggregation, or an aggregation the table cannot have."""
    if policy not in HIT_POLICIES:
        build.fail(where, f"hit policy '{policy}' is not a DMN hit policy")
    if aggregation is None:
        return
    if aggregation not in AGGREGATIONS:
        build.fail(where, f"aggregation '{aggregation}' is not one of SUM, COUNT, MIN and MAX")
    elif policy != "COLLECT":
        build.fail(where, f"aggregation {aggregation} is only allowed with hit policy COLLECT")
    elif output_count != 1:
        build.fail(where, f"aggregation {aggregation} needs exactly one output column")


def _input(build: Build, element: Element, number: int, names: list[str], where: str) -> InputClause | None:
    """Compile one input clause."""
    input_id = element.get("id") or f"{where} input {number}"
    label = element.get("label") or ""
    expression_element = child(element, "inputExpression")
    text = text_of(expression_element)
    if expression_element is None or not text:
        build.fail(input_id, "input has no input expression text")
        return None
    if build.refused(expression_element, text, input_id):
        return None
    type_ref = expression_element.get("typeRef")
    convert = conversion(build, type_ref, input_id)
    expression = build.feel(text, names, input_id, "input expression")
    if expression is None:
        return None
    title = label or text
    value = cell_of(expression, convert, f"input '{title}'")
    variable = (element.get(f"{{{CAMUNDA_NS}}}inputVariable") or "").strip() or None
    if variable is None and build.camunda:
        variable = DEFAULT_INPUT_VARIABLE
    allowed_text = text_of(child(element, "inputValues"))
    allowed = build.unary_tests(allowed_text, names, input_id, "input values", several=True) if allowed_text else None
    return InputClause(input_id, label, text, value, type_ref, variable, allowed)


def _outputs(build: Build, elements: list[Element], names: list[str], where: str,
             default_name: str) -> list[OutputClause | None]:
    """Compile the output clauses; a clause with a problem is None."""
    clauses: list[OutputClause | None] = []
    seen: set[str] = set()
    for number, element in enumerate(elements, start=1):
        output_id = element.get("id") or f"{where} output {number}"
        name = (element.get("name") or "").strip()
        if not name and len(elements) > 1:
            build.fail(output_id, "output has no name, which a table with several outputs needs")
            clauses.append(None)
            continue
        name = name or default_name
        if name in seen:
            build.fail(output_id, f"output name '{name}' is used by more than one output")
            clauses.append(None)
            continue
        seen.add(name)
        values_text = text_of(child(element, "outputValues"))
        allowed = (build.unary_tests(values_text, names, output_id, "output values", several=True)
                   if values_text else None)
        ranks = _ranks(build, values_text, names, output_id) if allowed is not None else None
        convert = conversion(build, element.get("typeRef"), output_id)
        default = None
        default_element = child(element, "defaultOutputEntry")
        if default_element is not None and text_of(default_element):
            compiled = build.feel(text_of(default_element), names, output_id, "default output entry")
            default = cell_of(compiled, convert, f"the default of output '{name}'") if compiled is not None else None
        clauses.append(OutputClause(output_id, name, element.get("label") or "", element.get("typeRef"), allowed,
                                    ranks, default, convert))
    return clauses


def _ranks(build: Build, text: str, names: list[str], where: str) -> tuple[Any, ...] | None:
    """Each comma-separated item of outputValues as its own tests, highest priority first (None, no ranking,
    if an item does not compile alone: the whole text did, so this is only a split the splitter got wrong)."""
    try:
        return tuple(compile_unary_tests(part, build.names(names), build.types.plain) for part in split_tests(text))
    except FeelSyntaxError:
        return None


def split_tests(text: str) -> list[str]:
    """Split unary tests at their top-level commas (not inside strings, brackets or parentheses)."""
    parts: list[str] = []
    depth, start, quoted, index = 0, 0, False, 0
    while index < len(text):
        char = text[index]
        if quoted:
            if char == "\\":
                index += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(depth - 1, 0)
        elif char == "," and depth == 0:
            parts.append(text[start:index].strip())
            start = index + 1
        index += 1
    parts.append(text[start:].strip())
    return [part for part in parts if part]


def _rule(build: Build, element: Element, number: int, inputs: list[InputClause | None],
          outputs: list[OutputClause | None], names: list[str], policy: str, where: str) -> Rule | None:
    """Compile one rule's input and output entries."""
    rule_id = element.get("id") or f"{where} rule {number}"
    input_entries = children(element, "inputEntry")
    output_entries = children(element, "outputEntry")
    if len(input_entries) != len(inputs) or len(output_entries) != len(outputs):
        build.fail(rule_id, f"rule has {_count(len(input_entries), 'input entry', 'input entries')} and "
                            f"{_count(len(output_entries), 'output entry', 'output entries')} but the table has "
                            f"{_count(len(inputs), 'input', 'inputs')} and {_count(len(outputs), 'output', 'outputs')}")
        return None
    tests = [_input_entry(build, entry, clause, names, f"{rule_id}/input_{n}")
             for n, (entry, clause) in enumerate(zip(input_entries, inputs), start=1)]
    results = [_output_entry(build, entry, clause, rule_id, names, policy, f"{rule_id}/output_{n}")
               for n, (entry, clause) in enumerate(zip(output_entries, outputs), start=1)]
    if any(t is None for t in tests) or any(r is None for r in results):
        return None
    checks = tuple((column, test.matches) for column, (test, entry) in enumerate(zip(tests, input_entries))
                   if text_of(entry) not in ("", "-"))
    return Rule(rule_id, tuple(tests), tuple(r for r in results if r is not None), checks)


def _input_entry(build: Build, element: Element, clause: InputClause | None, names: list[str], cell: str) -> Any:
    """Compile one input entry as FEEL unary tests. In Camunda 7's files an entry that is an expression on
    variables (`cellInput > 5`, `score = 1 or score = limit`) also matches when it is true, as feel-scala reads
    it; a constant entry (`"A"`, `< 10`, `[1..5]`) is only unary tests."""
    text = text_of(element)
    if build.refused(element, text, cell):
        return None
    variable = clause.input_variable if clause is not None else None
    local = [variable] if variable else []
    column = f" for input '{clause.title}'" if clause is not None else ""
    tests = build.unary_tests(text, [*names, *local], cell, "input entry", column)
    if tests is None or not build.camunda or text in ("", "-") or text.startswith(_TEST_STARTS):
        return tests
    try:
        expression = compile_expression(text, build.names(local), build.types.plain)
    except FeelSyntaxError:
        return tests
    probe = EvalContext()
    expression.evaluate({}, probe)
    return _TrueOrTests(tests, expression) if probe.errors else tests


class _TrueOrTests:
    """An input entry that matches when its expression is true, else as unary tests (feel-scala's reading)."""

    __slots__ = ("tests", "expression")

    def __init__(self, tests: Any, expression: Any) -> None:
        self.tests = tests
        self.expression = expression

    def matches(self, value: Any, variables: Any, ctx: EvalContext) -> bool:
        # the expression's own errors are not the entry's: read as unary tests, it reports them
        return self.expression.evaluate(variables, EvalContext()) is True or self.tests.matches(value, variables, ctx)


def _output_entry(build: Build, element: Element, clause: OutputClause | None, rule_id: str, names: list[str],
                  policy: str, cell: str) -> Evaluator | None:
    """Compile one output entry as a FEEL expression (an empty cell is null), its output's typeRef applied."""
    text = text_of(element)
    if build.refused(element, text, cell):
        return None
    column = f" for output '{clause.name}'" if clause is not None else ""
    if not text:
        return constant(None)
    expression = build.feel(text, names, cell, "output entry", column)
    if expression is None or clause is None:
        return None
    if policy in PRIORITY_POLICIES and clause.allowed is not None:
        probe = EvalContext()
        value = expression.evaluate({}, probe)
        if not probe.errors and value is not None and not clause.allowed.matches(value, {}, probe):
            build.fail(cell, f"output entry {text!r}{column} is not one of the output's outputValues")
            return None
    return cell_of(expression, clause.convert, f"output '{clause.name}' of rule '{rule_id}'")
