"""Staff accounts, their sessions and their login history (migrated with the engine's tables)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class IdentityBase(DeclarativeBase):
    """Declarative base of the identity tables."""


class StaffUser(IdentityBase):
    """個人アカウント: one person, one prefecture, one or more roles; never shared."""

    __tablename__ = "staff_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    tenant: Mapped[str] = mapped_column(String(8), index=True)  # 都道府県コード
    roles: Mapped[str] = mapped_column(String(128))  # comma-separated, from identity.roles.ROLES
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def role_set(self) -> frozenset[str]:
        """The user's roles."""
        return frozenset(r for r in self.roles.split(",") if r)


class LoginEvent(IdentityBase):
    """ログイン履歴: every sign-in attempt, successful or not, for the administrator to review."""

    __tablename__ = "login_event"
    __table_args__ = (Index("ix_login_event_tenant_at", "tenant", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    username: Mapped[str] = mapped_column(String(64))  # as typed (unknown names are logged too)
    # the account's prefecture; for an unknown name (no user_id) the prefecture its "-13" suffix names, else
    # None: shown, masked, in every prefecture's history (Identity.login_history)
    tenant: Mapped[str | None] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(String(16))  # success | bad_password | locked | unknown_user | inactive
    remote_addr: Mapped[str | None] = mapped_column(String(64))


class StaffSession(IdentityBase):
    """A signed-in browser: the cookie carries a random id, the database only its SHA-256. Signing out, the
    idle timeout, a password change or deactivation deletes the row, so no copy of the cookie opens anything."""

    __tablename__ = "staff_session"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)  # the idle timeout's


class PortalSession(IdentityBase):
    """An applicant signed in to the portal: as for staff, the cookie carries a random id and the database its
    SHA-256; signing out or the idle timeout deletes the row, so a copied cookie opens nothing afterwards."""

    __tablename__ = "portal_session"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pseudonym_id: Mapped[str] = mapped_column(String(64), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ApiToken(IdentityBase):
    """A program's token, issued to one user: only its SHA-256 is kept (the token itself is shown once)."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AccountChange(IdentityBase):
    """権限の変更記録: who gave or took which access, when (accounts, roles, activation, tokens, passwords)."""

    __tablename__ = "account_change"
    __table_args__ = (Index("ix_account_change_tenant_at", "tenant", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))  # who made the change (a username, or "cli")
    target: Mapped[str] = mapped_column(String(64))  # whose account
    change: Mapped[str] = mapped_column(String(16))  # created | roles | activated | deactivated | password | token_issued | token_revoked
    before: Mapped[str | None] = mapped_column(String(128))
    after: Mapped[str | None] = mapped_column(String(128))
