"""Camunda 7's message correlation (RuntimeService.createMessageCorrelation), on kentei's subscriptions.

A message reaches the caller's prefecture only. It is matched as Camunda matches it: the executions
waiting for its name (message_subscription), narrowed by the instance's business key, its id and
correlation keys (equality on process variables); when no execution matches and no instance id was
given, the message start event of the prefecture's current version of a process takes it. Without
`all`, anything but exactly one match is refused (MessageNotCorrelated); with `all`, no match reaches no
one (Camunda's correlateAll). Who may send it and which variables it may set stay declared on the
catching element (engine/message_rules.py, as /api/v1).
Everything is delivered in one transaction, instances locked in id order.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.specs.event_definitions import MessageEventDefinition

from engine import message_rules
from engine.errors import EngineError, NotFound
from engine.instance_queries import same
from engine.message_rules import Sender
from engine.ops_instances import start_on
from engine.ops_messages import RECORD, deliver, message_start
from engine.ops_signals import fire_start

if TYPE_CHECKING:
    from engine.kernel import Kernel
    from engine.step import Step

WAITING = ("SELECT s.instance_id, s.task_id, s.element_id, i.definition_id, i.variables FROM message_subscription s "
           "JOIN process_instance i ON i.id = s.instance_id WHERE s.message_name = :name AND i.tenant = :tenant "
           "AND i.status = 'running'{more} ORDER BY s.instance_id, s.id")
STILL_WAITING = "SELECT 1 FROM message_subscription WHERE instance_id = :i AND message_name = :name LIMIT 1"


class MessageNotCorrelated(EngineError):
    """No target, or several where one was asked for (Camunda's MismatchingMessageCorrelationException)."""


@dataclass
class Correlation:
    """What a caller correlates: Camunda's CorrelationMessageDto, with the variables already decoded."""

    name: str
    business_key: str | None = None
    instance_id: int | None = None
    keys: dict[str, Any] = field(default_factory=dict)  # correlationKeys: process variable → value
    variables: dict[str, Any] = field(default_factory=dict)  # processVariables
    all: bool = False
    nothing: bool = False  # a tenant filter that leaves none of the caller's instances


@dataclass(frozen=True)
class Correlated:
    """One target reached: an execution (a waiting task of an instance) or a process it started."""

    kind: str  # Execution | ProcessDefinition
    instance_id: int
    execution_id: str | None


def no_match(name: str, why: str = "") -> MessageNotCorrelated:
    return MessageNotCorrelated(f"Cannot correlate message '{name}': No process definition or execution matches the "
                                f"parameters{f' ({why})' if why else ''}")


def correlate(engine: Kernel, sender: Sender, c: Correlation) -> list[Correlated]:
    """Deliver `c` to its targets in the sender's prefecture; the targets reached, in order."""
    tenant, fast = sender.tenant, engine.fast
    if c.nothing:
        if c.all:  # Camunda's correlateAll answers an empty list where nothing matches
            return []
        raise no_match(c.name)
    more, params = "", {"name": c.name, "tenant": tenant}
    if c.business_key is not None:
        more, params["bk"] = more + " AND i.business_key = :bk", c.business_key
    if c.instance_id is not None:
        more, params["iid"] = more + " AND i.id = :iid", c.instance_id
    steps: list[Step] = []
    reached: list[Correlated] = []
    with engine.unit() as conn:
        rows = fast.run(conn, WAITING.format(more=more), params).all()
        executions = [(iid, task_id, element, definition) for iid, task_id, element, definition, variables in rows
                      if _keys_match(fast.read_js(variables) or {}, c.keys)]
        starter = None
        if (not executions or c.all) and c.instance_id is None:
            starter = message_start(engine, conn, tenant, c.name)
        if not executions and starter is None:
            if c.all:
                return []
            raise no_match(c.name)
        if not c.all and len(executions) > 1:
            raise MessageNotCorrelated(f"ENGINE-13031 Cannot correlate a message with name '{c.name}' to a single "
                                       f"execution. {len(executions)} executions match the correlation keys")
        if not c.all and executions:
            starter = None
        by_instance: dict[int, list[tuple[str, str, int]]] = {}
        for iid, task_id, element, definition in executions:
            by_instance.setdefault(iid, []).append((task_id, element, definition))
        try:  # the sender and its variables, against every element the message reaches, before anything moves
            for iid, waits in by_instance.items():
                rule = message_rules.for_wait(engine, conn, waits[0][2], [w[1] for w in waits], c.name)
                message_rules.check(rule, c.name, sender, c.variables)
            if starter is not None:
                message_rules.check(message_rules.for_wait(engine, conn, starter[2], [starter[1]], c.name), c.name,
                                    sender, c.variables)
        except NotFound as exc:
            raise no_match(c.name, f"{exc}: declare camunda:property messageSenders on the catching element") from None
        now = fast.ts(engine.now())
        for iid in sorted(by_instance):
            row = engine.lock_instance(conn, iid)
            if row.status != "running" or fast.run(conn, STILL_WAITING, {"i": iid, "name": c.name}).first() is None:
                raise no_match(c.name, f"process instance {iid} moved on meanwhile")
            message_id = f"rest-{uuid.uuid4()}"
            steps.append(engine.operate(conn, row, deliver(c.name, dict(c.variables), message_id), sender.user))
            fast.run(conn, RECORD, _record(fast, tenant, message_id, c, "delivered", iid, now))
            reached += [Correlated("Execution", iid, w[0]) for w in by_instance[iid][:1 if not c.all else None]]
        if starter is not None:
            message_id = f"rest-{uuid.uuid4()}"
            step = start_on(engine, conn, starter[0], tenant, dict(c.variables), c.business_key, sender.user,
                            trigger=fire_start(starter[1], MessageEventDefinition(c.name), dict(c.variables), "message"))
            fast.run(conn, RECORD, _record(fast, tenant, message_id, c, "delivered", step.row.id, now))
            steps.append(step)
            reached.append(Correlated("ProcessDefinition", step.row.id, None))
    for step in steps:
        engine.publish(step)
    return reached


def _record(fast: Any, tenant: str, message_id: str, c: Correlation, status: str, iid: int | None,
            now: Any) -> dict[str, Any]:
    return {"tenant": tenant, "id": message_id, "name": c.name, "key": c.business_key, "payload": fast.js(c.variables),
            "status": status, "instance_id": iid, "now": now, "expires": None}


def _keys_match(variables: dict[str, Any], keys: dict[str, Any]) -> bool:
    return all(name in variables and same(variables[name], value) for name, value in keys.items())
