"""Events Camunda 7 does not run as drawn, refused at deploy: an event with several definitions (a BPMN
"multiple" event), a process start event of a kind that belongs in an event subprocess or that starts
instances only through an API kentei has not, and a receive task with no message to wait for."""
from __future__ import annotations

from typing import Iterator

from lxml import etree

from engine.validation.xml_load import BPMN_NS, local_name

B = "{%s}" % BPMN_NS
EVENTS = ("startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent")
PROCESS_STARTS = ("timerEventDefinition", "messageEventDefinition", "signalEventDefinition")
ONLY_IN_EVENT_SUBPROCESSES = ("errorEventDefinition", "escalationEventDefinition")  # compensation: its own rules


def check(node: etree._Element, root: etree._Element) -> Iterator[str]:
    """Problems with one flow node (empty for most)."""
    tag = local_name(node)
    if tag == "receiveTask":
        ref = node.get("messageRef")
        if not ref:
            yield ("a receive task needs messageRef naming the bpmn:message it waits for; Camunda 7's trigger "
                   "without a message has no counterpart here")
        elif not any(local_name(m) == "message" and m.get("name") for m in root.xpath("//*[@id=$ref]", ref=ref)):
            yield f"the receive task's messageRef '{ref}' points at no named bpmn:message"
    if tag == "eventBasedGateway":
        yield from _event_gateway(node, root)
    if tag not in EVENTS:
        return
    kinds = [local_name(c) for c in node if isinstance(c.tag, str) and local_name(c).endswith("EventDefinition")]
    if len(kinds) > 1:
        yield ("an event with several event definitions (a BPMN multiple event) is not supported, as in Camunda 7; "
               "draw one event per definition, after an event-based gateway to wait for whichever comes first")
        return
    parent = node.getparent()
    if tag == "startEvent" and kinds == ["messageEventDefinition"] and parent is not None:
        ref = node.find(f"{B}messageEventDefinition").get("messageRef")
        twins = [s for s in parent if isinstance(s.tag, str) and local_name(s) == "startEvent" and s is not node
                 and any(d.get("messageRef") == ref for d in s.findall(f"{B}messageEventDefinition"))]
        if ref and twins:
            yield (f"two message start events of this scope wait for the message '{ref}'; Camunda 7 refuses that, "
                   "as it could not tell which to start")
    if tag != "startEvent" or not kinds or parent is None or local_name(parent) != "process":
        return
    if kinds[0] in ONLY_IN_EVENT_SUBPROCESSES:
        kind = kinds[0].removesuffix("EventDefinition")
        yield (f"{kind} start events belong in event subprocesses, as in Camunda 7; a process starts with a "
               "none, timer, message or signal start event")
    elif kinds[0] == "conditionalEventDefinition":
        yield ("a conditional start event on a process starts instances only when an API call evaluates "
               "conditions, which kentei does not offer; start with a none or message start event and wait "
               "with a conditional intermediate event")


def _event_gateway(node: etree._Element, root: etree._Element) -> Iterator[str]:
    """Camunda 7 connects an event-based gateway only to intermediate catch events and receive tasks."""
    for flow in root.iter(f"{B}sequenceFlow"):
        if flow.get("sourceRef") != node.get("id"):
            continue
        target = root.xpath("//*[@id=$ref]", ref=flow.get("targetRef"))
        kind = local_name(target[0]) if target else None
        if kind is not None and kind not in ("intermediateCatchEvent", "receiveTask"):
            yield (f"an event-based gateway leads only to intermediate catch events and receive tasks, as in "
                   f"Camunda 7; its flow '{flow.get('id')}' leads to a {kind}")
