"""Nothing unknown passes: every BPMN element, attribute and camunda:* extension in a file is checked
against the whitelist (whitelist_table.py) before any other rule; what is not on it is refused by element.

Diagram interchange (bpmndi, dc, di) and other vendors' harmless extensions are not semantics and are
left alone, as Camunda 7 leaves them; the extensions of other engines are refused.
"""
from __future__ import annotations

from typing import Iterator

from lxml import etree

from engine.bpmn.extensions import CAMUNDA_NS
from engine.validation.problems import Problem
from engine.validation.whitelist_table import (
    CAMUNDA_ELEMENTS,
    CAMUNDA_REFUSED,
    CONTEXTS,
    ELEMENTS,
    NAMESPACES_REFUSED,
    Rule,
)
from engine.validation.xml_load import BPMN_NS

BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
COMMON = frozenset({"id", "name"})


def check_whitelist(name: str, root: etree._Element) -> list[Problem]:
    """One problem per element, attribute or extension the dialect does not run as written."""
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for node, message in _walk(root):
        element = _owner_id(node)
        if (element, message) not in seen:
            seen.add((element, message))
            problems.append(Problem(name, element, message))
    return problems


def _walk(node: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    for child in node:
        if not isinstance(child.tag, str):
            continue
        qname = etree.QName(child)
        if qname.namespace == BPMNDI or qname.localname == "BPMNDiagram":
            continue  # the drawing: no semantics
        if qname.namespace not in (BPMN_NS, CAMUNDA_NS) and qname.namespace not in NAMESPACES_REFUSED:
            continue  # another vendor's extension, with whatever it holds (even unprefixed BPMN-namespace tags)
        found = list(_check_node(child, qname))
        yield from (problem for _, problem in found)
        if not any(refused for refused, _ in found):  # a refused element's children are not judged again
            yield from _walk(child)


def _check_node(node: etree._Element, qname: etree.QName) -> Iterator[tuple[bool, tuple[etree._Element, str]]]:
    """(refused outright, (node, sentence)) for the node itself and for each of its attributes."""
    ns, tag = qname.namespace, qname.localname
    if ns == BPMN_NS:
        known = ELEMENTS.get(tag)
        if known is None:
            yield True, (node, f"bpmn:{tag} is not part of kentei's dialect; see docs/dialect.md for what runs")
            return
        if known.refused:
            yield True, (node, known.refused)
            return
        for attr, value in node.attrib.items():
            yield from ((False, (node, m)) for m in _bpmn_attribute(tag, attr, value, known))
    elif ns == CAMUNDA_NS:
        known_ext = CAMUNDA_ELEMENTS.get(tag)
        if known_ext is None:
            yield True, (node, f"camunda:{tag} is not supported")
            return
        if isinstance(known_ext, str):
            yield True, (node, known_ext)
            return
        contexts = CONTEXTS.get(tag)
        host = _host(node)
        if contexts is not None and host not in contexts:
            yield True, (node, f"camunda:{tag} is not supported on a bpmn:{host}")
            return
        for attr in node.attrib:
            if etree.QName(attr).namespace is None and attr not in known_ext:
                yield False, (node, f"camunda:{tag} has the attribute '{attr}', which is not supported")
    elif ns in NAMESPACES_REFUSED:
        yield True, (node, NAMESPACES_REFUSED[ns])
    # any other namespace: another vendor's harmless extension (colours, metadata), ignored as Camunda 7
    # ignores it; _walk does not descend into it


def _bpmn_attribute(tag: str, attr: str, value: str, rule_: Rule) -> Iterator[str]:
    q = etree.QName(attr)
    if q.namespace is None:
        if attr in COMMON or attr in rule_.attrs:
            allowed = rule_.values.get(attr)
            if allowed is not None and value.strip() not in allowed[0]:
                yield allowed[1]
            return
        yield f"the attribute '{attr}' is not supported on a bpmn:{tag}"
    elif q.namespace == CAMUNDA_NS:
        name = q.localname
        if name not in rule_.camunda:
            yield f"camunda:{name} does not apply to a bpmn:{tag}; remove it"
            return
        allowed = rule_.values.get(name)
        if allowed is not None:
            if value.strip() not in allowed[0]:
                yield allowed[1]
            return
        if name in CAMUNDA_REFUSED and not _judged_elsewhere(tag, name):
            yield CAMUNDA_REFUSED[name]
    elif q.namespace in NAMESPACES_REFUSED:
        yield NAMESPACES_REFUSED[q.namespace]


# camunda attributes that bpmn_rules.py judges with a sentence of its own on these elements
_ELSEWHERE = {
    "serviceTask": {"class", "delegateExpression", "expression"},
    "sendTask": {"class", "delegateExpression", "expression"},
    "businessRuleTask": {"class", "delegateExpression", "expression", "type", "topic", "resultVariable",
                         "mapDecisionResult", "decisionRefTenantId"},
    "callActivity": {"calledElementTenantId"},
    "multiInstanceLoopCharacteristics": {"asyncBefore", "asyncAfter"},
    "messageEventDefinition": {"class", "delegateExpression", "expression"},
}


def _judged_elsewhere(tag: str, name: str) -> bool:
    return name in _ELSEWHERE.get(tag, ())


def _host(node: etree._Element) -> str:
    """The BPMN element an extension element belongs to."""
    current = node.getparent()
    while current is not None and (etree.QName(current).namespace != BPMN_NS
                                   or etree.QName(current).localname == "extensionElements"):
        current = current.getparent()
    return etree.QName(current).localname if current is not None else "definitions"


def _owner_id(node: etree._Element) -> str:
    current: etree._Element | None = node
    while current is not None:
        if current.get("id") and etree.QName(current).namespace == BPMN_NS:
            return current.get("id")
        current = current.getparent()
    return etree.QName(node).localname
