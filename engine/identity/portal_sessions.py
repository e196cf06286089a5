"""Applicants' portal sessions, kept on the server like the staff's (a row per signed-in browser)."""
from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from .models import PortalSession
from .tokens import digest

TOUCH = timedelta(minutes=1)  # the last-seen time is written at most this often (no write per request)


def start(session: Session, pseudonym_id: str, now: datetime, idle: timedelta) -> str:
    """A new session for the applicant: the id for the cookie. Sessions idle longer than `idle` go on the way."""
    session.execute(delete(PortalSession).where(PortalSession.last_seen_at < now - idle))
    token = secrets.token_urlsafe(32)
    session.add(PortalSession(pseudonym_id=pseudonym_id, token_hash=digest(token), created_at=now, last_seen_at=now))
    session.flush()
    return token


def live(session: Session, token: str | None, now: datetime, idle: timedelta) -> tuple[str | None, bool, bool]:
    """(pseudonymous ID of a live session or None, whether the row is dead and should go, whether to touch it)."""
    if not token:
        return None, False, False
    row = session.scalar(select(PortalSession).where(PortalSession.token_hash == digest(token)))
    if row is None:
        return None, False, False
    seen = row.last_seen_at if row.last_seen_at.tzinfo else row.last_seen_at.replace(tzinfo=UTC)  # SQLite: naive UTC
    if now - seen > idle:
        return None, True, False
    return row.pseudonym_id, False, now - seen >= TOUCH


def touch(session: Session, token: str, now: datetime) -> None:
    session.execute(update(PortalSession).where(PortalSession.token_hash == digest(token)).values(last_seen_at=now))


def end(session: Session, token: str | None) -> None:
    """Sign-out, or a dead session found: the row goes."""
    if token:
        session.execute(delete(PortalSession).where(PortalSession.token_hash == digest(token)))
