"""本人確認情報 as the client sees it: residents, their 変更情報 and a lookup's outcome."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, Mapping, Sequence

from .masking import mask_number

Outcome = Literal["no_hit", "one_hit", "several_hits"]
ChangeKind = Literal["move", "name_change", "death"]
Sex = Literal["1", "2"]  # 住基ネット codes: 1 男, 2 女
Status = Literal["active", "deceased"]


@dataclass(frozen=True)
class Change:
    """変更情報: one move (転居・転出), name change (氏名変更) or death (死亡), with its date."""

    kind: ChangeKind
    date: date
    before: Mapping[str, str]
    after: Mapping[str, str]

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Change:
        """Build from the wire shape; KeyError, TypeError or ValueError on a bad shape."""
        if raw["kind"] not in ("move", "name_change", "death"):
            raise ValueError(f"unknown change kind {raw['kind']!r}")
        return cls(raw["kind"], date.fromisoformat(raw["date"]), dict(raw["before"]), dict(raw["after"]))


@dataclass(frozen=True)
class Resident:
    """本人確認情報 of one resident: 4情報, 個人番号, 住民票コード, status and 変更情報."""

    resident_code: str
    # repr=False: a failing assert or a log line must never print the 個人番号
    my_number: str = field(repr=False)
    name: str
    name_kana: str
    birth_date: date
    sex: Sex
    address: str
    prefecture_code: str
    status: Status
    changes: tuple[Change, ...] = ()

    @property
    def masked_number(self) -> str:
        """The 個人番号 with all but its last four digits hidden."""
        return mask_number(self.my_number)

    def changes_since(self, since: date) -> tuple[Change, ...]:
        """The changes dated on or after `since`."""
        return tuple(c for c in self.changes if c.date >= since)

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Resident:
        """Build from the wire shape; KeyError, TypeError or ValueError on a bad shape."""
        if raw["sex"] not in ("1", "2") or raw["status"] not in ("active", "deceased"):
            raise ValueError("bad sex or status code")
        return cls(
            resident_code=str(raw["resident_code"]),
            my_number=str(raw["my_number"]),
            name=str(raw["name"]),
            name_kana=str(raw["name_kana"]),
            birth_date=date.fromisoformat(raw["birth_date"]),
            sex=raw["sex"],
            address=str(raw["address"]),
            prefecture_code=str(raw["prefecture_code"]),
            status=raw["status"],
            changes=tuple(Change.from_json(c) for c in raw.get("changes", [])),
        )


@dataclass(frozen=True)
class LookupResult:
    """The answer to one 本人確認情報 lookup: no hit, exactly one, or several."""

    outcome: Outcome
    residents: tuple[Resident, ...]

    @classmethod
    def of(cls, residents: Sequence[Resident]) -> LookupResult:
        """The result for these hits, with the outcome derived from their count."""
        outcome: Outcome = "no_hit" if not residents else "one_hit" if len(residents) == 1 else "several_hits"
        return cls(outcome, tuple(residents))

    @property
    def resident(self) -> Resident | None:
        """The single hit, or None when there are none or several."""
        return self.residents[0] if self.outcome == "one_hit" else None
