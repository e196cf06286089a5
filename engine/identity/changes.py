"""The record of changes to access (DOMAIN.md: roles by duty, reviewed): every account created, role
given or taken, account (de)activated, password changed and API token issued or revoked, with who did it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import AccountChange

KINDS = ("created", "roles", "activated", "deactivated", "password", "token_issued", "token_revoked")


def record(session: Session, at: datetime, tenant: str, actor: str, target: str, change: str,
           before: str | None = None, after: str | None = None) -> None:
    """Add one change to the caller's transaction (it commits or rolls back with the change itself)."""
    if change not in KINDS:
        raise ValueError(f"unknown account change {change!r}")
    session.add(AccountChange(tenant=tenant, at=at, actor=(actor or "?")[:64], target=target[:64], change=change,
                              before=None if before is None else before[:128],
                              after=None if after is None else after[:128]))


def history(session: Session, tenant: str, limit: int = 100) -> list[AccountChange]:
    """One prefecture's changes, newest first."""
    return list(session.scalars(select(AccountChange).where(AccountChange.tenant == tenant)
                                .order_by(AccountChange.at.desc(), AccountChange.id.desc()).limit(limit)))
