"""Writing and reading the vault's access log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .masking import scrub
from .models import ACTOR_LENGTH, DETAIL_LENGTH, PURPOSE_LENGTH, AccessLogEntry


def record(session: Session, *, at: datetime, vault_ref: str | None, tenant: str, actor: str, purpose: str,
           action: str, detail: str | None = None) -> AccessLogEntry:
    """Add one access-log row to the caller's session (flushed, not committed)."""
    entry = AccessLogEntry(vault_ref=vault_ref, tenant=tenant, actor=scrub(actor, ACTOR_LENGTH),
                           purpose=scrub(purpose, PURPOSE_LENGTH), action=action,
                           detail=None if detail is None else detail[:DETAIL_LENGTH], at=at)
    session.add(entry)
    # Flushed now so the row is in the transaction even if the caller's session never autoflushes.
    session.flush([entry])
    return entry


def entries(session: Session, tenant: str, vault_ref: str | None = None) -> list[AccessLogEntry]:
    """The tenant's access-log rows, oldest first, optionally for one vault reference."""
    query = select(AccessLogEntry).where(AccessLogEntry.tenant == tenant)
    if vault_ref is not None:
        query = query.where(AccessLogEntry.vault_ref == vault_ref)
    return list(session.scalars(query.order_by(AccessLogEntry.id)))
