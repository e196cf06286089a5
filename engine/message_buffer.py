"""Buffered messages taken by a step and put back when the step is rewound (engine/ops_messages.py buffers them)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

if TYPE_CHECKING:
    from engine.kernel import Kernel

BUFFERED = ("SELECT tenant, message_id, payload FROM received_message WHERE message_name = :name AND correlation_key "
            "{key_test} AND tenant IN (:tenant, '') AND status = 'buffered' AND expires_at > :now "
            "ORDER BY received_at LIMIT 1")


def key_test(key: str | None) -> str:
    return "IS NULL" if key is None else "= :key"


def take_buffered(engine: "Kernel", conn: Connection, name: str, key: str | None, instance_id: int,
                  tenant: str) -> tuple[tuple[str, str], dict[str, Any]] | None:
    """The oldest unexpired buffered message of the prefecture for (name, key), marked delivered to `instance_id`.

    Returns ((tenant, message id), payload).
    """
    fast = engine.fast
    found = fast.run(conn, BUFFERED.format(key_test=key_test(key)),
                     {"name": name, "key": key, "tenant": tenant, "now": fast.ts(engine.now())}).first()
    if found is None:
        return None
    fast.run(conn, "UPDATE received_message SET status = 'delivered', instance_id = :iid "
                   "WHERE tenant = :tenant AND message_id = :id",
             {"iid": instance_id, "tenant": found[0], "id": found[1]})
    return (found[0], found[1]), dict(fast.read_js(found[2]) or {})


def put_back(engine: "Kernel", conn: Connection, message: tuple[str, str]) -> None:
    """Return a taken message ((tenant, id)) to the buffer (its step was rewound)."""
    engine.fast.run(conn, "UPDATE received_message SET status = 'buffered', instance_id = NULL "
                          "WHERE tenant = :tenant AND message_id = :id", {"tenant": message[0], "id": message[1]})
