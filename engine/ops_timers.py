"""Fire due timers: each in its own transaction, claimed so that two workers never fire one twice."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.db.models import ProcessInstance, Timer

if TYPE_CHECKING:
    from engine.instance import Instance
    from engine.runtime import Engine
    from engine.step import Step


def fire_due(engine: "Engine", limit: int = 100) -> int:
    """Fire up to `limit` timers whose due time has come (by the engine clock); returns how many fired."""
    fired = 0
    for _ in range(limit):
        outcome = _fire_one(engine)
        if outcome is None:
            break
        fired += outcome
    return fired


def _fire_one(engine: "Engine") -> int | None:
    now = engine.now()
    with engine.transaction() as session, session.begin():
        query = (select(Timer).where(Timer.due_at <= now, Timer.status == "waiting")
                 .order_by(Timer.due_at).limit(1))
        if engine.is_postgres:
            query = query.with_for_update(skip_locked=True)
        timer = session.scalars(query).first()
        if timer is None:
            return None
        row = engine.lock_instance(session, timer.instance_id)
        if row.status != "running":
            session.delete(timer)
            return 0
        timer_id, element_id = timer.id, timer.element_id

        def action(inst: "Instance", step: "Step") -> None:
            inst.workflow.refresh_timers()
            step.record("timer", element_id, {"timer": timer_id})

        step = engine.operate(session, row, action)
        still = session.get(Timer, timer_id)
        if still is not None and still.due_at is not None and _utc(still.due_at) <= now:
            still.status = "incident"  # it did not fire at its time: leave it for a person
    engine.publish(step)
    return 1


def upcoming(engine: "Engine", limit: int = 100) -> list[dict[str, Any]]:
    """Waiting timers, soonest first."""
    with engine.transaction() as session:
        rows = session.execute(select(Timer, ProcessInstance.tenant).join(ProcessInstance)
                               .order_by(Timer.due_at).limit(limit)).all()
        return [{"id": t.id, "instance_id": t.instance_id, "element_id": t.element_id,
                 "due_at": _utc(t.due_at).isoformat(), "status": t.status, "tenant": tenant} for t, tenant in rows]


def _utc(dt: Any) -> Any:
    from engine.db.session import utc
    return utc(dt)
