"""Registry tables modelled on 別添1 (English column names; the Japanese label in each column's info)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class RegistryBase(DeclarativeBase):
    """Declarative base for the registry's tables (migrated by the engine's Alembic)."""


def col(ja: str, *args: Any, **kwargs: Any) -> Any:
    """A mapped column that carries its 別添1 label, so a person from the field can map it."""
    return mapped_column(*args, info={"ja": ja}, **kwargs)


class NumberSequence(RegistryBase):
    """The last number issued per prefecture, year and kind (see numbering.py)."""

    __tablename__ = "number_sequence"
    tenant: Mapped[str] = col("都道府県コード", String(8), primary_key=True)
    year: Mapped[int] = col("年度", Integer, primary_key=True)
    kind: Mapped[str] = col("番号の種類", String(16), primary_key=True)
    last_value: Mapped[int] = col("最終番号", Integer)


class Applicant(RegistryBase):
    """受検者テーブル: the person. The 個人番号 is not here: only the vault reference."""

    __tablename__ = "applicant"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant: Mapped[str] = col("都道府県コード", String(8), index=True)
    vault_ref: Mapped[str | None] = col("個人番号(保管庫参照)", String(36))
    pseudonym_id: Mapped[str | None] = col("資格仮名ID", String(64), index=True)
    portal_pseudonym_id: Mapped[str | None] = col("マイナポータル仮名ID", String(64))
    name: Mapped[str] = col("氏名", String(128))
    name_kana: Mapped[str | None] = col("ふりがな", String(128))
    birth_date: Mapped[date] = col("生年月日", Date)
    sex: Mapped[str] = col("性別", String(1))
    postal_code: Mapped[str | None] = col("郵便番号", String(8))
    address: Mapped[str] = col("住所", Text)
    address_extra: Mapped[str | None] = col("方書", Text)
    phone: Mapped[str | None] = col("電話番号", String(20))
    employer_name: Mapped[str | None] = col("事業所名", String(128))
    nationality: Mapped[str | None] = col("国籍", String(64))
    status: Mapped[str] = col("状態", String(16), default="active")  # active | deceased | deleted
    created_at: Mapped[datetime] = col("登録日時", DateTime(timezone=True))


class Application(RegistryBase):
    """受検申請者情報: one application for one exam (grade, trade, task) in one round."""

    __tablename__ = "application"
    __table_args__ = (UniqueConstraint("tenant", "application_no"), UniqueConstraint("tenant", "payment_slip_no"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant: Mapped[str] = col("都道府県コード", String(8), index=True)
    applicant_id: Mapped[int] = col("受検者", ForeignKey("applicant.id"), index=True)
    application_no: Mapped[str] = col("申請受付ID", String(32))
    fiscal_year: Mapped[int] = col("年度", Integer)
    round: Mapped[str] = col("期別", String(8))  # 前期 | 後期
    grade: Mapped[str] = col("級", String(16))
    trade_code: Mapped[str] = col("職種コード", String(16))
    trade_name: Mapped[str] = col("職種名称", String(64))
    task_code: Mapped[str | None] = col("作業コード", String(16))
    task_name: Mapped[str | None] = col("作業名称", String(64))
    channel: Mapped[str] = col("申請経路", String(8))  # online | paper
    experience_years: Mapped[int | None] = col("実務経験年数", Integer)
    schooling: Mapped[str | None] = col("学歴", String(16))
    prior_pass: Mapped[str | None] = col("合格歴", String(16))
    written_exemption_claimed: Mapped[bool] = col("学科免除申請", default=False)
    practical_exemption_claimed: Mapped[bool] = col("実技免除申請", default=False)
    eligible: Mapped[bool | None] = col("受検資格有無", nullable=True)
    written_fee_paid_on: Mapped[date | None] = col("学科手数料支払日", Date)
    practical_fee_paid_on: Mapped[date | None] = col("実技手数料支払日", Date)
    status: Mapped[str] = col("状態", String(24), default="received")
    created_at: Mapped[datetime] = col("申請入力完了日", DateTime(timezone=True))
    national_version: Mapped[int] = col("国家資格システム連携版数", Integer, default=1, server_default="1")
    instance_id: Mapped[int | None] = col("業務処理ID", Integer, nullable=True, index=True)  # its process instance
    # 手数料 (fees.dmn's amounts) and the 納付書 they are paid with
    written_fee: Mapped[int | None] = col("学科手数料額", Integer)
    practical_fee: Mapped[int | None] = col("実技手数料額", Integer)
    payment_slip_no: Mapped[str | None] = col("納付書番号", String(32))
    payment_slip_issued_on: Mapped[date | None] = col("納付書発行日", Date)
    fee_paid_total: Mapped[int | None] = col("納付額", Integer)
    fee_status: Mapped[str | None] = col("手数料支払状況", String(16))  # due|paid|short|over|accepted|refunded|waived
    fee_refund: Mapped[int | None] = col("還付額", Integer)
    # 試験日程: the wait list (キャンセル待ち) and the 受検票
    waitlist_session_id: Mapped[int | None] = col("キャンセル待ちの試験日程", ForeignKey("exam_session.id"), index=True)
    waitlisted_on: Mapped[date | None] = col("キャンセル待ち登録日", Date)
    admission_ticket_issued_on: Mapped[date | None] = col("受検票発行日", Date)


class ExamRecord(RegistryBase):
    """受検管理テーブル: the exam sitting, marks per part, attendance and pass flags."""

    __tablename__ = "exam_record"
    __table_args__ = (UniqueConstraint("tenant", "examinee_no"), UniqueConstraint("session_id", "seat_index"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant: Mapped[str] = col("都道府県コード", String(8), index=True)
    application_id: Mapped[int] = col("申請", ForeignKey("application.id"), unique=True)
    examinee_no: Mapped[str] = col("受検番号", String(32))
    practical_no: Mapped[str | None] = col("実技番号", String(32))
    seat_no: Mapped[str | None] = col("座席番号", String(16))
    exam_date: Mapped[date | None] = col("試験日", Date)
    venue: Mapped[str | None] = col("試験場", String(128))
    announcement_date: Mapped[date | None] = col("合格発表日", Date)
    written_attended: Mapped[bool | None] = col("学科出欠", nullable=True)
    written_score: Mapped[int | None] = col("学科得点", Integer)
    practical_attended: Mapped[bool | None] = col("実技作業出欠", nullable=True)
    practical_score: Mapped[int | None] = col("実技合計得点", Integer)
    written_passed: Mapped[bool | None] = col("学科合否フラグ", nullable=True)
    practical_passed: Mapped[bool | None] = col("実技合否フラグ", nullable=True)
    result: Mapped[str | None] = col("合否フラグ", String(24))
    # where the seat is (seating.py): the session, the seat's place 1…capacity in it, its room
    session_id: Mapped[int | None] = col("試験日程", ForeignKey("exam_session.id"), index=True)
    preferred_session_id: Mapped[int | None] = col("第一希望の試験日程", ForeignKey("exam_session.id"))
    seat_index: Mapped[int | None] = col("通し座席番号", Integer)
    room: Mapped[str | None] = col("試験室", String(64))
    venue_address: Mapped[str | None] = col("試験場所在地", Text)
    practical_start: Mapped[date | None] = col("実技試験開始日", Date)
    practical_end: Mapped[date | None] = col("実技試験終了日", Date)
    ticket_version: Mapped[int] = col("受検票版数", Integer, default=1, server_default="1")
    ticket_issued_version: Mapped[int] = col("交付済み受検票版数", Integer, default=0, server_default="0")


class ExamVenue(RegistryBase):
    """試験場: a place where exams are held, with its rooms."""

    __tablename__ = "exam_venue"
    __table_args__ = (UniqueConstraint("tenant", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant: Mapped[str] = col("都道府県コード", String(8), index=True)
    name: Mapped[str] = col("試験場名", String(128))
    address: Mapped[str] = col("所在地", Text)


class ExamRoom(RegistryBase):
    """試験室: a room of a venue and its seats; seats are numbered room by room in `position` order."""

    __tablename__ = "exam_room"
    __table_args__ = (UniqueConstraint("venue_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = col("試験場", ForeignKey("exam_venue.id"), index=True)
    position: Mapped[int] = col("順序", Integer)
    name: Mapped[str] = col("試験室名", String(64))
    seats: Mapped[int] = col("座席数", Integer)


class ExamSession(RegistryBase):
    """試験日程: one round's exam of a trade, task and grade at one venue: 学科試験日, 実技試験期間, 定員."""

    __tablename__ = "exam_session"
    __table_args__ = (UniqueConstraint("tenant", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant: Mapped[str] = col("都道府県コード", String(8), index=True)
    code: Mapped[str] = col("試験日程コード", String(32))
    fiscal_year: Mapped[int] = col("年度", Integer)
    round: Mapped[str] = col("期別", String(8))
    trade_code: Mapped[str] = col("職種コード", String(16))
    trade_name: Mapped[str] = col("職種名称", String(64))
    task_code: Mapped[str | None] = col("作業コード", String(16))  # None: every task of the trade
    task_name: Mapped[str | None] = col("作業名称", String(64))
    grade: Mapped[str] = col("級", String(16))
    written_date: Mapped[date | None] = col("学科試験日", Date)
    practical_start: Mapped[date | None] = col("実技試験開始日", Date)
    practical_end: Mapped[date | None] = col("実技試験終了日", Date)
    announcement_date: Mapped[date | None] = col("合格発表日", Date)
    venue_id: Mapped[int] = col("試験場", ForeignKey("exam_venue.id"), index=True)
    capacity: Mapped[int] = col("定員", Integer)
    assigned: Mapped[int] = col("割当済み座席数", Integer, default=0, server_default="0")  # seats 1…assigned are taken
    closed: Mapped[bool] = col("受付停止", Boolean, default=False, server_default=false())


class Passer(RegistryBase):
    """合格者データ: a pass, its 技能士番号 and certificate, reissues, and a revocation."""

    __tablename__ = "passer"
    __table_args__ = (UniqueConstraint("tenant", "ginoshi_no"), UniqueConstraint("tenant", "certificate_no"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant: Mapped[str] = col("試験実施機関コード", String(8), index=True)
    application_id: Mapped[int] = col("申請", ForeignKey("application.id"), unique=True)
    fiscal_year: Mapped[int] = col("年度", Integer)
    ginoshi_no: Mapped[str] = col("技能士番号", String(32))
    certificate_no: Mapped[str] = col("合格証書シリアル番号", String(32))
    passed_on: Mapped[date] = col("合格日付", Date)
    certificate_count: Mapped[int] = col("紙合格証書回数", Integer, default=1)
    electronic_certificate_count: Mapped[int] = col("電子合格証書回数", Integer, default=0, server_default="0")
    certificate_of_pass_ja_count: Mapped[int] = col("日本語合格証明回数", Integer, default=0, server_default="0")
    certificate_of_pass_en_count: Mapped[int] = col("英文合格証明回数", Integer, default=0, server_default="0")
    reissue_count: Mapped[int] = col("再交付回数", Integer, default=0)
    national_system_no: Mapped[str | None] = col("国家資格システム管理番号", String(64))
    revoked_on: Mapped[date | None] = col("合格取消日", Date)
    revocation_reason: Mapped[str | None] = col("合格取消理由", Text)


class CertificateRequest(RegistryBase):
    """証明書等の交付申請: a request for a reissue (再交付) or a 合格証明書 (ja/en), from the portal or on paper.

    Refused requests stay (status refused, with the reason); a request for nobody's pass has no passer."""

    __tablename__ = "certificate_request"
    __table_args__ = (UniqueConstraint("tenant", "request_no"), UniqueConstraint("tenant", "payment_slip_no"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant: Mapped[str] = col("都道府県コード", String(8), index=True)
    request_no: Mapped[str] = col("交付申請番号", String(32))
    pass_no: Mapped[str | None] = col("申請書の申請受付ID・技能士番号", String(32))  # as given, found or not
    passer_id: Mapped[int | None] = col("合格者", ForeignKey("passer.id"), index=True)
    application_id: Mapped[int | None] = col("申請", ForeignKey("application.id"), index=True)
    kind: Mapped[str] = col("申請の種類", String(24))  # reissue | certificate_of_pass
    language: Mapped[str] = col("言語", String(2))  # ja | en
    medium: Mapped[str] = col("交付方法", String(12))  # paper (郵送・窓口) | electronic (ポータルのPDF)
    channel: Mapped[str] = col("申請経路", String(8))  # portal | paper
    copies: Mapped[int] = col("部数", Integer)
    reason: Mapped[str | None] = col("再交付の理由", String(16))  # lost | damaged | name_change
    note: Mapped[str | None] = col("申請者の記載事項", Text)
    requester_name: Mapped[str | None] = col("申請書の氏名", String(128))  # as written on a paper request
    requester_birth_date: Mapped[date | None] = col("申請書の生年月日", Date)
    status: Mapped[str] = col("状態", String(16))  # received | fee_due | issued | refused | lapsed
    refusal_code: Mapped[str | None] = col("不交付の区分", String(24))  # handlers/registry/certificates.REFUSALS
    refusal_reason: Mapped[str | None] = col("不交付の理由", Text)
    fee: Mapped[int | None] = col("手数料額", Integer)
    payment_slip_no: Mapped[str | None] = col("納付書番号", String(32))
    fee_paid_total: Mapped[int | None] = col("納付額", Integer)
    fee_paid_on: Mapped[date | None] = col("手数料支払日", Date)
    requested_at: Mapped[datetime] = col("申請日時", DateTime(timezone=True))
    issued_at: Mapped[datetime | None] = col("交付日時", DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = col("終了日時", DateTime(timezone=True))
    requested_by: Mapped[str | None] = col("受付者", String(128))  # portal:<仮名ID> or the staff account
    instance_id: Mapped[int | None] = col("業務処理ID", Integer, index=True)


class DeletionRecord(RegistryBase):
    """削除記録: what was deleted, when, on which decision and retention basis; holds no personal data."""

    __tablename__ = "deletion_record"
    id: Mapped[int] = col("削除記録ID", Integer, primary_key=True)
    tenant: Mapped[str] = col("都道府県コード", String(8), index=True)
    subject: Mapped[str] = col("削除対象", String(16))  # applicant
    subject_id: Mapped[int] = col("受検者ID", Integer)
    application_nos: Mapped[str] = col("申請受付ID(一覧)", Text)  # comma-separated
    reason: Mapped[str] = col("削除理由", Text)
    retention_basis: Mapped[str] = col("保存期間の根拠", Text)
    retention_until: Mapped[date | None] = col("保存期限", Date)
    decision_instance_id: Mapped[int] = col("削除決定のプロセスID", Integer)  # its history holds who decided
    erased: Mapped[str] = col("消去したもの", Text)  # e.g. applicant,application,exam_record,vault,recipient
    deleted_at: Mapped[datetime] = col("削除日時", DateTime(timezone=True))
