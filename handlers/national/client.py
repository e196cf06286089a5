"""HTTP client of the 国家資格等情報連携・活用システム qualification API (stdlib urllib, explicit timeouts)."""
from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from handlers.http_json import call

from .errors import NationalRequestError, NationalUnavailable, RecordNotFound, StaleVersion
from .guard import redact
from .schema import DELETE_OUTCOMES, REVOKE_OUTCOMES, SYNC_OUTCOMES


class NationalClient:
    """Sync, revoke and read qualification records; every call has a timeout and fails with a typed error."""

    def __init__(self, base_url: str, timeout: float = 5.0, proxies: Mapping[str, str] | None = None) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("base_url must be an http:// or https:// URL")
        if not timeout > 0:
            raise ValueError("timeout must be a positive number of seconds")
        self.base_url = base_url.rstrip("/")
        self.timeout = float(timeout)
        # Proxies are explicit: personal data must not be routed by whatever http_proxy the process inherited.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler(dict(proxies or {})))

    def sync(self, record_id: str, kind: str, tenant: str, version: int, data: Mapping[str, Any]) -> str:
        """Create or replace a record; 'created', 'updated' or 'unchanged' (the same version again)."""
        body = {"kind": kind, "tenant": tenant, "version": version, "data": dict(data)}
        return self._outcome(self._call("PUT", self._path(record_id), body), SYNC_OUTCOMES)

    def revoke(self, record_id: str, date: str, reason: str, version: int) -> str:
        """Record 合格取消日 and 合格取消理由 on a passer record; 'revoked' or 'unchanged'."""
        body = {"date": date, "reason": reason, "version": version}
        return self._outcome(self._call("POST", self._path(record_id) + "/revoke", body), REVOKE_OUTCOMES)

    def delete(self, record_id: str) -> str:
        """削除 of an applicant record; 'deleted', or 'unchanged' when it was deleted before."""
        return self._outcome(self._call("DELETE", self._path(record_id)), DELETE_OUTCOMES)

    def get(self, record_id: str) -> dict[str, Any]:
        """The stored record; RecordNotFound if there is none."""
        return self._call("GET", self._path(record_id))

    def records(self, tenant: str, kind: str | None = None) -> list[dict[str, Any]]:
        """One prefecture's records, optionally of one kind."""
        query = {"tenant": tenant} | ({} if kind is None else {"kind": kind})
        found = self._call("GET", "/v1/qualifications?" + urllib.parse.urlencode(query)).get("records")
        if not isinstance(found, list):
            raise NationalUnavailable("the national system sent a malformed record list")
        return found

    def _path(self, record_id: str) -> str:
        return "/v1/qualifications/" + urllib.parse.quote(record_id, safe="")

    def _outcome(self, body: dict[str, Any], allowed: frozenset[str]) -> str:
        status = body.get("status")
        if status not in allowed:
            raise NationalUnavailable("the national system sent an unexpected status")
        return str(status)

    def _call(self, method: str, path: str, payload: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Send one request; the decoded JSON object of a 2xx answer, or the typed error for anything else."""
        status, body = call(self._opener, self.base_url + path, method, f"{method} {path}", self.timeout, payload,
                            NationalUnavailable)
        if 200 <= status < 300:
            if body is None:
                raise NationalUnavailable(f"{method} {path}: the national system sent a malformed answer")
            return body
        raise _error(method, path, status, body or {})


def _error(method: str, path: str, status: int, body: dict[str, Any]) -> Exception:
    """The exception for a non-2xx answer; its message repeats field names, never payload values."""
    if status >= 500 or status == 429:
        return NationalUnavailable(f"{method} {path}: the national system answered {status}")
    if status == 409:
        current = body.get("current_version")
        return StaleVersion(current if isinstance(current, int) and not isinstance(current, bool) else None)
    error, field = body.get("error"), body.get("field")
    field = redact(field) if isinstance(field, str) else None
    detail = redact(f"{error if isinstance(error, str) else 'refused'}" + (f" (field {field})" if field else ""))
    kind = RecordNotFound if status == 404 else NationalRequestError
    return kind(redact(f"{method} {path}: the national system answered {status}: {detail}"), status, field)
