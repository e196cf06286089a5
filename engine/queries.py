"""Read-only queries on the projection tables; none deserializes a workflow."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.db.models import (
    ExternalJob, HistoryEvent, HumanTask, Incident, ProcessDefinition, ProcessInstance, Timer,
)
from engine.db.session import utc
from engine.errors import NotFound

if TYPE_CHECKING:
    from engine.kernel import Kernel


# The largest id every id column holds: INTEGER (32 bits) on PostgreSQL for staff_user, api_token, incident and
# the instance ids in history_event (SQLite's are 64 bits). A larger one names no row, and as a query parameter
# it would overflow the driver (OverflowError on SQLite; "integer out of range" on PostgreSQL): a 500.
ROW_ID_MAX = 2**31 - 1


def is_row_id(value: Any) -> bool:
    """True for an int a row id can be (1 to ROW_ID_MAX); any other id names no row."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= ROW_ID_MAX


def _iso(dt: Any) -> str | None:
    value = utc(dt)
    return value.isoformat() if value else None


def task_dict(t: HumanTask, now: datetime) -> dict[str, Any]:
    """A human task as plain data; `overdue` once an open task's due date has passed."""
    return {"id": t.id, "instance_id": t.instance_id, "tenant": t.tenant, "element_id": t.element_id,
            "name": t.name, "candidate_groups": t.candidate_groups, "candidate_users": t.candidate_users,
            "assignee": t.assignee, "status": t.status,
            "due_at": _iso(t.due_at), "follow_up_at": _iso(t.follow_up_at), "created_at": _iso(t.created_at),
            "completed_at": _iso(t.completed_at), "completed_by": t.completed_by, "reminders": t.reminders,
            "overdue": t.status == "open" and t.due_at is not None and utc(t.due_at) <= now}


def tasks(engine: Kernel, tenant: str | None = None, status: str = "open", group: str | None = None,
          assignee: str | None = None, instance_id: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Human tasks, filtered; oldest first."""
    if instance_id is not None and not is_row_id(instance_id):
        return []
    fast = engine.fast
    where, params = ["status = :status"], {"status": status, "limit": limit}
    for column, value in (("tenant", tenant), ("assignee", assignee), ("instance_id", instance_id)):
        if value is not None:
            where.append(f"{column} = :{column}")
            params[column] = value
    if group is not None:  # a substring test first; exact group matches are kept below
        where.append("candidate_groups LIKE :group")
        params["group"] = f"%{group}%"
    with engine.read() as conn:
        rows = fast.run(conn, f"SELECT {TASK_COLUMNS} FROM human_task WHERE {' AND '.join(where)} "
                                              "ORDER BY created_at, id LIMIT :limit", params).all()
    now = engine.now()
    found = [_task_row(fast, r, now) for r in rows]
    if group is not None:
        found = [t for t in found if group in (t["candidate_groups"] or "").split(",")]
    return found


TASK_COLUMNS = ("id, instance_id, tenant, element_id, name, candidate_groups, candidate_users, assignee, status, "
                "due_at, follow_up_at, created_at, completed_at, completed_by, reminders")


def _task_row(fast: Any, r: Any, now: datetime) -> dict[str, Any]:
    out = dict(zip(TASK_COLUMNS.split(", "), r))
    due = fast.read_ts(out["due_at"])
    out["overdue"] = out["status"] == "open" and due is not None and due <= now
    for key in ("due_at", "follow_up_at", "created_at", "completed_at"):
        value = fast.read_ts(out[key])
        out[key] = value.isoformat() if value else None
    return out


def instance(engine: Kernel, instance_id: int) -> dict[str, Any]:
    """An instance's status, waits, open tasks, jobs, incidents and variables."""
    if not is_row_id(instance_id):
        raise NotFound(f"process instance {instance_id} does not exist")
    with engine.reading() as session:
        row = session.get(ProcessInstance, instance_id)
        if row is None:
            raise NotFound(f"process instance {instance_id} does not exist")
        definition = session.get(ProcessDefinition, row.definition_id)
        open_tasks = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                             HumanTask.status == "open")).all()
        timers = session.scalars(select(Timer).where(Timer.instance_id == instance_id)).all()
        jobs = session.scalars(select(ExternalJob).where(ExternalJob.instance_id == instance_id)).all()
        return {
            "id": row.id, "process": definition.key, "version": definition.version, "tenant": row.tenant,
            "business_key": row.business_key, "status": row.status, "started_at": _iso(row.started_at),
            "ended_at": _iso(row.ended_at), "tasks": [task_dict(t, engine.now()) for t in open_tasks],
            "timers": [{"id": t.id, "element_id": t.element_id, "due_at": _iso(t.due_at), "status": t.status}
                       for t in timers],
            "jobs": [{"id": j.id, "element_id": j.element_id, "topic": j.topic, "kind": j.kind, "status": j.status,
                      "attempts": j.attempts, "max_attempts": j.max_attempts, "next_run_at": _iso(j.next_run_at),
                      "last_error": j.last_error} for j in jobs],
            "incidents": _incidents(session, instance_id=instance_id, status=None),
            "variables": row.variables,
        }


def incidents(engine: Kernel, tenant: str | None = None, status: str | None = "open") -> list[dict[str, Any]]:
    """Incidents, newest first."""
    with engine.reading() as session:
        return _incidents(session, tenant=tenant, status=status)


def _incidents(session: Any, tenant: str | None = None, status: str | None = "open",
               instance_id: int | None = None) -> list[dict[str, Any]]:
    q = select(Incident)
    if status is not None:
        q = q.where(Incident.status == status)
    if tenant is not None:
        q = q.where(Incident.tenant == tenant)
    if instance_id is not None:
        q = q.where(Incident.instance_id == instance_id)
    return [{"id": i.id, "instance_id": i.instance_id, "tenant": i.tenant, "element_id": i.element_id,
             "kind": i.kind, "message": i.message, "status": i.status, "created_at": _iso(i.created_at),
             "job_id": i.job_id, "auto_retries": i.auto_retries,
             "next_auto_retry_at": _iso(i.next_auto_retry_at), "resolved_at": _iso(i.resolved_at),
             "resolved_by": i.resolved_by, "resolution": i.resolution,
             "resolution_note": i.resolution_note} for i in session.scalars(q.order_by(Incident.id.desc())).all()]


def history(engine: Kernel, instance_id: int) -> list[dict[str, Any]]:
    """An instance's history events in order."""
    if not is_row_id(instance_id):
        return []
    with engine.reading() as session:
        rows = session.scalars(select(HistoryEvent).where(HistoryEvent.instance_id == instance_id)
                               .order_by(HistoryEvent.id)).all()
        return [{"at": _iso(h.at), "kind": h.kind, "element_id": h.element_id, "actor": h.actor,
                 "detail": h.detail} for h in rows]


def verify_history(engine: Kernel, instance_id: int) -> list[str]:
    """Problems found in an instance's history chain; empty when intact."""
    from engine.history import verify
    if not is_row_id(instance_id):
        return []
    with engine.reading() as session:
        return verify(session, instance_id)
