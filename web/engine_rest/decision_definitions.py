"""/decision-definition: list (+count), by id, by key (the prefecture's own newest, else the shared newest), the
DMN XML, and evaluate with typed variables → one {output name: TypedValue} per matched rule, as Camunda 7.

Any staff account may read and evaluate (an analyst tries rules before they go live; nothing is stored).
A decision that fails is a 500 RestException "Cannot evaluate decision …: cause", as in Camunda; bad
variables are a 400.
"""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from flask import Response

from engine import definitions
from engine.dmn import DecisionError

from . import access, wire
from .core import RestError, body, bp, reply
from .process_definitions import SORT_KEYS, common_filters, engine, scoped, tenant_out, visible
from .variables import LIMITS, decode, encode_one

SORTS = set(SORT_KEYS) | {"decisionRequirementsDefinitionKey"}
KEYS = dict(SORT_KEYS, decisionRequirementsDefinitionKey=lambda i: None)


def decision_dto(i: dict[str, Any]) -> dict[str, Any]:
    """Camunda's DecisionDefinitionDto, every field (kentei makes no decision requirements definitions)."""
    return {"id": wire.definition_id(i["key"], i["version"], i["row"]), "key": i["key"], "category": i["category"],
            "name": i["name"], "version": i["version"], "resource": i["resource"], "deploymentId": i["deployment_id"],
            "tenantId": tenant_out(i["tenant"]), "decisionRequirementsDefinitionId": None,
            "decisionRequirementsDefinitionKey": None, "historyTimeToLive": i["history_ttl"],
            "versionTag": i["version_tag"]}


def _query() -> list[dict[str, Any]]:
    items = common_filters(definitions.decisions(engine(), scoped("includeDecisionDefinitionsWithoutTenantId")),
                           "decisionDefinitionId", "decisionDefinitionIdIn")
    if wire.text("decisionRequirementsDefinitionId") is not None or wire.text("decisionRequirementsDefinitionKey"):
        return []
    return items


@bp.get("/decision-definition")
def decision_definition_list() -> Response:
    order = wire.sorting(SORTS)
    items = wire.sort_rows(_query(), order, KEYS, default=lambda i: (i["key"], i["tenant"], i["version"]))
    return reply([decision_dto(i) for i in wire.page(items)])


@bp.get("/decision-definition/count")
def decision_definition_count() -> Response:
    wire.sorting(SORTS)
    return reply({"count": len(_query())})


def by_id(ident: str) -> dict[str, Any]:
    row = wire.definition_row(ident)
    found = definitions.decisions(engine(), visible(), [row]) if row is not None else []
    if not found or wire.definition_id(found[0]["key"], found[0]["version"], row) != ident:  # type: ignore[arg-type]
        raise RestError(404, f"No matching decision definition with id {ident}")
    return found[0]


def by_key(key: str, tenant_id: str | None = None) -> dict[str, Any]:
    scope = visible() if tenant_id is None else visible() & {tenant_id}
    found = definitions.by_key(definitions.decisions(engine(), scope), key, tenant_id)
    if found is None:
        where = "no tenant-id" if tenant_id is None else f"tenant-id: {tenant_id}"
        raise RestError(404, f"No matching decision definition with key: {key} and {where}")
    return found


@bp.get("/decision-definition/<ident>")
def decision_definition_get(ident: str) -> Response:
    return reply(decision_dto(by_id(ident)))


@bp.get("/decision-definition/key/<key>")
def decision_definition_by_key(key: str) -> Response:
    return reply(decision_dto(by_key(key)))


@bp.get("/decision-definition/key/<key>/tenant-id/<tenant_id>")
def decision_definition_by_key_tenant(key: str, tenant_id: str) -> Response:
    return reply(decision_dto(by_key(key, tenant_id)))


def _xml(item: dict[str, Any]) -> Response:
    raw = definitions.content(engine(), item["file_id"])
    return reply({"id": wire.definition_id(item["key"], item["version"], item["row"]),
                  "dmnXml": raw.decode("utf-8", "replace")})


@bp.get("/decision-definition/<ident>/xml")
def decision_definition_xml(ident: str) -> Response:
    return _xml(by_id(ident))


@bp.get("/decision-definition/key/<key>/xml")
def decision_definition_key_xml(key: str) -> Response:
    return _xml(by_key(key))


@bp.get("/decision-definition/key/<key>/tenant-id/<tenant_id>/xml")
def decision_definition_key_tenant_xml(key: str, tenant_id: str) -> Response:
    return _xml(by_key(key, tenant_id))


def _evaluate(item: dict[str, Any]) -> Response:
    variables = decode(body().get("variables") or {})
    ident = wire.definition_id(item["key"], item["version"], item["row"])
    try:
        rows, types = definitions.evaluate_typed(engine(), item, access.viewer().tenant, variables)
    except DecisionError as exc:
        raise RestError(500, f"Cannot evaluate decision {ident}: {exc.message}", "RestException") from None
    except (RecursionError, ArithmeticError, ValueError, TypeError) as exc:  # a FEEL value beyond what it can hold
        raise RestError(500, f"Cannot evaluate decision {ident}: {type(exc).__name__}: {exc}",
                        "RestException") from None
    return reply([{name: typed_output(value, types.get(name)) for name, value in row.items()} for row in rows])


JAVA = {"string": "String", "boolean": "Boolean", "integer": "Integer", "long": "Long", "double": "Double",
        "date": "Date"}


def typed_output(value: Any, type_ref: str | None) -> dict[str, Any]:
    """A result value typed as Camunda types it: by its output's typeRef when it has one (a `double` output
    of 2 is {"type": "Double", "value": 2.0}, a `date` output a Date), else by the value itself (a FEEL date,
    time or date and time as ISO text)."""
    if type_ref == "date" and isinstance(value, date):
        return {"type": "Date", "value": wire.date_out(_moment(value)), "valueInfo": {}}
    if isinstance(value, (date, time)):
        value = value.isoformat()
    if value is None or type_ref is None:
        return encode_one(value)
    kind = JAVA[type_ref]
    if kind in ("Integer", "Long") and isinstance(value, int) and not isinstance(value, bool) \
            and -LIMITS[type_ref] <= value < LIMITS[type_ref]:
        return {"type": kind, "value": value, "valueInfo": {}}
    if kind == "Double" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"type": kind, "value": float(value), "valueInfo": {}}
    if (kind == "String" and isinstance(value, str)) or (kind == "Boolean" and isinstance(value, bool)):
        return {"type": kind, "value": value, "valueInfo": {}}
    return encode_one(value)


def _moment(value: date) -> datetime:
    """A FEEL date (midnight) or date and time, in the engine's zone when it has none."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=engine().tz)


@bp.post("/decision-definition/<ident>/evaluate")
def decision_definition_evaluate(ident: str) -> Response:
    return _evaluate(by_id(ident))


@bp.post("/decision-definition/key/<key>/evaluate")
def decision_definition_key_evaluate(key: str) -> Response:
    return _evaluate(by_key(key))


@bp.post("/decision-definition/key/<key>/tenant-id/<tenant_id>/evaluate")
def decision_definition_key_tenant_evaluate(key: str, tenant_id: str) -> Response:
    return _evaluate(by_key(key, tenant_id))
