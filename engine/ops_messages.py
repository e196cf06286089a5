"""Message correlation by name and key: applied once per message id; unmatched ones are buffered.

Message ids are a prefecture's own namespace, and a message reaches only its prefecture's
instances: the prefecture is the caller's (the API, the portal), else the one its key names (a
申請受付ID starts with the prefecture code), else none (a trusted caller's unscoped key: '').
"""
from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from engine import message_rules
from engine.db.models import SHARED, ReceivedMessage
from engine.errors import Conflict, NotFound
from engine.message_buffer import key_test
from engine.message_rules import Sender

if TYPE_CHECKING:
    from engine.instance import Instance
    from engine.kernel import Kernel
    from engine.step import Step

TENANT_KEY = re.compile(r"(0[1-9]|[1-3][0-9]|4[0-7])-")  # a 申請受付ID names its prefecture
SEEN = "SELECT instance_id FROM received_message WHERE tenant = :tenant AND message_id = :id"
SUBSCRIBER = ("SELECT s.instance_id, s.element_id, i.definition_id FROM message_subscription s "
              "JOIN process_instance i ON i.id = s.instance_id "
              "WHERE s.message_name = :name AND s.correlation_key {key_test}{tenant_test} ORDER BY s.id LIMIT 1")
WAITING = "SELECT element_id FROM message_subscription WHERE instance_id = :i AND message_name = :name"
RECORD = ("INSERT INTO received_message (tenant, message_id, message_name, correlation_key, payload, status, "
          "instance_id, received_at, expires_at) VALUES (:tenant, :id, :name, :key, JSON(:payload), :status, "
          ":instance_id, :now, :expires)")
def message_tenant(key: str | None) -> str:
    """The prefecture a correlation key names (a 申請受付ID "13-2026-A000001"), else SHARED."""
    found = TENANT_KEY.match(key or "")
    return found.group(1) if found else SHARED


def correlate(engine: Kernel, name: str, key: str | None, data: dict[str, Any] | None = None,
              message_id: str | None = None, tenant: str | None = None,
              sender: Sender | None = None) -> dict[str, Any]:
    """Deliver a message to the prefecture's instance waiting for (name, key).

    Returns {"status": "delivered"|"buffered"|"duplicate", "instance_id": …}. With no
    receiver the message is kept for KENTEI_MESSAGE_TTL_SECONDS and handed to the
    first instance that starts waiting for it. A `sender` must be one the catching elements
    declare, may set only the variables they declare, and may buffer a message only for a key a
    running instance of its prefecture has; otherwise nothing is kept.
    """
    if not isinstance(data or {}, dict):
        raise Conflict("message data must be a JSON object")
    fast, payload = engine.fast, data or {}
    tenant = sender.tenant if sender is not None else (tenant if tenant is not None else message_tenant(key))
    message_id = message_id or f"gen-{uuid.uuid4()}"
    try:
        with engine.unit() as conn:
            tenant_test = " AND i.tenant = :tenant" if tenant else ""
            sub = fast.run(conn, SUBSCRIBER.format(key_test=key_test(key), tenant_test=tenant_test),
                           {"name": name, "key": key, "tenant": tenant}).first()
            rule = None
            if sender is not None:  # the element it reaches decides; a buffered one, every element that may take it
                if sub is not None:  # every element of that instance the message would reach
                    waits = [r[0] for r in fast.run(conn, WAITING, {"i": sub[0], "name": name}).all()]
                    rule = message_rules.for_wait(engine, conn, sub[2], waits, name)
                else:
                    rule = message_rules.for_buffer(engine, conn, tenant, name)
                message_rules.check(rule, name, sender, payload)
            seen = fast.run(conn, SEEN, {"tenant": tenant, "id": message_id}).first()
            if seen is not None:
                return {"status": "duplicate", "instance_id": seen[0], "message_id": message_id}
            now = engine.now()
            record = {"tenant": tenant, "id": message_id, "name": name, "key": key, "payload": fast.js(payload),
                      "now": fast.ts(now), "status": "buffered", "instance_id": None, "expires": None}
            if sub is None:
                if rule is not None and (key is None
                                         or not message_rules.key_is_known(engine, conn, tenant, rule, key)):
                    raise NotFound(f"no application of prefecture {tenant} has the key {key!r}")
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


def expire_buffered(engine: Kernel) -> int:
    """Mark buffered messages past their time-to-live as expired; returns how many."""
    with engine.transaction() as session, session.begin():
        result = session.execute(update(ReceivedMessage).where(
            ReceivedMessage.status == "buffered", ReceivedMessage.expires_at <= engine.now())
            .values(status="expired"))
        return result.rowcount or 0
