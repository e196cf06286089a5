"""Signals across the instances of a prefecture, and the instances signal and message start events start.

A signal reaches every instance of its prefecture waiting for its name (signal_subscription) and
starts one instance of each process whose current version (the prefecture's own, else the shared
one) has a signal start event of that name; it never reaches another prefecture.

- `signal()` (the CLI, the API, a test) delivers in one transaction, as Camunda 7's REST /signal does.
- A signal an instance throws reaches its own catchers at once (engine/bpmn/signals.py); for the
  others it is written to `thrown_signal` in the throwing transaction and delivered **right after
  it commits**, in a transaction of its own (`deliver_thrown`, from Kernel.publish; the scheduler
  picks up any left behind by a crash). Camunda 7 delivers in the throwing transaction; kentei
  does not, because that transaction already holds the thrower's lock and taking the receivers'
  as well could deadlock with another thrower. Each delivery locks its receivers in instance-id
  order, and holds no other instance lock, so no two deliveries can deadlock.
"""
from __future__ import annotations

import contextvars
import logging
from typing import TYPE_CHECKING, Any

from engine.bpmn.signals import KenteiSignal
from engine.errors import BadInput, EngineError
from engine.ops_instances import TENANT, start_on
from engine.repository import OWN_THEN_SHARED

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from engine.instance import Instance
    from engine.kernel import Kernel
    from engine.step import Step

log = logging.getLogger("kentei.signals")
SUBSCRIBERS = ("SELECT DISTINCT instance_id FROM signal_subscription WHERE tenant = :tenant AND signal_name = :name "
               "ORDER BY instance_id")
STILL_WAITING = "SELECT 1 FROM signal_subscription WHERE instance_id = :i AND signal_name = :name LIMIT 1"
SAVE_THROWN = ("INSERT INTO thrown_signal (tenant, signal_name, payload, source_instance_id, status, thrown_at) "
               "VALUES (:tenant, :name, JSON(:payload), :source, 'pending', :now)")
_delivering: contextvars.ContextVar[bool] = contextvars.ContextVar("kentei_delivering_signals", default=False)


def signal(engine: "Kernel", name: str, tenant: str, data: dict[str, Any] | None = None,
           actor: str | None = None) -> dict[str, Any]:
    """Broadcast signal `name` to prefecture `tenant`; returns the instances it reached and those it started."""
    if not isinstance(name, str) or not name.strip():
        raise BadInput("a signal needs a name", "name")
    if not TENANT.fullmatch(tenant or ""):
        raise BadInput(f"tenant must be a prefecture code 01–47, not {tenant!r}", "tenant")
    if not isinstance(data or {}, dict):
        raise BadInput("signal data must be a JSON object", "data")
    with engine.unit() as conn:
        reached, started = broadcast(engine, conn, name, tenant, dict(data or {}), None, actor)
    for step in reached + started:
        engine.publish(step)
    return {"name": name, "tenant": tenant, "delivered": [s.row.id for s in reached],
            "started": [s.row.id for s in started]}


def broadcast(engine: "Kernel", conn: "Connection", name: str, tenant: str, payload: dict[str, Any],
              source: int | None, actor: str | None) -> tuple[list["Step"], list["Step"]]:
    """Deliver to the prefecture's waiting instances (but `source`), in id order; start the signal start processes."""
    fast = engine.fast
    reached = []
    for (iid,) in fast.run(conn, SUBSCRIBERS, {"tenant": tenant, "name": name}).all():
        if iid == source:
            continue  # the thrower's own catchers took it when it was thrown
        row = engine.lock_instance(conn, iid)
        if row.status != "running" or fast.run(conn, STILL_WAITING, {"i": iid, "name": name}).first() is None:
            continue  # it moved on since the subscriptions were read
        reached.append(engine.operate(conn, row, _deliver(name, payload), actor))
    started = [start_on(engine, conn, key, tenant, dict(payload), None, actor,
                        trigger=fire_start(element, KenteiSignal(name), payload, "signal"))
               for key, element in start_events(engine, conn, tenant, "signal", name)]
    return reached, started


def _deliver(name: str, payload: dict[str, Any]):  # type: ignore[no-untyped-def]
    def action(inst: "Instance", step: "Step") -> None:
        caught = inst.deliver_signal(name, payload)
        step.record("signal", None, {"name": name, "fields": sorted(payload), "caught": caught}, step.actor)
    return action


def fire_start(element: str, definition: Any, payload: dict[str, Any], kind: str):  # type: ignore[no-untyped-def]
    """A start_on trigger: the instance starts at `element`, which has caught the event."""
    def trigger(inst: "Instance", step: "Step") -> None:
        inst.start_at(element, definition, payload)
        step.record(kind, element, {"name": definition.name, "fields": sorted(payload), "start": True})
    return trigger


def start_events(engine: "Kernel", conn: "Connection", tenant: str, kind: str, name: str) -> list[tuple[str, str]]:
    """(process key, start event id) of each current process of the prefecture with a `kind` start event `name`."""
    rows = engine.fast.run(conn, f"SELECT key, id FROM process_definition WHERE {OWN_THEN_SHARED}",
                           {"tenant": tenant}).all()
    current: dict[str, int] = {}
    for key, definition_id in rows:
        current.setdefault(key, definition_id)
    found = []
    for key, definition_id in sorted(current.items()):
        for k, n, element in engine.repository.start_events(conn, definition_id):
            if (k, n) == (kind, name):
                found.append((key, element))
    return found


def save_thrown(engine: "Kernel", step: "Step") -> None:
    """Keep the signals this step threw, for the prefecture's other instances (inside its transaction)."""
    fast = engine.fast
    fast.run(step.conn, SAVE_THROWN, [{"tenant": step.row.tenant, "name": name, "payload": fast.js(payload),
                                       "source": step.row.id, "now": fast.ts(step.now)}
                                      for name, payload in step.signals_thrown])


def deliver_thrown(engine: "Kernel", limit: int = 100) -> int:
    """Deliver thrown signals still pending, oldest first, each in its own transaction; returns how many."""
    if _delivering.get():
        return 0  # the delivery loop further up takes what this step threw
    token = _delivering.set(True)
    fast, done = engine.fast, 0
    try:
        while done < limit:
            claim = ("SELECT id, tenant, signal_name, payload, source_instance_id FROM thrown_signal "
                     "WHERE status = 'pending' ORDER BY id LIMIT 1" + (" FOR UPDATE SKIP LOCKED" if fast.pg else ""))
            try:
                with engine.unit() as conn:
                    row = fast.run(conn, claim).first()
                    if row is None:
                        break
                    sid, tenant, name, payload, source = row
                    # delivered rows go (their payload is process data): the receivers' history records them
                    fast.run(conn, "DELETE FROM thrown_signal WHERE id = :id", {"id": sid})
                    reached, started = broadcast(engine, conn, name, tenant, dict(fast.read_js(payload) or {}),
                                                 source, f"instance:{source}")
            except EngineError as exc:  # never retried in a loop: kept as failed, with the reason in the log
                log.warning("thrown signal %s could not be delivered: %s", sid, exc)
                with engine.unit() as conn:
                    fast.run(conn, "UPDATE thrown_signal SET status = 'failed', delivered_at = :now WHERE id = :id",
                             {"now": fast.ts(engine.now()), "id": sid})
                done += 1
                continue
            for step in reached + started:
                engine.publish(step)
            done += 1
    finally:
        _delivering.reset(token)
    return done


def signal_execution(engine: "Kernel", name: str, tenant: str, execution_id: str, data: dict[str, Any] | None = None,
                     actor: str | None = None) -> int:
    """Deliver signal `name` to the one instance of the prefecture whose waiting task `execution_id` catches it
    (Camunda's /signal with executionId); returns the instance id."""
    from engine.errors import NotFound
    fast = engine.fast
    with engine.unit() as conn:
        found = fast.run(conn, "SELECT instance_id, signal_name FROM signal_subscription WHERE task_id = :t "
                               "AND tenant = :tenant", {"t": execution_id, "tenant": tenant}).all()
        if not found:
            raise NotFound(f"execution {execution_id} does not exist or waits for no signal")
        if name not in {n for _, n in found}:
            raise BadInput(f"execution {execution_id} has not subscribed to a signal event with name '{name}'", "name")
        row = engine.lock_instance(conn, found[0][0])
        step = engine.operate(conn, row, _deliver(name, dict(data or {})), actor)
    engine.publish(step)
    return row.id
