"""Who may send a message from outside, and which variables it may set: declared where it is caught.

On the receive task, message catch event or message boundary event (camunda:properties):

    messageSenders    roles that may send it, comma-separated: `payment` (an account or token of the
                      payment gateway), `portal` (the applicant portal, never a staff account)
    messageVariables  the variables it may set, comma-separated; anything else is refused

A message is checked against the element it reaches, in the version its instance runs; a message
that waits in the buffer, against every element that could take it (all must allow it). What is
not declared is not open. In-process callers with no sender (the CLI, the demo, a test)
are trusted and unchecked; the API and the portal always pass one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import EventBasedGateway

from engine.errors import BadInput, Forbidden, NotFound

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from engine.kernel import Kernel

PLAIN_VARIABLE = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")


@dataclass(frozen=True)
class Sender:
    """Who sends a message from outside: a user (or `portal:<pseudonym>`), their prefecture and roles."""

    user: str
    tenant: str
    roles: frozenset[str]


@dataclass
class MessageRule:
    """What one catching element declares for one message name (or what several must all allow)."""

    senders: frozenset[str] = frozenset()
    variables: frozenset[str] = frozenset()
    key_variables: frozenset[str] = frozenset()  # `${v}` correlation keys: the instance variable holding it
    by_business_key: bool = False  # the element correlates on the business key


def _split(value: str | None) -> frozenset[str]:
    return frozenset(v.strip() for v in (value or "").split(",") if v.strip())


def _catches(task_spec: Any) -> list[tuple[str, dict[str, str]]]:
    """(message name, the declaring element's properties) for each message a waiting element catches.

    After an event-based gateway SpiffWorkflow moves each following catch event's definition onto the
    gateway (in the order of its outputs): the declarations stay on those catch events.
    """
    definition = getattr(task_spec, "event_definition", None)
    own = getattr(task_spec, "extensions", {}).get("properties", {})
    children = getattr(definition, "event_definitions", None)
    if children is None:
        return [(definition.name, own)] if isinstance(definition, MessageEventDefinition) else []
    outputs = list(getattr(task_spec, "outputs", []))
    found = []
    for index, d in enumerate(children):
        if isinstance(d, MessageEventDefinition):
            child = outputs[index] if isinstance(task_spec, EventBasedGateway) and index < len(outputs) else task_spec
            found.append((d.name, getattr(child, "extensions", {}).get("properties", {}) or own))
    return found


def of_spec(spec: Any, subs: dict[str, Any]) -> dict[str, dict[str, MessageRule]]:
    """Message name → {element id of the wait → its rule}, for a process and the processes it embeds."""
    rules: dict[str, dict[str, MessageRule]] = {}
    for process in (spec, *subs.values()):
        for task_spec in process.task_specs.values():
            if not isinstance(task_spec, CatchingEvent):
                continue
            # the correlation key is the waiting element's, as the subscription takes it (engine/projections)
            key = getattr(task_spec, "extensions", {}).get("properties", {}).get("correlationKey")
            plain = PLAIN_VARIABLE.fullmatch(key.strip()) if key else None
            for name, props in _catches(task_spec):
                rules.setdefault(name, {})[task_spec.bpmn_id] = MessageRule(
                    _split(props.get("messageSenders")), _split(props.get("messageVariables")),
                    frozenset({plain.group(1)}) if plain else frozenset(), not key)
    return rules


def for_wait(engine: Kernel, conn: "Connection", definition_id: int, element_ids: list[str],
             name: str) -> MessageRule:
    """What the elements a message is about to reach allow, in the version their instance runs (an element
    that declares nothing allows nothing)."""
    declared = engine.repository.message_rules(conn, definition_id).get(name, {})
    return _all_of([declared.get(e, MessageRule()) for e in element_ids])


def for_buffer(engine: Kernel, conn: "Connection", tenant: str, name: str) -> MessageRule:
    """What every element that could take a buffered message allows (the prefecture's current versions):
    the senders and variables all of them declare; the keys any of them correlates on."""
    return _all_of([r for definition_id in engine.repository.current_definitions(engine.fast, conn, tenant)
                    for r in engine.repository.message_rules(conn, definition_id).get(name, {}).values()])


def _all_of(rules: list[MessageRule]) -> MessageRule:
    """The senders and variables every rule allows; the keys any of them correlates on."""
    if not rules:
        return MessageRule()
    return MessageRule(frozenset.intersection(*(r.senders for r in rules)),
                       frozenset.intersection(*(r.variables for r in rules)),
                       frozenset().union(*(r.key_variables for r in rules)), any(r.by_business_key for r in rules))


def check(rule: MessageRule, name: str, sender: Sender, payload: dict[str, Any]) -> None:
    """Refuse a message its sender may not send, or variables it may not set (nothing is kept)."""
    if not rule.senders:
        raise NotFound(f"no process of prefecture {sender.tenant} accepts message '{name}' from outside")
    if not rule.senders & sender.roles:
        raise Forbidden(f"message '{name}' may be sent only by {', '.join(sorted(rule.senders))}")
    extra = sorted(set(payload) - rule.variables)
    if extra:
        allowed = ", ".join(sorted(rule.variables)) or "no variables"
        raise BadInput(f"message '{name}' may not set '{extra[0]}' (it may set {allowed})", f"data.{extra[0]}")


def key_is_known(engine: Kernel, conn: "Connection", tenant: str, rule: MessageRule, key: str) -> bool:
    """Whether a running instance of the prefecture has this correlation key (a message may wait for it)."""
    fast = engine.fast
    tests = ["business_key = :key"] if rule.by_business_key else []
    for v in sorted(rule.key_variables):  # names matched PLAIN_VARIABLE: safe to write into the statement
        tests.append(f"variables ->> '{v}' = :key" if fast.pg else f"json_extract(variables, '$.{v}') = :key")
    if not tests:
        return False
    found = fast.run(conn, f"SELECT 1 FROM process_instance WHERE tenant = :tenant AND status = 'running' "
                           f"AND ({' OR '.join(tests)}) LIMIT 1", {"tenant": tenant, "key": key}).first()
    return found is not None
