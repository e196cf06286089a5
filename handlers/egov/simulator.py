"""A simulator of e-Gov's 電子申請 for one procedure (技能検定受検申請): a real HTTP JSON service for tests and demos.

Applicants submit packages (form data and attachments, sometimes with a 個人番号) addressed to a prefecture;
the prefecture's 職業能力開発協会 fetches its new packages, marks each received (受付), and sends back
electronic notices (電子通知書). e-Gov stores what was submitted; a notice that carries anything that looks
like a 個人番号 is refused whole.
"""
from __future__ import annotations

import re
from typing import Any

import orjson
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from handlers.national.faults import Faults
from handlers.national.guard import find_my_number
from handlers.simulators import RunningSimulator, serve_app

from .store import Store

MAX_BODY = 4 * 1024 * 1024  # attachments ride in the package, base64
PREFECTURE = re.compile(r"(0[1-9]|[1-3][0-9]|4[0-7])")
NOTICE_KINDS = frozenset({"accepted", "rejected", "lapsed", "refused"})
NOTICE_FIELDS = frozenset({"notice_id", "kind", "title", "text", "application_id", "issued_at"})


class Invalid(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status=status, mimetype="application/json")


def _body() -> dict[str, Any]:
    try:
        body = orjson.loads(request.get_data(cache=False))
    except orjson.JSONDecodeError:
        raise Invalid("body", "must be a JSON object") from None
    if not isinstance(body, dict):
        raise Invalid("body", "must be a JSON object")
    return body


def _prefecture(value: Any) -> str:
    if not isinstance(value, str) or not PREFECTURE.fullmatch(value):
        raise Invalid("prefecture", "must be a prefecture code 01-47")
    return value


def create_app(store: Store | None = None, faults: Faults | None = None) -> Flask:
    """The simulator's Flask app over `store`; `faults` hit the prefecture-side calls (fetch, receipt, notices)."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    packages = store if store is not None else Store()
    injected = faults if faults is not None else Faults()

    @app.before_request
    def inject_faults() -> Response | None:
        if not request.path.startswith("/v1/prefectures/"):
            return None
        delay, status = injected.take()
        if not injected.pause(delay):
            return _json({"error": "shutting down", "field": None}, 503)
        return None if status is None else _json({"error": "injected fault", "field": None}, status)

    @app.errorhandler(Invalid)
    def invalid(err: Invalid) -> Response:
        return _json({"error": err.message, "field": err.field}, 400)

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> Response:
        return _json({"error": (err.name or "error").lower(), "field": None}, err.code or 500)

    @app.post("/v1/packages")
    def submit() -> Response:
        """The applicant's side: file a package. e-Gov checks only its envelope, not the form's contents."""
        body = _body()
        prefecture = _prefecture(body.get("prefecture"))
        form, attachments = body.get("form"), body.get("attachments", [])
        if not isinstance(attachments, list):
            raise Invalid("attachments", "must be a list")
        package = packages.submit(prefecture, form if form is not None else {}, attachments)
        return _json({"package_id": package.package_id, "submitted_at": package.submitted_at}, 201)

    @app.get("/v1/packages/<package_id>")
    def show(package_id: str) -> Response:
        package = packages.get(package_id)
        if package is None:
            return _json({"error": "no such package", "field": "package_id"}, 404)
        return _json(package.to_json())

    @app.get("/v1/packages")
    def every() -> Response:
        return _json({"packages": [p.to_json() for p in packages.packages()]})

    @app.get("/v1/prefectures/<prefecture>/packages")
    def new_packages(prefecture: str) -> Response:
        limit = request.args.get("limit", "100")
        if not limit.isdigit() or not 1 <= int(limit) <= 1000:
            raise Invalid("limit", "must be a whole number 1-1000")
        found, more = packages.new_for(_prefecture(prefecture), int(limit))
        return _json({"packages": [p.to_json(with_notices=False) for p in found], "more": more})

    @app.post("/v1/prefectures/<prefecture>/packages/<package_id>/receipt")
    def receipt(prefecture: str, package_id: str) -> Response:
        status = packages.receive(package_id, _prefecture(prefecture))
        if status is None:
            return _json({"error": "no such package for this prefecture", "field": "package_id"}, 404)
        return _json({"status": status, "package_id": package_id})

    @app.post("/v1/prefectures/<prefecture>/packages/<package_id>/notices")
    def notice(prefecture: str, package_id: str) -> Response:
        body = _body()
        where = find_my_number(body)
        if where is not None:
            raise Invalid(where, "looks like a 個人番号, which a notice never carries")
        unknown = set(body) - NOTICE_FIELDS
        if unknown:
            raise Invalid(sorted(unknown)[0], "is not a notice field")
        if not isinstance(body.get("notice_id"), str) or not body["notice_id"]:
            raise Invalid("notice_id", "is required")
        if body.get("kind") not in NOTICE_KINDS:
            raise Invalid("kind", f"must be one of {', '.join(sorted(NOTICE_KINDS))}")
        for name in ("title", "text"):
            if not isinstance(body.get(name), str) or not body[name]:
                raise Invalid(name, "is required")
        status = packages.notify(package_id, _prefecture(prefecture), body)
        if status is None:
            return _json({"error": "no such package for this prefecture", "field": "package_id"}, 404)
        return _json({"status": status, "notice_id": body["notice_id"]}, 201 if status == "created" else 200)

    @app.post("/v1/admin/faults")
    def set_faults() -> Response:
        body = _body()
        injected.set(int(body.get("fail_next", 0)), int(body.get("status", 503)), float(body.get("delay_seconds", 0)))
        return _json({"ok": True})

    return app


def serve(host: str = "127.0.0.1", port: int = 0, *, log_requests: bool = False,
          store: Store | None = None) -> RunningSimulator:
    """Serve a simulator on host:port (0 picks a free port) in a background thread."""
    packages, faults = store if store is not None else Store(), Faults()
    return serve_app("egov-sim", create_app(packages, faults), packages, faults, host, port, log_requests)
