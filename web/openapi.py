"""The OpenAPI 3.1 document of /api/v1 (kept beside the routes in web/api.py; a test checks they agree)."""
from __future__ import annotations

from typing import Any

from engine.inbox import DUES, SCOPES, SORTS

ERROR = {"$ref": "#/components/responses/Error"}


def _q(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _path(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


TASK_ID = _path("task_id", {"type": "string", "minLength": 1, "maxLength": 64})
INSTANCE_ID = _path("instance_id", {"type": "integer", "minimum": 1, "maximum": 2**53})
INCIDENT_ID = _path("incident_id", {"type": "integer", "minimum": 1, "maximum": 2**53})
APPLICATION_ID = _path("application_id", {"type": "string", "minLength": 1, "maxLength": 32})
_TEXT = {"type": "string", "maxLength": 300}
APPLICATION = {
    "type": "object", "required": ["applicant_name", "name_kana", "birth_date", "sex", "address", "grade",
                                   "trade_code", "trade_name", "experience_years", "schooling", "prior_pass",
                                   "my_number"],
    "properties": {
        "id": {"type": "string", "pattern": "^[0-9A-Za-z._:-]{1,64}$",
               "description": "the caller's request id: a repeated call with it files nothing twice"},
        "channel": {"enum": ["paper", "online"]},
        "pseudonym_id": {"type": "string", "pattern": "^PSN-[a-p]{32}$"},
        "applicant_name": _TEXT, "name_kana": _TEXT, "birth_date": {"type": "string", "format": "date"},
        "sex": {"enum": ["1", "2"]}, "address": _TEXT, "email": _TEXT, "tenant": {"type": "string"},
        "grade": {"type": "string"}, "trade_code": {"type": "string"}, "trade_name": _TEXT, "task_name": _TEXT,
        "experience_years": {"type": "integer", "minimum": 0, "maximum": 60},
        "schooling": {"type": "string"}, "prior_pass": {"type": "string"},
        "written_exemption_claimed": {"type": "boolean"}, "practical_exemption_claimed": {"type": "boolean"},
        "my_number": {"type": "string", "description": "12 digits with its check digit; kept in the vault only"}},
}
ERRORS = {"400": ERROR, "401": ERROR, "403": ERROR, "404": ERROR, "409": ERROR, "422": ERROR}


def _op(summary: str, ok: dict[str, Any], params: list[dict[str, Any]] | None = None,
        body: dict[str, Any] | None = None, secured: bool = True, created: bool = False) -> dict[str, Any]:
    answer = {"content": {"application/json": {"schema": ok}}}
    op: dict[str, Any] = {"summary": summary, "parameters": params or [],
                          "responses": {"200": {"description": "OK", **answer}, **ERRORS}}
    if created:
        op["responses"]["201"] = {"description": "Created", **answer}
    if body is not None:
        op["requestBody"] = {"required": False, "content": {"application/json": {"schema": body}}}
    if not secured:
        op["security"] = []
    return op


OBJ = {"type": "object"}


def document() -> dict[str, Any]:
    """The API as OpenAPI 3.1."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "kentei API", "version": "1",
                 "description": "技能検定 workflow: tasks, instances, messages, incidents, deployments. Every call "
                                "is scoped to the token's user: their prefecture and roles."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "a token from `kentei token-create`"}},
            "schemas": {"Error": {"type": "object", "required": ["error", "field"],
                                  "properties": {"error": {"type": "string"},
                                                 "field": {"type": ["string", "null"]}}}},
            "responses": {"Error": {"description": "the request was refused",
                                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
        },
        "paths": {
            "/api/v1/openapi.json": {"get": _op("This document", OBJ, secured=False)},
            "/api/v1/tasks": {"get": _op("Open tasks the user may work on", OBJ, [
                _q("scope", {"enum": list(SCOPES)}, "whose tasks"), _q("due", {"enum": list(DUES)}, "due within"),
                _q("process", {"type": "string", "maxLength": 255}, "process key"),
                _q("task", {"type": "string", "maxLength": 255}, "task definition id"),
                _q("q", {"type": "string", "maxLength": 64}, "申請受付ID, 受検番号 or part of a name"),
                _q("sort", {"enum": list(SORTS)}, "order"),
                _q("page", {"type": "integer", "minimum": 1, "maximum": 100000}, "page"),
                _q("per_page", {"type": "integer", "minimum": 1, "maximum": 200}, "page size")])},
            "/api/v1/tasks/{task_id}": {"get": _op("One task", OBJ, [TASK_ID])},
            "/api/v1/tasks/{task_id}/claim": {"post": _op("Claim an unassigned task", OBJ, [TASK_ID])},
            "/api/v1/tasks/{task_id}/unclaim": {"post": _op("Give a claimed task back", OBJ, [TASK_ID])},
            "/api/v1/tasks/{task_id}/complete": {"post": _op(
                "Complete a claimed task with its form data", OBJ, [TASK_ID],
                {"type": "object", "properties": {"data": {"type": "object"}}})},
            "/api/v1/instances/{instance_id}": {"get": _op("A process instance", OBJ, [INSTANCE_ID])},
            "/api/v1/instances/{instance_id}/history": {"get": _op("Its hash-chained history", OBJ, [INSTANCE_ID])},
            "/api/v1/messages": {"post": _op("Correlate a message (e.g. fee_paid) by name and 申請受付ID; the "
                                             "catching element declares who may send it and the variables it "
                                             "may set (messageSenders, messageVariables)", OBJ, body={
                "type": "object", "required": ["name", "key"],
                "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 128},
                               "key": {"type": "string", "minLength": 1, "maxLength": 128},
                               "id": {"type": "string", "minLength": 1, "maxLength": 128},
                               "data": {"type": "object"}}})},
            "/api/v1/signals": {"post": _op("Send a signal to the caller's prefecture (admin): every instance "
                                            "waiting for it, and the processes its signal start events start", OBJ,
                                            body={"type": "object", "required": ["name"], "properties": {
                                                "name": {"type": "string", "minLength": 1, "maxLength": 255},
                                                "data": {"type": "object"}}})},
            "/api/v1/incidents": {"get": _op("Incidents of the user's prefecture", OBJ,
                                             [_q("status", {"enum": ["open", "all"]}, "which")])},
            "/api/v1/incidents/{incident_id}/retry": {"post": _op("Retry an incident (admin)", OBJ, [INCIDENT_ID])},
            "/api/v1/incidents/{incident_id}/resolve": {"post": _op(
                "Resolve a failed job's incident by hand, without a retry (admin)", OBJ, [INCIDENT_ID], {
                    "type": "object", "required": ["note"],
                    "properties": {"note": {"type": "string", "minLength": 1, "maxLength": 1000},
                                   "variables": {"type": "object"}}})},
            "/api/v1/applications": {"post": _op(
                "File an application in the user's prefecture (reviewer, admin)", OBJ, body=APPLICATION, created=True)},
            "/api/v1/applications/{application_id}": {"get": _op("One application of the user's prefecture", OBJ,
                                                                 [APPLICATION_ID])},
            "/api/v1/deployments": {"get": _op("Deployed process versions", OBJ)},
        },
    }
