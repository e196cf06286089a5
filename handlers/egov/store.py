"""The e-Gov simulator's memory: packages submitted to a prefecture, their receipt, and the notices sent back."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any


@dataclass
class Package:
    """申請データ: what an applicant submitted through e-Gov, addressed to one prefecture."""

    package_id: str  # 到達番号
    prefecture: str
    submitted_at: str
    form: dict[str, Any]
    attachments: list[dict[str, Any]]
    received_at: str | None = None  # when the prefecture took it (受付)
    fetch_count: int = 0
    notices: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self, with_notices: bool = True) -> dict[str, Any]:
        body = {"package_id": self.package_id, "prefecture": self.prefecture, "submitted_at": self.submitted_at,
                "form": self.form, "attachments": self.attachments, "received_at": self.received_at}
        if with_notices:
            body["notices"] = self.notices
        return body


class Store:
    """Packages by 到達番号 in submission order; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._packages: dict[str, Package] = {}
        self._notice_ids: set[str] = set()
        self._seq = 0

    def submit(self, prefecture: str, form: dict[str, Any], attachments: list[dict[str, Any]]) -> Package:
        """File a package; its 到達番号 is the day and a sequence number, as e-Gov's are."""
        with self._lock:
            self._seq += 1
            now = datetime.now(timezone.utc)
            package = Package(f"{now:%Y%m%d}{self._seq:010d}", prefecture, now.isoformat(), form, attachments)
            self._packages[package.package_id] = package
            return package

    def new_for(self, prefecture: str, limit: int) -> tuple[list[Package], bool]:
        """The prefecture's packages not yet received, oldest first, and whether more wait beyond `limit`."""
        with self._lock:
            waiting = [p for p in self._packages.values() if p.prefecture == prefecture and p.received_at is None]
            for p in waiting[:limit]:
                p.fetch_count += 1
            return waiting[:limit], len(waiting) > limit

    def receive(self, package_id: str, prefecture: str) -> str | None:
        """受付: 'received', 'unchanged' when it was received before, None when no such package is the prefecture's."""
        with self._lock:
            package = self._packages.get(package_id)
            if package is None or package.prefecture != prefecture:
                return None
            if package.received_at is not None:
                return "unchanged"
            package.received_at = datetime.now(timezone.utc).isoformat()
            return "received"

    def notify(self, package_id: str, prefecture: str, notice: dict[str, Any]) -> str | None:
        """電子通知書: 'created', 'unchanged' for a notice id sent before, None for an unknown package."""
        with self._lock:
            package = self._packages.get(package_id)
            if package is None or package.prefecture != prefecture:
                return None
            if notice["notice_id"] in self._notice_ids:
                return "unchanged"
            self._notice_ids.add(notice["notice_id"])
            package.notices.append({**notice, "received_at": datetime.now(timezone.utc).isoformat()})
            return "created"

    def get(self, package_id: str) -> Package | None:
        with self._lock:
            return self._packages.get(package_id)

    def packages(self) -> list[Package]:
        with self._lock:
            return list(self._packages.values())
