"""The simulator's resident register: lookups, change events and the 変更情報 feed, thread-safe."""
from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from .geo import prefecture_of
from .normalize import address_matches, same_name
from .seed import generate


class EventRejected(Exception):
    """A change event the register cannot apply; carries the HTTP status and the offending field."""

    def __init__(self, message: str, field: str | None, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.field, self.status = message, field, status


@dataclass(frozen=True)
class Event:
    """One change to apply: 転居 (move), 氏名変更 (name_change) or 死亡 (death), dated."""

    kind: str
    date: date
    resident_code: str | None = None
    my_number: str | None = None
    address: str | None = None
    name: str | None = None
    name_kana: str | None = None


class ResidentStore:
    """Residents in the wire shape, keyed by 住民票コード and 個人番号; every read returns copies."""

    def __init__(self, residents: Iterable[dict[str, Any]]) -> None:
        self._lock = threading.RLock()
        self._by_code: dict[str, dict[str, Any]] = {}
        self._by_number: dict[str, dict[str, Any]] = {}
        for resident in residents:
            record = copy.deepcopy(resident)
            if record["resident_code"] in self._by_code or record["my_number"] in self._by_number:
                raise ValueError("resident codes and 個人番号 must be unique")
            self._by_code[record["resident_code"]] = record
            self._by_number[record["my_number"]] = record

    @classmethod
    def seeded(cls, seed: int = 1, count: int = 500) -> ResidentStore:
        """A register of `count` generated residents, the same for the same seed."""
        return cls(generate(seed, count))

    def __len__(self) -> int:
        with self._lock:
            return len(self._by_code)

    def residents(self) -> list[dict[str, Any]]:
        """Every resident, by 住民票コード."""
        with self._lock:
            return [copy.deepcopy(r) for _, r in sorted(self._by_code.items())]

    def by_number(self, my_number: str) -> list[dict[str, Any]]:
        """The resident with this 個人番号, as a list of zero or one."""
        with self._lock:
            record = self._by_number.get(my_number)
            return [copy.deepcopy(record)] if record else []

    def by_basic_four(self, name: str, birth_date: date, sex: str, address: str) -> list[dict[str, Any]]:
        """Residents matching 氏名 (or its カナ), 生年月日 and 性別 exactly and living within `address`."""
        wanted_birth = birth_date.isoformat()
        with self._lock:
            return [copy.deepcopy(r) for _, r in sorted(self._by_code.items())
                    if r["birth_date"] == wanted_birth and r["sex"] == sex
                    and (same_name(name, r["name"]) or same_name(name, r["name_kana"]))
                    and address_matches(address, r["address"])]

    def changed_since(self, since: date) -> list[dict[str, Any]]:
        """Residents with a change dated on or after `since`, by 住民票コード."""
        cutoff = since.isoformat()
        with self._lock:
            return [copy.deepcopy(r) for _, r in sorted(self._by_code.items())
                    if any(c["date"] >= cutoff for c in r["changes"])]

    def apply(self, event: Event) -> dict[str, Any]:
        """Apply a change event and return the resident after it; EventRejected when it cannot be."""
        with self._lock:
            record = self._find(event)
            if record["status"] == "deceased":
                raise EventRejected("the resident is deceased; no further changes are recorded", "kind", 409)
            if event.date.isoformat() < record["birth_date"]:
                raise EventRejected("date is before the resident's birth date", "date")
            before, after = self._change_of(record, event)
            record.update(after)
            record["changes"].append({"kind": event.kind, "date": event.date.isoformat(),
                                      "before": before, "after": after})
            # changes may be reported late; keep them in date order (stable for same-day ones)
            record["changes"].sort(key=lambda c: c["date"])
            return copy.deepcopy(record)

    def _find(self, event: Event) -> dict[str, Any]:
        """The record an event names, by 住民票コード or 個人番号."""
        if event.resident_code is not None:
            record, field = self._by_code.get(event.resident_code), "resident_code"
        else:
            record, field = self._by_number.get(event.my_number or ""), "my_number"
        if record is None:
            raise EventRejected("no such resident", field, 404)
        return record

    @staticmethod
    def _change_of(record: dict[str, Any], event: Event) -> tuple[dict[str, str], dict[str, str]]:
        """(before, after) of the fields the event changes."""
        if event.kind == "move":
            code = prefecture_of(event.address or "")
            if code is None:
                raise EventRejected("address must start with a 都道府県 name", "address")
            return ({"address": record["address"], "prefecture_code": record["prefecture_code"]},
                    {"address": event.address or "", "prefecture_code": code})
        if event.kind == "name_change":
            return ({"name": record["name"], "name_kana": record["name_kana"]},
                    {"name": event.name or "", "name_kana": event.name_kana or ""})
        if event.kind == "death":
            return {"status": "active"}, {"status": "deceased"}
        raise EventRejected("kind must be move, name_change or death", "kind")
