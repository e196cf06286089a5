"""Timer start events: a process definition's own schedule, which starts new instances.

Deploying a version whose start event has a timer schedules it (the previous version's
schedule is superseded, as in Camunda). When it is due, one transaction starts one
instance per prefecture served and moves the schedule on, so two workers or a restart
never start a cycle twice. A cycle missed while no worker ran fires once, late, and the
schedule continues at its next future slot (no burst of catch-up starts).

Values are literal (there is no process data yet): timeDate (ISO 8601), timeDuration
(from the deployment), timeCycle as an ISO 8601 repeating interval (R[n]/[start/]period)
or a cron expression (5 fields, or Quartz's 6–7 with seconds and ?), in Asia/Tokyo
unless it names a zone.
"""
from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.db.models import StartTimer
from engine.db.session import utc
from engine.ops_instances import start_on
from engine.ops_timers import fire_each
from engine.start_schedule import StartSchedule

if TYPE_CHECKING:
    from engine.kernel import Kernel

def schedule(session: Session, definition_id: int, key: str, tenant: str, spec: Any, tz: tzinfo,
             now: datetime) -> int:
    """Supersede the process's older schedules of the same tenant and add this version's; how many were added."""
    session.execute(update(StartTimer).where(StartTimer.process_key == key, StartTimer.tenant == tenant,
                                             StartTimer.status == "waiting").values(status="superseded"))
    added = 0
    for task_spec in spec.task_specs.values():
        timer = getattr(task_spec, "extensions", {}).get("start_timer")
        if not timer:
            continue
        due, origin = StartSchedule(timer["kind"], timer["value"], tz).first(now)
        session.add(StartTimer(definition_id=definition_id, tenant=tenant, process_key=key,
                               element_id=task_spec.bpmn_id,
                               kind=timer["kind"], value=timer["value"], origin=origin, slot=0, due_at=due,
                               status="waiting" if due else "done", fired_count=0))
        added += 1
    return added


def reschedule(engine: Kernel, now: datetime) -> int:
    """Recompute every waiting start timer's first due time from `now` (after a demo ran on a fake clock)."""
    with engine.transaction() as session, session.begin():
        timers = session.scalars(select(StartTimer).where(StartTimer.status == "waiting")).all()
        for t in timers:
            t.due_at, t.origin = StartSchedule(t.kind, t.value, engine.tz).first(now)
            t.slot = 0
        return len(timers)


DUE = "SELECT id FROM start_timer WHERE status = 'waiting' AND due_at <= :now ORDER BY due_at LIMIT :limit"
CLAIM = ("SELECT id, process_key, kind, value, origin, slot, due_at, tenant FROM start_timer "
         "WHERE id = :id AND status = 'waiting' AND due_at <= :now")


def served_tenants(engine: Kernel, conn: Any) -> list[str]:
    """The prefectures a start timer starts instances for: KENTEI_TENANTS, else those with active staff."""
    if engine.settings.tenants:
        return list(engine.settings.tenants)
    rows = engine.fast.run(conn, "SELECT DISTINCT tenant FROM staff_user WHERE active = :yes ORDER BY tenant",
                           {"yes": True}).all()
    return [r[0] for r in rows]


def _starts_for(engine: Kernel, conn: Any, key: str, owner: str) -> list[str]:
    """A prefecture's own schedule starts for it alone; a shared one for every prefecture served that has
    no version of the process of its own (its own version, and its own schedule, replace the shared one)."""
    if owner:
        return [owner]
    own = {r[0] for r in engine.fast.run(conn, "SELECT DISTINCT tenant FROM process_definition WHERE key = :key "
                                               "AND tenant <> ''", {"key": key}).all()}
    return [t for t in served_tenants(engine, conn) if t not in own]


def fire_due(engine: Kernel, limit: int = 100) -> int:
    """Fire due start timers, each in its own transaction; returns how many instances were started."""
    return fire_each(engine, DUE, limit, _fire)


def _fire(engine: Kernel, timer_id: int) -> int:
    fast, now = engine.fast, engine.now()
    lock = " FOR UPDATE SKIP LOCKED" if fast.pg else ""
    steps = []
    with engine.unit() as conn:
        row = fast.run(conn, CLAIM + lock, {"id": timer_id, "now": fast.ts(now)}).first()
        if row is None:
            return 0  # another worker fired it, or holds it right now
        _, key, kind, value, origin, slot, due, owner = row
        due, origin = fast.read_ts(due), fast.read_ts(origin)
        mark = due.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        for tenant in _starts_for(engine, conn, key, owner):
            steps.append(start_on(engine, conn, key, tenant, {"scheduledFor": due.isoformat()},
                                  business_key=f"{key}@{mark}", actor="timer"))
        nxt, next_slot = StartSchedule(kind, value, engine.tz).following(
            due, slot, origin.astimezone(engine.tz) if origin else None, now)
        fast.run(conn, "UPDATE start_timer SET due_at = :due, slot = :slot, status = :status, "
                       "fired_count = fired_count + 1, last_fired_at = :now WHERE id = :id",
                 {"due": fast.ts(nxt) if nxt else fast.ts(due), "slot": next_slot,
                  "status": "waiting" if nxt else "done", "now": fast.ts(now), "id": timer_id})
    for step in steps:
        engine.publish(step)
    return len(steps)


def upcoming(engine: Kernel) -> list[dict[str, Any]]:
    """Waiting start timers, soonest first."""
    with engine.reading() as session:
        rows = session.scalars(select(StartTimer).where(StartTimer.status == "waiting")
                               .order_by(StartTimer.due_at)).all()
        return [{"id": t.id, "tenant": t.tenant or None, "process": t.process_key, "element_id": t.element_id,
                 "kind": t.kind, "value": t.value, "due_at": utc(t.due_at).isoformat(), "fired": t.fired_count}
                for t in rows]
