"""Start an instance; complete a user task (with form rules and four eyes)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.db.models import HumanTask, ProcessInstance
from engine.errors import Conflict, Forbidden, NotFound
from engine.forms import validate_form

TENANT = re.compile(r"0[1-9]|[1-3][0-9]|4[0-7]")  # 都道府県コード

if TYPE_CHECKING:
    from engine.instance import Instance
    from engine.runtime import Engine
    from engine.step import Step


def start(engine: "Engine", key: str, tenant: str, data: dict[str, Any] | None = None,
          business_key: str | None = None, actor: str | None = None) -> int:
    """Start the newest version of process `key` for a prefecture; returns the instance id."""
    if not isinstance(data or {}, dict):
        raise Conflict("start data must be a JSON object")
    if not TENANT.fullmatch(tenant or ""):
        raise Conflict(f"tenant must be a prefecture code 01–47, not {tenant!r}")
    with engine.transaction() as session, session.begin():
        definition = engine.repository.latest_definition(session, key)
        now = engine.now()
        row = ProcessInstance(definition_id=definition.id, tenant=tenant, business_key=business_key,
                              status="running", row_version=0, state=b"", waits={}, started_at=now,
                              updated_at=now, started_by=actor)
        session.add(row)
        session.flush()

        def begin(inst: "Instance", step: "Step") -> None:
            inst.workflow.task_tree.data.update(data or {})
            step.record("started", None, {"process": key, "version": definition.version}, actor)

        step = engine.operate(session, row, begin, actor)
    engine.publish(step)
    return row.id


def complete_task(engine: "Engine", task_id: str, user: str, data: dict[str, Any] | None = None) -> int:
    """Complete an open user task as `user` with form data; returns the instance id."""
    if not isinstance(data or {}, dict):
        raise Conflict("task data must be a JSON object")
    with engine.transaction() as session, session.begin():
        task_row = session.get(HumanTask, task_id)
        if task_row is None:
            raise NotFound(f"task {task_id} does not exist")
        row = engine.lock_instance(session, task_row.instance_id)
        session.refresh(task_row)
        if task_row.status != "open":
            raise Conflict(f"task {task_id} is {task_row.status}")
        if task_row.assignee and task_row.assignee != user:
            raise Forbidden(f"task {task_id} is assigned to {task_row.assignee}")

        def complete(inst: "Instance", step: "Step") -> None:
            task = inst.task(task_id)
            if task is None:
                raise Conflict(f"task {task_id} is no longer waiting")
            ext = task.task_spec.extensions
            _four_eyes(session, row.id, ext.get("properties", {}), user)
            values = validate_form(ext.get("form", []), data or {}, task.data)
            inst.complete_user_task(task, values)
            step.completed_user_tasks[task_id] = user
            step.record("task_completed", task_row.element_id, {"fields": sorted(values)}, user)

        step = engine.operate(session, row, complete, user)
        task_row.status, task_row.completed_at, task_row.completed_by = "completed", step.now, user
    engine.publish(step)
    return row.id


def _four_eyes(session: Any, instance_id: int, properties: dict[str, str], user: str) -> None:
    """camunda:property separateFrom="a,b": the user must not have completed those tasks."""
    separate = [s.strip() for s in properties.get("separateFrom", "").split(",") if s.strip()]
    if not separate:
        return
    done_by = session.scalars(select(HumanTask.completed_by).where(
        HumanTask.instance_id == instance_id, HumanTask.element_id.in_(separate),
        HumanTask.status == "completed")).all()
    if user in done_by:
        raise Forbidden(f"four eyes: {user} completed {', '.join(separate)} and may not complete this task")
