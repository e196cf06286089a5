"""The blueprint and what every endpoint shares: answers, errors, authentication, CORS.

Errors are Camunda's EngineRestExceptionDto {"type", "message", "code"} (the Java client parses every
status of 300 or more as one); nothing a caller sends produces a traceback.
"""
from __future__ import annotations

from typing import Any

import orjson
from flask import Blueprint, Response, g, request
from werkzeug.exceptions import HTTPException

from engine.errors import BadInput, Conflict, EngineError, Forbidden, FormInvalid, NotFound, StepFailed

bp = Blueprint("engine_rest", __name__)
OPEN = {"engines", "openapi_document"}  # endpoints that need no credentials (GET /engine, as in Camunda)


class RestError(Exception):
    """An answer other than 2xx: status, Camunda's exception type name and a sentence; `extra` joins the body."""

    def __init__(self, status: int, message: str, type_: str = "InvalidRequestException", code: int = 0,
                 **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.code, self.extra = status, message, type_, code, extra


def reply(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """JSON with Content-Type application/json exactly (the JS client checks the header for equality)."""
    response = Response(orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS), status=status, mimetype="application/json")
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def no_content() -> Response:
    """204, no body."""
    return Response(status=204)


def error_body(status: int, type_: str, message: str, code: int = 0, **extra: Any) -> Response:
    response = reply({"type": type_, "message": message, "code": code, **extra}, status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="default"'
    return response


@bp.errorhandler(RestError)
def rest_error(err: RestError) -> Response:
    return error_body(err.status, err.type, err.message, err.code, **err.extra)


@bp.errorhandler(NotFound)
def not_found(err: NotFound) -> Response:
    return error_body(404, "InvalidRequestException", str(err))


@bp.errorhandler(Forbidden)
def forbidden(err: Forbidden) -> Response:
    return error_body(403, "AuthorizationException", str(err), userId=getattr(g, "rest_user", None),
                      missingAuthorizations=[])


@bp.errorhandler(FormInvalid)
def form_invalid(err: FormInvalid) -> Response:
    return error_body(400, "InvalidRequestException", str(err))


@bp.errorhandler(BadInput)
def bad_input(err: BadInput) -> Response:
    return error_body(400, "InvalidRequestException", str(err))


@bp.errorhandler(Conflict)
def conflict(err: Conflict) -> Response:
    return error_body(400, "BadUserRequestException", str(err))


@bp.errorhandler(StepFailed)
def step_failed(err: StepFailed) -> Response:
    return error_body(500, "ProcessEngineException", str(err))


@bp.errorhandler(EngineError)
def engine_error(err: EngineError) -> Response:
    return error_body(400, "InvalidRequestException", str(err))


@bp.errorhandler(HTTPException)
def http_error(err: HTTPException) -> Response:
    status = err.code or 400
    if status == 405 and request.path.endswith("/deployment/create"):
        return error_body(405, "RestException", "POST a multipart/form-data body to deployment/create")
    if status == 413:
        return error_body(413, "InvalidRequestException", "the request is larger than 8 MB")
    return error_body(status, "RestException" if status >= 500 else "InvalidRequestException",
                      f"{err.name}: {err.description}" if status != 404 else f"No resource at {request.path}")


@bp.before_request
def authenticate() -> Any:
    """Every call but OPTIONS and the open ones carries Basic or Bearer credentials of a staff account."""
    from .access import authenticate as check
    if request.method == "OPTIONS":
        return None
    endpoint = (request.endpoint or "").split(".", 1)[-1]
    if endpoint in OPEN:
        return None
    return check()


def body() -> dict[str, Any]:
    """The JSON body as an object; an empty body (the Java client's unlock) is {}; unknown fields are ignored."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise RestError(400, "The request body is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise RestError(400, "The request body must be a JSON object")
    from engine.text_rules import first_bad_string
    where = first_bad_string(parsed)
    if where is not None:
        raise RestError(400, f"The value of '{where or 'body'}' contains a control character or a lone surrogate")
    return parsed

