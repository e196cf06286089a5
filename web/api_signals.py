"""/api/v1/signals: send a signal to the caller's own prefecture (Camunda 7's POST /signal, scoped).

A signal reaches every instance of the prefecture waiting for its name and starts the processes whose
signal start event takes it, so only a prefecture's administrator (the `admin` role) may send one;
there is no per-element declaration as for messages (messageSenders), because a signal has no single
receiver to declare it. The answer names only the caller's own instances; it never echoes the name.
"""
from __future__ import annotations

from flask import Response, g, jsonify

from .api import ApiError, _body, bp, token_required
from .auth import engine

SENDERS = frozenset({"admin"})


@bp.post("/signals")
@token_required
def signal() -> Response:
    if not SENDERS & set(g.viewer.roles):
        raise ApiError(403, "sending a signal needs the admin role: it reaches every instance of the prefecture")
    body = _body()
    name, data = body.get("name"), body.get("data", {})
    if not isinstance(name, str) or not name.strip() or len(name) > 255:
        raise ApiError(400, "must be a non-empty string of at most 255 characters", "name")
    if not isinstance(data, dict):
        raise ApiError(400, "data must be a JSON object", "data")
    result = engine().signal(name, g.viewer.tenant, data, actor=g.viewer.user)
    return jsonify({"delivered": result["delivered"], "started": result["started"]})
