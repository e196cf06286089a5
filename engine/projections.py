"""Keep the query tables (human tasks, timers, subscriptions, jobs) in step with the workflow.

The instance row remembers what the projections held after the last step
(`waits`), so each step writes only the difference and reads nothing.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import delete, insert, update

from engine.db.models import ExternalJob, HumanTask, MessageSubscription, Timer
from engine.expr import compile_expression, parse_datetime
from engine.instance import Waits
from engine.step import Step


def snapshot(waits: Waits) -> dict[str, Any]:
    """What the instance row stores in `waits`."""
    return {"u": sorted(waits.user_tasks), "t": {k: v.isoformat() for k, v in waits.timers.items()},
            "m": waits.messages, "j": sorted(waits.jobs)}


def sync(step: Step, waits: Waits, old: dict[str, Any], tz: Any, max_attempts: int) -> dict[str, Any]:
    """Write the difference between the old snapshot and the new waits; return the new snapshot."""
    session, row, now = step.session, step.row, step.now
    new = snapshot(waits)
    old_u, new_u = set(old.get("u", ())), set(new["u"])
    for tid in new_u - old_u:
        session.execute(insert(HumanTask).values(**_human_task(row, waits.user_tasks[tid], now, tz)))
    gone = old_u - new_u - set(step.completed_user_tasks)
    if gone:
        session.execute(update(HumanTask).where(HumanTask.id.in_(gone), HumanTask.status == "open")
                        .values(status="cancelled", completed_at=now))
    old_t, new_t = old.get("t", {}), new["t"]
    for tid, due in new_t.items():
        if tid not in old_t:
            session.execute(insert(Timer).values(id=tid, instance_id=row.id, element_id=_bpmn_id(waits, tid, step),
                                                 due_at=waits.timers[tid], status="waiting"))
        elif old_t[tid] != due:
            session.execute(update(Timer).where(Timer.id == tid).values(due_at=waits.timers[tid], status="waiting"))
    dropped = [tid for tid in old_t if tid not in new_t]
    if dropped:
        session.execute(delete(Timer).where(Timer.id.in_(dropped)))
    old_m, new_m = old.get("m", {}), new["m"]
    for key, name in new_m.items():
        if key not in old_m:
            tid = key.split("|", 1)[0]
            task = step.workflow_task(tid)
            session.execute(insert(MessageSubscription).values(
                instance_id=row.id, task_id=tid, element_id=task.task_spec.bpmn_id, message_name=name,
                correlation_key=correlation_key(task, row.business_key)))
    dropped = [key for key in old_m if key not in new_m]
    for key in dropped:
        tid, name = key.split("|", 1)
        session.execute(delete(MessageSubscription).where(MessageSubscription.task_id == tid,
                                                          MessageSubscription.message_name == name))
    old_j, new_j = set(old.get("j", ())), set(new["j"])
    for tid in new_j - old_j:
        task = waits.jobs[tid]
        session.execute(insert(ExternalJob).values(
            instance_id=row.id, task_id=tid, element_id=task.task_spec.bpmn_id, topic=task.task_spec.extensions["topic"],
            status="pending", attempts=0, max_attempts=max_attempts, next_run_at=now, created_at=now,
            payload=json_safe(task.data)))
    cancelled = old_j - new_j - step.finished_jobs
    if cancelled:
        session.execute(update(ExternalJob).where(ExternalJob.task_id.in_(cancelled),
                                                  ExternalJob.status.in_(("pending", "locked")))
                        .values(status="cancelled"))
    return new


def _bpmn_id(waits: Waits, tid: str, step: Step) -> str:
    return step.workflow_task(tid).task_spec.bpmn_id


def _human_task(row: Any, task: Any, now: datetime, tz: Any) -> dict[str, Any]:
    ext = task.task_spec.extensions
    return {
        "id": str(task.id), "instance_id": row.id, "tenant": row.tenant, "element_id": task.task_spec.bpmn_id,
        "name": task.task_spec.bpmn_name, "candidate_groups": _text(ext.get("candidateGroups"), task.data),
        "assignee": _text(ext.get("assignee"), task.data), "status": "open", "created_at": now,
        "due_at": _date(ext.get("dueDate"), task.data, tz), "follow_up_at": _date(ext.get("followUpDate"), task.data, tz),
    }


def _text(expr: str | None, data: dict[str, Any]) -> str | None:
    if not expr:
        return None
    value = compile_expression(expr).evaluate(data)
    if isinstance(value, (list, tuple)):
        value = ",".join(str(v) for v in value)
    return None if value in (None, "") else str(value)


def _date(expr: str | None, data: dict[str, Any], tz: Any) -> datetime | None:
    value = _text(expr, data)
    return parse_datetime(value, tz) if value else None


def correlation_key(task: Any, business_key: str | None) -> str | None:
    expr = task.task_spec.extensions.get("properties", {}).get("correlationKey")
    return _text(expr, task.data) if expr else business_key


def json_safe(data: dict[str, Any]) -> dict[str, Any]:
    return orjson.loads(orjson.dumps(data, default=str))
