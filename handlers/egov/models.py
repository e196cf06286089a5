"""What kentei keeps of the e-Gov exchange: the packages taken (without any 個人番号) and the 電子通知書 to send."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from handlers.registry.models import RegistryBase, col


class EgovPackage(RegistryBase):
    """電子申請データ: one package taken from e-Gov, once: accepted (its application started) or refused."""

    __tablename__ = "egov_package"
    __table_args__ = (UniqueConstraint("package_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant: Mapped[str] = col("都道府県コード", String(8), index=True)
    package_id: Mapped[str] = col("到達番号", String(64))
    status: Mapped[str] = col("状態", String(16))  # taken | started | refused
    submitted_at: Mapped[datetime | None] = col("申請日時", DateTime(timezone=True))
    taken_at: Mapped[datetime] = col("取得日時", DateTime(timezone=True))
    form: Mapped[str | None] = col("申請データ(個人番号を除く)", Text)  # JSON; None for a refused package
    attachments: Mapped[str | None] = col("添付書類", Text)  # JSON list of {name, content_type, size, sha256, data}
    vault_ref: Mapped[str | None] = col("個人番号(保管庫参照)", String(36))
    application_no: Mapped[str | None] = col("申請受付ID", String(32), index=True)
    refusal_reason: Mapped[str | None] = col("返戻理由", Text)


class EgovNotice(RegistryBase):
    """電子通知書: a notice to send back to e-Gov (受理, 不受理, 期限切れ, 返戻); sent once, by its id."""

    __tablename__ = "egov_notice"
    __table_args__ = (UniqueConstraint("package_id", "kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant: Mapped[str] = col("都道府県コード", String(8), index=True)
    package_id: Mapped[str] = col("到達番号", String(64))
    application_no: Mapped[str | None] = col("申請受付ID", String(32))
    kind: Mapped[str] = col("通知の種類", String(16))  # accepted | rejected | lapsed | refused
    text: Mapped[str] = col("通知文", Text)
    created_at: Mapped[datetime] = col("作成日時", DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = col("送信日時", DateTime(timezone=True), index=True)
