"""Who may send a message from outside, and which variables it may set: declared where it is caught.

On the receive task, message catch event or message boundary event (camunda:properties):

    messageSenders    roles that may send it, comma-separated: `payment` (an account or token of the
                      payment gateway), `portal` (the applicant portal, never a staff account)
    messageVariables  the variables it may set, comma-separated; anything else is refused

A message that no deployed process of the sender's prefecture declares senders for is refused:
what is not declared is not open. In-process callers with no sender (the CLI, the demo, a test)
are trusted and unchecked; the API and the portal always pass one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent

from engine.errors import BadInput, Forbidden, NotFound

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from engine.runtime import Engine

PLAIN_VARIABLE = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")


@dataclass(frozen=True)
class Sender:
    """Who sends a message from outside: a user (or `portal:<pseudonym>`), their prefecture and roles."""

    user: str
    tenant: str
    roles: frozenset[str]


@dataclass
class MessageRule:
    """What the catching elements of one message name declare, merged over a prefecture's processes."""

    senders: set[str] = field(default_factory=set)
    variables: set[str] = field(default_factory=set)
    key_variables: set[str] = field(default_factory=set)  # `${v}` correlation keys: the instance variable holding it
    by_business_key: bool = False  # an element correlates on the business key


def _split(value: str | None) -> set[str]:
    return {v.strip() for v in (value or "").split(",") if v.strip()}


def of_spec(spec: Any, subs: dict[str, Any]) -> dict[str, MessageRule]:
    """The message rules a process declares (its own elements and those of the processes it embeds)."""
    rules: dict[str, MessageRule] = {}
    for process in (spec, *subs.values()):
        for task_spec in process.task_specs.values():
            definition = getattr(task_spec, "event_definition", None)
            if not isinstance(task_spec, CatchingEvent):
                continue
            for d in getattr(definition, "event_definitions", None) or [definition]:
                if not isinstance(d, MessageEventDefinition):
                    continue
                props = getattr(task_spec, "extensions", {}).get("properties", {})
                rule = rules.setdefault(d.name, MessageRule())
                rule.senders |= _split(props.get("messageSenders"))
                rule.variables |= _split(props.get("messageVariables"))
                key = props.get("correlationKey")
                plain = PLAIN_VARIABLE.fullmatch(key.strip()) if key else None
                if plain:
                    rule.key_variables.add(plain.group(1))
                elif not key:
                    rule.by_business_key = True
    return rules


def effective(engine: "Engine", conn: "Connection", tenant: str, name: str) -> MessageRule:
    """The rule for `name` over the processes a prefecture runs: its own newest versions, else the shared ones."""
    merged = MessageRule()
    for definition_id in engine.repository.current_definitions(engine.fast, conn, tenant):
        rule = engine.repository.message_rules(conn, definition_id).get(name)
        if rule is not None:
            merged.senders |= rule.senders
            merged.variables |= rule.variables
            merged.key_variables |= rule.key_variables
            merged.by_business_key |= rule.by_business_key
    return merged


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


def key_is_known(engine: "Engine", conn: "Connection", tenant: str, rule: MessageRule, key: str) -> bool:
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
