"""A simulator of the 国家資格等情報連携・活用システム qualification API: a real HTTP JSON service for tests and demos."""
from __future__ import annotations

from typing import Any

import orjson
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from handlers.simulators import RunningSimulator, serve_app

from .errors import InvalidField
from .faults import Faults
from .guard import find_my_number
from .schema import (
    check_date,
    check_fields,
    check_int,
    check_kind,
    check_record_id,
    check_seconds,
    check_tenant,
    check_text,
    check_version,
)
from .store import DeletedRecord, StaleWrite, Store, UnknownRecord

MAX_BODY = 64 * 1024
SYNC_FIELDS = frozenset({"kind", "tenant", "version", "data"})
REVOKE_FIELDS = frozenset({"date", "reason", "version"})
FAULT_FIELDS = frozenset({"fail_next", "status", "delay_seconds"})


def _json(body: dict[str, Any], status: int = 200) -> Response:
    return Response(orjson.dumps(body), status=status, mimetype="application/json")


def _body() -> dict[str, Any]:
    """The request's JSON object, refused whole if anything in it looks like a 個人番号."""
    try:
        body = orjson.loads(request.get_data(cache=False))
    except orjson.JSONDecodeError:
        raise InvalidField("body", "must be a JSON object") from None
    if not isinstance(body, dict):
        raise InvalidField("body", "must be a JSON object")
    where = find_my_number(body)
    if where is not None:
        raise InvalidField(where, "looks like a 個人番号, which is never accepted here")
    return body


def create_app(store: Store | None = None, faults: Faults | None = None) -> Flask:
    """The simulator's Flask app over `store`, with `faults` injected before every qualification request."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    records = store if store is not None else Store()
    injected = faults if faults is not None else Faults()

    @app.before_request
    def inject_faults() -> Response | None:
        if request.path.startswith("/v1/admin/"):
            return None
        delay, status = injected.take()
        if not injected.pause(delay):
            return _json({"error": "shutting down", "field": None}, 503)
        return None if status is None else _json({"error": "injected fault", "field": None}, status)

    @app.errorhandler(InvalidField)
    def invalid(err: InvalidField) -> Response:
        return _json({"error": err.message, "field": err.field}, 400)

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> Response:
        return _json({"error": (err.name or "error").lower(), "field": None}, err.code or 500)

    @app.put("/v1/qualifications/<record_id>")
    def put_record(record_id: str) -> Response:
        rid = check_record_id(record_id)
        body = _body()
        check_fields(body, SYNC_FIELDS)
        kind, tenant = check_kind(body.get("kind")), check_tenant(body.get("tenant"))
        version, data = check_version(body.get("version")), body.get("data")
        if not isinstance(data, dict):
            raise InvalidField("data", "must be a JSON object")
        try:
            status, record = records.put(rid, kind, tenant, version, data)
        except StaleWrite as err:
            return _stale(err)
        except DeletedRecord:
            return _json({"error": "the record was deleted", "field": "record_id"}, 410)
        return _json({"status": status, "record_id": rid, "version": record.version},
                     201 if status == "created" else 200)

    @app.get("/v1/qualifications/<record_id>")
    def get_record(record_id: str) -> Response:
        record = records.get(check_record_id(record_id))
        if record is None:
            return _json({"error": "no such record", "field": "record_id"}, 404)
        return _json(record.to_json())

    @app.get("/v1/qualifications")
    def list_records() -> Response:
        check_fields(dict(request.args), frozenset({"tenant", "kind"}))
        tenant = check_tenant(request.args.get("tenant"))
        kind = request.args.get("kind")
        found = records.select(tenant, None if kind is None else check_kind(kind))
        return _json({"records": [r.to_json() for r in found]})

    @app.post("/v1/qualifications/<record_id>/revoke")
    def revoke_record(record_id: str) -> Response:
        rid = check_record_id(record_id)
        body = _body()
        check_fields(body, REVOKE_FIELDS)
        revoked_on, reason = check_date(body.get("date")), check_text(body.get("reason"), "reason")
        version = check_version(body.get("version"))
        try:
            status, record = records.revoke(rid, revoked_on, reason, version)
        except UnknownRecord:
            return _json({"error": "no such record", "field": "record_id"}, 404)
        except StaleWrite as err:
            return _stale(err)
        return _json({"status": status, "record_id": rid, "version": record.version})

    @app.delete("/v1/qualifications/<record_id>")
    def delete_record(record_id: str) -> Response:
        try:
            status = records.delete(check_record_id(record_id))
        except UnknownRecord:
            return _json({"error": "no such record", "field": "record_id"}, 404)
        return _json({"status": status, "record_id": record_id})

    @app.post("/v1/admin/faults")
    def set_faults() -> Response:
        body = _body()
        check_fields(body, FAULT_FIELDS)
        fail_next = check_int(body.get("fail_next", 0), "fail_next", 0, 1000)
        status = check_int(body.get("status", 503), "status", 400, 599)
        delay = check_seconds(body.get("delay_seconds", 0), "delay_seconds", 60)
        injected.set(fail_next, status, delay)
        return _json({"fail_next": fail_next, "status": status, "delay_seconds": delay})

    return app


def _stale(err: StaleWrite) -> Response:
    return _json({"error": "stale version", "field": "version", "current_version": err.current_version}, 409)


def serve(host: str = "127.0.0.1", port: int = 0, *, log_requests: bool = False) -> RunningSimulator:
    """Serve a fresh simulator on host:port (0 picks a free port) in a background thread."""
    store, faults = Store(), Faults()
    return serve_app("national-sim", create_app(store, faults), store, faults, host, port, log_requests)
