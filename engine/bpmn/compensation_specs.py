"""Compensation at run time, as Camunda 7 runs it (docs.camunda.org/manual/7.x, "Compensation Events").

- A compensation boundary event sits beside its activity (in SpiffWorkflow's boundary split) and never
  catches anything; when the activity completes, the boundary join cancels it and it records a
  *subscription*: a number in its task's internal data, counting completions across the instance. An
  activity completed twice (a loop) leaves two.
- A compensate throw or end event, when reached, collects the unconsumed subscriptions of its scope
  (or of `activityRef` only), descending into embedded subprocesses that completed, and starts one
  handler run per subscription, all at once, in reverse order of completion (Camunda 7 starts them as
  concurrent executions in that order). Each run is a sub-workflow on the handler's own spec and sees
  the process variables as they are at the throw. The event waits until every run has finished, takes
  the variables the handlers set, and goes on.
- A run names the subscription it consumed, so a later throw does not compensate it again.
Everything lives in task states and internal data, so it is saved and restored with the workflow.
"""
from __future__ import annotations

from collections.abc import Iterable
from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.defaults import (
    BoundaryEvent,
    EndEvent,
    IntermediateThrowEvent,
    SubWorkflowTask,
)
from SpiffWorkflow.bpmn.specs.event_definitions.base import EventDefinition
from SpiffWorkflow.bpmn.specs.mixins import (
    AdHocSubprocessMixin,
    CallActivityMixin,
    EventSubprocessMixin,
    SubWorkflowTaskMixin,
)
from SpiffWorkflow.util.task import TaskState

RECORD = "compensation"      # internal data of a compensation boundary task: its subscription number
CONSUMED = "compensates"     # internal data of a handler run: the boundary task it compensates
THROWN = "compensation_runs"  # internal data of a throw event: the runs it started
RUN_SUFFIX = ".CompensationRun"


def run_spec_name(handler_id: str) -> str:
    """The name of the spec that runs one handler from a throw event's scope."""
    return f"{handler_id}{RUN_SUFFIX}"


class CompensateEventDefinition(EventDefinition):
    """compensateEventDefinition: `activity_ref` names one activity of the scope, or None for all."""

    def __init__(self, activity_ref: str | None = None, wait_for_completion: bool = True,
                 name: str | None = None, description: str | None = None) -> None:
        super().__init__(name or "compensate", description)
        self.activity_ref = activity_ref
        self.wait_for_completion = wait_for_completion

    def catches(self, my_task: Any, event: Any) -> bool:
        return False  # nothing is delivered to a compensation boundary: it records, the throw finds it

    def throw(self, my_task: Any) -> None:
        pass  # compensation is started by the throw event's task spec, not through the event manager


class CompensationBoundaryEvent(BoundaryEvent):
    """boundaryEvent + compensateEventDefinition: records a subscription when its activity completes."""

    def __init__(self, wf_spec: Any, bpmn_id: str, event_definition: Any, cancel_activity: bool = False,
                 handler: str | None = None, attached_to: str | None = None, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, event_definition, False, **kwargs)
        self.handler = handler
        self.attached_to = attached_to

    def _update_hook(self, my_task: Any) -> bool:
        my_task._inherit_data()
        if my_task.state != TaskState.WAITING:
            my_task._set_state(TaskState.WAITING)
        return False  # never fires; the join cancels it when the activity ends

    def _on_cancel(self, my_task: Any) -> None:
        main = main_task(my_task)
        if main is not None and main.state == TaskState.COMPLETED:
            my_task.internal_data[RECORD] = _next_number(my_task.workflow.top_workflow)
        super()._on_cancel(my_task)


class CompensationRun(SubWorkflowTask):
    """One run of a compensation handler, a child of the throw event, on the handler's own spec."""

    def __init__(self, wf_spec: Any, name: str, subworkflow_spec: str, **kwargs: Any) -> None:
        kwargs.pop("transaction", None)
        super().__init__(wf_spec, name, subworkflow_spec, False, **kwargs)
        self.bpmn_id = None  # internal: not an element of the diagram, never on the path

    def test(self) -> None:
        pass  # started by its throw event, not by an incoming flow


class CompensateThrowMixin:
    """Starts the handler runs when reached, waits for them, then takes their variables and goes on."""

    event_definition: CompensateEventDefinition

    def _update_hook(self, my_task: Any) -> bool:
        if THROWN not in my_task.internal_data:
            my_task._inherit_data()
            my_task._set_state(TaskState.WAITING)
            runs = self._start_runs(my_task)
            my_task.internal_data[THROWN] = [str(r.id) for r in runs]
        runs = [c for c in my_task.children if str(c.id) in set(my_task.internal_data[THROWN])]
        if any(not r.has_state(TaskState.FINISHED_MASK) for r in runs):
            if my_task.state != TaskState.WAITING:
                my_task._set_state(TaskState.WAITING)
            return False
        before = dict(my_task.data)
        for run in runs:
            if run.state == TaskState.COMPLETED:
                my_task.data.update({k: deepcopy(v) for k, v in run.data.items()
                                     if k not in before or before[k] != v})
        return True

    def _start_runs(self, my_task: Any) -> list[Any]:
        workflow = my_task.workflow
        records = subscriptions(workflow, self.event_definition.activity_ref, consumed(workflow.top_workflow))
        runs = []
        for record in records:
            spec = my_task.task_spec._wf_spec.task_specs.get(run_spec_name(record.task_spec.handler))
            if spec is None:
                raise WorkflowTaskException(f"compensation handler '{record.task_spec.handler}' cannot be run "
                                            "from this scope", task=my_task)
            run = my_task._add_child(spec, TaskState.FUTURE)
            run.triggered = True
            run.internal_data[CONSUMED] = str(record.id)
            runs.append(run)
        for run in runs:  # started in reverse order of completion, after all are recorded as consumed
            run.task_spec._update(run)
        return runs


class CompensateThrowEvent(CompensateThrowMixin, IntermediateThrowEvent):
    """intermediateThrowEvent + compensateEventDefinition."""


class CompensateEndEvent(CompensateThrowMixin, EndEvent):
    """endEvent + compensateEventDefinition: compensates, then ends the path."""


def main_task(boundary_task: Any) -> Any:
    """The activity a boundary task sits beside (its sibling under the boundary split)."""
    split = boundary_task.parent
    if split is None:
        return None
    return next((t for t in split.children if not isinstance(t.task_spec, BoundaryEvent)), None)


def _next_number(top: Any) -> int:
    """The next subscription number of the instance (counted once per restored workflow)."""
    last = top.__dict__.get("_kentei_compensation_number")
    if last is None:
        last = max((t.internal_data.get(RECORD, 0) for t in _all_tasks(top)), default=0)
    top.__dict__["_kentei_compensation_number"] = last + 1
    return last + 1


def _all_tasks(top: Any) -> Iterable[Any]:
    yield from top.tasks.values()
    for sub in top.subprocesses.values():
        yield from sub.tasks.values()


def consumed(top: Any) -> set[str]:
    """The boundary tasks whose subscriptions a handler run has already taken."""
    return {t.internal_data[CONSUMED] for t in _all_tasks(top) if CONSUMED in t.internal_data}


def _descends(spec: Any) -> bool:
    """An embedded subprocess (not a call activity, event subprocess or handler run): compensation enters it."""
    return (isinstance(spec, SubWorkflowTaskMixin)
            and not isinstance(spec, (CallActivityMixin, EventSubprocessMixin, AdHocSubprocessMixin, CompensationRun)))


def subscriptions(workflow: Any, activity_ref: str | None, taken: set[str]) -> list[Any]:
    """The boundary tasks to compensate in this scope, in the order their handlers start (last completed first).

    With `activity_ref`: that activity's own subscriptions; for a subprocess without a handler of its own,
    its inner ones (Camunda 7: the subscription is the handler's when there is one, else the subprocess').
    A subprocess is entered only if it completed; its place in the order is its own subscription's, else
    its last inner one's; its own handler starts before its inner ones.
    """
    entries: list[tuple[int, int, list[Any]]] = []
    own: dict[Any, int] = {}
    for task in workflow.tasks.values():
        if isinstance(task.task_spec, CompensationBoundaryEvent) and RECORD in task.internal_data:
            main = main_task(task)
            number = task.internal_data[RECORD]
            if main is not None:
                own[main.id] = number
            if str(task.id) not in taken and activity_ref in (None, task.task_spec.attached_to):
                entries.append((number, 1, [task]))
    top = workflow.top_workflow
    for task in workflow.tasks.values():
        if task.state != TaskState.COMPLETED or not _descends(task.task_spec):
            continue
        if activity_ref is not None and (task.task_spec.bpmn_id != activity_ref or task.id in own):
            continue
        sub = top.subprocesses.get(task.id)
        inner = subscriptions(sub, None, taken) if sub is not None else []
        if inner:
            number = own.get(task.id, max(t.internal_data[RECORD] for t in inner))
            entries.append((number, 0, inner))
    entries.sort(key=lambda e: (e[0], e[1]), reverse=True)
    return [task for _, _, tasks in entries for task in tasks]
