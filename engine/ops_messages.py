"""Message correlation by name and key: applied once per message id; unmatched ones are buffered."""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, update
from sqlalchemy.exc import IntegrityError

from engine.db.models import ReceivedMessage
from engine.errors import Conflict

if TYPE_CHECKING:
    from engine.instance import Instance
    from engine.runtime import Engine
    from engine.step import Step

SEEN = "SELECT instance_id FROM received_message WHERE message_id = :id"
SUBSCRIBER = ("SELECT instance_id FROM message_subscription WHERE message_name = :name AND "
              "correlation_key {key_test} ORDER BY id LIMIT 1")
RECORD = ("INSERT INTO received_message (message_id, message_name, correlation_key, payload, status, instance_id, "
          "received_at, expires_at) VALUES (:id, :name, :key, JSON(:payload), :status, :instance_id, :now, :expires)")
BUFFERED = ("SELECT message_id, payload FROM received_message WHERE message_name = :name AND correlation_key "
            "{key_test} AND status = 'buffered' AND expires_at > :now ORDER BY received_at LIMIT 1")


def _key_test(key: str | None) -> str:
    return "IS NULL" if key is None else "= :key"


def correlate(engine: "Engine", name: str, key: str | None, data: dict[str, Any] | None = None,
              message_id: str | None = None) -> dict[str, Any]:
    """Deliver a message to the instance waiting for (name, key).

    Returns {"status": "delivered"|"buffered"|"duplicate", "instance_id": …}. With no
    receiver the message is kept for KENTEI_MESSAGE_TTL_SECONDS and handed to the
    first instance that starts waiting for it.
    """
    if not isinstance(data or {}, dict):
        raise Conflict("message data must be a JSON object")
    fast, payload = engine.fast, data or {}
    message_id = message_id or f"gen-{uuid.uuid4()}"
    try:
        with engine.unit() as conn:
            seen = fast.run(conn, SEEN, {"id": message_id}).first()
            if seen is not None:
                return {"status": "duplicate", "instance_id": seen[0], "message_id": message_id}
            now = engine.now()
            sub = fast.run(conn, SUBSCRIBER.format(key_test=_key_test(key)), {"name": name, "key": key}).first()
            record = {"id": message_id, "name": name, "key": key, "payload": fast.js(payload),
                      "now": fast.ts(now), "status": "buffered", "instance_id": None, "expires": None}
            if sub is None:
                record["expires"] = fast.ts(now + timedelta(seconds=engine.settings.message_ttl_seconds))
                fast.run(conn, RECORD, record)
                return {"status": "buffered", "instance_id": None, "message_id": message_id}
            row = engine.lock_instance(conn, sub[0])
            step = engine.operate(conn, row, deliver(name, payload, message_id))
            fast.run(conn, RECORD, {**record, "status": "delivered", "instance_id": row.id})
        engine.publish(step)
    except (IntegrityError, engine.db.dialect.dbapi.IntegrityError):  # the same id, at the same moment
        return {"status": "duplicate", "instance_id": None, "message_id": message_id}
    return {"status": "delivered", "instance_id": row.id, "message_id": message_id}


def deliver(name: str, payload: dict[str, Any], message_id: str):  # type: ignore[no-untyped-def]
    """The action that hands a message to a waiting workflow."""
    def action(inst: "Instance", step: "Step") -> None:
        if inst.deliver_message(name, payload) == 0:
            raise Conflict(f"instance {step.row.id} is no longer waiting for message '{name}'")
        step.record("message", None, {"name": name, "message_id": message_id, "fields": sorted(payload)})
    return action


def take_buffered(engine: "Engine", conn: Connection, name: str, key: str | None,
                  instance_id: int) -> tuple[str, dict[str, Any]] | None:
    """The oldest unexpired buffered message for (name, key), marked delivered to `instance_id`."""
    fast = engine.fast
    found = fast.run(conn, BUFFERED.format(key_test=_key_test(key)),
                     {"name": name, "key": key, "now": fast.ts(engine.now())}).first()
    if found is None:
        return None
    fast.run(conn, "UPDATE received_message SET status = 'delivered', instance_id = :iid WHERE message_id = :id",
             {"iid": instance_id, "id": found[0]})
    return found[0], dict(fast.read_js(found[1]) or {})


def put_back(engine: "Engine", conn: Connection, message_id: str) -> None:
    """Return a taken message to the buffer (its step was rewound)."""
    engine.fast.run(conn, "UPDATE received_message SET status = 'buffered', instance_id = NULL "
                          "WHERE message_id = :id", {"id": message_id})


def expire_buffered(engine: "Engine") -> int:
    """Mark buffered messages past their time-to-live as expired; returns how many."""
    with engine.transaction() as session, session.begin():
        result = session.execute(update(ReceivedMessage).where(
            ReceivedMessage.status == "buffered", ReceivedMessage.expires_at <= engine.now())
            .values(status="expired"))
        return result.rowcount or 0
