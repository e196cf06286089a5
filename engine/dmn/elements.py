"""Compiling the DRG elements of one file: input data, decisions, business knowledge models, decision services.

Each element's requirements are kept as (namespace, id) pairs from their hrefs (`#id` in this file,
`namespace#id` in an imported one); loader.py checks that they lead somewhere and that decisions do not
require each other in a cycle.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .boxed import compile_boxed, find_expression, typed
from .boxed_control import parameters
from .build import Build, Evaluator
from .feel import typesys
from .feel.context import EvalContext
from .model import Bkm, Decision, DecisionService, DmnModel, InputData
from .tables import compile_table
from .xml import Element, child, children, href_target, local, type_ref


def _given(variables: Mapping[str, Any], ctx: EvalContext) -> Any:
    return variables["value"]


def _check(build: Build, variable: Element | None, where: str, what: str) -> Evaluator | None:
    """The check of a variable's typeRef on a value given as {"value": v}; None without a typeRef."""
    text = type_ref(variable)
    if text is None:
        return None
    return typed(build, text, _given, where, what)


def _declared(build: Build, element: Element | None) -> typesys.FeelType | None:
    """The FEEL type an element's typeRef names (None for none or Any; unknown names are reported by _check)."""
    text = type_ref(element)
    found = build.types.lookup(text) if text else None
    return None if found is None or found is typesys.ANY else found


def _refs(build: Build, element: Element, holder: str, tag: str, where: str) -> list[tuple[str, str]]:
    """The (namespace, id) targets of `<holder><tag href=…/></holder>` children (holder '' for direct children)."""
    found: list[tuple[str, str]] = []
    holders = children(element, holder) if holder else [element]
    for item in holders:
        for reference in children(item, tag):
            target = href_target(reference)
            if not target[1]:
                build.fail(where, f"a {tag} has no href")
            elif target not in found:
                found.append(target)
    return found


REQUIREMENTS = (("decision", "informationRequirement", "requiredDecision"),
                ("input", "informationRequirement", "requiredInput"),
                ("knowledge", "knowledgeRequirement", "requiredKnowledge"),
                ("decision", "", "outputDecision"), ("decision", "", "encapsulatedDecision"),
                ("decision", "", "inputDecision"), ("input", "", "inputData"))


def requirement_refs(element: Element) -> list[tuple[str, tuple[str, str]]]:
    """Every (kind, (namespace, id)) an element's hrefs name, read from the XML (for elements that failed too)."""
    found = []
    for kind, holder, tag in REQUIREMENTS:
        for item in (children(element, holder) if holder else [element]):
            for reference in children(item, tag):
                target = href_target(reference)
                if target[1]:
                    found.append((kind, target))
    return found


def _name(element: Element, element_id: str) -> str:
    variable = child(element, "variable")
    name = (element.get("name") or "").strip()
    if not name and variable is not None:
        name = (variable.get("name") or "").strip()
    return name or element_id


def input_data(build: Build, element: Element, element_id: str, model: DmnModel) -> InputData:
    """An input data element and the check of its typeRef."""
    name = _name(element, element_id)
    variable = child(element, "variable")
    check = _check(build, variable, element_id, f"input data '{name}'")
    return InputData(element_id, name, model, check=check, declared=_declared(build, variable))


def decision(build: Build, element: Element, element_id: str, model: DmnModel) -> Decision | None:
    """Compile one decision; None if it has any problem (all recorded)."""
    before = len(build.errors)
    name = _name(element, element_id)
    found = Decision(element_id, name, model)
    found.decision_refs = _refs(build, element, "informationRequirement", "requiredDecision", element_id)
    found.input_refs = _refs(build, element, "informationRequirement", "requiredInput", element_id)
    found.knowledge_refs = _refs(build, element, "knowledgeRequirement", "requiredKnowledge", element_id)
    expression = find_expression(element)
    if expression is None:
        if build.camunda:
            build.fail(element_id, "decision has no decision logic")
    elif local(expression) == "decisionTable":
        found.table = compile_table(build, expression, build.names(), element_id, default_output=element_id)
        found.body = found.table
    else:
        found.body = compile_boxed(build, expression, build.names(), element_id)
    found.check = _check(build, child(element, "variable"), element_id, f"decision '{name}'")
    found.declared = _declared(build, child(element, "variable"))
    variable = child(element, "variable")
    found.variable_name = ((variable.get("name") or "").strip() if variable is not None else "") or name
    return found if len(build.errors) == before else None


def bkm(build: Build, element: Element, element_id: str, model: DmnModel) -> Bkm | None:
    """Compile a business knowledge model: its encapsulated logic as a function of its parameters."""
    before = len(build.errors)
    found = Bkm(element_id, _name(element, element_id), model)
    found.knowledge_refs = _refs(build, element, "knowledgeRequirement", "requiredKnowledge", element_id)
    logic = child(element, "encapsulatedLogic")
    if logic is not None:
        kind = (logic.get("kind") or "FEEL").strip()
        if kind.upper() != "FEEL":
            build.fail(element_id, f"business knowledge models of kind {kind} are not supported; use FEEL")
            return None
        found.params = parameters(build, logic, element_id)
        found.body = compile_boxed(build, find_expression(logic), build.names(p.name for p in found.params),
                                   element_id)
        body = find_expression(logic)
        declared = _declared(build, logic) or (_declared(build, body) if body is not None else None)
        found.result_type = None if isinstance(declared, typesys.FunctionType) else declared
    return found if len(build.errors) == before else None


def decision_service(build: Build, element: Element, element_id: str, model: DmnModel) -> DecisionService | None:
    """A decision service: its output, encapsulated and input decisions and its input data."""
    before = len(build.errors)
    found = DecisionService(element_id, _name(element, element_id), model)
    found.output_refs = _refs(build, element, "", "outputDecision", element_id)
    found.encapsulated_refs = _refs(build, element, "", "encapsulatedDecision", element_id)
    found.input_decision_refs = _refs(build, element, "", "inputDecision", element_id)
    found.input_data_refs = _refs(build, element, "", "inputData", element_id)
    found.decision_refs = [*found.output_refs, *found.encapsulated_refs, *found.input_decision_refs]
    found.input_refs = list(found.input_data_refs)
    if not found.output_refs:
        build.fail(element_id, "decision service has no output decision")
    declared = _declared(build, child(element, "variable"))
    if isinstance(declared, typesys.FunctionType) and declared.result is not typesys.ANY:
        found.result_type = declared.result
    return found if len(build.errors) == before else None
