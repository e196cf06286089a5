"""Start an instance; complete a user task (with form rules and four eyes)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable

from engine.bpmn.async_points import behind
from engine.db.fast import InstanceRow, unique_violation
from engine.db.models import SHARED
from engine.errors import Conflict, DuplicateBusinessKey, Forbidden, NotFound
from engine.forms import validate_form

TENANT = re.compile(r"0[1-9]|[1-3][0-9]|4[0-7]")  # 都道府県コード

if TYPE_CHECKING:
    from engine.instance import Instance
    from engine.kernel import Kernel
    from engine.step import Step


def start(engine: Kernel, key: str, tenant: str, data: dict[str, Any] | None = None,
          business_key: str | None = None, actor: str | None = None) -> int:
    """Start the newest version of process `key` for a prefecture; returns the instance id."""
    with engine.unit() as conn:
        step = start_on(engine, conn, key, tenant, data, business_key, actor)
    engine.publish(step)
    return step.row.id


def start_on(engine: Kernel, conn: Any, key: str, tenant: str, data: dict[str, Any] | None = None,
             business_key: str | None = None, actor: str | None = None,
             trigger: Callable[[Instance, Step], None] | None = None,
             definition: tuple[int, int] | None = None) -> Step:
    """Start an instance inside the caller's transaction (a start timer, a process starting others).

    `trigger` starts it at the signal or message start event that caught it (engine/ops_signals.py);
    without one it starts at the none start event, or at the only start event there is (Camunda 7).
    `definition` (id, version) starts that version instead of the prefecture's current one.
    """
    if not isinstance(data or {}, dict):
        raise Conflict("start data must be a JSON object")
    if not TENANT.fullmatch(tenant or ""):
        raise Conflict(f"tenant must be a prefecture code 01–47, not {tenant!r}")
    fast = engine.fast
    definition_id, version = definition or engine.repository.latest_definition(fast, conn, key, tenant)
    now = fast.ts(engine.now())
    try:
        iid = fast.run(conn, "INSERT INTO process_instance (definition_id, tenant, business_key, status,"
                             " row_version, state, waits, started_at, updated_at, started_by) VALUES (:d, :tenant,"
                             " :bk, 'running', 0, :state, JSON(:waits), :now, :now, :actor) RETURNING id",
                       {"d": definition_id, "tenant": tenant, "bk": business_key, "state": b"", "waits": "{}",
                        "now": now, "actor": actor}).scalar_one()
    except Exception as exc:
        if unique_violation(exc):  # a business key that must be unique (ux_instance_api_request) is taken
            raise DuplicateBusinessKey(f"business key {business_key!r} is already used in prefecture {tenant}") \
                from None
        raise
    row = InstanceRow(iid, definition_id, tenant, business_key, "running", 0, b"", {}, None)

    def begin(inst: Instance, step: Step) -> None:
        inst.workflow.task_tree.data.update(data or {})
        starts = map(behind, inst.workflow.spec.start.outputs)  # several start events sit behind a StartEventSplit
        for start_event in [behind(e) for s in starts for e in (s.outputs if not hasattr(s, "extensions") else [s])]:
            if start_event.extensions.get("initiator"):  # camunda:initiator: who started it, as in Camunda 7
                inst.workflow.task_tree.data[start_event.extensions["initiator"]] = actor
        step.record("started", None, {"process": key, "version": version}, actor)
        if trigger is not None:
            trigger(inst, step)
        else:
            inst.start_plain()

    return engine.operate(conn, row, begin, actor)


def start_definition(engine: Kernel, definition_id: int, tenant: str, data: dict[str, Any] | None = None,
                     business_key: str | None = None, actor: str | None = None) -> int:
    """Start that version of a process (a definition row) for a prefecture: its own or a shared one; another
    prefecture's definition is NotFound. Returns the instance id."""
    with engine.unit() as conn:
        found = engine.fast.run(conn, "SELECT key, version, tenant FROM process_definition WHERE id = :id",
                                {"id": definition_id}).first()
        if found is None or found[2] not in (tenant, SHARED):
            raise NotFound(f"process definition {definition_id} does not exist")
        step = start_on(engine, conn, found[0], tenant, data, business_key, actor, definition=(definition_id, found[1]))
    engine.publish(step)
    return step.row.id


def complete_task(engine: Kernel, task_id: str, user: str, data: dict[str, Any] | None = None) -> int:
    """Complete an open user task as `user` with form data; returns the instance id."""
    if not isinstance(data or {}, dict):
        raise Conflict("task data must be a JSON object")
    fast = engine.fast
    with engine.unit() as conn:
        read_task = "SELECT instance_id, element_id, status, assignee FROM human_task WHERE id = :id"
        found = fast.run(conn, read_task, {"id": task_id}).first()
        if found is None:
            raise NotFound(f"task {task_id} does not exist")
        # instance first, always: every operation locks in that order, so none can deadlock
        row = engine.lock_instance(conn, found[0])
        if fast.pg:  # read again under the lock: a concurrent completion may have committed meanwhile
            found = fast.run(conn, read_task, {"id": task_id}).one()
        _, element_id, status, assignee = found
        if status != "open":
            raise Conflict(f"task {task_id} is {status}")
        if assignee and assignee != user:
            raise Forbidden(f"task {task_id} is assigned to {assignee}")

        def complete(inst: Instance, step: Step) -> None:
            task = inst.task(task_id)
            if task is None:
                raise Conflict(f"task {task_id} is no longer waiting")
            ext = task.task_spec.extensions
            _four_eyes(fast, conn, row.id, ext.get("properties", {}), user)
            values = validate_form(ext.get("form", []), data or {}, task.data)
            inst.complete_user_task(task, values)
            step.completed_user_tasks[task_id] = user
            step.record("task_completed", element_id, {"fields": sorted(values)}, user)

        step = engine.operate(conn, row, complete, user)
        fast.run(conn, "UPDATE human_task SET status = 'completed', completed_at = :now, completed_by = :user "
                       "WHERE id = :id", {"now": fast.ts(step.now), "user": user, "id": task_id})
    engine.publish(step)
    return row.id


def _four_eyes(fast: Any, conn: Any, instance_id: int, properties: dict[str, str], user: str) -> None:
    """camunda:property separateFrom="a,b": the user must not have completed those tasks."""
    separate = [s.strip() for s in properties.get("separateFrom", "").split(",") if s.strip()]
    if not separate:
        return
    rows = fast.run(conn, "SELECT element_id, completed_by FROM human_task WHERE instance_id = :i "
                          "AND status = 'completed'", {"i": instance_id}).all()
    done_by = {by for element, by in rows if element in separate}
    if user in done_by:
        raise Forbidden(f"four eyes: {user} completed {', '.join(separate)} and may not complete this task")
