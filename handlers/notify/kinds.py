"""The notices the test bodies send: their titles, templates and fields, and the check of a context."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .errors import NoticeInvalid

SUBJECT_PREFIX = "【技能検定】"
# Optional in every notice: who issues it, the 申請受付ID, the round (令和8年度前期), a free note.
COMMON_OPTIONAL = ("issuer", "application_id", "exam_round", "notes")
PARTS = ("学科", "実技")
_SCALARS = (str, int, float, date)


@dataclass(frozen=True)
class NoticeKind:
    """One kind of notice: its Japanese title and the fields its template reads."""

    name: str
    title: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def template(self) -> str:
        """The template file under templates/."""
        return f"{self.name}.html"

    @property
    def subject(self) -> str:
        """The subject line: kind only, never a name or result detail (mail logs keep subjects)."""
        return f"{SUBJECT_PREFIX}{self.title}"

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field the template reads."""
        return (*self.required, *self.optional, *COMMON_OPTIONAL)


_RESULT = ("name", "exam_number", "grade", "trade")
KINDS: dict[str, NoticeKind] = {k.name: k for k in (
    NoticeKind("admission_ticket", "受検票", ("name", "exam_number", "exam_date", "exam_site", "seat_number"),
               ("grade", "trade", "task", "practical_number", "meeting_time", "exam_site_address", "room")),
    NoticeKind("pass_notice", "合格通知", _RESULT, ("task", "announcement_date")),
    NoticeKind("fail_notice", "不合格通知", _RESULT, ("task", "announcement_date")),
    NoticeKind("partial_pass_notice", "一部合格通知", (*_RESULT, "passed_part"), ("task", "announcement_date")),
    NoticeKind("correction_request", "訂正依頼", ("name", "items", "deadline"), ("contact",)),
    NoticeKind("fee_request", "手数料納付依頼", ("name", "amount", "deadline"),
               ("breakdown", "slip_number", "payment_method", "grade", "trade")),
    NoticeKind("refund_notice", "手数料還付のお知らせ", ("name", "amount", "reason"),
               ("refund_method", "grade", "trade", "task")),
    NoticeKind("revocation_notice", "合格取消通知", ("name", "grade", "trade", "revoked_on", "reason"),
               ("task", "certificate_number", "pass_date")),
    NoticeKind("certificate", "合格証書", ("name", "certificate_number", "grade", "trade", "issue_date"),
               ("task", "birth_date")),
)}


def notice_kind(kind: str) -> NoticeKind:
    """The kind by name, or NoticeInvalid naming the known ones."""
    try:
        return KINDS[kind]
    except (KeyError, TypeError):
        raise NoticeInvalid(f"unknown notice kind {kind!r}; known: {', '.join(KINDS)}") from None


def _plain(value: Any) -> Any:
    """Text as plain str, anything else as is."""
    # A str subclass such as markupsafe.Markup would skip autoescaping; make every text plain str.
    return str(value) if isinstance(value, str) else value


def _yen(value: Any, field: str) -> int:
    """A whole, non-negative number of yen, or NoticeInvalid."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise NoticeInvalid(f"{field} must be a whole number of yen, 0 or more")
    return value


def _checked(field: str, value: Any) -> Any:
    """One field's value, checked by what the template does with it."""
    if field == "amount":
        return _yen(value, field)
    if field == "passed_part":
        if value not in PARTS:
            raise NoticeInvalid(f"passed_part must be one of {', '.join(PARTS)}")
        return _plain(value)
    if field == "items":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)) or not items or not all(isinstance(i, str) and i for i in items):
            raise NoticeInvalid("items must be the text, or a non-empty list of texts, of what to correct")
        return [_plain(i) for i in items]
    if field == "breakdown":
        if not isinstance(value, (list, tuple)) or not all(
                isinstance(row, Mapping) and isinstance(row.get("label"), str) for row in value):
            raise NoticeInvalid("breakdown must be a list of {label, amount}")
        return [{"label": _plain(row["label"]), "amount": _yen(row.get("amount"), "breakdown amount")}
                for row in value]
    if isinstance(value, bool) or not isinstance(value, _SCALARS):
        raise NoticeInvalid(f"{field} must be text, a number or a date")
    return _plain(value)


def check_fields(kind: NoticeKind, context: Mapping[str, Any]) -> dict[str, Any]:
    """Every field of the kind (None when absent), checked; NoticeInvalid lists what is missing or unknown."""
    unknown = sorted(str(k) for k in context if k not in kind.fields)
    missing = [f for f in kind.required if context.get(f) in (None, "", [], ())]
    if unknown or missing:
        parts = ([f"missing: {', '.join(missing)}"] if missing else []) + \
                ([f"unknown: {', '.join(unknown)}"] if unknown else [])
        raise NoticeInvalid(f"{kind.title} ({kind.name}) fields — " + "; ".join(parts))
    return {f: None if context.get(f) is None else _checked(f, context[f]) for f in kind.fields}
