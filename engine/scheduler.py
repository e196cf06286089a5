"""The scheduler: APScheduler wakes this process; the database says what is due.

Every `poll_seconds` a worker fires the due timers (start timers too) and runs the due
external jobs, each in its own transaction with the row claimed first, so any number of
workers on one database do each piece of work once. Periodic jobs run beside it: expiry of
buffered messages, automatic incident retries, overdue-task reminders, thrown signals left undelivered, and whatever else
registers (retention, audit reviews) through `Scheduler.every`.

`kentei worker` runs one in the foreground; any number may run. `kentei serve` embeds one
in the web process only when `embedded_lock` says this process is the one (see there).
"""
from __future__ import annotations

import fcntl
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import text

from engine import incident_retry, reminders
from engine.ops_messages import expire_buffered
from engine.ops_signals import deliver_thrown

if TYPE_CHECKING:
    from engine.runtime import Engine

log = logging.getLogger("kentei.scheduler")
BATCH = 200  # timers or jobs per transaction round before the pass looks again
PASS_SECONDS = 5.0  # a busy pass yields after this long, so periodic jobs get their turn


@dataclass
class PassCounts:
    """What one wake-up did."""

    timers: int = 0
    jobs: int = 0


class Scheduler:
    """One process's scheduler: the due-work pass and the periodic jobs."""

    def __init__(self, engine: "Engine", name: str | None = None, blocking: bool = True) -> None:
        self.engine = engine
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        cls = BlockingScheduler if blocking else BackgroundScheduler
        self.aps: BaseScheduler = cls(timezone=timezone.utc, job_defaults={"coalesce": True, "max_instances": 1,
                                                                            "misfire_grace_time": None})
        self.totals = PassCounts()
        self.aps.add_job(self.due_work, "interval", seconds=engine.settings.poll_seconds, id="due_work",
                         next_run_time=_now())
        self.every("expire_messages", 60, lambda: expire_buffered(engine))
        self.every("incident_retries", 60, lambda: incident_retry.retry_due(engine))
        self.every("task_reminders", 60, lambda: reminders.remind_overdue(engine))
        # thrown signals go out right after their commit; this picks up any a crash (or a nested start) left
        self.every("thrown_signals", engine.settings.poll_seconds, lambda: deliver_thrown(engine))

    def every(self, name: str, seconds: float, job: Callable[[], Any]) -> None:
        """Register a periodic job (retention purge, access-log review…); its failures are logged, not fatal."""
        def run() -> None:
            try:
                job()
            except Exception:  # a periodic job's failure must not stop the scheduler
                log.exception("periodic job %s failed", name)
        self.aps.add_job(run, "interval", seconds=seconds, id=name, next_run_time=_now())

    def due_work(self) -> PassCounts:
        """Fire due timers and run due jobs until none is left or the pass has run PASS_SECONDS."""
        counts = PassCounts()
        started = time.monotonic()
        while True:
            try:
                timers = self.engine.fire_due_timers(limit=BATCH)
                jobs = sum(self.engine.run_jobs(self.name, limit=BATCH // 10).values())
            except Exception:  # e.g. the database restarting: log it, the next wake-up tries again
                log.exception("due-work pass failed")
                break
            counts.timers += timers
            counts.jobs += jobs
            if not (timers or jobs) or time.monotonic() - started > PASS_SECONDS:
                break
        self.totals.timers += counts.timers
        self.totals.jobs += counts.jobs
        return counts

    def start(self) -> None:
        """Run (blocking for a worker, in a thread for an embedded scheduler)."""
        log.info("scheduler %s starting", self.name)
        self.aps.start()

    def run_once(self) -> PassCounts:
        """One due-work pass and one round of every periodic job, without APScheduler (`kentei worker --once`)."""
        counts = self.due_work()
        for job in self.aps.get_jobs():
            if job.id != "due_work":
                job.func()
        return counts

    def shutdown(self, wait: bool = True) -> None:
        """Stop after the running jobs finish."""
        if self.aps.running:
            self.aps.shutdown(wait=wait)


def _now() -> datetime:
    return datetime.now(timezone.utc)


class EmbeddedLock:
    """Held by the one process of an installation that runs the embedded scheduler.

    The web app may run in several gunicorn workers or under Flask's reloader; each would
    otherwise start its own scheduler. That would still be correct (claims are
    transactional) but wasteful and surprising, so by default (KENTEI_SCHEDULER=auto) only
    the process that takes this lock runs one: a PostgreSQL advisory lock held on its own
    connection, or an exclusive lock on a file beside the SQLite database. `always` skips
    the lock (you asked for several); `off` never embeds one (run `kentei worker` instead).
    """

    KEY = 0x6B656E7465  # "kente"

    def __init__(self, engine: "Engine") -> None:
        self.engine = engine
        self._conn: Any = None
        self._file: Any = None

    def acquire(self) -> bool:
        """Take the lock without waiting; False when another process holds it."""
        if self.engine.fast.pg:
            conn = self.engine.db.connect()
            if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.KEY}).scalar():
                conn.commit()
                self._conn = conn
                return True
            conn.close()
            return False
        path = Path(self.engine.db.url.database or "kentei").with_suffix(".scheduler.lock")
        handle = open(path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        """Give the lock up (process exit does too)."""
        if self._conn is not None:
            # a session lock outlives the pool's reset: unlock it, then drop the connection itself
            self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.KEY})
            self._conn.invalidate()
            self._conn.close()
            self._conn = None
        if self._file is not None:
            self._file.close()
            self._file = None


def start_embedded(engine: "Engine") -> tuple[Scheduler, EmbeddedLock | None] | None:
    """The web process's scheduler, if this process should run it (KENTEI_SCHEDULER); else None."""
    mode = engine.settings.scheduler
    if mode == "off":
        return None
    lock = None
    if mode == "auto":
        lock = EmbeddedLock(engine)
        if not lock.acquire():
            log.info("another process runs the embedded scheduler")
            return None
    scheduler = Scheduler(engine, blocking=False)
    scheduler.start()
    return scheduler, lock
