"""JSON over HTTP with urllib: one request, an explicit timeout, network trouble as JukinetUnavailable."""
from __future__ import annotations

import http.client
import logging
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import orjson

from .errors import JukinetRequestError, JukinetUnavailable
from .masking import scrub

log = logging.getLogger(__name__)
# 408 and 429 are 4xx but say "later", not "never"
_RETRYABLE_4XX = frozenset({408, 429})


def request_json(method: str, url: str, body: Any | None, timeout: float) -> tuple[int, Any]:
    """(HTTP status, decoded JSON body) of one request; JukinetUnavailable when no answer came back."""
    data = orjson.dumps(body) if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        # an HTTPError holds the open response; close it or the socket leaks (ResourceWarning)
        try:
            status, raw = exc.code, exc.read()
        except (OSError, http.client.HTTPException) as read_exc:
            raise JukinetUnavailable(f"Juki-net answered {exc.code} and the body was lost: {read_exc}",
                                     exc.code) from read_exc
        finally:
            exc.close()
    except TimeoutError as exc:
        raise JukinetUnavailable(f"Juki-net did not answer within {timeout:g} s") from exc
    except urllib.error.URLError as exc:
        reason = "timed out" if isinstance(exc.reason, TimeoutError) else str(exc.reason)
        raise JukinetUnavailable(f"Juki-net is unreachable: {reason}") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise JukinetUnavailable(f"Juki-net connection failed: {type(exc).__name__}") from exc
    # only the method, path and status: bodies carry 個人番号 and 4情報
    log.debug("%s %s -> %s", method, urllib.parse.urlsplit(url).path, status)
    try:
        return status, orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError:
        raise JukinetUnavailable(f"Juki-net answered {status} with a body that is not JSON", status) from None


def call_json(method: str, url: str, body: Any | None, timeout: float, my_number: str | None = None) -> Any:
    """The decoded answer of a 2xx; JukinetRequestError (4xx) or JukinetUnavailable otherwise."""
    try:
        status, payload = request_json(method, url, body, timeout)
    except JukinetUnavailable as exc:
        exc.message = scrub(exc.message, my_number)
        exc.args = (exc.message,)
        raise
    if 200 <= status < 300:
        return payload
    message, field = _error_of(payload, status)
    message = scrub(message, my_number)
    if 400 <= status < 500 and status not in _RETRYABLE_4XX:
        raise JukinetRequestError(message, status, field)
    raise JukinetUnavailable(message, status)


def _error_of(payload: Any, status: int) -> tuple[str, str | None]:
    """(message, field) of an error answer, whatever its shape."""
    if isinstance(payload, dict) and isinstance(payload.get("error"), str):
        field = payload.get("field")
        return f"Juki-net refused the request ({status}): {payload['error']}", field if isinstance(field, str) else None
    return f"Juki-net answered {status}", None
