"""The JSON API (/api/v1): token authentication, the same prefecture scoping and roles as the pages.

Every error is JSON {"error": sentence, "field": name or null} with a 4xx status; nothing a
caller sends produces a 500. The OpenAPI 3.1 document is at /api/v1/openapi.json.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from engine.errors import BadInput, Conflict, EngineError, Forbidden, FormInvalid, NotFound
from engine.identity.tokens import holder
from engine.inbox import (
    DUES,
    SCOPES,
    SORTS,
    NotClaimed,
    TaskQuery,
    Viewer,
    claim,
    complete,
    incident_of,
    task_page,
    unclaim,
    visible_instance,
    visible_task,
)
from engine.message_rules import Sender
from engine.ops_incidents import ResolutionInvalid
from engine.text_rules import SENTENCE, first_bad_string

from .auth import engine
from .openapi import document

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class ApiError(Exception):
    """A 4xx answer with a sentence and the field it is about."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def _error(status: int, message: str, field: str | None = None, **extra: Any) -> Response:
    response = jsonify({"error": message, "field": field, **extra})
    response.status_code = status
    return response


@bp.errorhandler(ApiError)
def api_error(err: ApiError) -> Response:
    return _error(err.status, err.message, err.field)


@bp.errorhandler(FormInvalid)
def form_invalid(err: FormInvalid) -> Response:
    first = next(iter(err.errors), None)
    return _error(422, "the form data is invalid", first, fields=err.errors)


@bp.errorhandler(NotFound)
def not_found(err: NotFound) -> Response:
    return _error(404, str(err))


@bp.errorhandler(Forbidden)
def forbidden(err: Forbidden) -> Response:
    return _error(403, str(err))


@bp.errorhandler(Conflict)
def conflict(err: Conflict) -> Response:
    return _error(409, str(err))


@bp.errorhandler(EngineError)
def engine_error(err: EngineError) -> Response:
    return _error(getattr(err, "status", 400) if 400 <= getattr(err, "status", 400) < 500 else 400, str(err))


@bp.errorhandler(HTTPException)
def http_error(err: HTTPException) -> Response:
    return _error(err.code or 400, (err.name or "error").lower())


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Bearer token → g.viewer (the token's user: prefecture, roles)."""
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return _error(401, "an Authorization: Bearer token is required", "Authorization")
        with engine().transaction() as s, s.begin():
            user = holder(s, header[7:].strip(), engine().now())
            if user is None:
                return _error(401, "the token is unknown or revoked", "Authorization")
            g.viewer = Viewer(user.username, user.tenant, user.role_set)
        return view(*args, **kwargs)
    return wrapper


def _body() -> dict[str, Any]:
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the JSON parser goes
        raise ApiError(400, "the body is nested too deeply", "body") from None
    if body is None and request.get_data():
        raise ApiError(400, "the body must be JSON", "body")
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object", "body")
    # lone surrogates cannot be stored (a 500 later); NUL and other controls cut or reorder what pages show
    where = first_bad_string(body)
    if where is not None:
        raise ApiError(400, f"text {SENTENCE}", where or "body")
    return body


def _choice(name: str, allowed: Any, default: str) -> str:
    value = request.args.get(name, default)
    if value not in allowed:
        raise ApiError(400, f"must be one of {', '.join(allowed)}", name)
    return value


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, str(default))
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise ApiError(400, f"must be a whole number from {low} to {high}", name)
    return int(raw)


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document())


@bp.get("/tasks")
@token_required
def tasks() -> Response:
    query = TaskQuery(process=request.args.get("process") or None, element=request.args.get("task") or None,
                      scope=_choice("scope", SCOPES, "all"), due=_choice("due", DUES, "any"),
                      q=(request.args.get("q") or "")[:64] or None, sort=_choice("sort", SORTS, "created"),
                      page=_int_arg("page", 1, 1, 100_000), per_page=_int_arg("per_page", 25, 1, 200))
    rows, total = task_page(engine(), g.viewer, query)
    return jsonify({"tasks": rows, "total": total, "page": query.page, "per_page": query.per_page})


@bp.get("/tasks/<task_id>")
@token_required
def task(task_id: str) -> Response:
    found = visible_task(engine(), g.viewer, task_id)
    found.pop("definition_id", None)
    return jsonify(found)


@bp.post("/tasks/<task_id>/claim")
@token_required
def claim_task(task_id: str) -> Response:
    claim(engine(), g.viewer, task_id)
    return jsonify({"id": task_id, "assignee": g.viewer.user})


@bp.post("/tasks/<task_id>/unclaim")
@token_required
def unclaim_task(task_id: str) -> Response:
    unclaim(engine(), g.viewer, task_id)
    return jsonify({"id": task_id, "assignee": None})


@bp.post("/tasks/<task_id>/complete")
@token_required
def complete_task(task_id: str) -> Response:
    visible_task(engine(), g.viewer, task_id)  # another prefecture's task: 404 before its body is read
    data = _body().get("data", {})
    if not isinstance(data, dict):
        raise ApiError(400, "data must be a JSON object", "data")
    try:
        instance_id = complete(engine(), g.viewer, task_id, data)
    except NotClaimed as err:
        raise ApiError(409, str(err), "assignee") from None
    return jsonify({"id": task_id, "status": "completed", "instance_id": instance_id})


@bp.get("/instances/<int:instance_id>")
@token_required
def instance(instance_id: int) -> Response:
    info = visible_instance(engine(), g.viewer, instance_id)
    info.pop("history", None)
    info["incidents"] = [_for_role(i) for i in info.get("incidents", [])]
    return jsonify(info)


@bp.get("/instances/<int:instance_id>/history")
@token_required
def history(instance_id: int) -> Response:
    info = visible_instance(engine(), g.viewer, instance_id)
    return jsonify({"instance_id": instance_id, "events": info["history"],
                    "chain_problems": engine().verify_history(instance_id)})


@bp.post("/messages")
@token_required
def message() -> Response:
    body = _body()
    name, key, message_id = body.get("name"), body.get("key"), body.get("id")
    for field, value in (("name", name), ("key", key)):
        if not isinstance(value, str) or not value or len(value) > 128:
            raise ApiError(400, "must be a non-empty string of at most 128 characters", field)
    if message_id is not None and (not isinstance(message_id, str) or not 1 <= len(message_id) <= 128):
        raise ApiError(400, "must be a string of 1 to 128 characters", "id")
    if not key.startswith(f"{g.viewer.tenant}-"):  # correlation keys are 申請受付IDs, which name the prefecture
        raise ApiError(404, "no application of your prefecture has that key", "key")
    data = body.get("data", {})
    if not isinstance(data, dict):
        raise ApiError(400, "data must be a JSON object", "data")
    # who may send it and which variables it may set: declared by the elements that catch it (engine/message_rules)
    sender = Sender(g.viewer.user, g.viewer.tenant, frozenset(g.viewer.roles))
    try:
        result = engine().correlate(name, key, data, message_id=message_id, sender=sender)
    except BadInput as err:
        raise ApiError(400, str(err), err.field) from None
    return jsonify(result), (202 if result["status"] == "buffered" else 200)


@bp.get("/incidents")
@token_required
def incidents() -> Response:
    status = _choice("status", ("open", "all"), "open")
    found = engine().incidents(tenant=g.viewer.tenant, status=None if status == "all" else "open")
    return jsonify({"incidents": [_for_role(i) for i in found]})


def _for_role(incident: dict[str, Any]) -> dict[str, Any]:
    """An incident as the caller may see it: the note on a manual resolution is for administrators."""
    return incident if "admin" in g.viewer.roles else {**incident, "resolution_note": None}


def _admin_incident(incident_id: int, doing: str) -> None:
    """Acting on an incident needs the admin role, and the incident must be of the admin's prefecture."""
    if "admin" not in g.viewer.roles:
        raise ApiError(403, f"{doing} an incident needs the admin role")
    incident_of(engine(), g.viewer, incident_id)


@bp.post("/incidents/<int:incident_id>/retry")
@token_required
def retry_incident(incident_id: int) -> Response:
    _admin_incident(incident_id, "retrying")
    return jsonify({"id": incident_id, "outcome": engine().retry(incident_id, user=g.viewer.user)})


@bp.post("/incidents/<int:incident_id>/resolve")
@token_required
def resolve_incident(incident_id: int) -> Response:
    """Close a failed job's incident without a retry: the work was done outside; a note says what."""
    _admin_incident(incident_id, "resolving")
    body = _body()
    note, variables = body.get("note"), body.get("variables")
    if not isinstance(note, str):
        raise ApiError(400, "a note is required: say what was done outside kentei", "note")
    if variables is not None and not isinstance(variables, dict):
        raise ApiError(400, "variables must be a JSON object", "variables")
    try:
        engine().resolve(incident_id, g.viewer.user, note, variables)
    except ResolutionInvalid as err:
        raise ApiError(422, str(err), err.field) from None
    return jsonify({"id": incident_id, "outcome": "resolved_by_hand"})


@bp.get("/deployments")
@token_required
def deployments() -> Response:
    from engine.inbox import definitions
    return jsonify({"processes": definitions(engine(), g.viewer.tenant)})


def register(app: Any) -> None:
    """Mount the API without CSRF (it takes no cookies: every call carries its token)."""
    from . import api_applications, api_signals  # noqa: F401 — their routes join this blueprint
    from .app import csrf
    csrf.exempt(bp)
    app.register_blueprint(bp)

    @app.after_request
    def no_store(response: Response) -> Response:
        """API answers carry personal data: no cache keeps them (errors and unknown paths under /api/ too)."""
        if request.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
        return response
