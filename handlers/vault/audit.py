"""Reading the 個人番号 access log for review (監査担当): filtered pages, a summary, and review records.

The log itself is written by the vault (access_log.py) in the caller's transaction. Here it is only read,
one prefecture at a time, and an auditor's review of a period is recorded with the counts it covered.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from .models import ACTIONS, AccessLogEntry, AuditReview


@dataclass(frozen=True)
class LogFilter:
    """One prefecture's entries in [since, until), optionally of one action, purpose or actor (part of it)."""

    tenant: str
    since: datetime
    until: datetime
    action: str | None = None
    purpose: str | None = None
    actor: str | None = None

    def __post_init__(self) -> None:
        if self.action is not None and self.action not in ACTIONS:
            raise ValueError(f"action must be one of {', '.join(ACTIONS)}")
        if self.until <= self.since:
            raise ValueError("the period ends before it begins")


def _where(query: Select, f: LogFilter) -> Select:  # type: ignore[type-arg]
    query = query.where(AccessLogEntry.tenant == f.tenant, AccessLogEntry.at >= f.since, AccessLogEntry.at < f.until)
    if f.action:
        query = query.where(AccessLogEntry.action == f.action)
    if f.purpose:
        query = query.where(AccessLogEntry.purpose == f.purpose)
    if f.actor:
        escaped = f.actor.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(AccessLogEntry.actor.like(f"%{escaped}%", escape="\\"))
    return query


def page(session: Session, f: LogFilter, number: int = 1, size: int = 50) -> tuple[list[AccessLogEntry], int]:
    """One page of the filtered entries, newest first, and how many there are in all."""
    total = session.scalar(_where(select(func.count()).select_from(AccessLogEntry), f)) or 0
    rows = session.scalars(_where(select(AccessLogEntry), f).order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
                           .offset((number - 1) * size).limit(size)).all()
    return list(rows), int(total)


def every(session: Session, f: LogFilter, limit: int = 100_000) -> list[AccessLogEntry]:
    """All filtered entries, oldest first (for an export), at most `limit`."""
    return list(session.scalars(_where(select(AccessLogEntry), f).order_by(AccessLogEntry.at, AccessLogEntry.id)
                                .limit(limit)))


def summary(session: Session, f: LogFilter) -> dict[str, object]:
    """Counts by action, and the ten actors with the most entries (who reads numbers most)."""
    by_action = dict(session.execute(_where(select(AccessLogEntry.action, func.count()), f)
                                     .group_by(AccessLogEntry.action)).all())
    actors = session.execute(_where(select(AccessLogEntry.actor, func.count()), f)
                             .group_by(AccessLogEntry.actor).order_by(func.count().desc(), AccessLogEntry.actor)
                             .limit(10)).all()
    return {"by_action": {a: int(by_action.get(a, 0)) for a in ACTIONS}, "top_actors": [(a, int(n)) for a, n in actors]}


def record_review(session: Session, f: LogFilter, reviewer: str, now: datetime, note: str | None) -> AuditReview:
    """Say that `reviewer` read the period's entries (all actions); the counts are kept with the review."""
    whole = LogFilter(f.tenant, f.since, f.until)
    counts = summary(session, whole)["by_action"]
    assert isinstance(counts, dict)
    review = AuditReview(tenant=f.tenant, period_from=f.since, period_to=f.until, entries=sum(counts.values()),
                         denied=counts["denied"], reviewed_by=reviewer[:64], reviewed_at=now,
                         note=(note or "").strip()[:1000] or None)
    session.add(review)
    session.flush()
    return review


def reviews(session: Session, tenant: str, limit: int = 20) -> list[AuditReview]:
    """The prefecture's latest reviews, newest first."""
    return list(session.scalars(select(AuditReview).where(AuditReview.tenant == tenant)
                                .order_by(AuditReview.reviewed_at.desc(), AuditReview.id.desc()).limit(limit)))
