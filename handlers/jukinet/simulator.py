"""住基ネット simulator: the lookup API over real HTTP, with change events and fault injection."""
from __future__ import annotations

import threading
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from . import inputs
from .faults import FaultInjector
from .inputs import BadInput
from .store import EventRejected, ResidentStore


def make_app(store: ResidentStore, faults: FaultInjector | None = None) -> Flask:
    """The simulator's WSGI app over `store`; faults apply to every route outside /v1/admin/."""
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # readable 漢字 in answers
    app.json.sort_keys = False  # type: ignore[attr-defined]
    injector = faults or FaultInjector()

    @app.before_request
    def inject_faults() -> tuple[Response, int] | None:
        if request.path.startswith("/v1/admin/"):
            return None
        status = injector.before_answer()
        return (jsonify(error="injected fault", field=None), status) if status else None

    @app.post("/v1/lookup/by-number")
    def lookup_by_number() -> Response:
        body = inputs.body_object(request.get_json(silent=True))
        return jsonify(hits=store.by_number(inputs.my_number(body)))

    @app.post("/v1/lookup/by-basic-four")
    def lookup_by_basic_four() -> Response:
        four = inputs.basic_four(inputs.body_object(request.get_json(silent=True)))
        return jsonify(hits=store.by_basic_four(four.name, four.birth_date, four.sex, four.address))

    @app.get("/v1/changes")
    def changes() -> Response:
        since = inputs.iso_date(request.args.get("since"), "since")
        return jsonify(since=since.isoformat(), residents=store.changed_since(since))

    @app.post("/v1/admin/events")
    def apply_event() -> Response:
        event = inputs.event(inputs.body_object(request.get_json(silent=True)))
        return jsonify(resident=store.apply(event))

    @app.post("/v1/admin/faults")
    def set_faults() -> Response:
        injector.set(inputs.faults(inputs.body_object(request.get_json(silent=True))))
        return jsonify(injector.settings.as_json())

    @app.get("/v1/admin/residents")
    def residents() -> Response:
        # demo aid: sample residents to query; every value is synthetic
        limit = request.args.get("limit", "20")
        if not limit.isdigit() or not 0 < int(limit) <= 1000:
            raise BadInput("limit must be a whole number from 1 to 1000", "limit")
        return jsonify(count=len(store), residents=store.residents()[: int(limit)])

    @app.errorhandler(BadInput)
    def bad_input(exc: BadInput) -> tuple[Response, int]:
        return jsonify(error=exc.message, field=exc.field), 400

    @app.errorhandler(EventRejected)
    def rejected(exc: EventRejected) -> tuple[Response, int]:
        return jsonify(error=exc.message, field=exc.field), exc.status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response, int]:
        return jsonify(error=exc.name, field=None), exc.code or 500

    return app


class _QuietHandler(WSGIRequestHandler):
    """Request handler that does not log each request (tests)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class SimulatorServer:
    """A running simulator: `.url`, `.store`, `.faults`; stop it with `.shutdown()`."""

    def __init__(self, store: ResidentStore, host: str = "127.0.0.1", port: int = 0,
                 log_requests: bool = False) -> None:
        self.store = store
        self.faults = FaultInjector()
        self._server: BaseWSGIServer = make_server(
            host, port, make_app(store, self.faults), threaded=True,
            request_handler=None if log_requests else _QuietHandler)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:8701 (port 0 resolved to the one bound)."""
        host = self._server.server_address[0]
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{self._server.server_port}"

    def start(self) -> SimulatorServer:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self._server.serve_forever, name="jukinet-sim", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (Ctrl-C), then close the socket."""
        try:
            self._server.serve_forever()
        finally:
            self.faults.release()
            self._server.server_close()

    def shutdown(self) -> None:
        """Stop a server started with `start()` and close its socket."""
        self.faults.release()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> SimulatorServer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.shutdown()


def serve(host: str = "127.0.0.1", port: int = 0, seed: int = 1, count: int = 500,
          log_requests: bool = False) -> SimulatorServer:
    """Seed `count` residents deterministically and serve them in a background thread."""
    return SimulatorServer(ResidentStore.seeded(seed, count), host, port, log_requests).start()
