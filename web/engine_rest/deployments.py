"""/deployment: create (Camunda Modeler's deploy: multipart, duplicate filtering), list (+count), get, resources
and their bytes, delete when no instance uses it.

Who deploys: admin or analyst for their own prefecture (tenant-id absent or their own; another prefecture's
is a 403); an operator without tenant-id deploys shared. Deleting: an admin their prefecture's deployments, an
operator the shared ones. A refused file set is a 400 ParseException whose message lists every problem with its file, element
id, name, line and column (the Modeler shows only `message`), and whose details carry them structured.
"""
from __future__ import annotations

from typing import Any

from flask import Response, request

from engine import deployments
from engine.db.models import SHARED
from engine.identity.roles import ADMIN, ANALYST, OPERATOR
from engine.text_rules import first_bad_string
from engine.validation import ValidationFailed

from . import access, wire
from .core import RestError, bp, no_content, reply
from .decision_definitions import decision_dto
from .process_definitions import base, engine, like, process_dto, tenant_out, visible

RESERVED = {"deployment-name", "deployment-source", "enable-duplicate-filtering", "deploy-changed-only",
            "tenant-id", "deployment-activation-time"}
PARSE_PREFIX = "ENGINE-09005 Could not parse BPMN process. Errors: "


def deployment_dto(d: dict[str, Any]) -> dict[str, Any]:
    """Camunda's DeploymentDto."""
    return {"links": [{"method": "GET", "href": f"{base()}/deployment/{d['id']}", "rel": "self"}], "id": d["id"],
            "name": d["name"], "source": d["source"], "deploymentTime": wire.date_out(d["deployed_at"]),
            "tenantId": tenant_out(d["tenant"])}


def _field(name: str, limit: int = 255) -> str | None:
    value = request.form.get(name)
    if value is None or value == "":
        return None
    if "\ufffd" in value:  # werkzeug decodes a text part that is not UTF-8 with replacement characters
        raise RestError(400, f"The form parameter '{name}' is not UTF-8 text")
    if len(value) > limit or first_bad_string(value) is not None:
        raise RestError(400, f"The form parameter '{name}' is longer than {limit} characters or contains a "
                             "control character")
    return value


def _switch(name: str) -> bool:
    value = (request.form.get(name) or "false").strip().lower()
    if value not in ("true", "false"):
        raise RestError(400, f"The form parameter '{name}' must be true or false, not '{value[:40]}'")
    return value == "true"


def _scope(tenant_id: str | None, for_what: str) -> str:
    """The tenant a caller deploys to: an operator without tenant-id deploys shared; an admin or analyst
    deploys for their own prefecture (another prefecture's tenant-id is a 403)."""
    v = access.viewer()
    if tenant_id is None and OPERATOR in v.roles:
        return SHARED
    if tenant_id is not None and tenant_id != v.tenant:
        raise RestError(403, f"The user '{v.user}' may not {for_what} for tenant '{tenant_id}': only for their own "
                             f"prefecture ({v.tenant})", "AuthorizationException", userId=v.user,
                        missingAuthorizations=[])
    access.require(ADMIN, ANALYST)
    return v.tenant


def _resources() -> list[tuple[str, bytes]]:
    for name in request.form:
        if name not in RESERVED:
            raise RestError(400, f"No file name found in the deployment resource described by form parameter '{name}'.")
    found: dict[str, tuple[str, bytes]] = {}
    for field in request.files:
        part = request.files.getlist(field)[-1]  # parts are keyed by field name: the last one wins
        if field in RESERVED:
            continue
        filename = (part.filename or "").strip()
        if not filename:
            raise RestError(400, f"No file name found in the deployment resource described by form parameter '{field}'.")
        if len(filename) > 255 or first_bad_string(filename) is not None:
            raise RestError(400, f"The file name of form parameter '{field}' is longer than 255 characters or "
                                 "contains a control character")
        found[field] = (filename, part.read())
    if not found:
        raise RestError(400, "No deployment resources contained in the form upload." + _unreadable())
    return list(found.values())


def _unreadable() -> str:
    """Why a multipart body with content gave no part at all: werkzeug drops the whole form when a part's
    header is not UTF-8 (curl sends a Shift_JIS or Latin-1 file name's bytes as they are)."""
    if request.mimetype != "multipart/form-data" or not request.content_length or request.form or request.files:
        return ""
    return (" No part of the multipart/form-data body could be read: it needs its boundary, and every field "
            "name and file name must be UTF-8 text")


def parse_exception(err: ValidationFailed, files: list[tuple[str, bytes]]) -> RestError:
    """Camunda's ParseException: every problem in `message` (one `\\n* ` line each) and in `details`."""
    lines, details = [], {}
    for p in deployments.located(err.problems, files):
        parts = [p["message"], f"resource {p['file']}"]
        if p["element"]:
            parts.append(f"element {p['element']}" + (f" '{p['name']}'" if p["name"] else ""))
        if p["line"]:
            parts.append(f"line {p['line']}" + (f" | column {p['column']}" if p["column"] else ""))
        lines.append("\n* " + " | ".join(parts))
        ids = [p["element"]] if p["element"] else []
        details.setdefault(p["file"], {"errors": [], "warnings": []})["errors"].append(
            {"message": p["message"], "line": p["line"], "column": p["column"], "mainElementId": p["element"],
             "elementIds": ids, "mainBpmnElementId": p["element"], "bpmnElementIds": ids})
    return RestError(400, PARSE_PREFIX + "".join(lines), "ParseException", details=details)


@bp.post("/deployment/create")
def deployment_create() -> Response:
    tenant = _scope(_field("tenant-id", 8), "deploy")
    files = _resources()
    name, source = _field("deployment-name"), _field("deployment-source")
    filtering, changed_only = _switch("enable-duplicate-filtering"), _switch("deploy-changed-only")
    try:
        made = deployments.create(engine(), files, name, source, tenant, access.viewer().user,
                                  filtering or changed_only, changed_only)
    except ValidationFailed as err:
        raise parse_exception(err, files) from None
    out = deployment_dto(made.deployment)
    processes = None if made.duplicate else {process_dto(p)["id"]: process_dto(p) for p in made.processes}
    decisions = None if made.duplicate else {decision_dto(d)["id"]: decision_dto(d) for d in made.decisions}
    return reply(out | {"deployedProcessDefinitions": processes or None, "deployedCaseDefinitions": None,
                        "deployedDecisionDefinitions": decisions or None,
                        "deployedDecisionRequirementsDefinitions": None})


@bp.get("/deployment/create")
def deployment_create_get() -> Response:
    """A proxy or redirect that turned the Modeler's POST into a GET (camunda-modeler #2536): a JSON 405 (without
    this route, /deployment/<id> would answer 404 for the id "create")."""
    return reply({"type": "RestException", "message": "POST a multipart/form-data body to deployment/create",
                  "code": 0}, 405, {"Allow": "POST, OPTIONS"})


SORTS = {"id": lambda d: d["id"], "name": lambda d: d["name"], "deploymentTime": lambda d: d["deployed_at"],
         "tenantId": lambda d: tenant_out(d["tenant"])}


def _query() -> list[dict[str, Any]]:
    requested, without = wire.listed("tenantIdIn"), bool(wire.flag("withoutTenantId"))
    scope = access.tenants(requested, without)
    if requested and wire.flag("includeDeploymentsWithoutTenantId"):
        scope |= {SHARED}
    items = deployments.listed(engine(), scope)
    ident, name, name_like = wire.text("id"), wire.text("name"), wire.text("nameLike")
    source, no_source = wire.text("source"), wire.flag("withoutSource")
    after, before = wire.when("after"), wire.when("before")
    if ident is not None:
        items = [d for d in items if d["id"] == ident]
    if name is not None:
        items = [d for d in items if d["name"] == name]
    if name_like is not None:
        matches = like(name_like)
        items = [d for d in items if matches(d["name"])]
    if source is not None:
        items = [d for d in items if d["source"] == source]
    if no_source:
        items = [d for d in items if d["source"] is None]
    if after is not None:
        items = [d for d in items if wire.date_out(d["deployed_at"]) > wire.date_out(after)]  # type: ignore[operator]
    if before is not None:
        items = [d for d in items if wire.date_out(d["deployed_at"]) < wire.date_out(before)]  # type: ignore[operator]
    return items


@bp.get("/deployment")
def deployment_list() -> Response:
    order = wire.sorting(set(SORTS))
    items = wire.sort_rows(_query(), order, SORTS)
    return reply([deployment_dto(d) for d in wire.page(items)])


@bp.get("/deployment/count")
def deployment_count() -> Response:
    wire.sorting(set(SORTS))
    return reply({"count": len(_query())})


@bp.get("/deployment/<ident>")
def deployment_get(ident: str) -> Response:
    return reply(deployment_dto(deployments.one(engine(), ident, visible())))


def _resource_dto(r: dict[str, Any], deployment_id: str) -> dict[str, Any]:
    return {"id": str(r["id"]), "name": r["name"], "deploymentId": deployment_id}


@bp.get("/deployment/<ident>/resources")
def deployment_resources(ident: str) -> Response:
    return reply([_resource_dto(r, ident) for r in deployments.resources(engine(), ident, visible())])


def _resource(ident: str, resource_id: str) -> tuple[dict[str, Any], bytes]:
    row = wire.row_id(resource_id)
    if row is None:
        deployments.one(engine(), ident, visible())
        raise RestError(404, f"Deployment resource with resource id '{resource_id}' for deployment id '{ident}' "
                             "does not exist.")
    return deployments.resource(engine(), ident, row, visible())


@bp.get("/deployment/<ident>/resources/<resource_id>")
def deployment_resource(ident: str, resource_id: str) -> Response:
    found, _ = _resource(ident, resource_id)
    return reply(_resource_dto(found, ident))


MEDIA = {"bpmn": "application/xml", "dmn": "application/xml", "form": "application/json"}


@bp.get("/deployment/<ident>/resources/<resource_id>/data")
def deployment_resource_data(ident: str, resource_id: str) -> Response:
    found, data = _resource(ident, resource_id)
    response = Response(data, status=200, mimetype=MEDIA.get(found["kind"], "application/octet-stream"))
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quoted(found['name'])}"
    return response


def _quoted(name: str) -> str:
    from urllib.parse import quote
    return quote(name, safe="")


@bp.delete("/deployment/<ident>")
def deployment_delete(ident: str) -> Response:
    for name in ("cascade", "skipCustomListeners", "skipIoMappings"):
        wire.flag(name)  # accepted; instances are never deleted with a deployment
    found = deployments.one(engine(), ident, visible())
    access.require(OPERATOR if found["tenant"] == SHARED else ADMIN)  # an analyst deploys, but deletes nothing
    deployments.remove(engine(), ident, visible())
    return no_content()
