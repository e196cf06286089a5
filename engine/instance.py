"""A thin wrapper over a SpiffWorkflow workflow with intent-named methods."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions import ErrorEventDefinition, MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.multi_instance import is_body, process_view
from engine.bpmn.specs import ExternalServiceTask
from engine.bpmn.timers import TIMER_CLASSES, due_at


@dataclass(frozen=True)
class Waits:
    """What a workflow waits on at a wait state: the rows the projections must hold."""

    user_tasks: dict[str, Any]        # task id -> spiff Task (READY user tasks)
    timers: dict[str, datetime]       # task id -> due (UTC)
    messages: dict[str, str]          # "task id|message name" -> message name
    jobs: dict[str, Any]              # task id -> spiff Task (STARTED external service tasks)


class Instance:
    """One process instance's workflow, with the operations the engine needs."""

    def __init__(self, workflow: BpmnWorkflow) -> None:
        self.workflow = workflow

    def all_tasks(self) -> Iterator[Any]:
        """Every task of the workflow and of its subprocesses."""
        yield from self.workflow.tasks.values()
        for sub in self.workflow.subprocesses.values():
            yield from sub.tasks.values()

    def task(self, task_id: str | UUID) -> Any:
        """The task with this id, or None."""
        try:
            return self.workflow.get_task_from_id(UUID(str(task_id)))
        except Exception:
            return None

    def run_until_wait(self, did_run: Any = None) -> None:
        """Run engine steps until only user tasks, timers, messages or jobs remain."""
        self.workflow.do_engine_steps(did_complete_task=did_run)

    def refresh_timers(self, did_run: Any = None) -> None:
        """Let due timers fire (by the engine clock), then run on."""
        self.workflow.refresh_timers()
        self.run_until_wait(did_run)

    def complete_user_task(self, task: Any, data: dict[str, Any]) -> None:
        """Merge the form's data into a READY user task and complete it."""
        task.data.update(data)
        task.run()

    def complete_started(self, task: Any, data: dict[str, Any]) -> None:
        """Finish a STARTED external service task with its handler's output."""
        task.data.update(data)
        task.complete()

    def throw_error(self, task: Any, code: str, message: str, did_run: Any = None) -> bool:
        """Throw a BPMN error at a task and run on; True when an error boundary event took it."""
        event = BpmnEvent(ErrorEventDefinition(code, code), payload={"errorCode": code, "errorMessage": message},
                          target=task.workflow)
        self.workflow.top_workflow.catch(event)
        self.run_until_wait(did_run)
        # a cancelled scope may drop the task from the tree (a multi-instance body drops its instances)
        return task.state != TaskState.STARTED or task.id not in task.workflow.tasks

    def catches_error(self, task: Any, code: str) -> bool:
        """Whether an error boundary event on this task (or an enclosing subprocess) takes `code`."""
        current = task
        while current is not None:
            parent = current.parent
            if parent is not None and type(parent.task_spec).__name__ == "BoundaryEventSplit":
                for sibling in parent.children:
                    definition = getattr(sibling.task_spec, "event_definition", None)
                    if isinstance(definition, ErrorEventDefinition) and definition.code in (None, code):
                        return True
            if parent is not None and is_body(parent.task_spec):  # boundary events attach to the multi-instance body
                current = parent
                continue
            wf = current.workflow
            current = wf.top_workflow.get_task_from_id(wf.parent_task_id) if wf.parent_task_id else None
        return False

    def deliver_message(self, name: str, payload: dict[str, Any]) -> int:
        """Hand a message to whatever waits for it; returns how many catch events took it."""
        return self.workflow.event_manager.catch(BpmnEvent(MessageEventDefinition(name), payload=payload),
                                                 internal=False)

    @property
    def completed(self) -> bool:
        return self.workflow.completed

    @property
    def data(self) -> dict[str, Any]:
        """The process variables as of the last completed task."""
        last = self.workflow.last_task
        if last is None:
            return dict(self.workflow.data)
        inside_loop = process_view(last)  # an inner instance's locals are not process variables
        return inside_loop if inside_loop is not None else dict(last.data)

    def waits(self) -> Waits:
        """Collect what the workflow waits on, in one pass."""
        user_tasks: dict[str, Any] = {}
        jobs: dict[str, Any] = {}
        for t in self.all_tasks():
            state = t.state
            if state == TaskState.READY and isinstance(t.task_spec, UserTask):
                user_tasks[str(t.id)] = t
            elif state == TaskState.STARTED and isinstance(t.task_spec, ExternalServiceTask):
                jobs[str(t.id)] = t
        timers: dict[str, datetime] = {}
        messages: dict[str, str] = {}
        for t in self.workflow.event_manager.tasks.values():
            definition = t.task_spec.event_definition
            # an event-based gateway waits on several definitions at once
            for d in getattr(definition, "event_definitions", None) or [definition]:
                if isinstance(d, TIMER_CLASSES):
                    due = due_at(t)
                    if due is not None:
                        timers[str(t.id)] = due
                elif isinstance(d, MessageEventDefinition):
                    messages[f"{t.id}|{d.name}"] = d.name
        return Waits(user_tasks, timers, messages, jobs)
