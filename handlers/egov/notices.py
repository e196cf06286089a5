"""The 電子通知書 outbox: notices written in the step that decides an e-Gov application, sent by the intake process.

Each is written in the same transaction as the decision (so a notice exists exactly when the decision does)
and sent later by `egov.send_notices`, once per (package, kind) however often the step or the sending repeats.
Nothing in a notice comes from the vault: e-Gov never receives the 個人番号 back.
"""
from __future__ import annotations

from datetime import datetime
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import EgovNotice, EgovPackage

TITLES = {"accepted": "技能検定受検申請の受理について", "rejected": "技能検定受検申請の不受理について",
          "lapsed": "技能検定受検申請の期限経過について", "refused": "電子申請データの返戻について"}
OUTCOME_KINDS = {"identity_failed": "rejected", "ineligible": "rejected", "lapsed": "lapsed"}
REASONS = {"identity_failed": "本人確認ができなかったため", "ineligible": "受検資格を満たしていないため",
           "lapsed": "期限までに補正または手数料の納付がなかったため"}


def accepted(session: Session, tenant: str, application_no: str, fee: int, deadline: str | None,
             slip: str | None, now: datetime) -> None:
    """受理: the eligibility review approved the application; the notice says what to pay and by when."""
    text = f"受検申請（申請受付ID {application_no}）を受理しました。"
    if fee:
        text += f"受検手数料 {fee:,}円を" + (f"{deadline[:10]}までに" if deadline else "") + \
                (f"納付書（納付書番号 {slip}）により" if slip else "") + "納付してください。"
    else:
        text += "受検手数料の納付は不要です。"
    _write(session, tenant, application_no, "accepted", text, now)


def closed(session: Session, tenant: str, application_no: str, outcome: str, now: datetime) -> None:
    """不受理 or 期限経過 of an application that ended early; other outcomes send nothing."""
    kind = OUTCOME_KINDS.get(outcome)
    if kind is None:
        return
    verb = "受理できませんでした" if kind == "rejected" else "取り扱いを終了しました"
    _write(session, tenant, application_no, kind,
           f"受検申請（申請受付ID {application_no}）は、{REASONS[outcome]}{verb}。", now)


def refused(session: Session, tenant: str, package_id: str, reason: str, now: datetime) -> None:
    """返戻: the package could not be taken."""
    session.add(EgovNotice(tenant=tenant, package_id=package_id, application_no=None, kind="refused",
                           text=f"到達番号 {package_id} の申請データを受け付けることができませんでした。理由: {reason}",
                           created_at=now))


def _write(session: Session, tenant: str, application_no: str, kind: str, text: str, now: datetime) -> None:
    package_id = session.scalar(select(EgovPackage.package_id).where(EgovPackage.tenant == tenant,
                                                                     EgovPackage.application_no == application_no))
    if package_id is None:  # not an e-Gov application
        return
    exists = session.scalar(select(EgovNotice.id).where(EgovNotice.package_id == package_id, EgovNotice.kind == kind))
    if exists is None:
        session.add(EgovNotice(tenant=tenant, package_id=package_id, application_no=application_no, kind=kind,
                               text=text, created_at=now))
