"""Engine (SQLAlchemy) creation with the pragmas and locking each database needs."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from engine.errors import ConfigError


def _driver_errors() -> tuple[type[Exception], ...]:
    """The database drivers' own operational errors (the hot path calls the driver directly)."""
    import sqlite3
    errors: list[type[Exception]] = [sqlite3.OperationalError, sqlite3.ProgrammingError]
    try:
        import psycopg
        errors += [psycopg.OperationalError, psycopg.ProgrammingError]
    except ImportError:
        pass
    return tuple(errors)


DRIVER_ERRORS = _driver_errors()


def make_db(url: str, sqlite_synchronous: str = "NORMAL") -> Engine:
    """Create the SQLAlchemy engine; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # pool_reset_on_return=None: every SQLite transaction ends in an explicit commit or rollback,
        # and reads outside one run in autocommit, so there is nothing to reset when a connection returns.
        db = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, pool_reset_on_return=None)
        _configure_sqlite(db, sqlite_synchronous)
        return db
    db = create_engine(url)
    _ping_when_idle(db)
    return db


IDLE_PING_SECONDS = 10.0
pings = 0  # checkouts that pinged their connection (how often the pool found a connection idle long)


def _ping_when_idle(db: Engine) -> None:
    """A connection idle in the pool for a while is pinged before use (a server restart or a proxy's timeout has
    closed it); one just returned is not: a ping on every checkout was a round trip on every operation.

    A dead connection found here is replaced before the operation starts (SQLAlchemy's DisconnectionError)."""
    import time

    from sqlalchemy import exc

    @event.listens_for(db, "checkin")
    def _checkin(dbapi_conn, record) -> None:  # type: ignore[no-untyped-def]
        record.info["kentei_idle_since"] = time.monotonic()

    @event.listens_for(db, "checkout")
    def _checkout(dbapi_conn, record, proxy) -> None:  # type: ignore[no-untyped-def]
        since = record.info.pop("kentei_idle_since", None)
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        global pings
        pings += 1
        try:
            with dbapi_conn.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_conn.rollback()
        except Exception as err:  # the driver's error for a closed connection
            raise exc.DisconnectionError(f"connection idle for {time.monotonic() - since:.0f} s was closed") from err


def _configure_sqlite(db: Engine, synchronous: str) -> None:
    if synchronous not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
        raise ConfigError(f"KENTEI_SQLITE_SYNCHRONOUS must be OFF, NORMAL, FULL or EXTRA, not {synchronous!r}")

    @event.listens_for(db, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        # deleted and overwritten rows are zeroed in the file, so a 削除 leaves nothing to undelete
        cur.execute("PRAGMA secure_delete=ON")
        cur.close()

    @event.listens_for(db, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        # One writer at a time: take the write lock at the start, so that a
        # read-then-write transaction never fails half way with SQLITE_BUSY.
        # Read-only sessions (engine.reading()) take no lock: WAL lets them run beside a writer.
        read = conn.get_execution_options().get("kentei_read")
        conn.connection.driver_connection.execute("BEGIN" if read else "BEGIN IMMEDIATE")


def session_factory(db: Engine, read_only: bool = False) -> sessionmaker[Session]:
    """A sessionmaker whose objects stay readable after commit (read-only: no write lock on SQLite)."""
    bind = db.execution_options(kentei_read=True) if read_only else db
    return sessionmaker(bind, expire_on_commit=False, autoflush=False)


def utc(dt: datetime | None) -> datetime | None:
    """Read a stored timestamp as aware UTC (SQLite returns naive values)."""
    if dt is None:
        return None
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)
