"""Numbers issued without gaps or duplicates, per prefecture, year and kind.

A number is taken inside the caller's transaction with one UPDATE … RETURNING on a
counter row: concurrent takers queue on that row, and a transaction that rolls back
gives its number back, so the issued numbers are exactly 1, 2, 3, … with no holes.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

NUMBER_KINDS = {
    "application": "申請受付ID",
    "examinee": "受検番号",
    "practical": "実技番号",
    "ginoshi": "技能士番号",
    "certificate": "合格証書番号",
    "payment_slip": "納付書番号",
    "cert_request": "交付申請番号",
}


def allocate(session: Session, tenant: str, year: int, kind: str) -> int:
    """Take the next number of a sequence in the session's transaction (the counter row stays locked)."""
    if kind not in NUMBER_KINDS:
        raise ValueError(f"unknown number kind {kind!r}")
    params = {"tenant": tenant, "year": year, "kind": kind}
    session.execute(text("INSERT INTO number_sequence (tenant, year, kind, last_value) "
                         "VALUES (:tenant, :year, :kind, 0) ON CONFLICT DO NOTHING"), params)
    return int(session.execute(text("UPDATE number_sequence SET last_value = last_value + 1 WHERE tenant = :tenant "
                                    "AND year = :year AND kind = :kind RETURNING last_value"), params).scalar_one())


def format_number(kind: str, tenant: str, year: int, value: int) -> str:
    """The printed form of a number: prefecture and year first, so numbers of two prefectures never collide."""
    if kind == "application":
        return f"{tenant}-{year}-A{value:06d}"  # the letter: never mistaken for a 12-digit 個人番号
    if kind == "examinee":
        return f"{tenant}{year % 100:02d}{value:05d}"
    if kind == "practical":
        return f"P{tenant}{year % 100:02d}{value:05d}"
    if kind == "ginoshi":
        return f"{year % 100:02d}-{tenant}-{value:06d}"
    if kind == "payment_slip":
        return f"N{tenant}{year % 100:02d}{value:06d}"
    if kind == "certificate":
        return f"第{tenant}{year % 100:02d}{value:06d}号"
    if kind == "cert_request":
        return f"{tenant}-{year}-C{value:06d}"
    raise ValueError(f"unknown number kind {kind!r}")
