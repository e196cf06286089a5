"""/incident (open incidents), /job (kentei's own jobs) and PUT /job/{id}/retries — admin, and auditor read-only.

kentei's incident kinds map onto Camunda's two types: a failed outside worker's job (an external task)
is failedExternalTask, everything else (a job's retries ran out, a step that could not run) failedJob.
Setting a job's retries above 0 resumes it as the incident's retry does (engine.retry).
"""
from __future__ import annotations

from typing import Any

from flask import Response

from engine.incident_queries import incidents, jobs, set_job_retries

from . import wire
from .access import require
from .core import RestError, body, bp, no_content, reply
from .process_instances import engine

READERS = ("admin", "auditor")
INCIDENT_SORTS = {"incidentId": lambda r: r["id"], "incidentMessage": lambda r: r["message"],
                  "incidentTimestamp": lambda r: r["created_at"], "incidentType": lambda r: r["type"],
                  "executionId": lambda r: _execution(r), "activityId": lambda r: r["element_id"],
                  "processInstanceId": lambda r: r["instance_id"], "processDefinitionId": lambda r: _definition(r),
                  "causeIncidentId": lambda r: r["id"], "rootCauseIncidentId": lambda r: r["id"],
                  "configuration": lambda r: r["job_id"], "tenantId": lambda r: r["tenant"]}
JOB_SORTS = {"jobId": lambda r: r["id"], "executionId": lambda r: r["task_id"],
             "processInstanceId": lambda r: r["instance_id"], "processDefinitionId": lambda r: _definition(r),
             "processDefinitionKey": lambda r: r["key"], "jobRetries": lambda r: r["retries"],
             "jobDueDate": lambda r: r["next_run_at"], "jobPriority": lambda r: r["priority"],
             "tenantId": lambda r: r["tenant"]}


def _definition(r: dict[str, Any]) -> str:
    return wire.definition_id(r["key"], r["version"], r["definition_id"])


def _execution(r: dict[str, Any]) -> str:
    return r["task_id"] or str(r["instance_id"])


def incident_dto(r: dict[str, Any]) -> dict[str, Any]:
    """Camunda's IncidentDto."""
    iid = str(r["id"])
    return {"id": iid, "processDefinitionId": _definition(r), "processInstanceId": str(r["instance_id"]),
            "executionId": _execution(r), "incidentTimestamp": wire.date_out(r["created_at"]),
            "incidentType": r["type"], "activityId": r["element_id"], "failedActivityId": r["element_id"],
            "causeIncidentId": iid, "rootCauseIncidentId": iid,
            "configuration": str(r["job_id"]) if r["job_id"] is not None else None, "tenantId": r["tenant"],
            "incidentMessage": r["message"], "jobDefinitionId": None, "annotation": None}


def _incidents() -> list[dict[str, Any]]:
    v = require(*READERS)
    order = wire.sorting(INCIDENT_SORTS)
    rows = incidents(engine(), v.tenant)
    tests: list[tuple[str, Any]] = []
    for param, get in (("incidentId", lambda r: str(r["id"])), ("incidentType", lambda r: r["type"]),
                       ("incidentMessage", lambda r: r["message"]), ("processDefinitionId", _definition),
                       ("processInstanceId", lambda r: str(r["instance_id"])), ("executionId", _execution),
                       ("activityId", lambda r: r["element_id"]), ("failedActivityId", lambda r: r["element_id"]),
                       ("causeIncidentId", lambda r: str(r["id"])), ("rootCauseIncidentId", lambda r: str(r["id"])),
                       ("configuration", lambda r: str(r["job_id"]) if r["job_id"] is not None else None)):
        value = wire.text(param)
        if value is not None:
            tests.append((value, get))
    rows = [r for r in rows if all(get(r) == value for value, get in tests)]
    keys = wire.listed("processDefinitionKeyIn")
    if keys is not None:
        rows = [r for r in rows if r["key"] in keys]
    tenant_in = wire.listed("tenantIdIn")
    if tenant_in is not None:
        rows = [r for r in rows if r["tenant"] in tenant_in]
    if wire.listed("jobDefinitionIdIn"):
        rows = []
    before, after = wire.when("incidentTimestampBefore"), wire.when("incidentTimestampAfter")
    rows = [r for r in rows if (before is None or r["created_at"] < before) and (after is None or r["created_at"] > after)]
    like = wire.text("incidentMessageLike")
    if like is not None:
        import re
        pattern = re.compile(re.escape(like).replace("%", ".*").replace("_", "."), re.S)
        rows = [r for r in rows if pattern.fullmatch(r["message"] or "")]
    return wire.sort_rows(rows, order, INCIDENT_SORTS)


@bp.get("/incident")
def incident_list() -> Response:
    return reply([incident_dto(r) for r in wire.page(_incidents())])


@bp.get("/incident/count")
def incident_count() -> Response:
    return reply({"count": len(_incidents())})


@bp.get("/incident/<incident_id>")
def incident_get(incident_id: str) -> Response:
    v = require(*READERS)
    for r in incidents(engine(), v.tenant):
        if str(r["id"]) == incident_id:
            return reply(incident_dto(r))
    raise RestError(404, f"No matching incident with id {incident_id[:64]}", "InvalidRequestException")


def job_dto(r: dict[str, Any]) -> dict[str, Any]:
    """Camunda's JobDto."""
    return {"id": str(r["id"]), "jobDefinitionId": None, "processInstanceId": str(r["instance_id"]),
            "processDefinitionId": _definition(r), "processDefinitionKey": r["key"], "executionId": r["task_id"],
            "exceptionMessage": r["last_error"], "failedActivityId": r["element_id"] if r["last_error"] else None,
            "retries": r["retries"], "dueDate": wire.date_out(r["next_run_at"]), "suspended": False,
            "priority": r["priority"], "tenantId": r["tenant"], "createTime": wire.date_out(r["created_at"]),
            "batchId": None}


def _jobs() -> list[dict[str, Any]]:
    v = require(*READERS)
    order = wire.sorting(JOB_SORTS)
    rows = jobs(engine(), v.tenant)
    for param, get in (("jobId", lambda r: str(r["id"])), ("processInstanceId", lambda r: str(r["instance_id"])),
                       ("executionId", lambda r: r["task_id"]), ("processDefinitionId", _definition),
                       ("processDefinitionKey", lambda r: r["key"]), ("activityId", lambda r: r["element_id"])):
        value = wire.text(param)
        if value is not None:
            rows = [r for r in rows if get(r) == value]
    if wire.flag("withException"):
        rows = [r for r in rows if r["last_error"]]
    if wire.flag("noRetriesLeft"):
        rows = [r for r in rows if r["retries"] == 0]
    if wire.flag("withRetriesLeft"):
        rows = [r for r in rows if r["retries"] > 0]
    if wire.flag("suspended"):
        rows = []
    tenant_in = wire.listed("tenantIdIn")
    if tenant_in is not None:
        rows = [r for r in rows if r["tenant"] in tenant_in]
    return wire.sort_rows(rows, order, JOB_SORTS)


@bp.get("/job")
def job_list() -> Response:
    return reply([job_dto(r) for r in wire.page(_jobs())])


@bp.get("/job/count")
def job_count() -> Response:
    return reply({"count": len(_jobs())})


def _job(job_id: str) -> dict[str, Any]:
    v = require(*READERS)
    row = wire.row_id(job_id)
    found = jobs(engine(), v.tenant, row) if row is not None else []
    if not found:
        raise RestError(404, f"Job with id {job_id[:64]} does not exist", "InvalidRequestException")
    return found[0]


@bp.get("/job/<job_id>")
def job_get(job_id: str) -> Response:
    return reply(job_dto(_job(job_id)))


@bp.put("/job/<job_id>/retries")
def job_retries(job_id: str) -> Response:
    v = require("admin")
    row = _job(job_id)
    retries = body().get("retries")
    if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= wire.INT_MAX:
        raise RestError(400, "'retries' must be a whole number of 0 or more")
    set_job_retries(engine(), v.tenant, row["id"], retries, v.user)
    return no_content()
