"""Loading DMN 1.1/1.2/1.3 files as written by Camunda Modeler into Decision objects."""

from __future__ import annotations

from typing import TypeVar

from lxml import etree

from .drg import check_requirements
from .errors import DmnError, DmnErrors
from .hit_policies import AGGREGATIONS, HIT_POLICIES, PRIORITY_POLICIES
from .model import Decision
from .table_loader import Element, TableLoader

DMN_NAMESPACES = {
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd": "1.1",
    "http://www.omg.org/spec/DMN/20180521/MODEL/": "1.2",
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "1.3",
}

T = TypeVar("T")
#: A decision requiring a decision requiring … at most this deep: evaluating them recurses per level.
MAX_REQUIREMENT_DEPTH = 100


def load_dmn(xml: bytes | str, filename: str = "") -> dict[str, Decision]:
    """Load every decision of a DMN file; raise DmnErrors listing all problems found."""
    errors: list[DmnError] = []
    root = _parse_root(xml, errors)
    if root is None:
        raise DmnErrors(errors, filename)
    ns = etree.QName(root).namespace or ""
    default_language = root.get("expressionLanguage")
    decisions: dict[str, Decision] = {}
    requirements: dict[str, list[str]] = {}
    for element in root.iterchildren(f"{{{ns}}}decision"):
        decision_id = element.get("id")
        if not decision_id:
            errors.append(DmnError(None, f"decision '{element.get('name', '')}' has no id"))
            continue
        if decision_id in requirements:
            errors.append(DmnError(decision_id, "decision id is used by more than one decision"))
            continue
        requirements[decision_id] = _required_ids(element, ns, decision_id, errors)
        decision = _load_decision(element, ns, decision_id, default_language, errors)
        if decision is not None:
            decision.required = requirements[decision_id]
            decisions[decision_id] = decision
    too_deep = _too_deep(requirements)
    if too_deep is not None:  # the graph checks walk it by recursion: refuse it before they do
        errors.append(DmnError(too_deep, f"decision requirements are nested more than {MAX_REQUIREMENT_DEPTH} "
                                         "levels deep"))
    else:
        check_requirements(requirements, errors)
    if errors:
        raise DmnErrors(errors, filename)
    for decision in decisions.values():
        decision.graph = decisions
    return decisions


def _parse_root(xml: bytes | str, errors: list[DmnError]) -> Element | None:
    """Parse the XML safely and check that the root is a DMN definitions element."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    # No entity expansion, DTD loading or network access: DMN files may come from users.
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line, column = error.position
        errors.append(DmnError(None, f"the file is not well-formed XML at line {line}, column {column}"))
        return None
    qname = etree.QName(root)
    if qname.localname != "definitions" or qname.namespace not in DMN_NAMESPACES:
        errors.append(
            DmnError(root.get("id"), f"the root element {root.tag} is not a DMN 1.1, 1.2 or 1.3 definitions element")
        )
        return None
    return root


def _too_deep(requirements: dict[str, list[str]]) -> str | None:
    """The first decision whose chain of required decisions is longer than MAX_REQUIREMENT_DEPTH, found
    without recursion (a cycle ends a chain; check_requirements reports it)."""
    depth: dict[str, int] = {}
    for start in requirements:
        if start in depth:
            continue
        path, on_path = [start], {start}
        pending = [iter(requirements[start])]
        while pending:
            child = next(pending[-1], None)
            if child is None:
                node = path.pop()
                on_path.discard(node)
                pending.pop()
                depth[node] = 1 + max((depth.get(r, 0) for r in requirements[node]), default=0)
                if depth[node] > MAX_REQUIREMENT_DEPTH + 1:
                    return node
            elif child in requirements and child not in depth and child not in on_path:
                if len(path) > MAX_REQUIREMENT_DEPTH:
                    return start
                path.append(child)
                on_path.add(child)
                pending.append(iter(requirements[child]))
    return None


def _required_ids(element: Element, ns: str, decision_id: str, errors: list[DmnError]) -> list[str]:
    """The ids of the decisions a decision requires, in document order without repeats."""
    required: list[str] = []
    for requirement in element.iterchildren(f"{{{ns}}}informationRequirement"):
        for reference in requirement.iterchildren(f"{{{ns}}}requiredDecision"):
            href = (reference.get("href") or "").strip()
            target = href.rpartition("#")[2]
            if not target:
                errors.append(DmnError(decision_id, "a requiredDecision has no href"))
            elif target not in required:
                required.append(target)
    return required


def _load_decision(
    element: Element, ns: str, decision_id: str, default_language: str | None, errors: list[DmnError]
) -> Decision | None:
    """Compile one decision; return None if it has any problem (all recorded in errors)."""
    before = len(errors)
    table = element.find(f"{{{ns}}}decisionTable")
    if table is None:
        if element.find(f"{{{ns}}}literalExpression") is not None:
            errors.append(DmnError(decision_id, "literal expression decisions are not supported; use a decision table"))
        else:
            errors.append(DmnError(decision_id, "decision has no decision table"))
        return None
    loader = TableLoader(ns, decision_id, default_language, errors)
    input_elements = table.findall(loader.tag("input"))
    output_elements = table.findall(loader.tag("output"))
    hit_policy = (table.get("hitPolicy") or "UNIQUE").strip()
    aggregation = (table.get("aggregation") or "").strip() or None
    if not input_elements:
        errors.append(DmnError(decision_id, "decision table has no inputs"))
    if not output_elements:
        errors.append(DmnError(decision_id, "decision table has no outputs"))
    _check_policy(decision_id, hit_policy, aggregation, len(output_elements), errors)
    inputs = loader.inputs(input_elements)
    outputs = loader.outputs(output_elements)
    ranked = any(element.find(loader.tag("outputValues")) is not None for element in output_elements)
    if hit_policy in PRIORITY_POLICIES and output_elements and not ranked:
        errors.append(DmnError(decision_id, f"hit policy {hit_policy} needs outputValues on an output to rank rules"))
    rules = loader.rules(table.findall(loader.tag("rule")), inputs, outputs, hit_policy)
    if len(errors) > before:
        return None
    return Decision(
        id=decision_id,
        name=element.get("name") or decision_id,
        hit_policy=hit_policy,
        aggregation=aggregation,
        inputs=tuple(_present(inputs)),
        outputs=tuple(_present(outputs)),
        rules=tuple(_present(rules)),
    )


def _check_policy(
    decision_id: str, hit_policy: str, aggregation: str | None, output_count: int, errors: list[DmnError]
) -> None:
    """Record an unknown hit policy or aggregation, or an aggregation the table cannot have."""
    if hit_policy not in HIT_POLICIES:
        errors.append(DmnError(decision_id, f"hit policy '{hit_policy}' is not a DMN hit policy"))
    if aggregation is None:
        return
    if aggregation not in AGGREGATIONS:
        errors.append(DmnError(decision_id, f"aggregation '{aggregation}' is not one of SUM, COUNT, MIN and MAX"))
    elif hit_policy != "COLLECT":
        errors.append(DmnError(decision_id, f"aggregation {aggregation} is only allowed with hit policy COLLECT"))
    elif output_count != 1:
        errors.append(DmnError(decision_id, f"aggregation {aggregation} needs exactly one output column"))


def _present(items: list[T | None]) -> list[T]:
    """Drop the None placeholders (only called when no problem was recorded, so there are none)."""
    return [item for item in items if item is not None]
