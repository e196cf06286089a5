"""The dialect's rules for compensation (engine/bpmn/compensation.py runs what passes them).

Each rule yields whole sentences for the element it is called on.
"""
from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from engine.validation.xml_load import BPMN_NS, element_by_id, local_name

B = f"{{{BPMN_NS}}}"
COMPENSATE = f"{B}compensateEventDefinition"
HANDLER_KINDS = {"userTask", "serviceTask", "sendTask", "businessRuleTask", "task", "manualTask", "subProcess",
                 "callActivity"}
SCOPES = {"process", "subProcess", "transaction"}


def _scope(node: etree._Element) -> etree._Element | None:
    parent = node.getparent()
    while parent is not None and local_name(parent) not in SCOPES:
        parent = parent.getparent()
    return parent


def _in_event_subprocess(node: etree._Element) -> bool:
    return any(local_name(a) == "subProcess" and a.get("triggeredByEvent") == "true" for a in node.iterancestors())


def _flows(root: etree._Element, ident: str | None, end: str) -> list[etree._Element]:
    return [f for f in root.iter(f"{B}sequenceFlow") if f.get(end) == ident]


def _associations_from(root: etree._Element, ident: str | None) -> list[etree._Element]:
    return [a for a in root.iter(f"{B}association") if a.get("sourceRef") == ident]


def check(node: etree._Element, root: etree._Element) -> Iterator[str]:
    """Every compensation problem of one element."""
    tag = local_name(node)
    if node.get("isForCompensation") == "true":
        yield from _handler(node, root)
    if node.find(COMPENSATE) is None:
        return
    if tag == "startEvent":
        yield ("compensation start events (compensation event subprocesses) are not supported; attach a "
               "compensation boundary event to the subprocess and associate it with a compensation handler instead")
    elif tag == "intermediateCatchEvent":
        yield ("compensation is caught only by a boundary event attached to an activity; "
               "draw a compensation boundary event and associate it with a compensation handler")
    elif tag == "boundaryEvent":
        yield from _boundary(node, root)
    elif tag in ("intermediateThrowEvent", "endEvent"):
        yield from _throw(node, root)


def _handler(node: etree._Element, root: etree._Element) -> Iterator[str]:
    ident = node.get("id")
    if local_name(node) not in HANDLER_KINDS:
        yield ("a compensation handler must be a user, service, send, business rule, manual or plain task, "
               "an embedded subprocess or a call activity")
    if _flows(root, ident, "targetRef") or _flows(root, ident, "sourceRef"):
        yield ("a compensation handler has no sequence flows: it runs only when compensation is thrown; "
               "remove its incoming and outgoing flows")
    if any(b.get("attachedToRef") == ident for b in root.iter(f"{B}boundaryEvent")):
        yield "boundary events on a compensation handler are not supported; remove them"
    if node.find(f"{B}multiInstanceLoopCharacteristics") is not None or \
            node.find(f"{B}standardLoopCharacteristics") is not None:
        yield "a multi-instance or loop compensation handler is not supported; draw a single handler"


def _boundary(node: etree._Element, root: etree._Element) -> Iterator[str]:
    attached = element_by_id(root, node.get("attachedToRef"))
    if attached is None:
        return  # the general boundary rule says so
    if attached.find(f"{B}multiInstanceLoopCharacteristics") is not None or \
            attached.find(f"{B}standardLoopCharacteristics") is not None:
        yield ("compensation of a multi-instance or loop activity is not supported yet; "
               "compensate an embedded subprocess around it instead")
    if local_name(attached) == "transaction":
        yield ("compensating a transaction subprocess as a whole is not supported; its cancel end event "
               "compensates the activities inside it")
    if _in_event_subprocess(node):
        yield "compensation boundary events inside an event subprocess are not supported; move the activity out of it"
    if _flows(root, node.get("id"), "sourceRef"):
        yield ("a compensation boundary event has no outgoing sequence flow; "
               "associate it with its compensation handler instead")
    others = [b for b in root.iter(f"{B}boundaryEvent") if b is not node
              and b.get("attachedToRef") == node.get("attachedToRef") and b.find(COMPENSATE) is not None]
    if others:
        yield "an activity can have only one compensation boundary event"
    targets = [element_by_id(root, a.get("targetRef")) for a in _associations_from(root, node.get("id"))]
    handlers = [t for t in targets if t is not None and t.get("isForCompensation") == "true"]
    if len(handlers) != 1:
        yield ("a compensation boundary event needs exactly one association to its compensation handler, "
               "an activity marked isForCompensation=\"true\"")
    elif handlers[0].getparent() is not attached.getparent():
        yield "the compensation handler must be drawn in the same (sub)process as the activity it compensates"


def _throw(node: etree._Element, root: etree._Element) -> Iterator[str]:
    if _in_event_subprocess(node):
        yield ("throwing compensation from an event subprocess is not supported yet; "
               "throw it on the path of an error boundary event instead")
        return
    ref = node.find(COMPENSATE).get("activityRef")  # type: ignore[union-attr]
    if ref:
        scope = _scope(node)
        target = element_by_id(root, ref)
        if target is None or target.getparent() is not scope:
            yield f"activityRef '{ref}' names no activity of the scope of this compensation event"
