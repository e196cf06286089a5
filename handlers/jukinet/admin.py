"""Drive the simulator's admin API over HTTP: change events and fault injection (tests, demos)."""
from __future__ import annotations

from typing import Any

from .models import Resident
from .transport import call_json


class SimulatorAdmin:
    """Client for the simulator's /v1/admin/ routes; 4xx raise JukinetRequestError."""

    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def apply_event(self, resident_code: str, kind: str, date: str, **items: str) -> Resident:
        """Apply a move (address=…), name_change (name=…, name_kana=…) or death; the resident after it."""
        body = {"resident_code": resident_code, "kind": kind, "date": date, **items}
        payload = call_json("POST", f"{self.base_url}/v1/admin/events", body, self.timeout)
        return Resident.from_json(payload["resident"])

    def set_faults(self, delay_seconds: float = 0.0, fail_next: int = 0, status: int = 503) -> dict[str, Any]:
        """Delay every answer and/or fail the next `fail_next` lookups with `status`."""
        body = {"delay_seconds": delay_seconds, "fail_next": fail_next, "status": status}
        result: dict[str, Any] = call_json("POST", f"{self.base_url}/v1/admin/faults", body, self.timeout)
        return result

    def reset_faults(self) -> None:
        """No more injected faults."""
        self.set_faults()

    def sample(self, limit: int = 20) -> list[Resident]:
        """The first `limit` residents by 住民票コード (synthetic data)."""
        payload = call_json("GET", f"{self.base_url}/v1/admin/residents?limit={limit}", None, self.timeout)
        return [Resident.from_json(raw) for raw in payload["residents"]]
