"""The vault's tables, on their own declarative base so the number stays apart from the rest."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    BigInteger, CheckConstraint, DateTime, Dialect, Index, Integer, LargeBinary, String, TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ACTIONS = ("store", "reveal", "lookup", "delete", "denied")
TENANT_LENGTH = 8
ACTOR_LENGTH = 64
PURPOSE_LENGTH = 255
DETAIL_LENGTH = 64


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out, on every dialect (SQLite alone would hand back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes; store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("vault timestamps must be timezone-aware")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Read back as aware UTC."""
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class VaultBase(DeclarativeBase):
    """Declarative base of the vault's tables only."""


class MyNumberRecord(VaultBase):
    """One encrypted 個人番号; its id is the vault reference everything else holds."""

    __tablename__ = "my_number"
    __table_args__ = (
        # Deleted rows keep neither ciphertext nor blind index; live rows must have all of them.
        CheckConstraint("deleted_at IS NOT NULL OR (blind_index IS NOT NULL AND key_id IS NOT NULL"
                        " AND nonce IS NOT NULL AND ciphertext IS NOT NULL)", name="ck_my_number_live_complete"),
        CheckConstraint("deleted_at IS NULL OR (blind_index IS NULL AND nonce IS NULL AND ciphertext IS NULL)",
                        name="ck_my_number_deleted_erased"),
        Index("ux_my_number_tenant_blind_index", "tenant", "blind_index", unique=True),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(TENANT_LENGTH))
    blind_index: Mapped[str | None] = mapped_column(String(64), index=True)
    key_id: Mapped[str | None] = mapped_column(String(16))
    nonce: Mapped[bytes | None] = mapped_column(LargeBinary)
    ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    def __repr__(self) -> str:
        state = "deleted" if self.deleted_at is not None else "live"
        return f"MyNumberRecord(id={self.id!r}, tenant={self.tenant!r}, key_id={self.key_id!r}, {state})"


class AccessLogEntry(VaultBase):
    """Who did what to which vault record, when and why; written in the caller's transaction."""

    __tablename__ = "my_number_access_log"
    __table_args__ = (
        CheckConstraint("action IN ('store', 'reveal', 'lookup', 'delete', 'denied')", name="ck_access_log_action"),
        Index("ix_my_number_access_log_tenant_at", "tenant", "at"),
    )

    # BIGINT on servers; SQLite only autoincrements an INTEGER primary key.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    # No foreign key: denied attempts name references that may not exist in this tenant.
    vault_ref: Mapped[str | None] = mapped_column(String(36), index=True)
    tenant: Mapped[str] = mapped_column(String(TENANT_LENGTH))
    actor: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    purpose: Mapped[str] = mapped_column(String(PURPOSE_LENGTH))
    action: Mapped[str] = mapped_column(String(8))
    detail: Mapped[str | None] = mapped_column(String(DETAIL_LENGTH))
    at: Mapped[datetime] = mapped_column(UtcDateTime())

    def __repr__(self) -> str:
        return (f"AccessLogEntry(id={self.id!r}, vault_ref={self.vault_ref!r}, tenant={self.tenant!r}, "
                f"actor={self.actor!r}, purpose={self.purpose!r}, action={self.action!r}, at={self.at!r})")


class AuditReview(VaultBase):
    """A review of the access log: an auditor read one period's entries of one prefecture, and says so."""

    __tablename__ = "my_number_audit_review"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant: Mapped[str] = mapped_column(String(TENANT_LENGTH), index=True)
    period_from: Mapped[datetime] = mapped_column(UtcDateTime())
    period_to: Mapped[datetime] = mapped_column(UtcDateTime())
    entries: Mapped[int] = mapped_column(Integer)  # how many entries the period held when reviewed
    denied: Mapped[int] = mapped_column(Integer)  # of which refused attempts
    reviewed_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    reviewed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    note: Mapped[str | None] = mapped_column(String(1000))
