"""Async boundaries: camunda:asyncBefore / asyncAfter save points that a worker continues from.

A save point is a task spec of its own (`AsyncPoint`) put on a sequence flow after parsing:
asyncBefore on X puts one on every flow into X (into its boundary-event split, if it has
boundary events), asyncAfter on X one on every flow out of X, so a token waits there once per
flow, as Camunda 7 makes one job per arriving or leaving token.
The point's task waits STARTED; the projections make it an `async` row of external_job, which
the worker continues in a transaction of its own (engine/ops_jobs.py). The spec is in the
stored process spec, so a restore anywhere changes nothing, and a diagram without async has
none of it.

camunda:failedJobRetryTimeCycle is read here too: `R5/PT5M` (five attempts, five minutes
apart) or `PT10M,PT17M,PT20M` (four attempts: the first and one after each interval), as
Camunda 7's ParseUtil.parseRetryIntervals counts them.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.bpmn_task_spec import BpmnTaskSpec
from SpiffWorkflow.bpmn.specs.control import BoundaryEventJoin
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent

from engine.expr import Duration, EvaluationError, ExpressionError, parse_duration

CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
KIND = "async"  # external_job.kind of a save point's job


class AsyncPoint(BpmnTaskSpec):
    """A save point on one sequence flow: waits (STARTED) until its job continues it."""

    def __init__(self, wf_spec: Any, name: str, element: str = "", kind: str = "before",
                 retry_cycle: str | None = None, **kwargs: Any) -> None:
        super().__init__(wf_spec, name, **kwargs)
        self.element = element  # the BPMN id of the element that carries asyncBefore / asyncAfter
        self.kind = kind  # before | after
        self.retry_cycle = retry_cycle  # the element's camunda:failedJobRetryTimeCycle, if any
        self.manual = False

    def _run_hook(self, my_task: Any) -> None:
        return None  # STARTED: committed here; the worker completes it


class AsyncPointConverter(BpmnTaskSpecConverter):
    """Stores a save point's element and kind with the usual task spec attributes."""

    def to_dict(self, spec: Any) -> dict[str, Any]:
        dct = super().to_dict(spec)
        dct.update(element=spec.element, kind=spec.kind, retry_cycle=spec.retry_cycle)
        return dct


PARSERS: dict[str, tuple[type, type]] = {}
CONVERTERS: dict[type, type] = {AsyncPoint: AsyncPointConverter}


# -- reading the attributes ------------------------------------------------------------------
def read(node: etree._Element) -> dict[str, Any]:
    """camunda:asyncBefore, asyncAfter, exclusive and the element's failedJobRetryTimeCycle."""
    ext: dict[str, Any] = {}
    for name in ("asyncBefore", "asyncAfter", "exclusive"):
        if node.get(CAMUNDA + name) is not None:
            ext[name] = node.get(CAMUNDA + name)
    if node.get(CAMUNDA + "async") == "true":  # the deprecated name of asyncBefore, which Camunda 7 still reads
        ext["asyncBefore"] = "true"
    cycle = retry_cycle_text(node)
    if cycle is not None:
        ext["failedJobRetryTimeCycle"] = cycle
    return ext


def retry_cycle_text(node: etree._Element) -> str | None:
    """The text of the element's own camunda:failedJobRetryTimeCycle, if it has one."""
    for ext in node.findall("{*}extensionElements"):
        found = ext.find(CAMUNDA + "failedJobRetryTimeCycle")
        if found is not None:
            return (found.text or "").strip()
    return None


def behind(spec: Any) -> Any:
    """The element a save point stands before (an asyncBefore start event behind Start), else the spec itself."""
    return spec.outputs[0] if isinstance(spec, AsyncPoint) else spec


def is_on(ext: dict[str, Any], name: str) -> bool:
    return str(ext.get(name, "false")).strip() == "true"


# -- retry cycles ------------------------------------------------------------------------------
def retry_plan(cycle: str) -> tuple[int, list[Duration]]:
    """(attempts in all, the wait after each failed attempt) of a failedJobRetryTimeCycle.

    Raises ValueError with a sentence for a value Camunda 7 would not read as a cycle.
    """
    text = cycle.strip()
    if not text:
        raise ValueError("camunda:failedJobRetryTimeCycle is empty; write e.g. R5/PT5M or PT10M,PT17M,PT20M")
    if "${" in text or "#{" in text:
        raise ValueError("an expression in camunda:failedJobRetryTimeCycle is not supported; write the cycle, "
                         "e.g. R5/PT5M")
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 1 and parts[0].upper().startswith("R"):
        count, _, period = parts[0].partition("/")
        if not period or not count[1:].isdigit() or int(count[1:]) < 1:
            raise ValueError(f"camunda:failedJobRetryTimeCycle '{text}' needs a repeat count and a period, "
                             "e.g. R5/PT5M")
        return int(count[1:]), [_period(period, text)]
    return len(parts) + 1, [_period(p, text) for p in parts]


def _period(period: str, text: str) -> Duration:
    try:
        duration = parse_duration(period)
        duration.add_to(datetime(2100, 1, 1, tzinfo=timezone.utc))  # it must land inside the calendar
    except (ExpressionError, EvaluationError):
        raise ValueError(f"camunda:failedJobRetryTimeCycle '{text}' is not a repeat like R5/PT5M or a list of "
                         "ISO 8601 durations like PT10M,PT17M,PT20M") from None
    return duration


def retry_due(cycle: str, failed_attempts: int, now: datetime) -> datetime:
    """When the next attempt is due after the `failed_attempts`-th failure: the list's entry, its last beyond."""
    _, periods = retry_plan(cycle)
    return periods[min(failed_attempts, len(periods)) - 1].add_to(now)


# -- putting the save points in ----------------------------------------------------------------
def insert(spec: Any) -> None:
    """Put the save points of every async element of a parsed process spec on its flows (once)."""
    if getattr(spec, "_kentei_async_points", False):
        return
    spec._kentei_async_points = True
    for task_spec in list(spec.task_specs.values()):
        ext = getattr(task_spec, "extensions", None) or {}
        bpmn_id = getattr(task_spec, "bpmn_id", None)
        if not bpmn_id or not (is_on(ext, "asyncBefore") or is_on(ext, "asyncAfter")):
            continue
        boundary = _is_boundary(task_spec)
        if is_on(ext, "asyncBefore"):
            if boundary:  # nothing of its own runs before its flows: the wait is after the interruption
                _after(spec, task_spec, "before")
            else:
                entry = spec.task_specs.get(f"{task_spec.name}.BoundaryEventSplit", task_spec)
                for i, source in enumerate(entry.inputs):
                    _between(spec, source, entry, f"{bpmn_id}.asyncBefore.{i}", task_spec, "before")
        if is_on(ext, "asyncAfter"):
            _after(spec, task_spec, "after")


def _after(spec: Any, task_spec: Any, kind: str) -> None:
    for i, target in enumerate(task_spec.outputs):
        # SpiffWorkflow's boundary-event join (a sink that cancels the other boundary events, or the activity
        # when an interrupting one fired) is not a flow: it runs at once, so the activity's scope ends first
        if not isinstance(target, BoundaryEventJoin):
            _between(spec, task_spec, target, f"{task_spec.bpmn_id}.async{kind.title()}.{i}", task_spec, kind)


def _between(spec: Any, source: Any, target: Any, name: str, owner: Any, kind: str) -> None:
    """Rewire the flow source → target as source → point → target, conditions and default kept."""
    point = AsyncPoint(spec, name, element=owner.bpmn_id, kind=kind,
                       retry_cycle=owner.extensions.get("failedJobRetryTimeCycle"),
                       lane=getattr(target, "lane", None), description="Async continuation")
    source._outputs = [name if o == target.name else o for o in source._outputs]
    if hasattr(source, "cond_task_specs"):
        source.cond_task_specs = [(c, name if o == target.name else o) for c, o in source.cond_task_specs]
    if getattr(source, "default_task_spec", None) == target.name:
        source.default_task_spec = name
    target._inputs = [name if i == source.name else i for i in target._inputs]
    point._inputs = [source.name]
    point._outputs = [target.name]


def _is_boundary(task_spec: Any) -> bool:
    return isinstance(task_spec, BoundaryEvent)
FINISH = insert
