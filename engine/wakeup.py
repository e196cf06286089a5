"""Waking long polls (fetchAndLock's asyncResponseTimeout) when an outside worker's task may have appeared.

A transaction that creates an outside job, or makes one fetchable again, calls `changed()`: it marks its
connection, and on PostgreSQL sends `pg_notify('kentei_external_task', topic)`, which PostgreSQL delivers
only once the transaction commits. In this process the mark is read when the connection goes back to the
pool (after the commit or rollback), and every waiting poll wakes at once to look again. Other processes'
commits arrive through a listener thread: on PostgreSQL it LISTENs on its own connection; on SQLite, which
has no notifications, it reads `PRAGMA data_version` every second (a change means another connection
committed), so a task another process creates is seen within a second. A spurious wake costs one query.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
from typing import Any, Callable

from sqlalchemy import Connection, event

log = logging.getLogger("kentei.wakeup")
CHANNEL = "kentei_external_task"
MARK = "kentei_outside_changed"
SQLITE_RECHECK = 1.0  # seconds between PRAGMA data_version reads
CLIENT_CHECK = 1.0  # seconds between a waiting poll's looks at its client's connection (no query)
_made: dict[int, Wakeup] = {}
_made_lock = threading.Lock()


def changed(conn: Connection, pg: bool, topics: set[str] | list[str]) -> None:
    """Within a transaction: outside jobs of `topics` were created or became fetchable (wake polls on commit)."""
    conn.info[MARK] = True
    if pg:
        cursor = conn.connection.driver_connection.cursor()
        for topic in sorted(set(topics)):
            cursor.execute("SELECT pg_notify(%s, %s)", (CHANNEL, topic[:7000]))


class Wakeup:
    """A generation counter under a condition: a poll notes the generation, looks, and waits for a newer one."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._generation = 0
        self.stop = threading.Event()
        self.listener: threading.Thread | None = None

    def generation(self) -> int:
        with self._cond:
            return self._generation

    def notify(self) -> None:
        with self._cond:
            self._generation += 1
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> bool:
        """Wait up to `timeout` seconds for a generation after `seen`; True if one came."""
        with self._cond:
            return self._cond.wait_for(lambda: self._generation != seen, timeout=max(0.0, timeout))

    def wait_or_leave(self, seen: int, timeout: float, connected: Callable[[], bool] | None = None) -> bool:
        """Wait as `wait` (a newer generation or the timeout); False at once when the engine stops or, looked
        at every CLIENT_CHECK seconds, `connected()` says the client that waits has hung up."""
        until = time.monotonic() + max(0.0, timeout)
        while True:
            left = until - time.monotonic()
            woke = self.wait(seen, min(left, CLIENT_CHECK) if connected is not None else left)
            if self.stop.is_set() or (connected is not None and not connected()):
                return False
            if woke or time.monotonic() >= until:
                return True


def of(engine: Any) -> Wakeup:
    """The engine's Wakeup, made (with its pool hook and listener thread) at the first long poll."""
    db = engine.db
    with _made_lock:
        found = _made.get(id(db))
        if found is not None:
            return found
        found = _made[id(db)] = Wakeup()

    def checkin(_dbapi: Any, record: Any) -> None:
        if record is not None and record.info.pop(MARK, None):
            found.notify()

    def disposed(_db: Any) -> None:
        found.stop.set()
        with _made_lock:
            _made.pop(id(db), None)
        found.notify()

    event.listen(db, "checkin", checkin)
    event.listen(db, "engine_disposed", disposed)
    target = _listen_pg if db.dialect.name == "postgresql" else _watch_sqlite
    found.listener = threading.Thread(target=target, args=(db.url, found), name="kentei-wakeup", daemon=True)
    found.listener.start()
    return found


def _listen_pg(url: Any, wake: Wakeup) -> None:
    """LISTEN on a connection of its own; each notification wakes the polls (reconnects after a failure)."""
    import psycopg
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    while not wake.stop.is_set():
        try:
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute(f"LISTEN {CHANNEL}")
                wake.notify()  # anything committed while we were not listening
                while not wake.stop.is_set():
                    for _ in conn.notifies(timeout=0.5):
                        wake.notify()
        except Exception as exc:  # the server restarted, the network failed: listen again shortly
            if wake.stop.is_set():  # the engine was disposed meanwhile (and its server may be gone): done
                return
            log.warning("LISTEN %s failed (%s); listening again in 2 s", CHANNEL, exc)
            wake.stop.wait(2.0)


def _watch_sqlite(url: Any, wake: Wakeup) -> None:
    """Read PRAGMA data_version every SQLITE_RECHECK seconds; a change means another connection committed."""
    path = url.database
    if not path or path == ":memory:":
        return
    last = None
    conn = None
    while not wake.stop.is_set():
        try:
            if conn is None:
                conn = sqlite3.connect(path, check_same_thread=False, timeout=5)
            version = conn.execute("PRAGMA data_version").fetchone()[0]
            if last is not None and version != last:
                wake.notify()
            last = version
        except sqlite3.Error as exc:
            log.warning("PRAGMA data_version failed (%s)", exc)
            conn = None
        wake.stop.wait(SQLITE_RECHECK)
    if conn is not None:
        conn.close()
