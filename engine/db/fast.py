"""Prepared SQL for the hot path (every engine step), bypassing ORM and statement compilation.

The ORM serves deployment, administration and queries; a step runs a dozen small
statements, and there SQLAlchemy's per-statement machinery cost more than SQLite
itself. Statements are written once with :name parameters and adapted per dialect.
"""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection

_PARAM = re.compile(r"(?<![:\w]):(\w+)")
SQLITE_TS = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's own storage format for DateTime on SQLite


@dataclass
class InstanceRow:
    """The process_instance columns a step reads and writes."""

    id: int
    definition_id: int
    tenant: str
    business_key: str | None
    status: str
    row_version: int
    state: bytes
    waits: dict[str, Any]
    history_head: str | None


class Rows:
    """The few result methods the hot path uses, over a DB-API cursor."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def first(self) -> Any:
        return self.cursor.fetchone()

    def one(self) -> Any:
        row = self.cursor.fetchone()
        if row is None:
            raise LookupError("the statement returned no row")
        return row

    def scalar_one(self) -> Any:
        return self.one()[0]

    def all(self) -> list[Any]:
        return self.cursor.fetchall()

    def __iter__(self) -> Any:
        return iter(self.cursor.fetchall())

    @property
    def rowcount(self) -> int:
        """Rows an UPDATE or DELETE touched."""
        return int(self.cursor.rowcount)


class FastSql:
    """Dialect-adapted statements and value conversions for one database."""

    def __init__(self, dialect: str) -> None:
        self.pg = dialect == "postgresql"
        self._cache: dict[str, str] = {}

    def sql(self, text: str) -> str:
        """:name parameters → the driver's style; JSON(:x) → a JSON parameter."""
        out = self._cache.get(text)
        if out is None:
            out = re.sub(r"JSON\(:(\w+)\)", r"CAST(:\1 AS json)" if self.pg else r":\1", text)
            if self.pg:
                out = _PARAM.sub(r"%(\1)s", out)
            self._cache[text] = out
        return out

    def run(self, conn: Connection, text: str, params: dict[str, Any] | Iterable[dict[str, Any]] | None = None) -> Any:
        """Execute one statement on the driver's own cursor (a list of dicts runs it for each).

        The connection's transaction has begun (session.connection() begins it), so the
        statement joins it; SQLAlchemy's per-statement machinery is skipped.
        """
        cursor = conn.connection.driver_connection.cursor()
        if isinstance(params, list):
            if params:
                cursor.executemany(self.sql(text), params)
            return None
        cursor.execute(self.sql(text), params or {})
        return Rows(cursor)

    def ts(self, dt: datetime | None) -> Any:
        """A timestamp parameter (aware UTC in; the stored form out)."""
        if dt is None or self.pg:
            return dt
        return dt.astimezone(UTC).strftime(SQLITE_TS)

    def read_ts(self, value: Any) -> datetime | None:
        """A timestamp read back, as aware UTC."""
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    @staticmethod
    def js(value: Any) -> str:
        """A JSON parameter."""
        return orjson.dumps(value, default=str).decode()

    @staticmethod
    def read_js(value: Any) -> Any:
        """A JSON column read back (SQLite gives text, PostgreSQL parsed values)."""
        return orjson.loads(value) if isinstance(value, (str, bytes)) else value

    def lock_instance(self, conn: Connection, instance_id: int, skip_locked: bool = False) -> InstanceRow | None:
        """Read an instance row, locked for this transaction on PostgreSQL (SQLite: BEGIN IMMEDIATE did)."""
        lock = (" FOR UPDATE SKIP LOCKED" if skip_locked else " FOR UPDATE") if self.pg else ""
        row = self.run(conn, "SELECT id, definition_id, tenant, business_key, status, row_version, state, waits, "
                             "history_head FROM process_instance WHERE id = :id" + lock, {"id": instance_id}).first()
        if row is None:
            return None
        return InstanceRow(row[0], row[1], row[2], row[3], row[4], row[5] or 0, bytes(row[6] or b""),
                           self.read_js(row[7]) or {}, row[8])


def unique_violation(exc: BaseException) -> bool:
    """Whether a driver error (from FastSql.run) is a unique-constraint violation, on either database."""
    if isinstance(exc, sqlite3.IntegrityError):
        return "UNIQUE" in str(exc)
    return getattr(exc, "sqlstate", None) == "23505"  # psycopg: unique_violation
