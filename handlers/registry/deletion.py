"""削除: check the retention schedule, then erase an applicant's records and leave a deletion record.

Two local handlers, so each decision and each erasure commits with its workflow step:
`registry.check_deletion` answers whether the records may go yet; `registry.delete_applicant`
asks again (an application filed since would stop it), erases the applicant, their
applications and exam records, the notification rows and the 個人番号 in the vault, and
writes a `DeletionRecord` naming the deciding process instance, whose hash-chained history
holds who reviewed and who approved.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update

from handlers.base import BpmnError, HandlerContext, HandlerRegistry
from handlers.notify import erase_applications
from handlers.egov.models import EgovPackage
from handlers.registry.models import Applicant, Application, CertificateRequest, DeletionRecord, ExamRecord
from handlers.registry.retention import Verdict, applicant_verdict
from handlers.vault import DELETION, Vault

JST = ZoneInfo("Asia/Tokyo")  # retention years end on Japanese calendar days
RETENTION_IN_FORCE = "retention_in_force"  # BPMN error code: the schedule forbids deletion today


class Deletion:
    """The deletion handlers over the vault that holds the 個人番号."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def check(self, ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
        """保存期間の確認: may this applicant's records be deleted today?"""
        verdict = self._verdict(ctx, self._applicant(ctx, data))
        return {"deletable": verdict.deletable, "retention_basis": verdict.basis,
                "retention_until": verdict.until.isoformat() if verdict.until else None}

    def delete(self, ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
        """削除の実行: erase everything of the applicant, in this step's transaction."""
        reason = str(data.get("deletion_reason") or "").strip()
        if not reason:
            raise ValueError("a deletion needs a reason (deletion_reason)")
        applicant = self._applicant(ctx, data)
        verdict = self._verdict(ctx, applicant)
        if not verdict.deletable:
            raise BpmnError(RETENTION_IN_FORCE, verdict.basis)
        session = ctx.session
        apps = session.scalars(select(Application).where(Application.applicant_id == applicant.id)
                               .order_by(Application.id)).all()
        numbers = [a.application_no for a in apps]
        erased = ["applicant", "application"]
        ids = [a.id for a in apps]
        if session.execute(delete(ExamRecord).where(ExamRecord.application_id.in_(ids))).rowcount:
            erased.append("exam_record")
        if session.execute(delete(CertificateRequest).where(CertificateRequest.application_id.in_(ids))).rowcount:
            erased.append("certificate_request")
        # an e-Gov application's package keeps its 到達番号 and status (the exchange's record), not the person's data
        if session.execute(update(EgovPackage).where(EgovPackage.tenant == ctx.tenant,
                                                     EgovPackage.application_no.in_(numbers))
                           .values(form=None, attachments=None, vault_ref=None)).rowcount:
            erased.append("egov_package")
        if erase_applications(session, ctx.tenant, numbers):
            erased.append("notification")
        if applicant.vault_ref and self.vault.delete(session, applicant.vault_ref, ctx.tenant,
                                                     actor=f"instance:{ctx.instance_id}", reason=DELETION):
            erased.append("my_number")
        for app in apps:
            session.delete(app)
        session.flush()
        session.delete(applicant)
        session.add(DeletionRecord(tenant=ctx.tenant, subject="applicant", subject_id=applicant.id,
                                   application_nos=",".join(numbers), reason=reason, retention_basis=verdict.basis,
                                   retention_until=verdict.until, decision_instance_id=ctx.instance_id,
                                   erased=",".join(erased), deleted_at=_now(ctx)))
        session.flush()
        return {"deleted_application_ids": numbers, "erased": erased}

    def _applicant(self, ctx: HandlerContext, data: Mapping[str, Any]) -> Applicant:
        app = ctx.session.scalar(select(Application).where(Application.tenant == ctx.tenant,
                                                           Application.application_no == data.get("application_id")))
        if app is None:
            raise LookupError(f"application {data.get('application_id')} of prefecture {ctx.tenant} does not exist")
        return ctx.session.get(Applicant, app.applicant_id)

    def _verdict(self, ctx: HandlerContext, applicant: Applicant) -> Verdict:
        return applicant_verdict(ctx.session, applicant, _now(ctx).astimezone(JST).date())


def _now(ctx: HandlerContext) -> datetime:
    return ctx.now or datetime.now(timezone.utc)


def register(registry: HandlerRegistry, vault: Vault) -> Deletion:
    """The two deletion topics, local: their writes commit with the step."""
    deletion = Deletion(vault)
    registry.register("registry.check_deletion", deletion.check, "local")
    registry.register("registry.delete_applicant", deletion.delete, "local")
    return deletion
