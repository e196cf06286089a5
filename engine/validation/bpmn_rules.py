"""The dialect's rules for BPMN elements, checked on the XML before SpiffWorkflow parses it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

from lxml import etree

from engine.bpmn.extensions import C, camunda_attributes, form_fields
from engine.expr import (
    EvaluationError,
    ExpressionError,
    compile_condition,
    compile_expression,
    is_expression,
    parse_cycle,
    parse_datetime,
    parse_duration,
)
from engine.start_schedule import check as check_start_timer
from engine.validation import mapping_rules
from engine.validation.loop_rules import LOOP_TAGS, check_loop
from engine.validation.problems import Problem
from engine.validation.xml_load import BPMN_NS

B = "{%s}" % BPMN_NS
TOKYO = ZoneInfo("Asia/Tokyo")

FLOW_NODES = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "userTask", "serviceTask", "sendTask", "businessRuleTask", "task", "manualTask", "receiveTask",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
    "callActivity", "subProcess", "transaction",
}
REFUSED = {
    "scriptTask": "script tasks are not allowed: put the rule in a DMN table or the work in an external service task",
    "complexGateway": "complex gateways are not supported; use exclusive, inclusive or parallel gateways",
    "adHocSubProcess": "ad-hoc subprocesses are not supported",
    "compensateEventDefinition": "compensation events are not supported",
    "linkEventDefinition": "link events are not supported; draw the sequence flow",
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


def local(node: etree._Element) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


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
    for node in process.iter():
        tag = local(node)
        if tag in REFUSED:
            owner = node if node.get("id") else node.getparent()
            add(owner, REFUSED[tag])
        elif tag in FLOW_NODES:
            for check in NODE_CHECKS.get(tag, ()):
                for message in check(node, root, known):
                    add(node, message)
            for message in _event_definitions(node, root):
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
    elif known.topics is not None and attrs["topic"] not in known.topics:
        yield f"no handler is registered for topic '{attrs['topic']}'"


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
        if value and not is_expression(value):
            yield from _timer_value("timeDate", value, f"camunda:{key}")
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
    target = _by_id(root, attached) if attached else None
    if target is None or local(target) not in FLOW_NODES:
        yield f"the boundary event is attached to '{attached}', which is no activity of this process"


def _throw(node: etree._Element, root: etree._Element, known: Known) -> Iterator[str]:
    if node.find(f"{B}messageEventDefinition") is not None:
        yield ('message throw events are not supported; use a send task with camunda:type="external" '
               "and a topic, or correlate the message through the API")


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
        for tag, text in values:
            if not text:
                yield f"the timer's {tag} is empty"
            elif local(node) == "startEvent":
                try:
                    check_start_timer(tag, text, TOKYO)
                except (ExpressionError, EvaluationError, ValueError) as exc:
                    yield f"{tag}: {exc}"
            elif is_expression(text):
                yield from _compile(tag, text)
            else:
                yield from _timer_value(tag, text, tag)
    for message in node.findall(f"{B}messageEventDefinition"):
        ref = message.get("messageRef")
        target = _by_id(root, ref) if ref else None
        if target is None or local(target) != "message" or not target.get("name"):
            yield "the message event needs messageRef pointing at a named bpmn:message"
    for error in node.findall(f"{B}errorEventDefinition"):
        ref = error.get("errorRef")
        if ref and (_by_id(root, ref) is None):
            yield f"errorRef '{ref}' points at no bpmn:error"
    for cond in node.findall(f"{B}conditionalEventDefinition"):
        text = cond.findtext(f"{B}condition")
        if not text:
            yield "the conditional event has no condition"
        else:
            yield from _compile("condition", text, condition=True)


def _by_id(root: etree._Element, ref: str) -> etree._Element | None:
    found = root.xpath("//*[@id=$ref]", ref=ref)
    return found[0] if found else None


def _sequence_flow(flow: etree._Element, ids: dict[str, etree._Element]) -> Iterator[str]:
    source = ids.get(flow.get("sourceRef"))
    target = ids.get(flow.get("targetRef"))
    if source is None or target is None:
        yield "the sequence flow's sourceRef or targetRef points at no element"
        return
    condition = flow.find(f"{B}conditionExpression")
    text = (condition.text or "").strip() if condition is not None else ""
    gateway = local(source) in ("exclusiveGateway", "inclusiveGateway")
    if text:
        if not gateway:
            yield "a condition on a flow leaving a task is not supported; put an exclusive gateway after the task"
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
}
