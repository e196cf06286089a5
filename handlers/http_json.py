"""One JSON request over urllib with an explicit timeout: what the remote handlers' clients share."""
from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

import orjson

HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def call(opener: urllib.request.OpenerDirector, url: str, method: str, label: str, timeout: float,
         payload: Mapping[str, Any] | None, unavailable: type[Exception]) -> tuple[int, dict[str, Any] | None]:
    """(status, decoded JSON object or None) of any HTTP answer; `unavailable` when none came.

    `label` names the request in messages (method and path, never a payload value)."""
    data = None if payload is None else orjson.dumps(payload)
    req = urllib.request.Request(url, data=data, method=method, headers=HEADERS)
    try:
        try:
            with opener.open(req, timeout=timeout) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as err:
            with err:
                status, raw = err.code, err.read()
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        from handlers.national.guard import redact  # here: handlers.national's client imports this module
        reason = getattr(exc, "reason", None) or exc
        raise unavailable(redact(f"{label}: {type(exc).__name__}: {reason}")) from None
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return status, None
    return status, body if isinstance(body, dict) else None
