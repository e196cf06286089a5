"""試験日程・試験場の管理: sessions and venues, checked, saved in the caller's transaction, and the 受検票 they change.

Every refusal is a Problem with a field, a code (the page shows its own text for it) and an English sentence
(the command line prints it). A change to what an issued 受検票 shows (venue, address, room, seat, dates)
raises that ticket's version; `stale_tickets` lists the tickets to reissue, and the caller sends each
application the message `exam_ticket_changed` (message id: application and version, so sending twice is
harmless).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers.registry.models import Application, ExamRecord, ExamRoom, ExamSession, ExamVenue
from handlers.registry.seating import place, rooms_of, session_order

GRADES = ("基礎級", "3級", "2級", "1級", "単一等級", "特級")
ROUNDS = ("前期", "後期")
CODE = re.compile(r"[0-9A-Za-z_-]{1,32}")
TRADE_CODE = re.compile(r"[0-9A-Za-z]{1,16}")
TICKET_MESSAGE = "exam_ticket_changed"
# what a session's page form and a CSV row carry (the CSV header, in this order)
SESSION_FIELDS = ("code", "fiscal_year", "round", "trade_code", "trade_name", "task_code", "task_name", "grade",
                  "written_date", "practical_start", "practical_end", "announcement_date", "capacity")
IDENTITY = ("fiscal_year", "round", "trade_code", "task_code", "task_name", "grade")  # fixed once seats are taken


@dataclass(frozen=True)
class Problem:
    """One refusal: which field, a code for the page's text, and an English sentence."""

    field: str
    code: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}" if self.line else f"{self.field}: {self.message}"


@dataclass
class Refused(ValueError):
    """Nothing was saved: every problem found."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(map(str, self.problems))


def _day(values: Mapping[str, Any], name: str, problems: list[Problem]) -> date | None:
    raw = str(values.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(Problem(name, "date", f"{raw!r} is not a date (YYYY-MM-DD)"))
        return None


def _int(values: Mapping[str, Any], name: str, low: int, high: int, problems: list[Problem]) -> int | None:
    raw = str(values.get(name) or "").strip()
    if not raw.isdigit() or not low <= int(raw) <= high:
        problems.append(Problem(name, "number", f"{raw!r} is not a whole number from {low} to {high}"))
        return None
    return int(raw)


def _text(values: Mapping[str, Any], name: str, limit: int, problems: list[Problem], required: bool = True) -> str | None:
    raw = str(values.get(name) or "").strip()
    if not raw:
        if required:
            problems.append(Problem(name, "required", "is required"))
        return None
    if len(raw) > limit or any(ord(c) < 32 for c in raw):
        problems.append(Problem(name, "text", f"must be one line of at most {limit} characters"))
        return None
    return raw


def parse_rooms(raw: str) -> list[tuple[str, int]]:
    """`第1教室:30;第2教室:24` → [(name, seats)]; ValueError says what is wrong."""
    rooms: list[tuple[str, int]] = []
    for part in (p.strip() for p in raw.split(";") if p.strip()):
        name, _, seats = part.rpartition(":")
        if not name.strip() or not seats.strip().isdigit() or not 1 <= int(seats) <= 10_000 or len(name) > 64:
            raise ValueError(f"room {part!r} must be NAME:SEATS (1 to 10000 seats)")
        if name.strip() in {r[0] for r in rooms}:
            raise ValueError(f"room {name.strip()!r} is listed twice")
        rooms.append((name.strip(), int(seats)))
    if not rooms:
        raise ValueError("a venue needs at least one room (NAME:SEATS;NAME:SEATS)")
    return rooms


def rooms_text(rooms: list[ExamRoom]) -> str:
    """The rooms as the form and the CSV write them."""
    return ";".join(f"{r.name}:{r.seats}" for r in rooms)


def seats_of(session: Session, venue_id: int) -> int:
    """A venue's seats, all rooms together."""
    return int(session.scalar(select(func.coalesce(func.sum(ExamRoom.seats), 0))
                              .where(ExamRoom.venue_id == venue_id)))


def save_venue(session: Session, tenant: str, values: Mapping[str, Any], venue: ExamVenue | None = None) -> ExamVenue:
    """Add or change a venue (name, address, rooms as NAME:SEATS;…); Refused if anything is wrong."""
    problems: list[Problem] = []
    name = _text(values, "name", 128, problems)
    address = _text(values, "address", 300, problems)
    try:
        rooms = parse_rooms(str(values.get("rooms") or ""))
    except ValueError as exc:
        rooms = []
        problems.append(Problem("rooms", "rooms", str(exc)))
    if name and session.scalar(select(ExamVenue.id).where(ExamVenue.tenant == tenant, ExamVenue.name == name,
                                                          ExamVenue.id != (venue.id if venue else -1))):
        problems.append(Problem("name", "duplicate", f"a venue named {name!r} exists already"))
    if venue is not None and rooms:
        total = sum(r[1] for r in rooms)
        biggest = session.scalar(select(func.max(ExamSession.capacity)).where(ExamSession.venue_id == venue.id)) or 0
        if total < biggest:
            problems.append(Problem("rooms", "too_small", f"{total} seats are fewer than the capacity {biggest} "
                                                          "of a session at this venue"))
    if problems:
        raise Refused(problems)
    if venue is None:
        venue = ExamVenue(tenant=tenant, name=name, address=address)
        session.add(venue)
        session.flush()
    venue.name, venue.address = name, address  # type: ignore[assignment]
    old = rooms_of(session, venue.id)
    if [(r.name, r.seats) for r in old] != rooms:
        for r in old:
            session.delete(r)
        session.flush()
        session.add_all(ExamRoom(venue_id=venue.id, position=i, name=n, seats=s) for i, (n, s) in enumerate(rooms, 1))
    session.flush()
    refresh_tickets(session, [s.id for s in session.scalars(select(ExamSession).where(ExamSession.venue_id == venue.id))])
    return venue


def check_session(session: Session, tenant: str, values: Mapping[str, Any], venue: ExamVenue | None,
                  existing: ExamSession | None = None) -> dict[str, Any]:
    """The session's values, checked against the venue's seats and the seats already taken; Refused if not."""
    problems: list[Problem] = []
    out: dict[str, Any] = {"code": _text(values, "code", 32, problems)}
    if out["code"] and not CODE.fullmatch(out["code"]):
        problems.append(Problem("code", "code", "letters, digits, - and _ only (at most 32)"))
    elif out["code"] and session.scalar(select(ExamSession.id).where(
            ExamSession.tenant == tenant, ExamSession.code == out["code"],
            ExamSession.id != (existing.id if existing else -1))):
        problems.append(Problem("code", "duplicate", f"a session {out['code']!r} exists already"))
    out["fiscal_year"] = _int(values, "fiscal_year", 2000, 2100, problems)
    out["round"] = str(values.get("round") or "").strip()
    if out["round"] not in ROUNDS:
        problems.append(Problem("round", "choice", "must be 前期 or 後期"))
    out["trade_code"] = _text(values, "trade_code", 16, problems)
    if out["trade_code"] and not TRADE_CODE.fullmatch(out["trade_code"]):
        problems.append(Problem("trade_code", "code", "letters and digits only (at most 16)"))
    out["trade_name"] = _text(values, "trade_name", 64, problems)
    out["task_code"] = _text(values, "task_code", 16, problems, required=False)
    out["task_name"] = _text(values, "task_name", 64, problems, required=False)
    out["grade"] = str(values.get("grade") or "").strip()
    if out["grade"] not in GRADES:
        problems.append(Problem("grade", "choice", f"must be one of {', '.join(GRADES)}"))
    for name in ("written_date", "practical_start", "practical_end", "announcement_date"):
        out[name] = _day(values, name, problems)
    if out["practical_start"] and not out["practical_end"]:
        out["practical_end"] = out["practical_start"]
    if not (out["written_date"] or out["practical_start"]) and not any(p.code == "date" for p in problems):
        problems.append(Problem("written_date", "no_exam", "a session needs a 学科 date or a 実技 period"))
    if out["practical_end"] and (not out["practical_start"] or out["practical_end"] < out["practical_start"]):
        problems.append(Problem("practical_end", "period", "the 実技 period ends before it starts"))
    last = max((d for d in (out["written_date"], out["practical_end"]) if d), default=None)
    if out["announcement_date"] and last and out["announcement_date"] <= last:
        problems.append(Problem("announcement_date", "announcement", "the results are announced after the exam"))
    out["capacity"] = _int(values, "capacity", 1, 100_000, problems)
    if venue is None:
        problems.append(Problem("venue", "venue", "no such venue in this prefecture"))
    elif out["capacity"] and out["capacity"] > seats_of(session, venue.id):
        problems.append(Problem("capacity", "over_seats", f"the venue has only {seats_of(session, venue.id)} seats"))
    if existing is not None and existing.assigned:
        if out["capacity"] and out["capacity"] < existing.assigned:
            problems.append(Problem("capacity", "below_assigned", f"{existing.assigned} seats are taken already"))
        changed = [n for n in IDENTITY if out.get(n) != getattr(existing, n)]
        if changed:
            problems.append(Problem(changed[0], "seated", "seats are taken: the round, trade, task and grade stay"))
    if problems:
        raise Refused(problems)
    return out


def save_session(session: Session, tenant: str, values: Mapping[str, Any], venue: ExamVenue | None,
                 existing: ExamSession | None = None) -> ExamSession:
    """Add or change a session at a venue; a change reaches the tickets already issued (refresh_tickets)."""
    checked = check_session(session, tenant, values, venue, existing)
    target = existing or ExamSession(tenant=tenant, assigned=0, closed=False)
    for name, value in checked.items():
        setattr(target, name, value)
    target.venue_id = venue.id  # type: ignore[union-attr]
    if existing is None:
        session.add(target)
    session.flush()
    refresh_tickets(session, [target.id])
    return target


def ticket_fields(session: Session, record: ExamRecord, exam: ExamSession) -> dict[str, Any]:
    """What the 受検票 shows of a seat, from the session and its venue as they are now."""
    venue = session.get(ExamVenue, exam.venue_id)
    room, seat_no = place(rooms_of(session, exam.venue_id), record.seat_index or 1)
    return {"venue": venue.name, "venue_address": venue.address, "room": room, "seat_no": seat_no,
            "exam_date": exam.written_date or exam.practical_start, "practical_start": exam.practical_start,
            "practical_end": exam.practical_end, "announcement_date": exam.announcement_date or record.announcement_date}


def refresh_tickets(session: Session, session_ids: list[int]) -> int:
    """Bring the seats of these sessions in line with them; each changed ticket gets a new version."""
    changed = 0
    for record in session.scalars(select(ExamRecord).where(ExamRecord.session_id.in_(session_ids))):
        new = ticket_fields(session, record, session.get(ExamSession, record.session_id))
        if any(getattr(record, k) != v for k, v in new.items()):
            for k, v in new.items():
                setattr(record, k, v)
            record.ticket_version += 1
            changed += 1
    session.flush()
    return changed


def stale_tickets(session: Session, tenant: str) -> list[tuple[str, int]]:
    """(申請受付ID, version) of every 受検票 whose seat changed after the version last issued."""
    return list(session.execute(
        select(Application.application_no, ExamRecord.ticket_version)
        .join(Application, Application.id == ExamRecord.application_id)
        .where(ExamRecord.tenant == tenant, ExamRecord.ticket_version > ExamRecord.ticket_issued_version)
        .order_by(Application.application_no)).tuples())


def announce(correlate: Callable[..., Any], tenant: str, stale: list[tuple[str, int]]) -> int:
    """Send `exam_ticket_changed` to each application of `stale` (engine.correlate); how many were new."""
    sent = 0
    for app_no, version in stale:
        answer = correlate(TICKET_MESSAGE, app_no, {}, message_id=f"ticket-{app_no}-v{version}", tenant=tenant)
        sent += answer.get("status") != "duplicate"
    return sent


def fill(session: Session, tenant: str) -> list[dict[str, Any]]:
    """Each session of the prefecture with its venue and fill: assigned / capacity / wait list."""
    waiting = dict(session.execute(select(Application.waitlist_session_id, func.count())
                                   .where(Application.tenant == tenant, Application.status == "waitlisted")
                                   .group_by(Application.waitlist_session_id)).tuples().all())
    venues = {v.id: v for v in session.scalars(select(ExamVenue).where(ExamVenue.tenant == tenant))}
    rows = sorted(session.scalars(select(ExamSession).where(ExamSession.tenant == tenant)),
                  key=lambda s: (s.fiscal_year, s.round, s.trade_code, s.grade, *session_order(s)))
    return [{"session": s, "venue": venues.get(s.venue_id), "assigned": s.assigned, "capacity": s.capacity,
             "waitlisted": waiting.get(s.id, 0), "full": s.assigned >= s.capacity} for s in rows]


def unplaced(session: Session, tenant: str) -> int:
    """Applications waiting with no session at all for their trade and grade (a session needs adding)."""
    return int(session.scalar(select(func.count()).select_from(Application).where(
        Application.tenant == tenant, Application.status == "waitlisted", Application.waitlist_session_id.is_(None))))
