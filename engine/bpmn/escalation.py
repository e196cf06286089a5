"""Escalation as BPMN and Camunda 7 have it: caught by the nearest enclosing handler, else ignored.

An escalation thrown in a scope is offered, scope by scope outwards, to that scope's escalation event
subprocesses and then to the escalation boundary events of the activity that holds the scope (a
subprocess or a call activity), never to boundary events of other activities. When nothing catches
it, nothing happens: the throwing path goes on (an escalation end event just ends its path).
"""
from __future__ import annotations

from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import EscalationEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.util.task import TaskState


class ScopedEscalationEventDefinition(EscalationEventDefinition):
    """escalationEventDefinition (escalationRef → bpmn:escalation escalationCode; none = every code)."""

    def throw(self, my_task: Any) -> None:
        event = BpmnEvent(self, payload=deepcopy(my_task.data), target=my_task.workflow)
        offer_outwards(event, my_task.workflow)


def offer_outwards(event: Any, workflow: Any) -> int:
    """Offer a code event to the handlers of `workflow`'s scope and then of each enclosing one."""
    top = workflow.top_workflow
    waiting = top.event_manager.tasks
    holder = None  # the activity (in `workflow`) that holds the scope we came from
    while workflow is not None:
        found = [t for t in list(waiting.values())
                 if t.workflow is workflow and t.state == TaskState.WAITING and _handles(t, holder)
                 and t.task_spec.event_definition.catches(t, event)]
        if found:
            for task in found:
                task.task_spec.catch(task, event)
                task.task_spec._update(task)
            return len(found)
        if workflow.parent_task_id is None:
            return 0
        holder = top.get_task_from_id(workflow.parent_task_id)
        workflow = holder.workflow
    return 0


def _handles(task: Any, holder: Any) -> bool:
    """An event subprocess listener of the scope, or a boundary event on the activity we came from."""
    from engine.bpmn.event_subprocesses import EventSubprocessListener
    if isinstance(task.task_spec, EventSubprocessListener):
        return True
    if isinstance(task.task_spec, BoundaryEvent):
        return holder is not None and task.parent is holder.parent
    return False
