"""Tables of the notification package, on their own declarative base (the engine migrates them)."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class NotifyBase(DeclarativeBase):
    """Declarative base of the notify tables only."""


class Recipient(NotifyBase):
    """The verified recipient recorded for one application: where its notices may go, and nowhere else."""

    __tablename__ = "recipient"
    __table_args__ = (UniqueConstraint("tenant", "application_id", name="uq_recipient_tenant_application"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant: Mapped[str] = mapped_column(String(2))  # 都道府県コード
    application_id: Mapped[str] = mapped_column(String(64), index=True)  # 申請受付ID
    pseudonym_id: Mapped[str] = mapped_column(String(64), index=True)  # 資格仮名ID / マイナポータル仮名ID
    email: Mapped[str | None] = mapped_column(String(254))  # 通知先メールアドレス; None: portal and post only
    postal_name: Mapped[str] = mapped_column(String(200))  # 送付先氏名
    postal_address: Mapped[str] = mapped_column(String(500))  # 送付先住所
    verified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # 確認日時


class PortalMessage(NotifyBase):
    """A notice in the applicant's portal inbox, keyed by pseudonymous ID."""

    __tablename__ = "portal_message"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    pseudonym_id: Mapped[str] = mapped_column(String(64), index=True)
    tenant: Mapped[str] = mapped_column(String(2))
    application_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)


class SentMail(NotifyBase):
    """One notice e-mail: written pending (sent_at NULL) with its portal message, stamped once SMTP took it."""

    __tablename__ = "sent_mail"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    tenant: Mapped[str] = mapped_column(String(2))
    application_id: Mapped[str] = mapped_column(String(64))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
