"""保存期間: the one place that decides whether an applicant's records may be deleted yet.

The schedule (a choice recorded in the issue note, to be confirmed by each prefecture):
- a pass, a partial pass (it grounds later exemption claims) and a revoked pass are kept
  permanently (合格者データ・一部合格: 永年保存);
- other applications are kept for five years from the April after their fiscal year ends
  (FY2026 → kept to 2032-03-31, deletable from 2032-04-01);
- nothing is deleted while an application is still being processed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.registry.models import Applicant, Application, Passer

RETENTION_YEARS = 5
KEPT_PERMANENTLY = frozenset({"pass", "partial_written", "partial_practical", "revoked"})
CLOSED = frozenset({"identity_failed", "ineligible", "lapsed", "absent", "fail"})


@dataclass(frozen=True)
class Verdict:
    """Whether the records may be deleted on the day asked, until when they are kept, and why."""

    deletable: bool
    until: date | None  # the first day deletion is allowed; None: never (permanent) or not yet known
    basis: str


def kept_until(fiscal_year: int) -> date:
    """The first day a closed application of `fiscal_year` may be deleted."""
    return date(fiscal_year + 1 + RETENTION_YEARS, 4, 1)


def applicant_verdict(session: Session, applicant: Applicant, today: date) -> Verdict:
    """The retention verdict for an applicant and every application of theirs."""
    apps = session.scalars(select(Application).where(Application.applicant_id == applicant.id)).all()
    passed = session.scalar(select(Passer.id).join(Application, Passer.application_id == Application.id)
                            .where(Application.applicant_id == applicant.id).limit(1))
    if passed is not None or any(a.status in KEPT_PERMANENTLY for a in apps):
        return Verdict(False, None, "合格者データ・一部合格は永年保存")
    open_apps = [a.application_no for a in apps if a.status not in CLOSED]
    if open_apps:
        return Verdict(False, None, f"処理中の申請があります: {', '.join(sorted(open_apps))}")
    until = kept_until(max((a.fiscal_year for a in apps), default=applicant.created_at.year))
    basis = f"受検申請書類の保存期間 {RETENTION_YEARS} 年(年度末の翌日から起算)"
    return Verdict(today >= until, until, basis)
