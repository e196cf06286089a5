"""Set and delete process variables of a running instance (Camunda's POST /process-instance/{id}/variables).

One engine operation: the instance is locked, the variables are written into every task that has not
finished (the waiting ones and those ahead of them, which inherit from them) of the process and of its
embedded subprocesses (a called process keeps its own variables), and the run goes on, so conditional
events see the change at once, as in Camunda 7; an outside worker's waiting task fetches the new values. The
history records the names, never the values.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from SpiffWorkflow.util.task import TaskState

from engine.errors import BadInput, NotFound
from engine.queries import is_row_id

if TYPE_CHECKING:
    from engine.instance import Instance
    from engine.kernel import Kernel
    from engine.step import Step


def set_variables(engine: Kernel, instance_id: int, tenant: str, modifications: dict[str, Any],
                  deletions: list[str], actor: str | None = None) -> None:
    """Write `modifications` and remove `deletions` on a running instance of the prefecture."""
    if not isinstance(modifications, dict) or not isinstance(deletions, list):
        raise BadInput("modifications must be an object and deletions a list of names")
    if not is_row_id(instance_id):
        raise NotFound(f"process instance {instance_id} does not exist")
    with engine.unit() as conn:
        found = engine.fast.run(conn, "SELECT tenant FROM process_instance WHERE id = :id", {"id": instance_id}).first()
        if found is None or found[0] != tenant:
            raise NotFound(f"process instance {instance_id} does not exist")
        row = engine.lock_instance(conn, instance_id)

        def action(inst: Instance, step: Step) -> None:
            for data in _scopes(inst):
                data.update(modifications)
                for name in deletions:
                    data.pop(name, None)
            step.record("variables_set", None, {"set": sorted(modifications), "deleted": sorted(set(deletions))}, actor)

        step = engine.operate(conn, row, action, actor)
        _refresh_outside(engine, conn, instance_id, step.instance)
    engine.publish(step)


LIVE_OUTSIDE = ("SELECT id, task_id FROM external_job WHERE instance_id = :i AND kind = 'outside' "
                "AND status IN ('pending', 'locked', 'incident')")


def _refresh_outside(engine: Kernel, conn: Any, instance_id: int, inst: Instance) -> None:
    """The variables an outside worker fetches are its task's: after a write they are the new ones (an operator
    fixes a value, then retries the task; the Java worker's setVariables before its failure)."""
    from engine.projections import json_safe
    for job_id, task_id in engine.fast.run(conn, LIVE_OUTSIDE, {"i": instance_id}).all():
        task = inst.task(task_id)
        if task is not None:
            engine.fast.run(conn, "UPDATE external_job SET payload = JSON(:p) WHERE id = :id",
                            {"p": engine.fast.js(json_safe(task.data)), "id": job_id})


def _scopes(inst: Instance) -> list[dict[str, Any]]:
    """The data dicts that hold the process variables: unfinished tasks, and the last completed one (read as
    the instance's variables), of the process and its embedded subprocesses."""
    found: dict[int, dict[str, Any]] = {}
    workflows = [inst.workflow]
    for task_id, sub in inst.workflow.subprocesses.items():
        parent = inst.task(task_id)
        if parent is not None and "CallActivity" not in [c.__name__ for c in type(parent.task_spec).__mro__]:
            workflows.append(sub)
    for wf in workflows:
        for task in wf.get_tasks(state=TaskState.NOT_FINISHED_MASK):
            found[id(task.data)] = task.data
    last = inst.workflow.last_task
    if last is not None:
        found[id(last.data)] = last.data
    return list(found.values())
