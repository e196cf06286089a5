"""Signal and link events: what a signal definition and a link pair need (engine/bpmn/signals.py runs them)."""
from __future__ import annotations

from typing import Iterator

from lxml import etree

from engine.bpmn.extensions import C
from engine.expr import ExpressionError, compile_expression
from engine.validation.xml_load import BPMN_NS, element_by_id, local_name

B = "{%s}" % BPMN_NS


def _compile(label: str, text: str | None) -> Iterator[str]:
    if text is None:
        return
    try:
        compile_expression(text)
    except ExpressionError as exc:
        yield f"{label}: {exc}"


def check(node: etree._Element, root: etree._Element) -> Iterator[str]:
    """Problems with a flow node's signal or link event definition (empty for others)."""
    yield from _signal(node, root)
    yield from _link(node)


def _signal(node: etree._Element, root: etree._Element) -> Iterator[str]:
    """signalRef to a named bpmn:signal with a fixed name; camunda:in (source, sourceExpression, all) on a throw."""
    throws = local_name(node) in ("intermediateThrowEvent", "endEvent")
    for definition in node.findall(f"{B}signalEventDefinition"):
        ref = definition.get("signalRef")
        target = element_by_id(root, ref) if ref else None
        if target is None or local_name(target) != "signal" or not target.get("name"):
            yield "the signal event needs signalRef pointing at a named bpmn:signal"
        elif "${" in target.get("name") or "#{" in target.get("name"):
            yield (f"the signal name '{target.get('name')}' is an expression, which is not supported; give the "
                   "signal a fixed name")
        for mapping in definition.findall(f"{B}extensionElements/{C}*"):
            name = etree.QName(mapping).localname
            if name != "in" or not throws:
                yield (f"camunda:{name} is not supported on this signal event; only a throwing signal event "
                       "passes variables, with camunda:in")
            elif mapping.get("local") is not None or mapping.get("businessKey") is not None:
                yield "camunda:in with local or businessKey is not supported on a signal; map the variables by name"
            elif mapping.get("variables") != "all" and not mapping.get("target"):
                yield 'camunda:in on a signal needs a target (or variables="all")'
            elif mapping.get("variables") != "all" and not (mapping.get("source") or mapping.get("sourceExpression")):
                yield 'camunda:in on a signal needs a source or a sourceExpression (or variables="all")'
            else:
                yield from _compile("camunda:in", mapping.get("sourceExpression"))


def _link(node: etree._Element) -> Iterator[str]:
    """A link throw needs exactly one link catch of its name in the same process level."""
    definition = node.find(f"{B}linkEventDefinition")
    if definition is None:
        return
    tag, name = local_name(node), definition.get("name")
    if tag not in ("intermediateThrowEvent", "intermediateCatchEvent"):
        yield "link event definitions belong on intermediate throw and catch events only"
        return
    if not name:
        yield "the link event needs a name (the linkEventDefinition's name) that pairs its throw and catch"
        return
    flows = [f for f in node.getparent() if local_name(f) == "sequenceFlow"]
    if tag == "intermediateThrowEvent" and any(f.get("sourceRef") == node.get("id") for f in flows):
        yield "a link throw event has no outgoing sequence flow: the process goes on at its link catch event"
    if tag == "intermediateCatchEvent" and any(f.get("targetRef") == node.get("id") for f in flows):
        yield "a link catch event has no incoming sequence flow: it is reached from its link throw events"
    catches = [c for c in node.getparent() if local_name(c) == "intermediateCatchEvent"
               and any(local_name(d) == "linkEventDefinition" and d.get("name") == name for d in c)]
    if tag == "intermediateThrowEvent" and not catches:
        yield f"no link catch event named '{name}' is in the same process level as this link throw event"
    elif tag == "intermediateCatchEvent" and len(catches) > 1:
        yield f"two link catch events in this process level are named '{name}'; link names must be unique"
