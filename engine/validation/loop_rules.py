"""The dialect's rules for multi-instance and standard loop characteristics (engine/bpmn/multi_instance.py)."""
from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from engine.bpmn.extensions import CAMUNDA_NS, C
from engine.expr import ExpressionError, compile_condition, compile_expression
from engine.validation.xml_load import BPMN_NS, local_name

B = f"{{{BPMN_NS}}}"
LOOP_TAGS = ("multiInstanceLoopCharacteristics", "standardLoopCharacteristics")
# the activities a loop may be drawn on; a receive task (one message for many waits) and a transaction are not
LOOPABLE = {"userTask", "serviceTask", "sendTask", "businessRuleTask", "callActivity", "subProcess", "task",
            "manualTask"}
MI_CHILDREN = {"loopCardinality", "completionCondition", "documentation"}
MI_CAMUNDA = {"collection", "elementVariable"}
LOOP_CHILDREN = {"loopCondition", "documentation"}


def _compile(label: str, text: str, condition: bool = False) -> Iterator[str]:
    try:
        (compile_condition if condition else compile_expression)(text)
    except ExpressionError as exc:
        yield f"{label}: {exc}"


def check_loop(node: etree._Element) -> Iterator[str]:
    """Problems with one multiInstanceLoopCharacteristics or standardLoopCharacteristics (on its activity)."""
    tag, activity = local_name(node), local_name(node.getparent())
    if activity not in LOOPABLE:
        if tag == "multiInstanceLoopCharacteristics":
            yield (f"multi-instance is not supported on a {activity}; draw it on a user, service, send, business "
                   "rule or plain task, a subprocess or a call activity")
        else:
            yield (f"a standard loop is not supported on a {activity}; draw it on a user, service, send, business "
                   "rule or plain task, a subprocess or a call activity")
        return
    for name in node.attrib:
        q = etree.QName(name)
        if q.namespace == CAMUNDA_NS and (tag == "standardLoopCharacteristics" or q.localname not in MI_CAMUNDA):
            yield (f"camunda:{q.localname} on the loop characteristics is not supported; "
                   "put asynchronous continuations on the activity itself")
    children = {local_name(c) for c in node if isinstance(c.tag, str)}
    if tag == "multiInstanceLoopCharacteristics":
        yield from _multi_instance(node, children)
    else:
        yield from _standard(node, children)


def _multi_instance(node: etree._Element, children: set[str]) -> Iterator[str]:
    for child in sorted(children - MI_CHILDREN):
        if child == "extensionElements":
            yield "extension elements on the multi-instance characteristics (such as a retry cycle) are not supported"
        elif child == "complexBehaviorDefinition":
            yield "multi-instance complex behavior definitions are not supported, as in Camunda 7"
        else:
            yield (f"multi-instance {child} (BPMN data inputs and outputs) is not supported; use camunda:collection "
                   "and camunda:elementVariable, and output mappings to gather results")
    if node.get("behavior") not in (None, "All") or node.get("oneBehaviorEventRef") or node.get("noneBehaviorEventRef"):
        yield "multi-instance behavior events (behavior None, One or Complex) are not supported, as in Camunda 7"
    cardinality = node.find(f"{B}loopCardinality")
    collection = node.get(C + "collection")
    if cardinality is not None:
        text = (cardinality.text or "").strip()
        if not text:
            yield "the multi-instance loopCardinality is empty; give a number or a ${...} expression"
        else:
            yield from _compile("loopCardinality", text)
    elif not collection:
        yield "a multi-instance activity needs a loopCardinality or a camunda:collection"
    if collection is not None:
        if not collection.strip():
            yield "camunda:collection is empty; name a list variable or give a ${...} expression"
        elif "{" in collection:
            yield from _compile("camunda:collection", collection)
    if node.get(C + "elementVariable") is not None and not collection:
        yield "camunda:elementVariable needs a camunda:collection to take its elements from"
    condition = node.find(f"{B}completionCondition")
    if condition is not None and (condition.text or "").strip():
        yield from _compile("completionCondition", (condition.text or "").strip(), condition=True)


def _standard(node: etree._Element, children: set[str]) -> Iterator[str]:
    for child in sorted(children - LOOP_CHILDREN):
        yield f"{child} on a standard loop is not supported"
    maximum = node.get("loopMaximum")
    if maximum is not None and not (maximum.strip().isdigit()):
        yield f"loopMaximum must be a whole number, not '{maximum}'"
    condition = node.find(f"{B}loopCondition")
    text = (condition.text or "").strip() if condition is not None else ""
    if text:
        yield from _compile("loopCondition", text, condition=True)
    elif maximum is None:
        yield "a standard loop needs a loopCondition or a loopMaximum, or it would never end"
