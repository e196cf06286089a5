"""API tokens: issued per user, shown once, kept as SHA-256 (they are random, so no slow hash is needed)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import changes
from .models import ApiToken, StaffUser

PREFIX = "kt_"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, user: StaffUser, name: str, now: datetime, actor: str | None = None) -> str:
    """A new token for `user`; the caller shows it once, the database keeps only its digest."""
    token = PREFIX + secrets.token_urlsafe(32)
    label = name.strip()[:64] or "token"
    session.add(ApiToken(user_id=user.id, name=label, token_hash=digest(token), created_at=now))
    session.flush()
    changes.record(session, now, user.tenant, actor or user.username, user.username, "token_issued", None, label)
    return token


def holder(session: Session, token: str, now: datetime) -> StaffUser | None:
    """The active user a live token belongs to (and note its use), or None."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token), ApiToken.revoked_at.is_(None)))
    if row is None:
        return None
    user = session.get(StaffUser, row.user_id)
    if user is None or not user.active:
        return None
    row.last_used_at = now
    return user


def tokens_of(session: Session, user_ids: list[int]) -> list[ApiToken]:
    """The tokens of these users (revoked ones too), newest first."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id.in_(user_ids))
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke(session: Session, token_id: int, user_ids: list[int], now: datetime, actor: str = "cli") -> bool:
    """Revoke a token of one of these users; False if it is not theirs or already revoked."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id not in user_ids or row.revoked_at is not None:
        return False
    row.revoked_at = now
    session.flush()
    owner = session.get(StaffUser, row.user_id)
    if owner is not None:
        changes.record(session, now, owner.tenant, actor, owner.username, "token_revoked", row.name, None)
    return True
