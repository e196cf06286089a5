"""The simulator's memory: synced applicant and passer records, safe to share between request threads."""
from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import InvalidField


class StaleWrite(Exception):
    """A write carried an older version than the stored one."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"stale version; the current version is {current_version}")
        self.current_version = current_version


class UnknownRecord(LookupError):
    """No record with that id."""


class DeletedRecord(Exception):
    """The record was deleted (削除); a late sync must not bring it back."""


@dataclass(frozen=True)
class Record:
    """One synced record: 受検者 data (applicant) or 合格者データ (passer), with 合格取消日/理由 once revoked."""

    record_id: str
    kind: str
    tenant: str
    version: int
    data: dict[str, Any] = field(default_factory=dict)
    revoked_on: str | None = None
    revocation_reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The record as the API returns it (a copy; callers cannot change the store through it)."""
        revocation = None if self.revoked_on is None else {"date": self.revoked_on, "reason": self.revocation_reason}
        return {"record_id": self.record_id, "kind": self.kind, "tenant": self.tenant, "version": self.version,
                "data": copy.deepcopy(self.data), "revocation": revocation}


class Store:
    """Records by id behind one lock; every write is a compare-and-set on the version."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: dict[str, Record] = {}
        self._deleted: set[str] = set()  # tombstones: ids only, no data

    def put(self, record_id: str, kind: str, tenant: str, version: int, data: dict[str, Any]) -> tuple[str, Record]:
        """Create or replace a record; ('created'|'updated'|'unchanged', stored record), or StaleWrite."""
        with self._lock:
            if record_id in self._deleted:
                raise DeletedRecord(record_id)
            current = self._records.get(record_id)
            if current is None:
                record = Record(record_id, kind, tenant, version, copy.deepcopy(data))
                self._records[record_id] = record
                return "created", record
            if current.kind != kind:
                raise InvalidField("kind", "differs from the stored record's kind")
            if current.tenant != tenant:
                raise InvalidField("tenant", "differs from the stored record's prefecture")
            if version == current.version:
                # The same version again is a retry of a write already applied: first write wins.
                return "unchanged", current
            if version < current.version:
                raise StaleWrite(current.version)
            # A revocation is final: newer data does not reinstate the pass.
            record = replace(current, version=version, data=copy.deepcopy(data))
            self._records[record_id] = record
            return "updated", record

    def revoke(self, record_id: str, revoked_on: str, reason: str, version: int) -> tuple[str, Record]:
        """Mark a passer record revoked (合格取消); ('revoked'|'unchanged', record), UnknownRecord or StaleWrite."""
        with self._lock:
            current = self._records.get(record_id)
            if current is None:
                raise UnknownRecord(record_id)
            if current.kind != "passer":
                raise InvalidField("record_id", "only a passer record can be revoked")
            if current.revoked_on is not None:
                return "unchanged", current
            if version < current.version:
                raise StaleWrite(current.version)
            record = replace(current, version=version, revoked_on=revoked_on, revocation_reason=reason)
            self._records[record_id] = record
            return "revoked", record

    def delete(self, record_id: str) -> str:
        """削除: drop an applicant record and keep only its id as a tombstone; 'deleted' or 'unchanged'."""
        with self._lock:
            if record_id in self._deleted:
                return "unchanged"
            current = self._records.get(record_id)
            if current is None:
                raise UnknownRecord(record_id)
            if current.kind != "applicant":
                raise InvalidField("record_id", "a passer record is kept permanently and cannot be deleted")
            del self._records[record_id]
            self._deleted.add(record_id)
            return "deleted"

    def get(self, record_id: str) -> Record | None:
        """The record with that id, or None."""
        with self._lock:
            return self._records.get(record_id)

    def select(self, tenant: str, kind: str | None = None) -> list[Record]:
        """One prefecture's records, optionally of one kind, by record id."""
        with self._lock:
            found = [r for r in self._records.values() if r.tenant == tenant and (kind is None or r.kind == kind)]
        return sorted(found, key=lambda r: r.record_id)
