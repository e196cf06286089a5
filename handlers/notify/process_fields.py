"""Which process variable fills which field of a notice (the lifecycle's names → the templates' names)."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from .kinds import NoticeKind
from .wareki import wareki

# notice field -> the process variable that carries it (application.bpmn and the registry handlers)
ALIASES: Mapping[str, str] = {
    "name": "applicant_name", "exam_number": "examinee_no", "exam_site": "venue", "seat_number": "seat_no",
    "practical_number": "practical_no", "trade": "trade_name", "task": "task_name",
    "certificate_number": "certificate_no", "announcement_date": "announcementDate", "exam_date": "examDate",
    "issue_date": "passed_on", "pass_date": "passed_on", "amount": "fee_amount", "room": "exam_room",
    "slip_number": "payment_slip_no",
}
PER_KIND: Mapping[str, Mapping[str, str]] = {
    "fee_request": {"deadline": "feeDeadline"},
    "correction_request": {"deadline": "correction_deadline", "items": "review_comment"},
    "revocation_notice": {"revoked_on": "revocation_date", "reason": "revocation_reason"},
    # what registry.refund_fee gave back (fee_refund), and why: the diagram's refund_reason on the notice task
    "refund_notice": {"amount": "fee_refund", "reason": "refund_reason"},
}
PASSED_PART = {"partial_written": "学科", "partial_practical": "実技"}


def notice_context(kind: NoticeKind, data: Mapping[str, Any]) -> dict[str, Any]:
    """The notice's own fields, taken from the process data under their process names (and no others)."""
    names = {**ALIASES, **PER_KIND.get(kind.name, {})}
    context: dict[str, Any] = {}
    for field in kind.fields:
        # the process name first, then the notice's own name (a diagram may use either)
        source = next((k for k in (names.get(field), field) if k and data.get(k) is not None), None)
        if source is not None:
            value = data[source]
            if isinstance(value, str) and (field.endswith("date") or field in ("deadline", "revoked_on")):
                value = value[:10]  # an ISO date-time from a timer variable: the notice shows the day
            context[field] = value
    if "exam_round" in kind.fields and "exam_round" not in context and (named := exam_round(data)):
        context["exam_round"] = named
    if kind.name == "partial_pass_notice" and "passed_part" not in context:
        part = PASSED_PART.get(str(data.get("result")))
        if part:
            context["passed_part"] = part
    return context


def exam_round(data: Mapping[str, Any]) -> str | None:
    """令和8年度前期: the fiscal year in the era's count and the round, as notices name an exam."""
    year, half = data.get("fiscal_year"), data.get("round")
    if not isinstance(year, int) or isinstance(year, bool) or half not in ("前期", "後期") or not 1990 <= year <= 2200:
        return None
    # the era in force for most of the fiscal year (FY2019, begun in 平成31, is 令和元年度)
    era_year = wareki(date(year, 7, 1)).split("年")[0]
    return f"{era_year}年度{half}"
