"""Transaction subprocesses: the cancel end event, as Camunda 7 runs it (docs.camunda.org/manual/7.x,
"Transaction Subprocess", "Cancel and Compensation Events").

When a cancel end event is reached, inside its transaction and in this order:
1. every other active path of the transaction is cancelled (its tasks, timers, jobs and waits go);
2. compensation is thrown for the whole transaction: the handlers of the activities that completed in it
   run in reverse order of completion (engine/bpmn/compensation_specs.py), and the event waits for them;
3. the cancel event is thrown; the transaction's cancel boundary event takes it, interrupts the
   transaction and the process goes on along the boundary's flow.
A transaction, its cancel boundary event and a hazard (an error caught by an error boundary) are
SpiffWorkflow's own specs; only the end event is ours. Where cancel events may be drawn:
engine/validation/transaction_rules.py.
"""
from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.parser.event_parsers import EndEventParser
from SpiffWorkflow.bpmn.parser.util import first
from SpiffWorkflow.bpmn.serializer.default.task_spec import EventConverter
from SpiffWorkflow.bpmn.serializer.helpers.spec import EventDefinitionConverter
from SpiffWorkflow.bpmn.specs.defaults import EndEvent
from SpiffWorkflow.bpmn.specs.event_definitions.simple import CancelEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent as MixinEndEvent
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.compensation import add_runs
from engine.bpmn.compensation_specs import THROWN, CompensateThrowMixin
from engine.bpmn.dialect_base import DialectMixin

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED


class CompensatingCancel(CancelEventDefinition):
    """cancelEventDefinition on an end event: compensates the whole transaction before it is thrown."""

    activity_ref = None
    wait_for_completion = True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CancelEventDefinition)  # the boundary's plain cancel definition catches it

    __hash__ = CancelEventDefinition.__hash__


class CancelEndEvent(CompensateThrowMixin, EndEvent):
    """endEvent + cancelEventDefinition, directly inside a transaction."""

    def _update_hook(self, my_task: Any) -> bool:
        if THROWN not in my_task.internal_data:
            _cancel_other_paths(my_task)
        return super()._update_hook(my_task)

    def _run_hook(self, my_task: Any) -> bool:
        return True  # thrown once completed, so the variables the handlers set go out with it

    def _on_complete_hook(self, my_task: Any) -> None:
        # not EndEvent's own hook, which would cancel the transaction's workflow before the boundary takes over
        super(MixinEndEvent, self)._on_complete_hook(my_task)
        self.event_definition.throw(my_task)


def _cancel_other_paths(my_task: Any) -> None:
    mine, task = set(), my_task
    while task is not None:  # the end event and the tasks it came through
        mine.add(task.id)
        task = task.parent
    for task in my_task.workflow.get_tasks(state=ACTIVE):
        if task.id not in mine and not task.has_state(TaskState.FINISHED_MASK):  # an earlier cancel took it
            task.cancel()


class _CancelEnd:
    """Builds a CancelEndEvent for an end event with a cancel definition; defers to the next parser otherwise."""

    node: Any
    spec: Any
    bpmn_id: str
    process_parser: Any
    bpmn_attributes: dict[str, Any]
    xpath: Any

    def create_task(self) -> Any:
        if first(self.xpath("./bpmn:cancelEventDefinition")) is None:
            return super().create_task()  # type: ignore[misc]
        task = CancelEndEvent(self.spec, self.bpmn_id, event_definition=CompensatingCancel(),
                              **self.bpmn_attributes)
        task.connect(self.spec.end)
        add_runs(self.process_parser, self.spec)
        return task


class CancelEndParser(_CancelEnd, DialectMixin, EndEventParser):
    """endEvent: a cancel end event, or whatever the next parser makes of it."""


class CompensatingCancelConverter(EventDefinitionConverter):
    def from_dict(self, dct: dict[str, Any]) -> CompensatingCancel:
        return CompensatingCancel(name=dct.get("name"), description=dct.get("description"))


PARSERS: dict[str, tuple[type, type]] = {"endEvent": (CancelEndParser, EndEvent)}
CONVERTERS: dict[type, type] = {CompensatingCancel: CompensatingCancelConverter, CancelEndEvent: EventConverter}
