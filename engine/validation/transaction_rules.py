"""Where transaction subprocesses and cancel events may be drawn (engine/bpmn/transactions.py runs them)."""
from __future__ import annotations

from typing import Iterator

from lxml import etree

from engine.validation.xml_load import BPMN_NS, local_name

B = "{%s}" % BPMN_NS
CANCEL = f"{B}cancelEventDefinition"


def _cancel_boundaries(root: etree._Element, transaction_id: str | None) -> list[etree._Element]:
    return [b for b in root.iter(f"{B}boundaryEvent")
            if b.get("attachedToRef") == transaction_id and b.find(CANCEL) is not None]


def check(node: etree._Element, root: etree._Element) -> Iterator[str]:
    """Problems with a flow node's cancel event, or with a transaction's cancel boundary events."""
    tag = local_name(node)
    if tag == "transaction":
        ends = [e for e in node.iter(f"{B}endEvent") if e.find(CANCEL) is not None]
        boundaries = _cancel_boundaries(root, node.get("id"))
        if len(boundaries) > 1:
            yield "a transaction subprocess can have only one cancel boundary event, as in Camunda 7"
        if ends and not boundaries:
            yield ("the transaction subprocess has a cancel end event but no cancel boundary event to leave "
                   "it by; attach one")
        return
    if node.find(CANCEL) is None:
        return
    if tag == "endEvent":
        parent = node.getparent()
        if parent is None or local_name(parent) != "transaction":
            yield "a cancel end event belongs directly inside a transaction subprocess, as in Camunda 7"
    elif tag == "boundaryEvent":
        attached = root.xpath("//*[@id=$ref]", ref=node.get("attachedToRef"))
        if not attached or local_name(attached[0]) != "transaction":
            yield "a cancel boundary event belongs on a transaction subprocess, as in Camunda 7"
        elif node.get("cancelActivity", "true") != "true":
            yield 'a cancel boundary event always interrupts its transaction; remove cancelActivity="false"'
    else:
        yield ("cancel events are end events inside a transaction subprocess and boundary events on one; "
               f"a {tag} cannot be one")
