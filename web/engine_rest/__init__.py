"""Camunda 7's REST API (/engine-rest, also /rest and /engine/default) on kentei's engine.

Camunda Modeler deploys here, Camunda 7 clients and external workers call it unchanged. The wire format
is the one the clients really use (../shared/CAMUNDA-REST.md): JSON with Content-Type application/json
exactly, errors {"type", "message", "code"}, dates yyyy-MM-dd'T'HH:mm:ss.SSS+0000, typed variables.
Everything is scoped to the caller's prefecture, as the inbox and /api/v1 are; deliberate differences
from Camunda 7 are listed in docs/dialect.md ("The Camunda 7 REST API").
"""
from __future__ import annotations

from typing import Any

from flask import Response, request

from . import core  # noqa: F401 — web/app.py reads core.error_body
from .core import bp

PREFIXES = {"engine_rest": "/engine-rest", "engine_rest_rest": "/rest", "engine_rest_default": "/engine-rest/engine/default",
            "engine_rest_named": "/engine/default"}


def is_rest_path(path: str) -> bool:
    """Whether a path is under one of the prefixes (for the app's own 404/405/413 answers)."""
    return any(path == p or path.startswith(p + "/") for p in PREFIXES.values())


def register(app: Any) -> None:
    """Mount the blueprint at each prefix clients use, without CSRF (Basic or Bearer on every call)."""
    from . import routes  # noqa: F401 — every endpoint module joins the blueprint
    from .cors import allow
    from .wellknown import install as install_wellknown
    from ..app import csrf
    csrf.exempt(bp)  # the aliases are the same blueprint object, so they are exempt too
    for name, prefix in PREFIXES.items():
        app.register_blueprint(bp, url_prefix=prefix, name=name)
    install_wellknown(app)

    @app.before_request
    def engine_rest_preflight() -> Any:
        """A CORS preflight of any path under a prefix: 204 (the headers come with every answer, below)."""
        if request.method == "OPTIONS" and is_rest_path(request.path):
            return core.no_content()
        return None

    @app.after_request
    def engine_rest_cors(response: Response) -> Response:
        """CORS open to any origin on these paths only (Camunda Modeler's page is file://, Origin null), 404s
        included; answers carry personal data, so no cache keeps them."""
        if is_rest_path(request.path):
            allow(response)
            response.headers["Cache-Control"] = "no-store"
        return response
