"""Timers under real `kentei worker` processes: each fires once, never early, and after a crash promptly.

The workers are subprocesses on the wall clock, against the same SQLite file or PostgreSQL database
as the test. Instances are started by an in-test engine whose clock stands two days behind the wall
clock, so every timer was set while still ahead of it (a timer already past when its event is reached
simply runs through, with no firing to count); by the wall clock the "overdue" ones have since come due
while no worker ran. Nothing sleeps to make time pass: the tests poll, with a deadline, for the work
to be done. Cancelled timers, the embedded-scheduler lock and `kentei timers` complete the set.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from engine.bootstrap import bootstrap
from engine.config import Settings
from engine.runtime import Engine
from engine.scheduler import EmbeddedLock
from handlers.base import HandlerRegistry
from tests import conftest

SCRIPT = Path(sys.executable).with_name("kentei")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "kentei.cli"]
POLL_SECONDS = "0.2"
DEADLINE = 90.0  # seconds for the workers to finish what is due
STOP_TIMEOUT = 10.0  # a worker asked to stop exits well within this


# -- helpers --------------------------------------------------------------------------------------
def _env(db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENTEI_")}
    env["KENTEI_DATABASE_URL"] = db_url
    env["KENTEI_POLL_SECONDS"] = POLL_SECONDS
    return env


class Worker:
    """One `kentei worker` subprocess, its output in a log file."""

    def __init__(self, db_url: str, cwd: Path, name: str) -> None:
        self.name = name
        self.log_path = cwd / f"{name}.log"
        with open(self.log_path, "w", encoding="utf-8") as log:  # the child keeps its own copy of the handle
            self.proc = subprocess.Popen([*COMMAND, "worker", "--name", name], cwd=cwd, env=_env(db_url),
                                         stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, float]:
        """Signal the worker and wait for it; returns its exit code and how long it took to exit."""
        started = time.monotonic()
        self.proc.send_signal(sig)
        code = self.proc.wait(STOP_TIMEOUT)
        return code, time.monotonic() - started

    def close(self) -> None:
        """Whatever happened: no process left running (and none left unwaited)."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(STOP_TIMEOUT)


def _run_cli(db_url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([*COMMAND, *args], cwd=cwd, env=_env(db_url), capture_output=True, text=True,
                            timeout=120, check=False)
    assert "Traceback" not in result.stderr, f"kentei {' '.join(args)} printed a traceback:\n{result.stderr}"
    assert result.returncode == 0, f"kentei {' '.join(args)} exited {result.returncode}\n{result.stderr}"
    return result


def _statuses(engine: Engine) -> dict[int, str]:
    """Every instance's status, read without taking a write lock (workers write meanwhile)."""
    with engine.read() as conn:
        return {int(i): str(s) for i, s in conn.execute(text("SELECT id, status FROM process_instance"))}


def _completed(engine: Engine, ids: list[int]) -> int:
    statuses = _statuses(engine)
    return sum(statuses.get(i) == "completed" for i in ids)


def _wait_for(condition: Callable[[], bool], what: str, workers: list[Worker], every: float = 0.2) -> None:
    """Poll until `condition` holds; fail at the deadline or when a worker dies."""
    deadline = time.monotonic() + DEADLINE
    while not condition():
        for w in workers:
            if w.proc.poll() is not None:
                pytest.fail(f"worker {w.name} exited {w.proc.returncode} before {what}:\n{w.log}")
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {w.name}\n{w.log}" for w in workers)
            pytest.fail(f"not {what} within {DEADLINE:g} s\n{logs}")
        time.sleep(every)


def _timer_events(engine: Engine, iid: int) -> list[dict[str, Any]]:
    return [h for h in engine.history(iid) if h["kind"] == "timer"]


def _wall() -> datetime:
    return datetime.now(timezone.utc)


@pytest.fixture
def behind(settings: Settings, handlers: HandlerRegistry) -> Iterator[Engine]:
    """An engine whose clock stands two days behind the wall clock, with timer_wait.bpmn deployed."""
    eng = bootstrap(settings, handlers, conftest.TestClock(_wall() - timedelta(days=2)))
    conftest.deploy_fixture(eng, "timer_wait.bpmn")
    yield eng
    eng.db.dispose()


def _start_waiting(engine: Engine, due: datetime) -> int:
    iid = engine.start("timer_wait", "13", {"due": due.isoformat()})
    [timer] = engine.instance(iid)["timers"]  # waiting, not run through: it was ahead when it was set
    assert timer["status"] == "waiting" and timer["element_id"] == "wait_due"
    return iid


# -- 1. two workers, each timer fires once, none early --------------------------------------------
def test_two_worker_processes_fire_each_due_timer_once_and_no_future_one(behind, db_url, tmp_path):  # type: ignore[no-untyped-def]
    now = _wall()
    overdue = {_start_waiting(behind, now - timedelta(hours=1, seconds=7 * i)): now - timedelta(hours=1, seconds=7 * i)
               for i in range(60)}
    future = {_start_waiting(behind, now + timedelta(days=1, seconds=i)): now + timedelta(days=1, seconds=i)
              for i in range(10)}
    # a few come due while the workers run: fired then, not a moment before
    soon_at = _wall() + timedelta(seconds=3)
    soon = {_start_waiting(behind, soon_at + timedelta(milliseconds=150 * i)): soon_at + timedelta(milliseconds=150 * i)
            for i in range(5)}
    fire = {**overdue, **soon}
    workers: list[Worker] = []
    try:
        workers = [Worker(db_url, tmp_path, f"w{n}") for n in (1, 2)]
        _wait_for(lambda: _completed(behind, list(fire)) == len(fire), "all due instances completed", workers)
        for w in workers:
            code, took = w.stop()
            assert code in (0, -signal.SIGTERM), f"worker {w.name} exited {code}:\n{w.log}"
            assert took < STOP_TIMEOUT
            assert "Traceback" not in w.log, w.log
    finally:
        for w in workers:
            w.close()

    for iid, due in fire.items():
        info = behind.instance(iid)
        assert info["status"] == "completed" and info["timers"] == []
        fired = _timer_events(behind, iid)
        assert len(fired) == 1, f"instance {iid} fired {len(fired)} times"
        assert fired[0]["element_id"] == "wait_due"
        assert datetime.fromisoformat(fired[0]["at"]) >= due, f"instance {iid} fired before it was due"
        assert behind.verify_history(iid) == []
    for iid, due in future.items():
        info = behind.instance(iid)
        assert info["status"] == "running"
        assert [(t["element_id"], t["status"], datetime.fromisoformat(t["due_at"])) for t in info["timers"]] == [
            ("wait_due", "waiting", due)]
        assert _timer_events(behind, iid) == []  # never early
    assert sorted(t["instance_id"] for t in behind.timers()) == sorted(future)


# -- 2. a worker killed mid-run: the next pass fires the rest, once each ---------------------------
def test_after_a_killed_worker_one_pass_fires_every_overdue_timer_once(behind, db_url, tmp_path):  # type: ignore[no-untyped-def]
    now = _wall()
    ids = [_start_waiting(behind, now - timedelta(minutes=30, seconds=i)) for i in range(300)]
    worker = Worker(db_url, tmp_path, "doomed")
    try:
        deadline = time.monotonic() + DEADLINE
        while _completed(behind, ids) == 0:  # kill it as soon as it has fired something
            assert worker.proc.poll() is None, worker.log
            assert time.monotonic() < deadline, f"the worker fired nothing within {DEADLINE:g} s:\n{worker.log}"
            time.sleep(0.01)
        code, _ = worker.stop(signal.SIGKILL)
        assert code == -signal.SIGKILL
    finally:
        worker.close()
    done_before = _completed(behind, ids)
    assert 0 < done_before < len(ids), f"the kill did not interrupt the run ({done_before} of {len(ids)} done)"

    result = _run_cli(db_url, tmp_path, "worker", "--once", "--name", "restarted")
    fired = re.search(r"worker restarted: (\d+) timers", result.stderr)
    assert fired is not None, result.stderr
    assert int(fired.group(1)) == len(ids) - done_before  # the rest, and nothing fired a second time

    assert _completed(behind, ids) == len(ids)
    for iid in ids:
        assert len(_timer_events(behind, iid)) == 1, f"instance {iid}"
        assert behind.verify_history(iid) == []
    assert behind.timers() == []


# -- 3. timers on a path that was left are cancelled, not fired ----------------------------------
INTERRUPTING = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://kentei.test">
  <bpmn:process id="deadline_flow" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="review" name="審査" camunda:candidateGroups="reviewer"/>
    <bpmn:boundaryEvent id="deadline" attachedToRef="review" cancelActivity="true">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="done"/>
    <bpmn:endEvent id="lapsed"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="done"/>
    <bpmn:sequenceFlow id="f3" sourceRef="deadline" targetRef="lapsed"/>
  </bpmn:process>
</bpmn:definitions>""".encode()

REMINDERS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://kentei.test">
  <bpmn:process id="hourly_reminders" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="score" name="採点" camunda:candidateGroups="scorer"/>
    <bpmn:boundaryEvent id="remind" attachedToRef="score" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeCycle>R/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:serviceTask id="send_reminder" camunda:type="external" camunda:topic="test.remind"/>
    <bpmn:endEvent id="reminded"/>
    <bpmn:endEvent id="done"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="score"/>
    <bpmn:sequenceFlow id="f2" sourceRef="score" targetRef="done"/>
    <bpmn:sequenceFlow id="f3" sourceRef="remind" targetRef="send_reminder"/>
    <bpmn:sequenceFlow id="f4" sourceRef="send_reminder" targetRef="reminded"/>
  </bpmn:process>
</bpmn:definitions>""".encode()


def test_an_interrupting_boundary_timer_is_cancelled_when_its_task_completes(engine, clock):  # type: ignore[no-untyped-def]
    engine.deploy([("deadline.bpmn", INTERRUPTING)])
    iid = engine.start("deadline_flow", "13")
    [timer] = engine.timers()
    assert (timer["instance_id"], timer["element_id"]) == (iid, "deadline")
    assert datetime.fromisoformat(timer["due_at"]) == clock.now + timedelta(hours=1)
    clock.advance(minutes=59)
    assert engine.fire_due_timers() == 0
    [task] = engine.tasks(instance_id=iid)
    engine.complete_task(task["id"], "reviewer1", {})
    assert engine.timers() == []
    assert engine.instance(iid)["status"] == "completed"
    clock.advance(hours=2)
    assert engine.fire_due_timers() == 0
    history = engine.history(iid)
    assert "timer" not in [h["kind"] for h in history]
    assert "lapsed" not in [h["element_id"] for h in history]


def test_a_reminder_cycle_fires_hourly_until_its_task_is_done_then_never(engine, handlers, clock):  # type: ignore[no-untyped-def]
    sent: list[int] = []
    handlers.register("test.remind", lambda ctx, data: sent.append(ctx.instance_id), "local")
    engine.deploy([("reminders.bpmn", REMINDERS)])
    iid = engine.start("hourly_reminders", "13")
    started = clock.now
    [timer] = engine.timers()
    assert (timer["element_id"], datetime.fromisoformat(timer["due_at"])) == ("remind", started + timedelta(hours=1))

    clock.advance(hours=1)
    assert engine.fire_due_timers() == 1
    assert len(_timer_events(engine, iid)) == 1 and sent == [iid]  # the reminder path ran
    assert [datetime.fromisoformat(t["due_at"]) for t in engine.timers()] == [started + timedelta(hours=2)]
    assert engine.fire_due_timers() == 0  # once per period

    clock.advance(hours=1)
    assert engine.fire_due_timers() == 1
    assert len(_timer_events(engine, iid)) == 2 and sent == [iid, iid]
    [task] = engine.tasks(instance_id=iid)  # the task itself is still open: the timer does not interrupt
    assert task["element_id"] == "score"

    clock.advance(minutes=30)
    engine.complete_task(task["id"], "scorer1", {})
    assert engine.timers() == []  # the cycle's row is gone with its task
    assert engine.instance(iid)["status"] == "completed"
    clock.advance(hours=5)
    assert engine.fire_due_timers() == 0
    assert len(_timer_events(engine, iid)) == 2 and sent == [iid, iid]


# -- 4. the embedded scheduler's lock: one holder per database -----------------------------------
def test_the_embedded_scheduler_lock_has_one_holder_per_database(engine, settings, handlers, clock, db_url, tmp_path):  # type: ignore[no-untyped-def]
    other = bootstrap(settings, handlers, clock)
    first, second = EmbeddedLock(engine), EmbeddedLock(other)
    try:
        assert first.acquire() is True
        if db_url.startswith("sqlite"):
            assert (tmp_path / "kentei.scheduler.lock").exists()  # a file beside the database
        assert second.acquire() is False
        first.release()
        assert second.acquire() is True
        assert first.acquire() is False  # and now the first one waits its turn
        second.release()
        assert first.acquire() is True
    finally:
        first.release()
        second.release()
        other.db.dispose()


# -- 5. kentei timers --json ----------------------------------------------------------------------
def test_the_timers_command_lists_due_and_upcoming_timers_soonest_first(behind, db_url, tmp_path):  # type: ignore[no-untyped-def]
    now = _wall()
    later = _start_waiting(behind, now + timedelta(days=1))  # started first, listed last
    overdue = _start_waiting(behind, now - timedelta(hours=1))
    rows = json.loads(_run_cli(db_url, tmp_path, "timers", "--json").stdout)
    assert [(r["kind"], r["instance_id"], r["element_id"], r["status"], r["due"]) for r in rows] == [
        ("timer", overdue, "wait_due", "waiting", True),
        ("timer", later, "wait_due", "waiting", False)]
    dues = [datetime.fromisoformat(r["due_at"]) for r in rows]
    assert dues == sorted(dues) == [now - timedelta(hours=1), now + timedelta(days=1)]
    assert all(r["tenant"] == "13" for r in rows)
