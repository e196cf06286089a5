"""/history/process-instance, /history/activity-instance, /history/variable-instance — the caller's prefecture.

Rebuilt from kentei's instances, history events and projections (engine/history_queries.py says what
each field comes from). History is personal data: an analyst gets 403. Nothing is removed by a
removal time (kentei's retention purges on its own schedule), so removalTime is null.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Response, request

from engine.history_queries import activities, start_activities
from engine.instance_queries import InstanceFilter, instance, instances

from . import wire
from .core import RestError, body, bp, reply
from .process_instances import definition_wire_id, engine, instance_filter, reader
from .variables import encode_one

STATES = {"running": "ACTIVE", "completed": "COMPLETED", "cancelled": "EXTERNALLY_TERMINATED",
          "error": "INTERNALLY_TERMINATED"}
STATE_FLAGS = {"active": "running", "completed": "completed", "externallyTerminated": "cancelled",
               "internallyTerminated": "error"}


def _millis(start: Any, end: Any) -> int | None:
    return int((end - start).total_seconds() * 1000) if start is not None and end is not None else None


PI_SORTS = {"instanceId": lambda r: r["id"], "definitionId": definition_wire_id, "definitionKey": lambda r: r["key"],
            "definitionName": lambda r: r["name"], "definitionVersion": lambda r: r["version"],
            "businessKey": lambda r: r["business_key"], "startTime": lambda r: r["started_at"],
            "endTime": lambda r: r["ended_at"], "duration": lambda r: _millis(r["started_at"], r["ended_at"]),
            "tenantId": lambda r: r["tenant"]}


def historic_instance_dto(r: dict[str, Any], start_activity: str | None) -> dict[str, Any]:
    """Camunda's HistoricProcessInstanceDto."""
    iid = str(r["id"])
    return {"id": iid, "rootProcessInstanceId": iid, "superProcessInstanceId": None, "superCaseInstanceId": None,
            "caseInstanceId": None, "processDefinitionName": r["name"], "processDefinitionKey": r["key"],
            "processDefinitionVersion": r["version"], "processDefinitionId": definition_wire_id(r),
            "businessKey": r["business_key"], "startTime": wire.date_out(r["started_at"]),
            "endTime": wire.date_out(r["ended_at"]), "removalTime": None,
            "durationInMillis": _millis(r["started_at"], r["ended_at"]), "startUserId": r["started_by"],
            "startActivityId": start_activity, "deleteReason": None if r["status"] != "cancelled" else "cancelled",
            "tenantId": r["tenant"], "state": STATES.get(r["status"], "ACTIVE"), "restartedProcessInstanceId": None}


def _instances(source: dict[str, Any] | None) -> list[dict[str, Any]]:
    v = reader()
    order = wire.sorting(PI_SORTS, source)
    flt = instance_filter(source, history=True)
    statuses = set(STATES)
    if wire.flag("finished", source):
        statuses -= {"running"}
    if wire.flag("unfinished", source):
        statuses &= {"running"}
    for name, status in STATE_FLAGS.items():
        if wire.flag(name, source):
            statuses &= {status}
    state = wire.text("state", source)
    if state is not None:
        wanted = [k for k, s in STATES.items() if s == state]
        if state != "SUSPENDED" and not wanted:
            raise RestError(400, f"Cannot set query parameter 'state' to value '{state[:32]}'")
        statuses &= set(wanted)
    if wire.flag("suspended", source):
        statuses = set()
    flt.statuses = sorted(statuses)
    flt.started_before, flt.started_after = wire.when("startedBefore", source), wire.when("startedAfter", source)
    flt.finished_before, flt.finished_after = wire.when("finishedBefore", source), wire.when("finishedAfter", source)
    flt.started_by = wire.text("startedBy", source)
    flt.activity_ids = wire.listed("activeActivityIdIn", source)
    rows = instances(engine(), v.tenant, flt)
    definition = wire.text("processDefinitionId", source)
    if definition is not None:
        rows = [r for r in rows if definition_wire_id(r) == definition]
    not_in = wire.listed("processDefinitionKeyNotIn", source)
    if not_in:
        rows = [r for r in rows if r["key"] not in not_in]
    return wire.sort_rows(rows, order, PI_SORTS)


def _instance_page(rows: list[dict[str, Any]], source: dict[str, Any] | None = None) -> Response:
    shown = wire.page(rows, source)
    starts = start_activities(engine(), [r["id"] for r in shown])
    return reply([historic_instance_dto(r, starts.get(r["id"])) for r in shown])


@bp.get("/history/process-instance")
def history_instance_list() -> Response:
    return _instance_page(_instances(None))


@bp.post("/history/process-instance")
def history_instance_query() -> Response:
    return _instance_page(_instances(body()), dict(request.args))


@bp.get("/history/process-instance/count")
def history_instance_count() -> Response:
    return reply({"count": len(_instances(None))})


@bp.post("/history/process-instance/count")
def history_instance_query_count() -> Response:
    return reply({"count": len(_instances(body()))})


def _one(instance_id: str, with_variables: bool = False) -> dict[str, Any] | None:
    v = reader()
    row = wire.row_id(instance_id)
    return instance(engine(), v.tenant, row, None, with_variables) if row is not None else None


@bp.get("/history/process-instance/<instance_id>")
def history_instance_get(instance_id: str) -> Response:
    found = _one(instance_id)
    if found is None:
        raise RestError(404, f"Historic process instance with id {instance_id[:64]} does not exist",
                        "InvalidRequestException")
    return reply(historic_instance_dto(found, start_activities(engine(), [found["id"]]).get(found["id"])))


AI_SORTS = {"activityInstanceId": lambda a: a["id"], "instanceId": lambda a: a["instance"]["id"],
            "executionId": lambda a: a["execution_id"], "activityId": lambda a: a["activity_id"],
            "activityName": lambda a: a["activity_name"], "activityType": lambda a: a["activity_type"],
            "startTime": lambda a: a["start"], "endTime": lambda a: a["end"],
            "duration": lambda a: _millis(a["start"], a["end"]),
            "definitionId": lambda a: definition_wire_id(a["instance"]), "occurrence": lambda a: a["start"],
            "tenantId": lambda a: a["instance"]["tenant"]}


def activity_dto(a: dict[str, Any]) -> dict[str, Any]:
    """Camunda's HistoricActivityInstanceDto."""
    r = a["instance"]
    iid = str(r["id"])
    return {"id": a["id"], "parentActivityInstanceId": iid, "activityId": a["activity_id"],
            "activityName": a["activity_name"], "activityType": a["activity_type"], "processDefinitionKey": r["key"],
            "processDefinitionId": definition_wire_id(r), "processInstanceId": iid, "executionId": a["execution_id"],
            "taskId": a["task_id"], "calledProcessInstanceId": None, "calledCaseInstanceId": None,
            "assignee": a["assignee"], "startTime": wire.date_out(a["start"]), "endTime": wire.date_out(a["end"]),
            "durationInMillis": _millis(a["start"], a["end"]), "canceled": a["canceled"],
            "completeScope": a["activity_type"].endswith("EndEvent") and not a["canceled"], "tenantId": r["tenant"],
            "removalTime": None, "rootProcessInstanceId": iid}


def _activities() -> list[dict[str, Any]]:
    v = reader()
    order = wire.sorting(AI_SORTS)
    iid = wire.text("processInstanceId")
    flt = InstanceFilter()
    if iid is not None:
        one = wire.row_id(iid)
        flt.ids = [one] if one is not None else []
    flt.definition_keys = [k] if (k := wire.text("processDefinitionKey")) is not None else None
    if (d := wire.text("processDefinitionId")) is not None:
        flt.definition_ids = [r] if (r := wire.definition_row(d)) is not None else []
    if wire.listed("tenantIdIn") is not None and v.tenant not in (wire.listed("tenantIdIn") or []):
        flt.nothing = True
    if wire.flag("withoutTenantId"):
        flt.nothing = True
    found = [dict(a, instance=r) for r in instances(engine(), v.tenant, flt) for a in activities(engine(), r)]
    tests = {"activityInstanceId": "id", "activityId": "activity_id", "activityName": "activity_name",
             "activityType": "activity_type", "executionId": "execution_id", "taskAssignee": "assignee"}
    for param, key in tests.items():
        value = wire.text(param)
        if value is not None:
            found = [a for a in found if a[key] == value]
    if wire.flag("finished"):
        found = [a for a in found if a["end"] is not None]
    if wire.flag("unfinished"):
        found = [a for a in found if a["end"] is None]
    if wire.flag("canceled"):
        found = [a for a in found if a["canceled"]]
    if wire.flag("completeScope"):
        found = [a for a in found if activity_dto(a)["completeScope"]]
    for param, key, later in (("startedBefore", "start", False), ("startedAfter", "start", True),
                              ("finishedBefore", "end", False), ("finishedAfter", "end", True)):
        moment = wire.when(param)
        if moment is not None:
            found = [a for a in found if a[key] is not None and (a[key] > moment if later else a[key] < moment)]
    return wire.sort_rows(found, order, AI_SORTS)


@bp.get("/history/activity-instance")
def history_activity_list() -> Response:
    return reply([activity_dto(a) for a in wire.page(_activities())])


@bp.get("/history/activity-instance/count")
def history_activity_count() -> Response:
    return reply({"count": len(_activities())})


def variable_dto(r: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
    """Camunda's HistoricVariableInstanceDto (the current value; kentei keeps no older ones)."""
    iid = str(r["id"])
    typed = encode_one(value)
    return {"id": f"{iid}:{name}", "name": name, "type": typed["type"], "value": typed["value"],
            "valueInfo": typed["valueInfo"], "processDefinitionKey": r["key"],
            "processDefinitionId": definition_wire_id(r), "processInstanceId": iid, "executionId": iid,
            "activityInstanceId": iid, "caseDefinitionKey": None, "caseDefinitionId": None, "caseInstanceId": None,
            "caseExecutionId": None, "taskId": None, "errorMessage": None, "tenantId": r["tenant"],
            "state": "CREATED", "createTime": None, "removalTime": None, "rootProcessInstanceId": iid}


VI_SORTS = {"instanceId": lambda x: x["processInstanceId"], "variableName": lambda x: x["name"],
            "tenantId": lambda x: x["tenantId"]}


def _variables() -> list[dict[str, Any]]:
    v = reader()
    order = wire.sorting(VI_SORTS)
    flt = InstanceFilter()
    ids = [wire.text("processInstanceId")] if wire.text("processInstanceId") is not None else None
    many = wire.listed("processInstanceIdIn")
    if many is not None:
        ids = [i for i in many if ids is None or i in ids]
    if ids is not None:
        flt.ids = [i for i in (wire.row_id(x or "") for x in ids) if i is not None]
    keys = wire.listed("processDefinitionKeyIn") or ([k] if (k := wire.text("processDefinitionKey")) else None)
    flt.definition_keys = keys
    if wire.listed("tenantIdIn") is not None and v.tenant not in (wire.listed("tenantIdIn") or []):
        flt.nothing = True
    name, like = wire.text("variableName"), wire.text("variableNameLike")
    pattern = re.compile(re.escape(like).replace("%", ".*").replace("_", "."), re.S) if like is not None else None
    found = []
    for r in instances(engine(), v.tenant, flt, with_variables=True):
        for key, value in sorted((r.get("variables") or {}).items()):
            if (name is None or key == name) and (pattern is None or pattern.fullmatch(key)):
                found.append(variable_dto(r, key, value))
    return wire.sort_rows(found, order, VI_SORTS)


@bp.get("/history/variable-instance")
def history_variable_list() -> Response:
    return reply(wire.page(_variables()))


@bp.get("/history/variable-instance/count")
def history_variable_count() -> Response:
    return reply({"count": len(_variables())})
