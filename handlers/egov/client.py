"""HTTP client of e-Gov's 電子申請 interface for one prefecture (stdlib urllib, explicit timeouts)."""
from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from handlers.http_json import call
from handlers.national.guard import redact

class EgovUnavailable(Exception):
    """e-Gov did not answer, or answered 5xx/429: a retry may cure it."""


class EgovRefused(Exception):
    """e-Gov refused the request (4xx): a retry will not cure it."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class EgovClient:
    """Fetch a prefecture's new packages, mark them received, send 電子通知書."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("base_url must be an http:// or https:// URL")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no inherited proxies

    def new_packages(self, prefecture: str, limit: int = 100) -> tuple[list[dict[str, Any]], bool]:
        """The prefecture's packages not yet received (oldest first) and whether more wait."""
        body = self._call("GET", f"/v1/prefectures/{_q(prefecture)}/packages?limit={int(limit)}")
        found = body.get("packages")
        if not isinstance(found, list):
            raise EgovUnavailable("e-Gov sent a malformed package list")
        return found, bool(body.get("more"))

    def receipt(self, prefecture: str, package_id: str) -> str:
        """受付: mark a package received ('received', or 'unchanged' when it was before)."""
        return str(self._call("POST", f"/v1/prefectures/{_q(prefecture)}/packages/{_q(package_id)}/receipt",
                              {}).get("status"))

    def notice(self, prefecture: str, package_id: str, notice: Mapping[str, Any]) -> str:
        """電子通知書: 'created', or 'unchanged' when this notice id was sent before."""
        return str(self._call("POST", f"/v1/prefectures/{_q(prefecture)}/packages/{_q(package_id)}/notices",
                              dict(notice)).get("status"))

    def _call(self, method: str, path: str, payload: Mapping[str, Any] | None = None) -> dict[str, Any]:
        status, body = call(self._opener, self.base_url + path, method, f"{method} {path}", self.timeout, payload,
                            EgovUnavailable)
        if 200 <= status < 300 and body is not None:
            return body
        if status >= 500 or status == 429 or body is None:
            raise EgovUnavailable(f"{method} {path}: e-Gov answered {status}")
        detail = redact(f"{body.get('error')} (field {body.get('field')})")
        raise EgovRefused(f"{method} {path}: e-Gov answered {status}: {detail}", status)


def _q(value: str) -> str:
    return urllib.parse.quote(value, safe="")
