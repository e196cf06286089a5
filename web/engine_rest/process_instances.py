"""/process-instance: list, count, get, variables, activity instances, delete — the caller's prefecture only.

Runtime instances are the running ones (an ended instance is in /history/process-instance, as in
Camunda). Everything here is personal data: an analyst gets 403. kentei runs call activities inside
their instance, so super/sub process instance filters match nothing; nothing is ever suspended.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Response, current_app, request

from engine.incident_queries import incidents
from engine.instance_queries import InstanceFilter, elements, instance, instances, waits
from engine.instance_variables import set_variables

from . import wire
from .access import may_read_instances, require, viewer
from .core import RestError, body, bp, no_content, reply
from .variables import decode, decode_one, encode, encode_one

SORTS = {"instanceId": lambda r: r["id"], "definitionKey": lambda r: r["key"],
         "definitionId": lambda r: definition_wire_id(r), "tenantId": lambda r: r["tenant"],
         "businessKey": lambda r: r["business_key"]}
OPERATORS = ("eq", "neq", "gteq", "gt", "lteq", "lt", "like", "notLike")
VARIABLE = re.compile(r"^(.+?)_(eq|neq|gteq|gt|lteq|lt|like|notLike)_(.*)$", re.S)
WRITERS = ("admin", "worker")  # the Java worker's setVariables; an administrator


def engine() -> Any:
    return current_app.extensions["kentei.engine"]


def base_url() -> str:
    """The REST base the caller used (for links)."""
    from . import PREFIXES
    return request.host_url.rstrip("/") + request.script_root + PREFIXES.get(request.blueprint or "", "/engine-rest")


def reader() -> Any:
    """The caller, if they may read instances (personal data): anyone but an analyst or a worker alone."""
    v = viewer()
    if not may_read_instances(v):
        raise RestError(403, f"The user '{v.user}' may not read process instances: they hold personal data",
                        "AuthorizationException", userId=v.user, missingAuthorizations=[])
    return v


def definition_wire_id(row: dict[str, Any]) -> str:
    return wire.definition_id(row["key"], row["version"], row["definition_id"])


def instance_dto(row: dict[str, Any]) -> dict[str, Any]:
    """Camunda's ProcessInstanceDto."""
    iid = str(row["id"])
    return {"links": [{"method": "GET", "href": f"{base_url()}/process-instance/{iid}", "rel": "self"}],
            "id": iid, "definitionId": definition_wire_id(row), "definitionKey": row["key"],
            "businessKey": row["business_key"], "caseInstanceId": None, "ended": row["status"] != "running",
            "suspended": False, "tenantId": row["tenant"]}


def ids(name: str, source: dict[str, Any] | None) -> list[int] | None:
    """A list of row ids; a value that is no id names nothing."""
    found = wire.listed(name, source)
    if found is None:
        return None
    return [i for i in (wire.row_id(v) for v in found) if i is not None]


def variable_filters(source: dict[str, Any] | None, name: str = "variables") -> list[tuple[str, str, Any]]:
    """`variables=name_op_value,...` (GET) or [{name, operator, value}] (POST)."""
    raw = source.get(name) if source is not None else request.args.get(name)
    if raw in (None, "", []):
        return []
    out = []
    if isinstance(raw, list):
        for item in raw:
            if not isinstance(item, dict) or not isinstance(item.get("name"), str) or item.get("operator") not in OPERATORS:
                raise RestError(400, f"'{name}' must be a list of {{name, operator, value}} with an operator of "
                                     f"{', '.join(OPERATORS)}")
            out.append((item["name"], item["operator"], item.get("value")))
        return out
    if not isinstance(raw, str):
        raise RestError(400, f"'{name}' must be name_operator_value, comma-separated")
    for part in raw.split(","):
        found = VARIABLE.match(part)
        if found is None:
            raise RestError(400, f"variable query parameter has to have format KEY_OPERATOR_VALUE, not '{part[:64]}'")
        out.append((found.group(1), found.group(2), found.group(3)))
    return out


def instance_filter(source: dict[str, Any] | None, history: bool = False) -> InstanceFilter:
    """The process-instance query parameters common to the runtime and history lists."""
    flt = InstanceFilter(statuses=None if history else ["running"])
    flt.ids = ids("processInstanceIds", source)
    if history and wire.text("processInstanceId", source) is not None:
        one = wire.row_id(wire.text("processInstanceId", source) or "")
        flt.ids = [one] if one is not None and (flt.ids is None or one in flt.ids) else []
    flt.business_key = wire.text("processInstanceBusinessKey" if history else "businessKey", source)
    flt.business_key_like = wire.text("processInstanceBusinessKeyLike" if history else "businessKeyLike", source)
    definition = wire.text("processDefinitionId", source)
    if definition is not None:
        row = wire.definition_row(definition)
        flt.definition_ids = [row] if row is not None else []
    keys = wire.listed("processDefinitionKeyIn", source)
    key = wire.text("processDefinitionKey", source)
    if key is not None:
        keys = [key] if keys is None or key in keys else []
    flt.definition_keys = keys
    flt.deployment_id = wire.text("deploymentId", source)
    flt.with_incident = bool(wire.flag("withIncidents" if history else "withIncident", source))
    incident = wire.text("incidentId", source)
    if incident is not None:
        flt.incident_id = wire.row_id(incident) or 0
    requested = wire.listed("tenantIdIn", source)
    if (requested is not None and viewer().tenant not in requested) or wire.flag("withoutTenantId", source):
        flt.nothing = True  # instances always belong to the caller's prefecture
    for name in ("superProcessInstance", "subProcessInstance", "superCaseInstance", "subCaseInstance",
                 "caseInstanceId", "superProcessInstanceId", "subProcessInstanceId", "superCaseInstanceId",
                 "subCaseInstanceId"):
        if wire.text(name, source) is not None:
            flt.nothing = True
    flt.variables = variable_filters(source)
    return flt


def _listing(source: dict[str, Any] | None) -> list[dict[str, Any]]:
    v = reader()
    order = wire.sorting(SORTS, source)
    flt = instance_filter(source)
    if wire.flag("suspended", source):
        flt.nothing = True
    flt.activity_ids = wire.listed("activityIdIn", source)
    rows = instances(engine(), v.tenant, flt)
    definition = wire.text("processDefinitionId", source)
    if definition is not None:
        rows = [r for r in rows if definition_wire_id(r) == definition]
    not_in = wire.listed("processDefinitionKeyNotIn", source)
    if not_in:
        rows = [r for r in rows if r["key"] not in not_in]
    rows = _incident_filters(rows, source, v.tenant)
    return wire.sort_rows(rows, order, SORTS)


def _incident_filters(rows: list[dict[str, Any]], source: dict[str, Any] | None, tenant: str) -> list[dict[str, Any]]:
    kind, message, like = (wire.text(n, source) for n in ("incidentType", "incidentMessage", "incidentMessageLike"))
    if kind is None and message is None and like is None:
        return rows
    if kind is not None and kind not in ("failedJob", "failedExternalTask"):
        raise RestError(400, f"Cannot set query parameter 'incidentType' to value '{kind[:64]}'")
    like_re = re.compile(re.escape(like or "").replace("%", ".*").replace("_", "."), re.S) if like else None
    hit = {i["instance_id"] for i in incidents(engine(), tenant)
           if (kind is None or i["type"] == kind) and (message is None or i["message"] == message)
           and (like_re is None or like_re.fullmatch(i["message"] or ""))}
    return [r for r in rows if r["id"] in hit]


@bp.get("/process-instance")
def process_instance_list() -> Response:
    return reply([instance_dto(r) for r in wire.page(_listing(None))])


@bp.post("/process-instance")
def process_instance_query() -> Response:
    source = body()
    return reply([instance_dto(r) for r in wire.page(_listing(source), dict(request.args))])


@bp.get("/process-instance/count")
def process_instance_count() -> Response:
    return reply({"count": len(_listing(None))})


@bp.post("/process-instance/count")
def process_instance_query_count() -> Response:
    return reply({"count": len(_listing(body()))})


def running(instance_id: str, with_variables: bool = False, v: Any = None) -> dict[str, Any]:
    """A running instance of the caller's prefecture (`v`: a writer already checked; else a reader), or 404."""
    v = v or reader()
    row_id = wire.row_id(instance_id)
    found = instance(engine(), v.tenant, row_id, ["running"], with_variables) if row_id is not None else None
    if found is None:
        raise RestError(404, f"Process instance with id {instance_id} does not exist", "InvalidRequestException")
    return found


@bp.get("/process-instance/<instance_id>")
def process_instance_get(instance_id: str) -> Response:
    return reply(instance_dto(running(instance_id)))


@bp.delete("/process-instance/<instance_id>")
def process_instance_delete(instance_id: str) -> Response:
    require("admin")
    running(instance_id)
    raise RestError(400, f"Process instance {instance_id} cannot be deleted: kentei has no cancellation of a running "
                         "instance (an application is withdrawn or ended through its own process)",
                    "BadUserRequestException")


@bp.get("/process-instance/<instance_id>/variables")
def process_instance_variables(instance_id: str) -> Response:
    wire.flag("deserializeValues")  # checked; kentei's values are JSON either way
    names = wire.listed("variableNames")
    return reply(encode(running(instance_id, True)["variables"], names))


@bp.get("/process-instance/<instance_id>/variables/<name>")
def process_instance_variable(instance_id: str, name: str) -> Response:
    wire.flag("deserializeValue")
    variables = running(instance_id, True)["variables"]
    if name not in variables:
        raise RestError(404, f"process instance variable with name {name} does not exist", "InvalidRequestException")
    return reply(encode_one(variables[name]))


@bp.get("/process-instance/<instance_id>/variables/<name>/data")
def process_instance_variable_data(instance_id: str, name: str) -> Response:
    variables = running(instance_id, True)["variables"]
    if name not in variables:
        raise RestError(404, f"process instance variable with name {name} does not exist", "InvalidRequestException")
    raise RestError(400, f"Value of variable {name} is not a binary value: kentei keeps no binary variables")


def _write(instance_id: str, modifications: dict[str, Any], deletions: list[str]) -> Response:
    v = require(*WRITERS)
    running(instance_id, v=v)
    set_variables(engine(), int(instance_id), v.tenant, modifications, deletions, v.user)
    return no_content()


@bp.post("/process-instance/<instance_id>/variables")
def process_instance_variables_modify(instance_id: str) -> Response:
    data = body()
    modifications = decode(data.get("modifications"), "modifications")
    deletions = data.get("deletions") or []
    if not isinstance(deletions, list) or not all(isinstance(d, str) and d for d in deletions):
        raise RestError(400, "'deletions' must be a list of variable names")
    return _write(instance_id, modifications, deletions)


@bp.put("/process-instance/<instance_id>/variables/<name>")
def process_instance_variable_put(instance_id: str, name: str) -> Response:
    return _write(instance_id, {name: decode_one(name, body())}, [])


@bp.delete("/process-instance/<instance_id>/variables/<name>")
def process_instance_variable_delete(instance_id: str, name: str) -> Response:
    return _write(instance_id, {}, [name])


@bp.get("/process-instance/<instance_id>/activity-instances")
def process_instance_activities(instance_id: str) -> Response:
    """The activity instance tree: the instance, and under it each thing it waits on (open user tasks, jobs,
    timers, message and signal waits), flat: embedded subprocesses are not levels of their own."""
    row = running(instance_id)
    iid, definition = str(row["id"]), definition_wire_id(row)
    found = waits(engine(), row["id"])
    kinds = elements(engine(), row["definition_id"], {w.element_id for w in found})
    types = {i["id"]: i["type"] for i in incidents(engine(), row["tenant"]) if i["instance_id"] == row["id"]}
    children = []
    for w in found:
        activity_type, name = kinds[w.element_id]
        counts: dict[str, int] = {}
        for incident_id in w.incidents:
            counts[types.get(incident_id, "failedJob")] = counts.get(types.get(incident_id, "failedJob"), 0) + 1
        children.append({"id": f"{w.element_id}:{w.task_id}", "parentActivityInstanceId": iid,
                         "activityId": w.element_id, "activityType": activity_type, "activityName": name, "name": name,
                         "processInstanceId": iid, "processDefinitionId": definition, "childActivityInstances": [],
                         "childTransitionInstances": [], "executionIds": [w.task_id],
                         "incidentIds": [str(i) for i in w.incidents],
                         "incidents": [{"incidentType": k, "incidentCount": n} for k, n in sorted(counts.items())]})
    return reply({"id": iid, "parentActivityInstanceId": None, "activityId": definition,
                  "activityType": "processDefinition", "activityName": row["name"], "name": row["name"],
                  "processInstanceId": iid, "processDefinitionId": definition, "childActivityInstances": children,
                  "childTransitionInstances": [], "executionIds": [iid], "incidentIds": [], "incidents": []})
