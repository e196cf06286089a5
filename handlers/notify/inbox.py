"""The applicant portal's view: one pseudonym's notices, and marking one read."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import MessageNotFound
from .models import PortalMessage


def _iso(moment: datetime | None) -> str | None:
    """ISO 8601 with zone, or None."""
    if moment is None:
        return None
    # SQLite hands timestamps back without their zone; they were written in UTC.
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).isoformat()


def _as_dict(row: PortalMessage) -> dict[str, Any]:
    """A message as the portal shows it."""
    return {"id": str(row.id), "tenant": row.tenant, "application_id": row.application_id, "kind": row.kind,
            "subject": row.subject, "body_html": row.body_html, "created_at": _iso(row.created_at),
            "read_at": _iso(row.read_at), "unread": row.read_at is None}


def inbox(session: Session, pseudonym_id: str, tenant: str | None = None) -> list[dict[str, Any]]:
    """The notices addressed to `pseudonym_id` (optionally one tenant's), newest first."""
    query = select(PortalMessage).where(PortalMessage.pseudonym_id == pseudonym_id)
    if tenant is not None:
        query = query.where(PortalMessage.tenant == tenant)
    rows = session.scalars(query.order_by(PortalMessage.created_at.desc(), PortalMessage.id)).all()
    return [_as_dict(row) for row in rows]


def mark_read(session: Session, message_id: str | uuid.UUID, pseudonym_id: str,
              now: datetime | None = None) -> dict[str, Any]:
    """Mark the pseudonym's own message read (first read time kept); MessageNotFound for anyone else's."""
    try:
        key = message_id if isinstance(message_id, uuid.UUID) else uuid.UUID(str(message_id))
    except ValueError:
        raise MessageNotFound("no such message in this inbox") from None
    row = session.get(PortalMessage, key)
    if row is None or row.pseudonym_id != pseudonym_id:
        # Someone else's message is reported exactly like a missing one: the portal learns nothing.
        raise MessageNotFound("no such message in this inbox")
    if row.read_at is None:
        row.read_at = now or datetime.now(timezone.utc)
        session.flush()
    return _as_dict(row)
