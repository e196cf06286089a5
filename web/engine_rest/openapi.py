"""The OpenAPI 3.1 document of /engine-rest (GET /engine-rest/openapi.json), built from the blueprint's routes
and the query parameters below; a test checks that every route is documented and every entry is a route.

Only what kentei answers is listed; fields and semantics follow Camunda 7.24's REST API (docs/dialect.md
says where kentei differs).
"""
from __future__ import annotations

import re
from typing import Any

from flask import Response, current_app

from .core import bp, reply

S, B, I, D, L = ({"type": "string", "maxLength": 255}, {"type": "boolean"}, {"type": "integer", "minimum": 0},
                 {"type": "string", "format": "date-time"}, {"type": "string", "description": "comma-separated"})
PAGING = {"firstResult": I, "maxResults": I, "sortBy": S, "sortOrder": {"enum": ["asc", "desc"]}}
DEFINITION_QUERY = {"key": S, "keysIn": L, "keyLike": S, "name": S, "nameLike": S, "deploymentId": S,
                    "version": I, "latestVersion": B, "tenantIdIn": L, "withoutTenantId": B, "versionTag": S}
TASK_QUERY = {"processInstanceId": S, "processInstanceBusinessKey": S, "processDefinitionKey": S,
              "processDefinitionKeyIn": L, "taskDefinitionKey": S, "taskDefinitionKeyIn": L, "assignee": S,
              "assigneeIn": L, "owner": S, "candidateUser": S, "candidateGroup": S, "candidateGroups": L,
              "includeAssignedTasks": B, "assigned": B, "unassigned": B, "withCandidateGroups": B, "name": S,
              "nameLike": S, "active": B, "suspended": B, "tenantIdIn": L, "dueBefore": D, "dueAfter": D,
              "followUpBefore": D, "createdAfter": D, "createdBefore": D, "delegationState": S,
              "processVariables": S, "taskVariables": S, "withTaskVariablesInReturn": B}
INSTANCE_QUERY = {"processInstanceIds": L, "businessKey": S, "businessKeyLike": S, "processDefinitionId": S,
                  "processDefinitionKey": S, "processDefinitionKeyIn": L, "deploymentId": S, "active": B,
                  "suspended": B, "withIncident": B, "incidentId": S, "tenantIdIn": L, "withoutTenantId": B,
                  "activityIdIn": L, "variables": S}
HISTORY_INSTANCE_QUERY = {"processInstanceId": S, "processInstanceIds": L, "processDefinitionKey": S,
                          "processInstanceBusinessKey": S, "finished": B, "unfinished": B, "withIncidents": B,
                          "startedBefore": D, "startedAfter": D, "finishedBefore": D, "finishedAfter": D,
                          "active": B, "completed": B, "tenantIdIn": L}
INCIDENT_QUERY = {"incidentId": S, "incidentType": S, "processDefinitionId": S, "processDefinitionKeyIn": L,
                  "processInstanceId": S, "executionId": S, "activityId": S, "failedActivityId": S,
                  "configuration": S, "tenantIdIn": L, "incidentTimestampBefore": D, "incidentTimestampAfter": D}
EXTERNAL_QUERY = {"externalTaskId": S, "topicName": S, "workerId": S, "locked": B, "notLocked": B,
                  "withRetriesLeft": B, "noRetriesLeft": B, "processInstanceId": S, "activityId": S,
                  "tenantIdIn": L}
DEPLOYMENT_QUERY = {"id": S, "name": S, "nameLike": S, "source": S, "withoutSource": B, "tenantIdIn": L,
                    "withoutTenantId": B, "after": D, "before": D}
QUERIES: dict[str, dict[str, Any]] = {
    "/deployment": DEPLOYMENT_QUERY, "/deployment/count": DEPLOYMENT_QUERY,
    "/process-definition": DEFINITION_QUERY, "/process-definition/count": DEFINITION_QUERY,
    "/decision-definition": DEFINITION_QUERY, "/decision-definition/count": DEFINITION_QUERY,
    "/task": TASK_QUERY, "/task/count": TASK_QUERY,
    "/process-instance": INSTANCE_QUERY, "/process-instance/count": INSTANCE_QUERY,
    "/history/process-instance": HISTORY_INSTANCE_QUERY, "/history/process-instance/count": HISTORY_INSTANCE_QUERY,
    "/history/activity-instance": {"processInstanceId": S, "activityId": S, "activityType": S, "finished": B,
                                   "unfinished": B},
    "/history/variable-instance": {"processInstanceId": S, "variableName": S, "variableNameLike": S},
    "/incident": INCIDENT_QUERY, "/incident/count": INCIDENT_QUERY,
    "/external-task": EXTERNAL_QUERY, "/external-task/count": EXTERNAL_QUERY,
    "/job": {"processInstanceId": S, "withException": B, "noRetriesLeft": B},
    "/task/{task_id}/form-variables": {"variableNames": L, "deserializeValues": B},
}
TYPED = {"type": "object", "additionalProperties": {"type": "object", "properties": {
    "value": {}, "type": {"type": "string"}, "valueInfo": {"type": "object"}}}}
BODIES: dict[str, dict[str, Any]] = {
    "start": {"type": "object", "properties": {"businessKey": {"type": ["string", "null"]}, "variables": TYPED}},
    "fetchAndLock": {"type": "object", "required": ["workerId", "maxTasks"], "properties": {
        "workerId": S, "maxTasks": I, "usePriority": B, "asyncResponseTimeout": {"type": "integer", "maximum": 2000},
        "topics": {"type": "array", "items": {"type": "object", "required": ["topicName", "lockDuration"],
                                              "properties": {"topicName": S, "lockDuration": I}}}}},
}
ERROR = {"description": "Camunda's error: {type, message, code}", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"type": {"type": "string"}, "message": {"type": "string"},
                                     "code": {"type": "integer"}}}}}}
PARAM = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def routes() -> list[tuple[str, str, str]]:
    """(method, OpenAPI path, endpoint) of every route of the /engine-rest mount."""
    found = []
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("engine_rest.") or not rule.rule.startswith("/engine-rest/"):
            continue
        if rule.rule.startswith("/engine-rest/engine/default/"):
            continue
        path = PARAM.sub(r"{\1}", rule.rule[len("/engine-rest"):])
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, path, rule.endpoint))
    return sorted(found)


def _operation(method: str, path: str, endpoint: str) -> dict[str, Any]:
    params = [{"name": n, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1,
                                                                     "maxLength": 80}}
              for n in re.findall(r"{([a-z_]+)}", path)]
    if method == "GET":
        params += [{"name": n, "in": "query", "required": False, "schema": s}
                   for n, s in {**QUERIES.get(path, {}), **(PAGING if path in QUERIES and not path.endswith("/count")
                                                            else {})}.items()]
    op: dict[str, Any] = {"operationId": endpoint.split(".", 1)[1] + "_" + method.lower(), "parameters": params,
                          "responses": {"200": {"description": "the answer (JSON)"},
                                        "204": {"description": "done, no body"}, "4XX": ERROR}}
    if method in ("POST", "PUT"):
        if path.endswith("/deployment/create"):
            op["requestBody"] = {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
                "deployment-name": S, "enable-duplicate-filtering": {"enum": ["true", "false"]},
                "data": {"type": "string", "format": "binary"}}}}}}
        else:
            kind = "start" if path.endswith("/start") else "fetchAndLock" if path.endswith("/fetchAndLock") else ""
            schema = BODIES.get(kind, {"type": "object"})
            op["requestBody"] = {"required": False, "content": {"application/json": {"schema": schema}}}
    return op


def document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for method, path, endpoint in routes():
        if path.endswith("/openapi.json"):
            continue
        paths.setdefault(path, {})[method.lower()] = _operation(method, path, endpoint)
    return {"openapi": "3.1.0",
            "info": {"title": "kentei: the Camunda 7 REST API", "version": "7.24.0",
                     "description": "Camunda 7's /engine-rest on kentei's engine, scoped to the caller's prefecture. "
                                    "Authentication: HTTP Basic (a staff account) or Bearer (an API token)."},
            "servers": [{"url": "/engine-rest"}],
            "components": {"securitySchemes": {"basic": {"type": "http", "scheme": "basic"},
                                               "bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"basic": []}, {"bearer": []}], "paths": paths}


@bp.get("/openapi.json")
def openapi_document() -> Response:
    return reply(document())
