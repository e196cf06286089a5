"""Message correlation by name and key: applied once per message id; unmatched ones are buffered."""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from engine.db.models import MessageSubscription, ReceivedMessage
from engine.errors import Conflict

if TYPE_CHECKING:
    from engine.instance import Instance
    from engine.runtime import Engine
    from engine.step import Step


def correlate(engine: "Engine", name: str, key: str | None, data: dict[str, Any] | None = None,
              message_id: str | None = None) -> dict[str, Any]:
    """Deliver a message to the instance waiting for (name, key).

    Returns {"status": "delivered"|"buffered"|"duplicate", "instance_id": …}. With no
    receiver the message is kept for KENTEI_MESSAGE_TTL_SECONDS and handed to the
    first instance that starts waiting for it.
    """
    if not isinstance(data or {}, dict):
        raise Conflict("message data must be a JSON object")
    try:
        with engine.transaction() as session, session.begin():
            if message_id is not None:
                seen = session.get(ReceivedMessage, message_id)
                if seen is not None:
                    return {"status": "duplicate", "instance_id": seen.instance_id, "message_id": message_id}
            now = engine.now()
            sub = session.scalars(select(MessageSubscription).where(
                MessageSubscription.message_name == name, MessageSubscription.correlation_key == key)
                .order_by(MessageSubscription.id).limit(1)).first()
            record = ReceivedMessage(message_id=message_id or _generated_id(), message_name=name,
                                     correlation_key=key, payload=data or {}, received_at=now)
            if sub is None:
                record.status = "buffered"
                record.expires_at = now + timedelta(seconds=engine.settings.message_ttl_seconds)
                session.add(record)
                return {"status": "buffered", "instance_id": None, "message_id": record.message_id}
            row = engine.lock_instance(session, sub.instance_id)
            step = engine.operate(session, row, deliver(name, data or {}, record.message_id))
            record.status, record.instance_id = "delivered", row.id
            session.add(record)
        engine.publish(step)
    except IntegrityError:
        return {"status": "duplicate", "instance_id": None, "message_id": message_id}
    return {"status": "delivered", "instance_id": row.id, "message_id": record.message_id}


def deliver(name: str, payload: dict[str, Any], message_id: str):  # type: ignore[no-untyped-def]
    """The action that hands a message to a waiting workflow."""
    def action(inst: "Instance", step: "Step") -> None:
        if inst.deliver_message(name, payload) == 0:
            raise Conflict(f"instance {step.row.id} is no longer waiting for message '{name}'")
        step.record("message", None, {"name": name, "message_id": message_id, "fields": sorted(payload)})
    return action


def take_buffered(engine: "Engine", session: Any, name: str, key: str | None) -> ReceivedMessage | None:
    """The oldest unexpired buffered message for (name, key), marked as taken."""
    now = engine.now()
    msg = session.scalars(select(ReceivedMessage).where(
        ReceivedMessage.message_name == name, ReceivedMessage.correlation_key == key,
        ReceivedMessage.status == "buffered", ReceivedMessage.expires_at > now)
        .order_by(ReceivedMessage.received_at).limit(1)).first()
    return msg


def expire_buffered(engine: "Engine") -> int:
    """Mark buffered messages past their time-to-live as expired; returns how many."""
    with engine.transaction() as session, session.begin():
        result = session.execute(update(ReceivedMessage).where(
            ReceivedMessage.status == "buffered", ReceivedMessage.expires_at <= engine.now())
            .values(status="expired"))
        return result.rowcount or 0


def _generated_id() -> str:
    import uuid
    return f"gen-{uuid.uuid4()}"
