"""Append-only, hash-chained history: each event's hash covers the one before, per instance."""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from engine.db.fast import FastSql
from engine.db.models import HistoryEvent, ProcessInstance
from engine.db.session import utc

GENESIS = "0" * 64


def event_hash(prev: str, event: dict[str, Any], detail_json: bytes | None = None) -> str:
    """sha256 over the previous hash and the event's fields in a canonical form (detail with sorted keys)."""
    at = event["at"]
    at = utc(at).isoformat() if isinstance(at, datetime) else at
    if detail_json is None:
        detail_json = orjson.dumps(event.get("detail"), option=orjson.OPT_SORT_KEYS, default=str)
    head = orjson.dumps([event["instance_id"], event["tenant"], at, event["kind"], event.get("element_id"),
                         event.get("actor")])
    return hashlib.sha256(b"|".join((prev.encode(), head, detail_json))).hexdigest()


def append(fast: FastSql, conn: Connection, head: str | None, events: list[dict[str, Any]]) -> str:
    """Chain and insert a step's events; returns the new head for the instance row."""
    prev = head or GENESIS
    rows = []
    stamps: dict[Any, tuple[str, Any]] = {}  # the events of one step share their time
    for event in events:
        at = event["at"]
        if at not in stamps:
            stamps[at] = (utc(at).isoformat(), fast.ts(at))
        iso, stored = stamps[at]
        detail_json = orjson.dumps(event.get("detail"), option=orjson.OPT_SORT_KEYS, default=str)
        h = event_hash(prev, {**event, "at": iso}, detail_json)
        rows.append({**event, "at": stored, "detail": detail_json.decode(), "prev_hash": prev, "hash": h})
        prev = h
    fast.run(conn, "INSERT INTO history_event (instance_id, tenant, at, kind, element_id, actor, detail, prev_hash, hash)"
                   " VALUES (:instance_id, :tenant, :at, :kind, :element_id, :actor, JSON(:detail), :prev_hash, :hash)",
             rows)
    return prev


def verify(session: Session, instance_id: int) -> list[str]:
    """Problems in an instance's chain (an edited, deleted or inserted event); empty when intact."""
    problems: list[str] = []
    prev = GENESIS
    rows = session.scalars(select(HistoryEvent).where(HistoryEvent.instance_id == instance_id)
                           .order_by(HistoryEvent.id)).all()
    for h in rows:
        event = {"instance_id": h.instance_id, "tenant": h.tenant, "at": h.at, "kind": h.kind,
                 "element_id": h.element_id, "actor": h.actor, "detail": h.detail}
        if h.prev_hash != prev:
            problems.append(f"event {h.id}: the event before it is missing or was changed")
        if event_hash(h.prev_hash, event) != h.hash:
            problems.append(f"event {h.id}: its content was changed after it was written")
        prev = h.hash
    head = session.scalar(select(ProcessInstance.history_head).where(ProcessInstance.id == instance_id))
    if rows and head != prev:
        problems.append("the newest events were deleted")
    return problems
