"""住基ネット client: 本人確認情報 by 個人番号 or by 4情報, and 変更情報 for the 定期照会."""
from __future__ import annotations

import urllib.parse
from datetime import date
from typing import Any

from .errors import JukinetUnavailable
from .models import LookupResult, Resident, Sex
from .transport import call_json


class JukinetClient:
    """Talks JSON over HTTP to a 住基ネット gateway (or its simulator) with an explicit timeout.

    Errors: JukinetUnavailable (timeout, connection, 5xx: retryable), JukinetRequestError (4xx).
    """

    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
            raise ValueError(f"base_url must be an http(s) URL, not {base_url!r}")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"JukinetClient({self.base_url!r}, timeout={self.timeout!r})"

    def lookup_by_number(self, my_number: str) -> LookupResult:
        """本人確認情報 for one 個人番号: no hit or one hit."""
        payload = self._call("POST", "/v1/lookup/by-number", {"my_number": my_number}, my_number)
        return LookupResult.of(_residents(payload, "hits"))

    def lookup_by_basic_four(self, name: str, birth_date: date | str, sex: Sex | str, address: str) -> LookupResult:
        """本人確認情報 by 4情報 (氏名, 生年月日, 性別, 住所); a partial address may give several hits."""
        body = {"name": name, "birth_date": _iso(birth_date), "sex": sex, "address": address}
        return LookupResult.of(_residents(self._call("POST", "/v1/lookup/by-basic-four", body), "hits"))

    def changes_since(self, since: date | str) -> list[Resident]:
        """Residents with 変更情報 dated on or after `since` (定期照会)."""
        query = urllib.parse.urlencode({"since": _iso(since)})
        return _residents(self._call("GET", f"/v1/changes?{query}", None), "residents")

    def _call(self, method: str, path: str, body: dict[str, Any] | None, my_number: str | None = None) -> Any:
        """The decoded 2xx answer of one request to this gateway."""
        return call_json(method, self.base_url + path, body, self.timeout, my_number)


def _residents(payload: Any, key: str) -> list[Resident]:
    """The residents listed under `key`; a malformed answer is JukinetUnavailable."""
    try:
        return [Resident.from_json(raw) for raw in payload[key]]
    except (KeyError, TypeError, ValueError) as exc:
        # name the problem, never the record: it holds a 個人番号
        raise JukinetUnavailable(f"Juki-net answered with a malformed {key!r} list ({type(exc).__name__})") from None


def _iso(value: date | str) -> str:
    """A date as YYYY-MM-DD; strings pass through for the server to judge."""
    return value.isoformat() if isinstance(value, date) else value
