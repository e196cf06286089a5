"""Lookups and clean-ups on SpiffWorkflow's task tree that several construct families need."""
from __future__ import annotations

from typing import Any

from SpiffWorkflow.exceptions import TaskNotFoundException


def find_task(top: Any, task_id: Any) -> Any:
    """A task of the workflow or of any of its subprocesses, by id (None if it is gone)."""
    if task_id in top.tasks:
        return top.tasks[task_id]
    for sub in top.subprocesses.values():
        if task_id in sub.tasks:
            return sub.tasks[task_id]
    return None


def task_exists(top: Any, task_id: Any) -> bool:
    try:
        return top.get_task_from_id(task_id) is not None
    except TaskNotFoundException:
        return False


def discard_subprocess(top: Any, task_id: Any) -> None:
    """Forget a subprocess (and those inside it) whose task is gone, with its event waits."""
    sub = top.subprocesses.pop(task_id)
    for task in list(sub.tasks.values()):
        top.event_manager.remove_task(task)
        if task.id in top.subprocesses:
            discard_subprocess(top, task.id)
