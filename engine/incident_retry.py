"""Automatic retries of failed jobs' incidents, with exponential backoff (the scheduler runs it).

A job that failed its KENTEI_JOB_MAX_RETRIES attempts opens an incident. Outages of the
Juki-net or the national system often outlast those minutes, so the scheduler retries such
an incident after KENTEI_INCIDENT_RETRY_SECONDS, doubling, KENTEI_INCIDENT_AUTO_RETRIES times
(0: never); after that it waits for a person. Each incident row carries its
`next_auto_retry_at`, so the administrator sees when the next try is.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from engine.db.models import Incident
from engine.errors import Conflict, NotFound

if TYPE_CHECKING:
    from engine.runtime import Engine

ACTOR = "scheduler"


def plan(session: Any, engine: "Engine", job_id: int | None, kind: str, now: datetime) -> tuple[int, datetime | None]:
    """(how many automatic retries this job has had, when the next is due or None) for a new incident."""
    if job_id is None or kind != "job_failed":
        return 0, None
    done = session.scalar(select(func.count()).select_from(Incident).where(
        Incident.job_id == job_id, Incident.resolved_by == ACTOR)) or 0
    if done >= engine.settings.incident_auto_retries:
        return done, None
    return done, now + timedelta(seconds=engine.settings.incident_retry_seconds * 2 ** done)


def retry_due(engine: "Engine", limit: int = 100) -> int:
    """Retry the open incidents whose automatic retry is due; returns how many were retried."""
    with engine.reading() as session:
        due = session.scalars(select(Incident.id).where(Incident.status == "open",
                                                        Incident.next_auto_retry_at <= engine.now())
                              .order_by(Incident.next_auto_retry_at).limit(limit)).all()
    retried = 0
    for incident_id in due:
        try:
            engine.retry(incident_id, user=ACTOR)
            retried += 1
        except (Conflict, NotFound):
            continue  # a person (or another worker) got there first
    return retried
