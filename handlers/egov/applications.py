"""An e-Gov application's 申請登録: its data comes from the package taken at intake, not from the start message."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.registry.rounds import ANNOUNCEMENT_DAYS, EXAM_DAYS, FEE_DAYS, round_of

from .models import EgovPackage

JST = timezone(timedelta(hours=9))


def _package(session: Session, tenant: str, package_id: Any) -> EgovPackage:
    package = session.scalar(select(EgovPackage).where(EgovPackage.tenant == tenant,
                                                       EgovPackage.package_id == package_id))
    if package is None or package.status == "refused":
        raise LookupError(f"e-Gov package {package_id!r} of prefecture {tenant} was not taken")
    return package


def application_data(session: Session, tenant: str, package_id: Any) -> dict[str, Any]:
    """The application's process data from its package: the form (never a number: the vault reference),
    the round of the day it was filed at e-Gov, and the deadlines counted from the day it was taken."""
    package = _package(session, tenant, package_id)
    filed = _aware(package.submitted_at or package.taken_at)
    taken = _aware(package.taken_at)
    fiscal_year, exam_round = round_of(filed.astimezone(JST))
    return {**orjson.loads(package.form or "{}"), "channel": "egov", "package_id": package.package_id,
            "vault_ref": package.vault_ref, "fiscal_year": fiscal_year, "round": exam_round,
            "feeDeadline": (taken + timedelta(days=FEE_DAYS)).isoformat(),
            "examDate": (taken + timedelta(days=EXAM_DAYS)).isoformat(),
            "announcementDate": (taken + timedelta(days=ANNOUNCEMENT_DAYS)).isoformat()}


def started(session: Session, tenant: str, package_id: Any, application_no: str) -> None:
    """The package's application is registered: it now has its 申請受付ID (a repeated step writes the same)."""
    package = _package(session, tenant, package_id)
    package.status, package.application_no = "started", application_no


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
