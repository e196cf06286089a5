"""The dialect's rules for BPMN elements, checked on the XML before SpiffWorkflow parses it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

from lxml import etree

from engine.bpmn.extensions import C, camunda_attributes, form_fields
from engine.expr import (
    EvaluationError, ExpressionError, compile_condition, compile_expression, is_expression, parse_cycle,
    parse_datetime, parse_duration,
)
from engine.start_schedule import check as check_start_timer
from engine.validation import (
    async_rules, compensation_rules, event_rules, mapping_rules, signal_rules, transaction_rules,
)
from engine.validation.flow_rules import SCOPES, node_rules, scope_rules
from engine.validation.loop_rules import LOOP_TAGS, check_loop
from engine.validation.problems import Problem
from engine.validation.whitelist_table import ELEMENTS
from engine.validation.xml_load import BPMN_NS, element_by_id, local_name

B = "{%s}" % BPMN_NS
TOKYO = ZoneInfo("Asia/Tokyo")

ACTIVITIES = {
    "userTask", "serviceTask", "sendTask", "businessRuleTask", "task", "manualTask", "receiveTask",
    "callActivity", "subProcess", "transaction",
}
FLOW_NODES = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "userTask", "serviceTask", "sendTask", "businessRuleTask", "task", "manualTask", "receiveTask",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
    "callActivity", "subProcess", "transaction",
}
JAVA_DELEGATES = ("class", "delegateExpression", "expression")
FIELD_TYPES = {"string", "long", "boolean", "date", "enum"}
CONSTRAINTS = {"required", "readonly", "minlength", "maxlength", "min", "max"}
TIMER_PARSERS: dict[str, Callable[[str], object]] = {
    "timeDate": lambda t: parse_datetime(t, TOKYO),
    # a duration must also land inside the calendar when added to a date (P99999999999D does not)
    "timeDuration": lambda t: parse_duration(t).add_to(datetime(2100, 1, 1, tzinfo=TOKYO)),
    "timeCycle": lambda t: parse_cycle(t, TOKYO).duration.add_to(datetime(2100, 1, 1, tzinfo=TOKYO)),
}


@dataclass
class Known:
    """What exists outside the file: handler topics, decisions and processes (None = unchecked)."""

    topics: frozenset[str] | None = None
    decisions: set[str] = field(default_factory=set)
    processes: set[str] = field(default_factory=set)
    outside: tuple[str, ...] = ()  # topic patterns outside workers serve (KENTEI_EXTERNAL_TOPICS)

    def unserved(self, topic: str) -> str:
        """Why a service task of `topic` cannot run (serves() is False)."""
        if self.outside:
            return (f"no handler is registered for topic '{topic}', and it matches no pattern of the topics outside "
                    f"workers serve (KENTEI_EXTERNAL_TOPICS: {', '.join(self.outside)})")
        return f"no handler is registered for topic '{topic}'"

    def serves(self, topic: str) -> bool:
        """Whether a service task of `topic` can run: a handler here, or outside workers."""
        return (self.topics is None or topic in self.topics
                or any(fnmatchcase(topic, p) for p in self.outside))


local = local_name  # the short name the rules below use


def check_document(name: str, root: etree._Element) -> list[Problem]:
    """File-wide rules: every process has an id, and no two elements share one."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        if local(node) == "process" and not node.get("id"):
            problems.append(Problem(name, "process", "a process has no id; give it one in the modeler"))
        ident = node.get("id")
        if ident is None or etree.QName(node).namespace != BPMN_NS:
            continue
        if ident in seen:
            problems.append(Problem(name, ident, f"two elements share the id '{ident}'; ids must be unique"))
        seen.add(ident)
    return problems


def check_process(name: str, root: etree._Element, process: etree._Element, known: Known) -> list[Problem]:
    """Every problem in one executable process (nested subprocesses included)."""
    problems: list[Problem] = []

    def add(node: etree._Element, message: str) -> None:
        problems.append(Problem(name, node.get("id") or local(node), message))

    ids = {n.get("id"): n for n in process.iter() if isinstance(n.tag, str) and n.get("id")}
    for message in scope_rules(process):
        add(process, message)
    for node in process.iter():
        tag = local(node)
        if tag in FLOW_NODES:  # refused elements are the whitelist's (engine/validation/whitelist.py)
            for check in NODE_CHECKS.get(tag, ()):
                for message in check(node, root, known):
                    add(node, message)
            for message in _event_definitions(node, root):
                add(node, message)
            for message in async_rules.check(node, root):
                add(node, message)
            for message in compensation_rules.check(node, root):
                add(node, message)
            for message in transaction_rules.check(node, root):
                add(node, message)
            for message in event_rules.check(node, root):
                add(node, message)
            for message in node_rules(node, ids):
                add(node, message)
            if tag in SCOPES:
                for message in scope_rules(node):
                    add(node, message)
            for message in mapping_rules.check(node):
                add(node, message)
        elif tag in LOOP_TAGS:
            for message in check_loop(node):
                add(node.getparent(), message)
        elif tag == "sequenceFlow":
            for message in _sequence_flow(node, ids):
                add(node, message)
    return problems


def _compile(label: str, text: str | None, condition: bool = False) -> Iterator[str]:
    if text is None:
        return
    try:
        (compile_condition if condition else compile_expression)(text)
    except ExpressionError as exc:
        yield f"{label}: {exc}"


def _service(node: etree._Element, root: etree._Element, known: Known) -> Iterator[str]:
    attrs = camunda_attributes(node)
    if any(node.get(C + a) for a in JAVA_DELEGATES) or node.find(f"{B}extensionElements/{C}connector") is not None:
        yield 'Java delegates and connectors cannot run here; use camunda:type="external" with a camunda:topic'
        return
    if attrs.get("type") != "external" or not attrs.get("topic"):
        yield 'a service task needs camunda:type="external" and a camunda:topic naming its handler'
    elif not known.serves(attrs["topic"]):
        yield known.unserved(attrs["topic"])


def _tenant_id(node: etree._Element, attribute: str, what: str) -> Iterator[str]:
    """Camunda's explicit tenant of a called element: kentei binds by the instance's prefecture instead."""
    if node.get(C + attribute) is not None:
        yield (f"camunda:{attribute} is not supported: a {what} binds to the prefecture's own newest version, "
               "else the shared one (docs/dialect.md, Tenants); remove the attribute")


def _decision(node: etree._Element, root: etree._Element, known: Known) -> Iterator[str]:
    yield from _tenant_id(node, "decisionRefTenantId", "decision")
    ref = node.get(C + "decisionRef")
    if any(node.get(C + a) for a in JAVA_DELEGATES + ("type",)):
        yield "a business rule task must reference a DMN decision with camunda:decisionRef"
    elif not ref:
        yield "a business rule task needs camunda:decisionRef naming a DMN decision"
    elif ref not in known.decisions:
        yield f"decision '{ref}' is not deployed and not in this deployment"


def _user(node: etree._Element, root: etree._Element, known: Known) -> Iterator[str]:
    attrs = camunda_attributes(node)
    for key in ("assignee", "candidateGroups", "candidateUsers", "dueDate", "followUpDate"):
        yield from _compile(f"camunda:{key}", attrs.get(key))
    for key in ("dueDate", "followUpDate"):
        value = attrs.get(key)
        if value and not is_expression(value):  # a date-time, or a period from the task's creation (Camunda 7)
            kind = "timeDuration" if value.strip().upper().startswith("P") else "timeDate"
            yield from _timer_value(kind, value, f"camunda:{key}")
    for f in form_fields(node):
        fid = f["id"] or "?"
        if not f["id"]:
            yield "a form field has no id"
        if f["type"] not in FIELD_TYPES:
            yield f"form field '{fid}' has type '{f['type']}'; use one of {', '.join(sorted(FIELD_TYPES))}"
        if f["type"] == "enum" and not f["values"]:
            yield f"enum form field '{fid}' lists no values"
        for cname, config in f["constraints"].items():
            if cname not in CONSTRAINTS:
                yield f"form field '{fid}' has unknown constraint '{cname}'"
            elif cname in ("minlength", "maxlength", "min", "max"):
                try:
                    float(config)
                except (TypeError, ValueError):
                    yield f"form field '{fid}' constraint '{cname}' needs a number, not '{config}'"


def _call(node: etree._Element, root: etree._Element, known: Known) -> Iterator[str]:
    yield from _tenant_id(node, "calledElementTenantId", "called process")
    called = node.get("calledElement")
    if not called:
        yield "a call activity needs calledElement naming a process"
    elif called not in known.processes:
        yield f"called process '{called}' is not deployed and not in this deployment"


def _boundary(node: etree._Element, root: etree._Element, known: Known) -> Iterator[str]:
    attached = node.get("attachedToRef")
    target = element_by_id(root, attached) if attached else None
    if target is None or local(target) not in ACTIVITIES:
        yield f"the boundary event is attached to '{attached}', which is no activity of this process"


def _throw(node: etree._Element, root: etree._Element, known: Known) -> Iterator[str]:
    """A message throw or end event runs like a send task: camunda:type="external" and a topic."""
    message = node.find(f"{B}messageEventDefinition")
    if message is None:
        if node.get(C + "type") is not None or node.get(C + "topic") is not None:
            yield "camunda:type and camunda:topic apply to a message throw or end event only; remove them"
        return
    if any(message.get(C + a) for a in JAVA_DELEGATES):  # on the event itself: the whitelist says so
        yield ('Java delegates cannot send a message here; use camunda:type="external" with a camunda:topic on '
               "the message event")
        return
    kind = message.get(C + "type") or node.get(C + "type")
    topic = message.get(C + "topic") or node.get(C + "topic")
    if kind != "external" or not topic:
        yield ('a message throw or end event needs camunda:type="external" and a camunda:topic naming the handler '
               "that sends the message, as a send task does")
    elif not known.serves(topic):
        yield known.unserved(topic)


TRIGGERS = ("timerEventDefinition", "messageEventDefinition", "errorEventDefinition", "escalationEventDefinition",
            "signalEventDefinition", "conditionalEventDefinition")


def _starts_event_subprocess(node: etree._Element) -> bool:
    parent = node.getparent()
    return parent is not None and local(parent) == "subProcess" and parent.get("triggeredByEvent") == "true"


def _event_subprocess(node: etree._Element, root: etree._Element, known: Known) -> Iterator[str]:
    if node.get("triggeredByEvent") == "true" and len(node.findall(f"{B}startEvent")) != 1:
        yield "an event subprocess needs exactly one start event"


def _start(node: etree._Element, root: etree._Element, known: Known) -> Iterator[str]:
    """The start event of an event subprocess (engine/bpmn/event_subprocesses.py)."""
    if not _starts_event_subprocess(node):
        return
    kinds = [local(c) for c in node if local(c).endswith("EventDefinition")]
    interrupting = node.get("isInterrupting", "true") == "true"
    if len(kinds) != 1 or kinds[0] not in TRIGGERS:
        yield ("the start event of an event subprocess needs one timer, message, error, escalation, signal or "
               "conditional event definition")
    elif kinds[0] == "errorEventDefinition" and not interrupting:
        yield 'an error start event of an event subprocess is always interrupting; remove isInterrupting="false"'
    elif kinds[0] == "timerEventDefinition" and interrupting and node.find(f"{B}timerEventDefinition/{B}timeCycle") is not None:
        yield ("an interrupting event subprocess fires once, so a timer cycle cannot repeat it; use timeDate or "
               'timeDuration, or set isInterrupting="false"')


def _timer_value(tag: str, text: str, label: str) -> Iterator[str]:
    try:
        TIMER_PARSERS[tag](text)
    except (ExpressionError, EvaluationError) as exc:
        yield f"{label}: {exc}"


def _event_definitions(node: etree._Element, root: etree._Element) -> Iterator[str]:
    for timer in node.findall(f"{B}timerEventDefinition"):
        values = [(local(c), (c.text or "").strip()) for c in timer if local(c) in TIMER_PARSERS]
        if not values:
            yield "the timer has no timeDate, timeDuration or timeCycle"
        elif len(values) > 1:
            yield "the timer has more than one of timeDate, timeDuration and timeCycle; keep one"
        for tag, text in values:
            if not text:
                yield f"the timer's {tag} is empty"
            elif local(node) == "startEvent" and not _starts_event_subprocess(node):
                try:
                    check_start_timer(tag, text, TOKYO)
                except (ExpressionError, EvaluationError, ValueError) as exc:
                    yield f"{tag}: {exc}"
            elif is_expression(text):
                yield from _compile(tag, text)
            else:
                yield from _timer_value(tag, text, tag)
    yield from signal_rules.check(node, root)
    for message in node.findall(f"{B}messageEventDefinition"):
        if local(node) in ("intermediateThrowEvent", "endEvent"):
            continue  # a throw runs its topic's handler; the message it sends needs no bpmn:message (_throw)
        ref = message.get("messageRef")
        target = element_by_id(root, ref) if ref else None
        if target is None or local(target) != "message" or not target.get("name"):
            yield "the message event needs messageRef pointing at a named bpmn:message"
    for error in node.findall(f"{B}errorEventDefinition"):
        ref = error.get("errorRef")
        if ref and (element_by_id(root, ref) is None):
            yield f"errorRef '{ref}' points at no bpmn:error"
    for escalation in node.findall(f"{B}escalationEventDefinition"):
        ref = escalation.get("escalationRef")
        target = element_by_id(root, ref) if ref else None
        if ref and (target is None or local(target) != "escalation"):
            yield f"escalationRef '{ref}' points at no bpmn:escalation"
    for cond in node.findall(f"{B}conditionalEventDefinition"):
        text = cond.findtext(f"{B}condition")
        if not text:
            yield "the conditional event has no condition"
        else:
            yield from _compile("condition", text, condition=True)


def _refused(tag: str) -> bool:
    """An element the whitelist refuses with its own sentence (a script task, a complex gateway…)."""
    rule = ELEMENTS.get(tag)
    return rule is not None and rule.refused is not None


def _sequence_flow(flow: etree._Element, ids: dict[str, etree._Element]) -> Iterator[str]:
    source = ids.get(flow.get("sourceRef"))
    target = ids.get(flow.get("targetRef"))
    if source is None or target is None:
        yield "the sequence flow's sourceRef or targetRef points at no element"
        return
    for end, node in (("sourceRef", source), ("targetRef", target)):
        if local(node) not in FLOW_NODES and not _refused(local(node)):
            yield f"the sequence flow's {end} points at '{node.get('id')}', a {local(node)}, which is no flow node"
            return
    if source.getparent() is not flow.getparent() or target.getparent() is not flow.getparent():
        yield ("the sequence flow crosses the border of a subprocess; connect elements of the same (sub)process "
               "and let the subprocess end or a boundary event lead out")
        return
    condition = flow.find(f"{B}conditionExpression")
    text = (condition.text or "").strip() if condition is not None else ""
    gateway = local(source) in ("exclusiveGateway", "inclusiveGateway")
    if text:
        if local(source) in ("parallelGateway", "eventBasedGateway"):
            yield f"a condition on a flow leaving a {local(source)} is never evaluated; remove it"
        elif source.get("default") == flow.get("id"):
            yield "the default flow has a condition, which is never evaluated; remove it"
        else:
            yield from _compile("condition", text, condition=True)
        return
    outgoing = [n for n in ids.values() if local(n) == "sequenceFlow" and n.get("sourceRef") == source.get("id")]
    if gateway and len(outgoing) > 1 and source.get("default") != flow.get("id"):
        yield f"this flow leaves gateway '{source.get('id')}' without a condition and is not its default flow"


NODE_CHECKS: dict[str, tuple[Callable[[etree._Element, etree._Element, Known], Iterator[str]], ...]] = {
    "serviceTask": (_service,),
    "sendTask": (_service,),
    "businessRuleTask": (_decision,),
    "userTask": (_user,),
    "callActivity": (_call,),
    "intermediateThrowEvent": (_throw,),
    "endEvent": (_throw,),
    "boundaryEvent": (_boundary,),
    "startEvent": (_start,),
    "subProcess": (_event_subprocess,),
}
