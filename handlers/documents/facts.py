"""What a document says, read from the registry (受検者, 受検申請者情報, 受検管理, 合格者データ) in one query.

Only the fields documents print are read: never the vault reference, so no 個人番号 can reach a page.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.notify.issuers import PREFECTURES, default_issuer
from handlers.notify.process_fields import exam_round
from handlers.registry.models import Applicant, Application, ExamRecord, Passer

from .errors import ApplicationNotFound


@dataclass(frozen=True)
class Facts:
    """One application as its documents show it."""

    tenant: str
    application_no: str
    fiscal_year: int
    round: str
    grade: str
    trade_code: str
    trade_name: str
    task_name: str | None
    status: str
    name: str
    name_kana: str | None
    birth_date: date
    # 受検管理 (after scheduling)
    examinee_no: str | None = None
    practical_no: str | None = None
    seat_no: str | None = None
    exam_date: date | None = None
    venue: str | None = None
    venue_address: str | None = None
    room: str | None = None
    practical_start: date | None = None
    practical_end: date | None = None
    announcement_date: date | None = None
    result: str | None = None
    written_passed: bool | None = None
    practical_passed: bool | None = None
    # 合格者データ (after a pass is registered)
    ginoshi_no: str | None = None
    certificate_no: str | None = None
    passed_on: date | None = None
    revoked_on: date | None = None
    # a reissued 合格証書 (certificate requests): the day of the reissue, printed with the mark 再交付
    reissued_on: date | None = None

    @property
    def prefecture(self) -> str:
        """東京都."""
        return PREFECTURES.get(self.tenant, self.tenant)

    @property
    def exam_round(self) -> str:
        """令和8年度前期 (or 2026年度前期 when the year cannot be named in an era)."""
        return exam_round({"fiscal_year": self.fiscal_year, "round": self.round}) or \
            f"{self.fiscal_year}年度{self.round}"

    @property
    def exam_label(self) -> str:
        """2級 機械加工（普通旋盤作業）."""
        return f"{self.grade} {self.trade_name}" + (f"（{self.task_name}）" if self.task_name else "")

    def issuer(self, kind: str) -> str:
        """The signatory: 都道府県知事 (2級・3級) or 厚生労働大臣 (特級・1級・単一等級) on certificates, else the 協会."""
        return default_issuer(self.tenant, kind, self.grade)


def load(session: Session, application_no: str, *, tenant: str | None = None,
         pseudonym_id: str | None = None) -> Facts:
    """The application by its 申請受付ID, only in `tenant` and only of `pseudonym_id` when given.

    ApplicationNotFound when there is none, or when two prefectures hold the number and no tenant says which.
    """
    query = (select(Application, Applicant, ExamRecord, Passer)
             .join(Applicant, Applicant.id == Application.applicant_id)
             .outerjoin(ExamRecord, ExamRecord.application_id == Application.id)
             .outerjoin(Passer, Passer.application_id == Application.id)
             .where(Application.application_no == application_no))
    if tenant is not None:
        query = query.where(Application.tenant == tenant, Applicant.tenant == tenant)
    if pseudonym_id is not None:
        query = query.where(Applicant.pseudonym_id == pseudonym_id)
    rows = session.execute(query.limit(2)).all()
    if len(rows) != 1:
        where = f" in prefecture {tenant}" if tenant else ""
        more = "; name the prefecture with --tenant" if len(rows) > 1 else ""
        raise ApplicationNotFound(f"there is no application {application_no}{where}{more}")
    app, person, record, passer = rows[0]
    facts = dict(tenant=app.tenant, application_no=app.application_no, fiscal_year=app.fiscal_year, round=app.round,
                 grade=app.grade, trade_code=app.trade_code, trade_name=app.trade_name, task_name=app.task_name,
                 status=app.status, name=person.name, name_kana=person.name_kana, birth_date=person.birth_date)
    if record is not None:
        facts.update(examinee_no=record.examinee_no, practical_no=record.practical_no, seat_no=record.seat_no,
                     exam_date=record.exam_date, venue=record.venue, venue_address=record.venue_address,
                     room=record.room, practical_start=record.practical_start, practical_end=record.practical_end,
                     announcement_date=record.announcement_date,
                     result=record.result, written_passed=record.written_passed,
                     practical_passed=record.practical_passed)
    if passer is not None:
        facts.update(ginoshi_no=passer.ginoshi_no, certificate_no=passer.certificate_no, passed_on=passer.passed_on,
                     revoked_on=passer.revoked_on)
    return Facts(**facts)
