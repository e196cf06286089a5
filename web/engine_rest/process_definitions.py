"""/process-definition: list (+count) with Camunda's filters, by id, by key (the prefecture's own newest, else
the shared newest), the BPMN XML, and runtime statistics per element and per definition.

Any staff account may read definitions (no personal data: an analyst too); statistics count only the caller's
prefecture's instances. Another prefecture's definition is a 404. Ids are key:version:row (wire.definition_id);
an id whose key or version does not match its row is unknown.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from flask import Response, current_app, request

from engine import definition_stats, definitions
from engine.db.models import SHARED

from . import access, wire
from .core import RestError, bp, reply
from .wire import flag, listed, number, text

STATS_ACTIVITY = "org.camunda.bpm.engine.rest.dto.repository.ActivityStatisticsResultDto"
STATS_DEFINITION = "org.camunda.bpm.engine.rest.dto.repository.ProcessDefinitionStatisticsResultDto"


def engine() -> Any:
    return current_app.extensions["kentei.engine"]


def base() -> str:
    """The REST base the call came in on (/engine-rest, /rest or /engine/default), for links."""
    from . import PREFIXES
    return request.host_url.rstrip("/") + request.script_root + PREFIXES.get(request.blueprint or "", "/engine-rest")


def tenant_out(tenant: str) -> str | None:
    return None if tenant == SHARED else tenant


def visible() -> set[str]:
    """What the caller may see: their prefecture and the shared definitions."""
    return {access.viewer().tenant, SHARED}


def like(pattern: str) -> Callable[[str | None], bool]:
    """SQL LIKE as Camunda's queries have it: % any run, _ one character, case-sensitive."""
    rx = re.compile("".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern), re.S)
    return lambda value: value is not None and rx.fullmatch(value) is not None


def scoped(without_name: str) -> set[str]:
    """tenantIdIn / withoutTenantId / include…WithoutTenantId, which only narrow what the caller sees."""
    requested, without = listed("tenantIdIn"), bool(flag("withoutTenantId"))
    found = access.tenants(requested, without)
    if requested and flag(without_name):
        found |= {SHARED}
    return found


def common_filters(items: list[dict[str, Any]], id_name: str, ids_name: str) -> list[dict[str, Any]]:
    """The filters process and decision definitions share (ids, key, name, deployment, version, tag,
    category, resource, latestVersion)."""
    checks: list[Callable[[dict[str, Any]], bool]] = []
    one_id, ids = text(id_name), listed(ids_name)
    if one_id is not None:
        checks.append(lambda i: wire.definition_id(i["key"], i["version"], i["row"]) == one_id)
    if ids is not None:
        checks.append(lambda i: wire.definition_id(i["key"], i["version"], i["row"]) in set(ids))
    for name, field in (("key", "key"), ("name", "name"), ("deploymentId", "deployment_id"),
                        ("versionTag", "version_tag"), ("category", "category"), ("resourceName", "resource")):
        value = text(name)
        if value is not None:
            checks.append(lambda i, f=field, v=value: i[f] == v)
        pattern = text(name + "Like")
        if pattern is not None:
            checks.append(lambda i, f=field, m=like(pattern): m(i[f]))
    keys = listed("keysIn") or listed("keyIn")
    if keys is not None:
        checks.append(lambda i: i["key"] in set(keys))
    version = number("version", low=1)
    if version is not None:
        checks.append(lambda i: i["version"] == version)
    if flag("withoutVersionTag"):
        checks.append(lambda i: i["version_tag"] is None)
    if flag("latestVersion"):  # the newest version of each key, then the other filters (as Camunda's SQL)
        items = definitions.latest_only(items)
    return [i for i in items if all(c(i) for c in checks)]


SORT_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "key": lambda i: i["key"], "name": lambda i: i["name"], "version": lambda i: i["version"],
    "id": lambda i: wire.definition_id(i["key"], i["version"], i["row"]), "deploymentId": lambda i: i["deployment_id"],
    "tenantId": lambda i: tenant_out(i["tenant"]), "versionTag": lambda i: i["version_tag"],
    "category": lambda i: i["category"], "deployTime": lambda i: i["deployed_at"]}


def ordered(items: list[dict[str, Any]], allowed: set[str]) -> list[dict[str, Any]]:
    order = wire.sorting(allowed)
    return wire.sort_rows(items, order, SORT_KEYS, default=lambda i: (i["key"], i["tenant"], i["version"]))


def process_dto(i: dict[str, Any]) -> dict[str, Any]:
    """Camunda's ProcessDefinitionDto, every field."""
    return {"id": wire.definition_id(i["key"], i["version"], i["row"]), "key": i["key"], "category": i["category"],
            "description": i["description"], "name": i["name"], "version": i["version"], "resource": i["resource"],
            "deploymentId": i["deployment_id"], "diagram": None, "suspended": False, "tenantId": tenant_out(i["tenant"]),
            "versionTag": i["version_tag"], "historyTimeToLive": i["history_ttl"],
            "startableInTasklist": i["startable"]}


def _query() -> list[dict[str, Any]]:
    items = common_filters(definitions.processes(engine(), scoped("includeProcessDefinitionsWithoutTenantId")),
                           "processDefinitionId", "processDefinitionIdIn")
    if flag("suspended"):
        items = []  # kentei suspends no definition
    startable, not_startable = flag("startableInTasklist"), flag("notStartableInTasklist")
    if startable is not None:
        items = [i for i in items if i["startable"] == startable]
    if not_startable:
        items = [i for i in items if not i["startable"]]
    return items


@bp.get("/process-definition")
def process_definition_list() -> Response:
    items = ordered(_query(), set(SORT_KEYS))
    return reply([process_dto(i) for i in wire.page(items)])


@bp.get("/process-definition/count")
def process_definition_count() -> Response:
    wire.sorting(set(SORT_KEYS))
    return reply({"count": len(_query())})


def by_id(ident: str) -> dict[str, Any]:
    """A process definition the caller sees, by its id; a 404 otherwise."""
    row = wire.definition_row(ident)
    found = definitions.processes(engine(), visible(), [row]) if row is not None else []
    if not found or wire.definition_id(found[0]["key"], found[0]["version"], row) != ident:  # type: ignore[arg-type]
        raise RestError(404, f"No matching definition with id {ident}")
    return found[0]


def by_key(key: str, tenant_id: str | None = None) -> dict[str, Any]:
    """The definition the caller starts for a key (their own newest, else the shared newest), or a given
    tenant's newest (only the caller's own or shared); a 404 otherwise."""
    scope = visible() if tenant_id is None else visible() & {tenant_id}
    found = definitions.by_key(definitions.processes(engine(), scope), key, tenant_id)
    if found is None:
        where = "no tenant-id" if tenant_id is None else f"tenant-id: {tenant_id}"
        raise RestError(404, f"No matching process definition with key: {key} and {where}")
    return found


@bp.get("/process-definition/<ident>")
def process_definition_get(ident: str) -> Response:
    return reply(process_dto(by_id(ident)))


@bp.get("/process-definition/key/<key>")
def process_definition_by_key(key: str) -> Response:
    return reply(process_dto(by_key(key)))


@bp.get("/process-definition/key/<key>/tenant-id/<tenant_id>")
def process_definition_by_key_tenant(key: str, tenant_id: str) -> Response:
    return reply(process_dto(by_key(key, tenant_id)))


def _xml(item: dict[str, Any]) -> Response:
    raw = definitions.content(engine(), item["file_id"])
    return reply({"id": wire.definition_id(item["key"], item["version"], item["row"]),
                  "bpmn20Xml": raw.decode("utf-8", "replace")})


@bp.get("/process-definition/<ident>/xml")
def process_definition_xml(ident: str) -> Response:
    return _xml(by_id(ident))


@bp.get("/process-definition/key/<key>/xml")
def process_definition_key_xml(key: str) -> Response:
    return _xml(by_key(key))


@bp.get("/process-definition/key/<key>/tenant-id/<tenant_id>/xml")
def process_definition_key_tenant_xml(key: str, tenant_id: str) -> Response:
    return _xml(by_key(key, tenant_id))


def _asked() -> tuple[bool, bool, str | None]:
    return bool(flag("failedJobs")), bool(flag("incidents")), text("incidentsForType")


def _activity_statistics(item: dict[str, Any]) -> Response:
    failed, incidents, of_type = _asked()
    if incidents and of_type is not None:
        raise RestError(400, "Only one of the query parameter incidents or incidentsForType can be set.")
    rows = definition_stats.activities(engine(), item, access.viewer().tenant, failed, incidents, of_type)
    return reply([{"@class": STATS_ACTIVITY, "id": r["id"], "instances": r["instances"], "failedJobs": r["failed_jobs"],
                   "incidents": r["incidents"]} for r in rows])


@bp.get("/process-definition/<ident>/statistics")
def process_definition_activity_statistics(ident: str) -> Response:
    return _activity_statistics(by_id(ident))


@bp.get("/process-definition/key/<key>/statistics")
def process_definition_key_statistics(key: str) -> Response:
    return _activity_statistics(by_key(key))


@bp.get("/process-definition/key/<key>/tenant-id/<tenant_id>/statistics")
def process_definition_key_tenant_statistics(key: str, tenant_id: str) -> Response:
    return _activity_statistics(by_key(key, tenant_id))


@bp.get("/process-definition/statistics")
def process_definition_statistics() -> Response:
    failed, incidents, of_type = _asked()
    if incidents and of_type is not None:
        raise RestError(400, "Only one of the query parameter incidents or incidentsForType can be set.")
    flag("rootIncidents")
    items = sorted(definitions.processes(engine(), visible()), key=lambda i: (i["key"], i["tenant"], i["version"]))
    rows = definition_stats.per_definition(engine(), items, access.viewer().tenant, failed, incidents, of_type)
    return reply([{"@class": STATS_DEFINITION, "id": process_dto(r["item"])["id"], "instances": r["instances"],
                   "failedJobs": r["failed_jobs"], "definition": process_dto(r["item"]), "incidents": r["incidents"]}
                  for r in rows])

