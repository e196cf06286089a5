"""The dialect's rules for camunda:asyncBefore / asyncAfter / exclusive and failedJobRetryTimeCycle."""
from __future__ import annotations

from typing import Iterator

from lxml import etree

from engine.bpmn.async_points import CAMUNDA, retry_cycle_text, retry_plan
from engine.validation.xml_load import BPMN_NS, local_name

B = "{%s}" % BPMN_NS
FLAGS = ("async", "asyncBefore", "asyncAfter", "exclusive")  # camunda:async: the old name of asyncBefore
AFTER_EVENT_GATEWAY = ("intermediateCatchEvent", "receiveTask")


def check(node: etree._Element, root: etree._Element) -> Iterator[str]:
    """Problems with a flow node's async settings (empty for a node without any)."""
    for flag in FLAGS:
        value = node.get(CAMUNDA + flag)
        if value is not None and value not in ("true", "false"):
            yield f'camunda:{flag} is "{value}"; write "true" or "false"'
    before = "true" in (node.get(CAMUNDA + "asyncBefore"), node.get(CAMUNDA + "async"))
    after = node.get(CAMUNDA + "asyncAfter") == "true"
    tag = local_name(node)
    if (before or after) and node.find(f"{B}multiInstanceLoopCharacteristics") is not None:
        yield ("camunda:asyncBefore and asyncAfter on a multi-instance activity are not supported yet; "
               "put the save point on a task before or after it")
    if (before or after) and _in_event_subprocess(node):
        yield ("camunda:asyncBefore and asyncAfter on an event subprocess or its start event are not supported "
               "yet; put the save point on the first task inside it")
    if after and tag == "eventBasedGateway":
        yield ("camunda:asyncAfter is not supported on an event-based gateway, as in Camunda 7; "
               "put camunda:asyncBefore on the gateway instead")
    if before and tag in AFTER_EVENT_GATEWAY and _follows_event_gateway(node, root):
        yield ("camunda:asyncBefore is not supported on an event that follows an event-based gateway, "
               "as in Camunda 7; put camunda:asyncBefore on the gateway instead")
    cycle = retry_cycle_text(node)
    if cycle is not None:
        if node.find(f"{B}timerEventDefinition") is not None:
            yield ("camunda:failedJobRetryTimeCycle on a timer event is not supported: when running on from "
                   "a timer fails, kentei opens an incident at once")
        else:
            try:
                retry_plan(cycle)
            except ValueError as exc:
                yield str(exc)
    # async settings on multiInstanceLoopCharacteristics (each inner instance a save point): loop_rules.py says so


def _in_event_subprocess(node: etree._Element) -> bool:
    """An event subprocess itself, or its start event."""
    owner = node if local_name(node) == "subProcess" else node.getparent()
    return local_name(node) in ("subProcess", "startEvent") and owner is not None \
        and owner.get("triggeredByEvent") == "true"


def _follows_event_gateway(node: etree._Element, root: etree._Element) -> bool:
    ident = node.get("id")
    for flow in root.iter(f"{B}sequenceFlow"):
        if flow.get("targetRef") == ident:
            found = root.xpath("//*[@id=$ref]", ref=flow.get("sourceRef"))
            if found and local_name(found[0]) == "eventBasedGateway":
                return True
    return False
