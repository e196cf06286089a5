"""Rules for flows, scopes and event definitions that kentei cannot run as Camunda 7 does.

Each yields whole sentences; bpmn_rules.check_process files them under the element.
"""
from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from engine.validation.xml_load import BPMN_NS, local_name

B = "{%s}" % BPMN_NS
SCOPES = ("subProcess", "transaction")  # embedded scopes with a start of their own (the process is one too)
GATEWAYS = ("exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway")
DEFINITIONS = ("messageEventDefinition", "timerEventDefinition", "errorEventDefinition", "signalEventDefinition",
               "escalationEventDefinition", "conditionalEventDefinition", "compensateEventDefinition",
               "cancelEventDefinition", "linkEventDefinition", "terminateEventDefinition")


def node_rules(node: etree._Element, ids: dict[str, etree._Element]) -> Iterator[str]:
    """One flow node: catch events without a definition, gateways that go nowhere."""
    tag = local_name(node)
    if node.find(f"{B}eventDefinitionRef") is not None:
        pass  # the whitelist refuses eventDefinitionRef (Camunda 7 does not run it either)
    elif tag in ("boundaryEvent", "intermediateCatchEvent") and not any(
            node.find(B + d) is not None for d in DEFINITIONS):
        yield f"the {tag} has no event definition; make it a timer, message, error or other event in the modeler"
    if tag in GATEWAYS:
        own = node.get("id")
        if not any(local_name(n) == "sequenceFlow" and n.get("sourceRef") == own for n in ids.values()):
            yield "the gateway has no outgoing sequence flow; draw at least one"
    ends = {"startEvent": ("targetRef", "a start event has no incoming sequence flow; draw the flow to the task "
                                        "after it"),
            "endEvent": ("sourceRef", "an end event has no outgoing sequence flow; end the path with it or draw "
                                      "an intermediate event instead")}
    if tag in ends:
        ref, sentence = ends[tag]
        if any(local_name(n) == "sequenceFlow" and n.get(ref) == node.get("id") for n in ids.values()):
            yield sentence


def scope_rules(scope: etree._Element) -> Iterator[str]:
    """A process or an embedded subprocess: one none start event to begin with (event subprocesses aside)."""
    if scope.get("triggeredByEvent") == "true":
        return
    starts = [n for n in scope if local_name(n) == "startEvent"]
    plain = [n for n in starts if not any(n.find(B + d) is not None for d in DEFINITIONS)]
    what = "the process" if local_name(scope) == "process" else "the subprocess"
    if not starts:
        yield f"{what} has no start event; draw one"
    elif local_name(scope) != "process" and len(starts) > 1:
        yield (f"the subprocess has {len(starts)} start events; an embedded subprocess needs exactly one none "
               "start event, as in Camunda 7")
    elif local_name(scope) != "process" and len(plain) != 1:
        yield "an embedded subprocess needs a none start event, as in Camunda 7"
    elif len(plain) > 1:
        yield (f"the process has {len(plain)} none start events; Camunda 7 allows only one, so keep one and "
               "join the paths after it")
    if local_name(scope) != "process" and not any(local_name(n) == "endEvent" for n in scope):
        yield "the subprocess has no end event; draw one"
