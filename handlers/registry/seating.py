"""座席の割当: a seat within a session's capacity, gap-free, deterministic and safe under concurrent payments.

A seat is taken with one conditional UPDATE on the session's row (`assigned = assigned + 1 WHERE assigned <
capacity … RETURNING assigned`): on PostgreSQL concurrent takers queue on that row lock and the one that
waited re-reads the row before it counts, on SQLite the one writer does the same; so a session never goes
over its capacity and its seats are exactly 1 … assigned. A rolled-back step gives its seat back with its
numbers. The sessions of one round, trade, task and grade are always tried in the same order (date, code,
id), so locks are taken in one order (no deadlock) and the same payments give the same seats.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from handlers.registry.models import Application, ExamRoom, ExamSession, ExamVenue

TAKE_SEAT = text("UPDATE exam_session SET assigned = assigned + 1 WHERE id = :id AND assigned < capacity "
                 "RETURNING assigned")


@dataclass(frozen=True)
class Seat:
    """Where a seat is: the session, its place in the session (1 … capacity), the venue, the room and the seat."""

    session: ExamSession
    index: int
    venue: ExamVenue
    room: str
    seat_no: str


def session_order(s: ExamSession) -> tuple[date, str, int]:
    """Earlier exams first; then by code and id, so the order never depends on the database."""
    first = min((d for d in (s.written_date, s.practical_start) if d is not None), default=date.max)
    return first, s.code, s.id


def task_matches(s: ExamSession, app: Application) -> bool:
    """A session without a task serves every task of its trade; one with a task only that task."""
    if s.task_code:
        return s.task_code == app.task_code
    if s.task_name:
        return s.task_name == app.task_name
    return True


def sessions_for(session: Session, app: Application) -> list[ExamSession]:
    """The open sessions of the application's prefecture, round, trade, task and grade, in order."""
    rows = session.scalars(select(ExamSession).where(
        ExamSession.tenant == app.tenant, ExamSession.fiscal_year == app.fiscal_year, ExamSession.round == app.round,
        ExamSession.trade_code == app.trade_code, ExamSession.grade == app.grade,
        ExamSession.closed.is_(False))).all()
    return sorted((s for s in rows if task_matches(s, app)), key=session_order)


def rooms_of(session: Session, venue_id: int) -> list[ExamRoom]:
    """A venue's rooms in seat order."""
    return list(session.scalars(select(ExamRoom).where(ExamRoom.venue_id == venue_id)
                                .order_by(ExamRoom.position, ExamRoom.id)))


def place(rooms: list[ExamRoom], index: int) -> tuple[str, str]:
    """The room and the seat of a session's seat `index`: seats are counted room by room."""
    before = 0
    for room in rooms:
        if index <= before + room.seats:
            return room.name, f"{index - before:03d}"
        before += room.seats
    raise ValueError(f"seat {index} is beyond the venue's {before} seats")


def take(session: Session, candidate: ExamSession) -> Seat | None:
    """Take the next seat of one session, or None when it is full (the row stays locked until commit)."""
    index = session.execute(TAKE_SEAT, {"id": candidate.id}).scalar()
    if index is None:
        return None
    venue = session.get(ExamVenue, candidate.venue_id)
    room, seat_no = place(rooms_of(session, candidate.venue_id), int(index))
    return Seat(candidate, int(index), venue, room, seat_no)


def assign(session: Session, app: Application, chosen: ExamSession | None = None) -> tuple[Seat | None, ExamSession | None]:
    """A seat in `chosen` only, or else in the first session with room from the first one on.

    Returns the seat (None: all full, to the wait list) and the first choice (the session the applicant
    goes to when it has room; None when the round has no session for them at all).
    """
    if chosen is not None:
        return take(session, chosen), chosen
    candidates = sessions_for(session, app)
    for candidate in candidates:
        seat = take(session, candidate)
        if seat is not None:
            return seat, candidates[0]
    return None, candidates[0] if candidates else None
