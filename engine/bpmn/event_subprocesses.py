"""Event subprocesses and boundary events that interrupt their scope at once; conditional events.

An event subprocess (subProcess triggeredByEvent="true") is run as Camunda 7 runs it: when its scope
(the process, or the embedded subprocess that holds it) starts, a *listener* waits for the start
event's trigger (timer, message, error, escalation, signal, condition) beside the scope's own work.
When it fires, an interrupting one cancels everything else in the scope at once (open tasks, timers,
jobs, subscriptions, nested subprocesses) and the scope ends when the event subprocess ends; a
non-interrupting one runs an instance of the event subprocess beside the work and keeps listening.
When the scope's own work ends, the listeners that still wait are removed with it.

SpiffWorkflow's own handling (ProcessParser.add_tasks) is replaced: it starts error and escalation
event subprocesses with the process, and a timer one at once.
"""
from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.parser.event_parsers import (
    BoundaryEventParser,
    CONDITIONAL_EVENT_XPATH,
    ERROR_EVENT_XPATH,
    ESCALATION_EVENT_XPATH,
    MESSAGE_EVENT_XPATH,
    SIGNAL_EVENT_XPATH,
    TIMER_EVENT_XPATH,
    StartEventParser,
)
from SpiffWorkflow.bpmn.parser.ProcessParser import ProcessParser
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.serializer.default.event_definition import (
    ErrorEscalationEventDefinitionConverter,
    TimerConditionalEventDefinitionConverter,
)
from SpiffWorkflow.bpmn.serializer.default.task_spec import BoundaryEventConverter, BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit, StartEventJoin, StartEventSplit, _EndJoin
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import ErrorEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent as BoundaryEventMixin
from SpiffWorkflow.util.event import Event
from SpiffWorkflow.util.task import TaskIterator, TaskState

from engine.bpmn.conditions import ScopeConditionalEventDefinition, current_data, fingerprint
from engine.bpmn.dialect_base import DialectMixin
from engine.bpmn.escalation import ScopedEscalationEventDefinition
from engine.bpmn.task_tree import find_task

LISTENER_SUFFIX = ".listener"
INTERRUPTED = "_kentei_interrupted"
PREDICTED = TaskState.PREDICTED_MASK


def in_event_subprocess(node: Any) -> bool:
    """Whether this start event is the start of an event subprocess."""
    parent = node.getparent()
    return parent is not None and parent.tag == full_tag("subProcess") and parent.get("triggeredByEvent") == "true"


# -- running -------------------------------------------------------------------------------------
def _silence(top: Any) -> None:
    """A cancelled subprocess (its activity cancelled, or dropped from the tree) must not report
    completion to that activity later, nor be run on."""
    for task_id, sub in top.subprocesses.items():
        owner = find_task(top, task_id)
        if owner is None or owner.state == TaskState.CANCELLED:
            sub.completed_event = Event()
            sub.completed = True


def _cancel(tasks: list[Any]) -> None:
    for t in tasks:
        if not t.has_state(TaskState.FINISHED_MASK):
            t.cancel()
    if tasks:
        top = tasks[0].workflow.top_workflow
        _silence(top)
        top.__dict__[INTERRUPTED] = True


def take_interrupted(workflow: Any) -> bool:
    """Whether an interruption cancelled work since the last call (SpiffWorkflow's step loop must start over:
    it holds the subprocesses and ready tasks it was about to visit)."""
    return bool(workflow.__dict__.pop(INTERRUPTED, False))


def _descendants(task: Any) -> set[Any]:
    return {t.id for t in TaskIterator(task)}


def interrupt_scope(listener: Any) -> None:
    """Cancel everything in the listener's scope but the listener and what follows it."""
    keep = _descendants(listener)
    _cancel([t for t in listener.workflow.get_tasks(state=TaskState.NOT_FINISHED_MASK) if t.id not in keep])


def interrupt_activity(boundary: Any) -> None:
    """Cancel the activity an interrupting boundary event is attached to (with its inner work)."""
    split = boundary.parent
    if split is None or not isinstance(split.task_spec, BoundaryEventSplit):
        return
    _cancel([t for t in split.children if not isinstance(t.task_spec, BoundaryEventMixin)])


def _fires_again(spec: Any) -> bool:
    """Non-interrupting message, signal, escalation and conditional triggers can come again; a timer with
    a date or a duration fires once, a cycle repeats by itself."""
    return not spec.cancel_activity and not isinstance(spec.event_definition, TimerEventDefinition)


def _rearm(my_task: Any, parent: Any) -> None:
    again = parent._add_child(my_task.task_spec, TaskState.FUTURE)
    again.task_spec._predict(again, mask=TaskState.NOT_FINISHED_MASK)
    if isinstance(my_task.task_spec.event_definition, ScopeConditionalEventDefinition):
        again._set_internal_data(condition_seen=fingerprint(current_data(my_task)))
    again.task_spec._update(again)


class _Interrupting:
    """What the dialect's boundary events and listeners share: interrupt the moment they fire."""

    cancel_activity: bool
    event_definition: Any

    def interrupt(self, my_task: Any) -> None:
        raise NotImplementedError

    def _update_hook(self, my_task: Any) -> Any:
        if isinstance(self.event_definition, CycleTimerEventDefinition) and my_task.state == TaskState.WAITING \
                and my_task._get_internal_data("event_fired", False):
            my_task.cancel()  # every repetition has fired (each ran its path): nothing more to wait for
            return False
        before = len(my_task.children)
        fired = super()._update_hook(my_task)  # type: ignore[misc]
        if self.cancel_activity and isinstance(self.event_definition, CycleTimerEventDefinition) \
                and len(my_task.children) > before:
            # an interrupting cycle fires once: its first repetition interrupts, and it waits no more
            my_task.workflow.top_workflow.event_manager.remove_task(my_task)
            my_task._set_state(TaskState.COMPLETED)
            self.interrupt(my_task)
            return False
        if fired:
            if not isinstance(self.event_definition, ScopeConditionalEventDefinition):
                my_task.data.update(current_data(my_task))
            # the event's data now, before the activity is cancelled (which may take locals back out of it)
            self.event_definition.update_task_data(my_task)
            self.event_definition.reset(my_task)
            if self.cancel_activity:
                self.interrupt(my_task)
        return fired

    def _run_hook(self, my_task: Any) -> Any:
        parent = my_task.parent
        result = super()._run_hook(my_task)  # type: ignore[misc]
        if _fires_again(self) and parent is not None:
            _rearm(my_task, parent)
        return result


class ScopeBoundaryEvent(_Interrupting, BoundaryEvent):
    """boundaryEvent: an interrupting one cancels its activity when the event arrives, not when the
    activity ends; a non-interrupting message, signal, escalation or conditional one can fire again."""

    def interrupt(self, my_task: Any) -> None:
        interrupt_activity(my_task)


class EventSubprocessListener(_Interrupting, BoundaryEvent):
    """Waits, for its scope, on the start event of one event subprocess (cancel_activity = isInterrupting)."""

    def interrupt(self, my_task: Any) -> None:
        interrupt_scope(my_task)

    def _predict_hook(self, my_task: Any) -> None:
        # the event subprocess is not predicted: it exists only once the trigger came
        my_task._sync_children([], TaskState.MAYBE)

    def _run_hook(self, my_task: Any) -> Any:
        result = super()._run_hook(my_task)
        my_task._sync_children(self.outputs, TaskState.FUTURE)
        for child in my_task.children:
            child.task_spec._predict(child, mask=TaskState.NOT_FINISHED_MASK)
        return result


class ScopeEndJoin(_EndJoin):
    """The end of a scope that has event subprocesses: its listeners do not keep it open, and go with it."""

    def _check_threshold_unstructured(self, my_task: Any) -> bool:
        for task in TaskIterator(my_task.workflow.task_tree, state=TaskState.NOT_FINISHED_MASK,
                                 end_at_spec=self.name):
            if task is my_task or _listening(task):
                continue
            return False
        return True

    def _run_hook(self, my_task: Any) -> Any:
        _cancel([t for t in my_task.workflow.get_tasks(state=TaskState.WAITING)
                 if isinstance(t.task_spec, EventSubprocessListener)])
        return super()._run_hook(my_task)


def _listening(task: Any) -> bool:
    """A waiting listener, or what is only predicted below one."""
    current = task
    while not isinstance(current.task_spec, EventSubprocessListener):
        if not current.has_state(PREDICTED) or current.parent is None:
            return False
        current = current.parent
    return current.state == TaskState.WAITING


# -- parsing -------------------------------------------------------------------------------------
class ListenerParser(DialectMixin, StartEventParser):
    """Reads an event subprocess's start event into a listener for the enclosing scope."""

    def create_task(self) -> Any:
        definition = self.get_event_definition([MESSAGE_EVENT_XPATH, SIGNAL_EVENT_XPATH, TIMER_EVENT_XPATH,
                                                CONDITIONAL_EVENT_XPATH, ERROR_EVENT_XPATH,
                                                ESCALATION_EVENT_XPATH])
        interrupting = self.node.get("isInterrupting", "true").lower() == "true"
        task = self.spec_class(self.spec, self.bpmn_id + LISTENER_SUFFIX, event_definition=definition,
                               cancel_activity=interrupting, **self.bpmn_attributes)
        task.bpmn_id = self.bpmn_id
        return task


class ScopeProcessParser(ProcessParser):
    """A process or embedded subprocess: its event subprocesses get listeners, started with the scope."""

    def add_tasks(self) -> None:
        start_nodes = self.xpath("./bpmn:startEvent")
        if not start_nodes and self.process_executable:
            super().add_tasks()  # raises SpiffWorkflow's "No start event found"
            return
        for node in start_nodes:
            self.parse_node(node)
        if len(start_nodes) > 1:
            split = StartEventSplit(self.spec, "StartEventSplit")
            join = StartEventJoin(self.spec, "StartEventJoin", split_task="StartEventSplit", threshold=1, cancel=True)
            for spec in self.spec.start.outputs:
                spec.inputs = [split]
                spec.connect(join)
            split.outputs = self.spec.start.outputs
            self.spec.start.outputs = [split]
            split.inputs = [self.spec.start]
        event_subprocesses = self.xpath("./bpmn:subProcess[@triggeredByEvent='true']")
        for node in event_subprocesses:
            subprocess = self.parse_node(node)
            start = node.find(full_tag("startEvent"))
            parser = ListenerParser(self, EventSubprocessListener, start, self.nsmap, lane=self.lane)
            listener = parser.create_task()
            listener.extensions = parser.parse_extensions()
            self.spec.start.connect(listener)
            listener.connect(subprocess)
            subprocess.connect(self.spec.end)
        if event_subprocesses:
            self.spec.end.__class__ = ScopeEndJoin


PARSERS: dict[str, tuple[type, type]] = {
    "boundaryEvent": (type("KenteiBoundaryEventParser", (DialectMixin, BoundaryEventParser), {}), ScopeBoundaryEvent),
}
CONVERTERS: dict[type, type] = {
    ScopeBoundaryEvent: BoundaryEventConverter,
    EventSubprocessListener: BoundaryEventConverter,
    ScopeEndJoin: BpmnTaskSpecConverter,
    ScopeConditionalEventDefinition: TimerConditionalEventDefinitionConverter,
    ScopedEscalationEventDefinition: ErrorEscalationEventDefinitionConverter,
}


def catches_error_in_scope(workflow: Any, code: str) -> bool:
    """Whether an error event subprocess of this scope listens for `code` (or for every error)."""
    for task in workflow.get_tasks(state=TaskState.WAITING):
        if isinstance(task.task_spec, EventSubprocessListener):
            definition = task.task_spec.event_definition
            if isinstance(definition, ErrorEventDefinition) and definition.code in (None, code):
                return True
    return False
