"""Conditional events as Camunda 7 runs them: the condition is read against the scope's current variables.

SpiffWorkflow evaluates a condition against the waiting task's own copy of the data, taken when the
task was created; Camunda evaluates it against the process variables as they are now. The engine asks
every waiting conditional event again after each operation (engine/instance.py), which is when
variables change.
"""
from __future__ import annotations

import hashlib
from typing import Any

import orjson
from SpiffWorkflow.bpmn.specs.event_definitions.conditional import ConditionalEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.task_tree import find_task

FINISHED_OK = TaskState.COMPLETED


def current_data(task: Any) -> dict[str, Any]:
    """The variables as they are now in the task's scope: its own data, updated with the data of the task
    completed most recently in its workflow or in a subprocess below it (Camunda's variables are shared).
    The instances of a multi-instance activity keep their own variables, so they are not looked into."""
    from engine.bpmn.multi_instance import is_body

    def in_loop(t: Any) -> bool:
        return t.parent is not None and is_body(t.parent.task_spec)

    workflow = task.workflow
    top = workflow.top_workflow
    workflows = [workflow]
    for sub in top.subprocesses.values():
        wf, inside = sub, True
        while wf is not workflow and wf.parent_task_id is not None:
            owner = find_task(top, wf.parent_task_id)
            if owner is None or in_loop(owner):
                inside = False
                break
            wf = owner.workflow
        if inside and wf is workflow and sub is not workflow:
            workflows.append(sub)
    latest = None
    for wf in workflows:
        for t in wf.tasks.values():
            if t.state == FINISHED_OK and t is not task and not in_loop(t) \
                    and (latest is None or t.last_state_change > latest.last_state_change):
                latest = t
    data = dict(task.data)
    if latest is not None:
        data.update(latest.data)
    return data


def fingerprint(data: dict[str, Any]) -> str:
    """A short digest of the variables, to tell whether they changed since the last evaluation."""
    raw = orjson.dumps(data, default=str, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha1(raw).hexdigest()[:16]


class ScopeConditionalEventDefinition(ConditionalEventDefinition):
    """conditionalEventDefinition: true when the condition holds on the scope's current variables.

    A non-interrupting boundary or event subprocess start fires again only after the variables changed
    (Camunda evaluates on each variable change); `repeat_on_change` marks those.
    """

    def has_fired(self, my_task: Any) -> bool:
        if my_task._get_internal_data("event_fired", False):
            return True
        data = current_data(my_task)
        seen = my_task._get_internal_data("condition_seen")
        digest = fingerprint(data)
        if seen is not None and seen == digest:
            return False
        value = my_task.workflow.script_engine.evaluate(_View(my_task, data), self.expression)
        fired = bool(value)
        if fired:
            my_task._set_internal_data(event_fired=True, condition_data=data)
        return fired

    def update_task_data(self, my_task: Any) -> None:
        data = my_task.internal_data.pop("condition_data", None)
        if data:
            my_task.data.update(data)

    def reset(self, my_task: Any) -> None:
        my_task.internal_data.pop("condition_data", None)
        super().reset(my_task)


class _View:
    """A task stand-in whose data is the scope's current variables (for the script engine)."""

    def __init__(self, task: Any, data: dict[str, Any]) -> None:
        self.task = task
        self.data = data

    def __getattr__(self, name: str) -> Any:
        return getattr(self.task, name)


def refresh_conditionals(workflow: Any) -> bool:
    """Evaluate every waiting conditional event again; True when one fired."""
    fired = False
    for task in list(workflow.event_manager.tasks.values()):
        if task.state == TaskState.WAITING and isinstance(task.task_spec.event_definition,
                                                         ScopeConditionalEventDefinition):
            task.task_spec._update(task)
            fired = fired or task.state == TaskState.READY
    return fired
