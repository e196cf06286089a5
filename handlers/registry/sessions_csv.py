"""試験日程の一括登録: sessions (and their venues) from a CSV file, all rows or none.

The header (UTF-8, a BOM allowed; the columns in any order, each exactly once):

    code,fiscal_year,round,trade_code,trade_name,task_code,task_name,grade,written_date,practical_start,
    practical_end,announcement_date,capacity,venue_name,venue_address,rooms

One row is one session (試験日程コード `code`: a known code changes that session). Dates are YYYY-MM-DD;
`rooms` is NAME:SEATS;NAME:SEATS. A venue is named by `venue_name`: a new one needs its address and rooms
on its first row; a known one keeps its address and rooms when the row leaves them empty and takes the
row's when it gives them (a venue change: the 受検票 of its seats are reissued). Every row is checked
before anything is saved; a refusal lists every bad row by its line number.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.registry.models import ExamSession, ExamVenue
from handlers.registry.seating import rooms_of
from handlers.registry.sessions import SESSION_FIELDS, Problem, Refused, rooms_text, save_session, save_venue

VENUE_FIELDS = ("venue_name", "venue_address", "rooms")
HEADER = (*SESSION_FIELDS, *VENUE_FIELDS)
MAX_ROWS = 10_000


@dataclass(frozen=True)
class Imported:
    """What an import did."""

    sessions_added: int
    sessions_changed: int
    venues_added: int
    venues_changed: int


def _rows(raw: bytes) -> list[tuple[int, dict[str, str]]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Refused([Problem("file", "encoding", f"not UTF-8 (byte {exc.start})", 1)]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise Refused([Problem("file", "empty", "the file is empty; the first line is the header", 1)])
    names = [h.strip() for h in header]
    missing = [h for h in HEADER if h not in names]
    unknown = sorted({h for h in names if h not in HEADER} | {h for h in names if names.count(h) > 1})
    if missing or unknown:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + ([f"unknown or repeated {', '.join(unknown)}"]
                                                                           if unknown else [])
        raise Refused([Problem("header", "header", "; ".join(parts) + f" (expected {','.join(HEADER)})", 1)])
    rows = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(names):
            rows.append((line, {"__width__": str(len(cells))}))
            continue
        rows.append((line, dict(zip(names, cells))))
        if len(rows) > MAX_ROWS:
            raise Refused([Problem("file", "too_long", f"more than {MAX_ROWS} rows", line)])
    if not rows:
        raise Refused([Problem("file", "no_rows", "the file has a header and no rows", 1)])
    return rows


def import_sessions(session: Session, tenant: str, raw: bytes) -> Imported:
    """Save every row in the caller's transaction, or raise Refused and save nothing (the caller rolls back)."""
    problems: list[Problem] = []
    counts = {"sa": 0, "sc": 0, "va": 0, "vc": 0}
    seen_venues: dict[str, ExamVenue] = {}
    codes: dict[str, int] = {}
    for line, row in _rows(raw):
        if "__width__" in row:
            problems.append(Problem("row", "width", f"{row['__width__']} cells, the header has {len(HEADER)}", line))
            continue
        code = (row.get("code") or "").strip()
        if code in codes:
            problems.append(Problem("code", "repeated", f"{code!r} is on line {codes[code]} already", line))
            continue
        codes[code] = line
        try:
            # a savepoint per row: a refused row leaves nothing behind, and later rows are still checked
            with session.begin_nested():
                _row(session, tenant, row, seen_venues, counts)
        except Refused as refused:
            problems.extend(Problem(p.field, p.code, p.message, line) for p in refused.problems)
    if problems:
        raise Refused(problems)
    return Imported(counts["sa"], counts["sc"], counts["va"], counts["vc"])


def _row(session: Session, tenant: str, row: dict[str, str], seen: dict[str, ExamVenue], counts: dict[str, int]) -> None:
    name = (row.get("venue_name") or "").strip()
    if not name:
        raise Refused([Problem("venue_name", "required", "is required")])
    venue = seen.get(name) or session.scalar(select(ExamVenue).where(ExamVenue.tenant == tenant,
                                                                     ExamVenue.name == name))
    address, rooms = (row.get("venue_address") or "").strip(), (row.get("rooms") or "").strip()
    if venue is None:
        venue = save_venue(session, tenant, {"name": name, "address": address, "rooms": rooms})
        counts["va"] += 1
    elif address or rooms:
        given = {"name": name, "address": address or venue.address,
                 "rooms": rooms or rooms_text(rooms_of(session, venue.id))}
        if (given["address"], given["rooms"]) != (venue.address, rooms_text(rooms_of(session, venue.id))):
            venue = save_venue(session, tenant, given, venue)
            counts["vc"] += 1
    code = (row.get("code") or "").strip()
    existing = session.scalar(select(ExamSession).where(ExamSession.tenant == tenant, ExamSession.code == code)) \
        if code else None
    values: dict[str, Any] = {k: row.get(k, "") for k in SESSION_FIELDS}
    save_session(session, tenant, values, venue, existing)
    seen[name] = venue
    counts["sc" if existing is not None else "sa"] += 1
