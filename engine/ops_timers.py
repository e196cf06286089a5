"""Fire due timers: each in its own transaction, claimed so that two workers never fire one twice."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.db.models import ProcessInstance, Timer
from engine.db.session import utc

if TYPE_CHECKING:
    from engine.instance import Instance
    from engine.kernel import Kernel
    from engine.step import Step

DUE = "SELECT id FROM timer WHERE status = 'waiting' AND due_at <= :now ORDER BY due_at LIMIT :limit"
CLAIM = "SELECT instance_id, element_id FROM timer WHERE id = :id AND status = 'waiting' AND due_at <= :now"


def fire_due(engine: Kernel, limit: int = 100) -> int:
    """Fire up to `limit` timers whose due time has come (by the engine clock); returns how many fired."""
    return fire_each(engine, DUE, limit, _fire)


def fire_each(engine: Kernel, due_sql: str, limit: int, fire: Callable[["Kernel", Any], int]) -> int:
    """Read the ids `due_sql` finds due now (no lock), then `fire` each in its own transaction."""
    fast, now = engine.fast, engine.now()
    with engine.read() as conn:
        due = [r[0] for r in fast.run(conn, due_sql, {"now": fast.ts(now), "limit": limit})]
    return sum(fire(engine, item) for item in due)


def _fire(engine: Kernel, timer_id: str) -> int:
    fast, now = engine.fast, engine.now()
    with engine.unit() as conn:
        claimed = fast.run(conn, CLAIM, {"id": timer_id, "now": fast.ts(now)}).first()
        if claimed is None:
            return 0  # another worker fired it since we looked
        instance_id, element_id = claimed
        # instance first (the order every operation locks in); a busy instance is left to its holder
        row = engine.lock_instance(conn, instance_id, skip_locked=True)
        if row is None:
            return 0
        # under the instance lock nobody else can fire or move this timer: check it again
        if fast.pg and fast.run(conn, CLAIM, {"id": timer_id, "now": fast.ts(now)}).first() is None:
            return 0
        if row.status != "running":
            fast.run(conn, "DELETE FROM timer WHERE id = :id", {"id": timer_id})
            return 0

        def action(inst: "Instance", step: "Step") -> None:
            inst.workflow.refresh_timers()
            step.record("timer", element_id, {"timer": timer_id})

        step = engine.operate(conn, row, action)
        # a timer that is still due after its step did not fire (a clock or spec problem): park it
        fast.run(conn, "UPDATE timer SET status = 'incident' WHERE id = :id AND due_at <= :now",
                 {"id": timer_id, "now": fast.ts(now)})
    engine.publish(step)
    return 1


def upcoming(engine: Kernel, limit: int = 100) -> list[dict[str, Any]]:
    """Waiting timers, soonest first."""
    with engine.reading() as session:
        rows = session.execute(select(Timer, ProcessInstance.tenant).join(ProcessInstance)
                               .order_by(Timer.due_at).limit(limit)).all()
        return [{"id": t.id, "instance_id": t.instance_id, "element_id": t.element_id,
                 "due_at": utc(t.due_at).isoformat(), "status": t.status, "tenant": tenant} for t, tenant in rows]
