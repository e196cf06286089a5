"""POST /message (Camunda's message correlation) and POST /signal, in the caller's prefecture.

/message is matched as Camunda matches it (engine/correlation.py): without `all`, anything but exactly one
target is a 400. Who may send it and which variables it may set are declared on the catching element
(camunda:property messageSenders / messageVariables), as for /api/v1/messages. One kentei rule stays:
a message with only a businessKey that reaches no one yet, for a key a running instance of the
prefecture has, is buffered for KENTEI_MESSAGE_TTL_SECONDS and handed to that instance when it starts
waiting (docs/dialect.md) — 204, or `[]` with resultEnabled — where Camunda answers 400.
/signal reaches every waiting instance of the prefecture and starts signal start events: admin only.
"""
from __future__ import annotations

from typing import Any

from flask import Response

from engine.correlation import Correlated, Correlation, MessageNotCorrelated, correlate
from engine.errors import Conflict, NotFound
from engine.instance_queries import instance
from engine.message_rules import Sender
from engine.ops_signals import signal_execution

from .access import may_read_data, require, viewer
from .core import RestError, body, bp, no_content, reply
from .process_instances import engine, instance_dto
from .variables import decode, encode

NAME_MAX = 255
SIGNALLERS = ("admin",)


def _text(data: dict[str, Any], name: str, required: bool = False) -> str | None:
    value = data.get(name)
    if value is None or (value == "" and not required):
        if required:
            raise RestError(400, f"No {name} specified" if name != "messageName" else "No message name supplied",
                            "InvalidRequestException")
        return None
    if not isinstance(value, str) or not value or len(value) > NAME_MAX:
        raise RestError(400, f"'{name}' must be a string of 1 to {NAME_MAX} characters")
    return value


def _flag(data: dict[str, Any], name: str) -> bool:
    value = data.get(name)
    if value is not None and not isinstance(value, bool):
        raise RestError(400, f"'{name}' must be true or false")
    return bool(value)


def _unsupported(data: dict[str, Any], *names: str) -> None:
    for name in names:
        if data.get(name):
            raise RestError(400, f"'{name}' is not supported: kentei keeps no execution-local variables at a catch event",
                            "InvalidRequestException")


@bp.post("/message")
def message_correlate() -> Response:
    data = body()
    v = viewer()
    name = _text(data, "messageName", required=True)
    assert name is not None
    business_key, tenant_id = _text(data, "businessKey"), _text(data, "tenantId")
    without_tenant, every, with_result = _flag(data, "withoutTenantId"), _flag(data, "all"), _flag(data, "resultEnabled")
    with_variables = _flag(data, "variablesInResultEnabled")
    if tenant_id is not None and without_tenant:
        raise RestError(400, "Parameter 'tenantId' cannot be used together with parameter 'withoutTenantId'.")
    _unsupported(data, "localCorrelationKeys", "processVariablesLocal", "processVariablesToTriggeredScope")
    if with_result and with_variables and not may_read_data(v):
        raise RestError(403, f"The user '{v.user}' may not read variables (variablesInResultEnabled)",
                        "AuthorizationException", userId=v.user, missingAuthorizations=[])
    instance_text = _text(data, "processInstanceId")
    from .wire import row_id
    instance_id = row_id(instance_text) if instance_text is not None else None
    c = Correlation(name, business_key, instance_id, decode(data.get("correlationKeys"), "correlationKeys"),
                    decode(data.get("processVariables"), "processVariables"), every,
                    nothing=(tenant_id is not None and tenant_id != v.tenant) or without_tenant
                    or (instance_text is not None and instance_id is None))
    sender = Sender(v.user, v.tenant, frozenset(v.roles))
    try:
        reached = correlate(engine(), sender, c)
    except MessageNotCorrelated as exc:
        if not _bufferable(c, instance_text, tenant_id, without_tenant):
            raise RestError(400, str(exc), "RestException") from None
        reached = _buffer(c, sender, str(exc))
    except Conflict as exc:  # a message start event that two processes have
        raise RestError(400, f"Cannot correlate message '{name}': {exc}", "RestException") from None
    if not with_result:
        return no_content()
    return reply([_result(r, with_variables) for r in reached])


def _bufferable(c: Correlation, instance_text: str | None, tenant_id: str | None, without_tenant: bool) -> bool:
    return (c.business_key is not None and not c.keys and not c.all and instance_text is None
            and not without_tenant and tenant_id in (None, viewer().tenant))


def _buffer(c: Correlation, sender: Sender, refusal: str) -> list[Correlated]:
    """kentei's buffer (engine.correlate, as /api/v1/messages): for a key a running instance has."""
    try:
        result = engine().correlate(c.name, c.business_key, c.variables, sender=sender)
    except NotFound:
        raise RestError(400, refusal, "RestException") from None
    if result["status"] == "started":
        return [Correlated("ProcessDefinition", result["instance_id"], None)]
    if result["status"] == "delivered":
        return [Correlated("Execution", result["instance_id"], str(result["instance_id"]))]
    return []  # buffered: nothing reached yet


def _result(r: Correlated, with_variables: bool) -> dict[str, Any]:
    row = instance(engine(), viewer().tenant, r.instance_id, None, with_variables)
    if row is None:
        raise RestError(404, f"Process instance with id {r.instance_id} does not exist")
    out: dict[str, Any] = {"resultType": r.kind, "execution": None, "processInstance": None}
    if r.kind == "Execution":
        out["execution"] = {"id": r.execution_id, "processInstanceId": str(r.instance_id),
                            "ended": row["status"] != "running", "tenantId": row["tenant"]}
    else:
        out["processInstance"] = instance_dto(row)
    if with_variables:
        out["variables"] = encode(row["variables"])
    return out


@bp.post("/signal")
def signal_throw() -> Response:
    v = require(*SIGNALLERS)
    data = body()
    name = _text(data, "name")
    if name is None:
        raise RestError(400, "No signal name given")
    tenant_id, without_tenant = _text(data, "tenantId"), _flag(data, "withoutTenantId")
    if tenant_id is not None and without_tenant:
        raise RestError(400, "Parameter 'tenantId' cannot be used together with parameter 'withoutTenantId'.")
    variables = decode(data.get("variables"), "variables")
    execution = _text(data, "executionId")
    if without_tenant or (tenant_id is not None and tenant_id != v.tenant):
        return no_content()  # a tenant outside the caller's prefecture: it reaches no one
    if execution is not None:
        try:
            signal_execution(engine(), name, v.tenant, execution, variables, v.user)
        except NotFound:
            raise RestError(404, f"Cannot find execution with id {execution[:64]}") from None
        return no_content()
    engine().signal(name, v.tenant, variables, actor=v.user)
    return no_content()
