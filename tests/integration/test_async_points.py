"""Async continuations (camunda:asyncBefore / asyncAfter) are durable: a crash, a second worker or a lease
running out never loses a save point nor runs a continuation twice; incidents retry from the save point."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pytest

from engine import ops_jobs
from engine.bootstrap import bootstrap
from engine.errors import Conflict
from tests.conftest import ROOT

BPMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://kentei.test">
  <bpmn:process id="booking" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:serviceTask id="book" camunda:type="external" camunda:topic="test.book" camunda:asyncBefore="true"/>
    <bpmn:userTask id="check"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="book"/>
    <bpmn:sequenceFlow id="f2" sourceRef="book" targetRef="check"/>
    <bpmn:sequenceFlow id="f3" sourceRef="check" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""

CHILD = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {root!r})
    from engine.bootstrap import bootstrap
    from engine.config import Settings
    from handlers.base import HandlerRegistry
    from tests.conftest import TestClock

    def crash(ctx, data):
        ctx.session.execute(__import__("sqlalchemy").text("UPDATE process_instance SET business_key = 'torn'"))
        os._exit(9)  # the power goes out in the middle of the continuation

    reg = HandlerRegistry()
    reg.register("test.book", crash, "local")
    engine = bootstrap(Settings(database_url={url!r}), reg, TestClock())
    engine.run_jobs("doomed")
    sys.exit(0)
""")


def _waiting_jobs(engine, iid: int) -> list[dict]:  # type: ignore[no-untyped-def]
    return [j for j in engine.instance(iid)["jobs"] if j["status"] in ("pending", "locked")]


def test_a_crash_in_the_continuation_loses_nothing_and_costs_no_attempt(engine, handlers, settings, clock):  # type: ignore[no-untyped-def]
    booked: list[int] = []
    handlers.register("test.book", lambda ctx, data: booked.append(ctx.instance_id) or {"booked": True}, "local")
    engine.deploy([("booking.bpmn", BPMN)])
    iid = engine.start("booking", "13", business_key="B-1")
    child = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT), url=settings.database_url)],
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == 9, child.stderr
    engine.db.dispose()
    fresh = bootstrap(settings, handlers, clock)  # another process: nothing cached
    info = fresh.instance(iid)
    assert info["business_key"] == "B-1" and info["tasks"] == []  # the torn continuation never landed
    [job] = _waiting_jobs(fresh, iid)
    assert (job["element_id"], job["kind"], job["status"], job["attempts"]) == ("book", "async", "locked", 0)
    assert fresh.run_jobs("w2") == {}  # leased to the crashed worker until the lease runs out
    clock.advance(seconds=settings.job_lease_seconds + 1)
    assert fresh.run_jobs("w2") == {"done": 1} and booked == [iid]
    info = fresh.instance(iid)
    assert [t["element_id"] for t in info["tasks"]] == ["check"] and info["variables"]["booked"] is True
    assert [j["attempts"] for j in info["jobs"]] == [0]
    fresh.db.dispose()


def test_two_workers_run_each_continuation_once(engine, handlers):  # type: ignore[no-untyped-def]
    calls: list[int] = []
    lock = threading.Lock()

    def book(ctx, data):  # type: ignore[no-untyped-def]
        with lock:
            calls.append(ctx.instance_id)
        return {"booked": True}

    handlers.register("test.book", book, "local")
    engine.deploy([("booking.bpmn", BPMN)])
    ids = [engine.start("booking", "13") for _ in range(16)]
    barrier = threading.Barrier(2)
    done: list[int] = []
    errors: list[Exception] = []

    def drain(worker: str) -> None:
        barrier.wait()
        try:
            while True:
                counts = engine.run_jobs(worker, limit=3)
                if not counts:
                    return
                done.append(counts.get("done", 0))
        except Exception as exc:  # re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=drain, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert sum(done) == 16
    assert sorted(calls) == sorted(ids)  # each continuation ran once
    assert sorted(t["instance_id"] for t in engine.tasks()) == sorted(ids)


def test_a_lease_taken_over_runs_the_continuation_once(engine, handlers, settings, clock):  # type: ignore[no-untyped-def]
    calls: list[str] = []
    handlers.register("test.book", lambda ctx, data: calls.append(ctx.idempotency_key) or None, "local")
    engine.deploy([("booking.bpmn", BPMN)])
    iid = engine.start("booking", "13")
    [slow] = ops_jobs.claim(engine, "slow")
    clock.advance(seconds=settings.job_lease_seconds + 1)
    [quick] = ops_jobs.claim(engine, "quick")
    assert quick.id == slow.id
    assert ops_jobs.execute(engine, quick, "quick") == "done"
    assert ops_jobs.execute(engine, slow, "slow") == "lost"  # its lease ran out: the other worker had it
    assert len(calls) == 1
    assert [t["element_id"] for t in engine.tasks(instance_id=iid)] == ["check"]


def test_an_incident_is_retried_from_the_save_point(engine, handlers):  # type: ignore[no-untyped-def]
    state = {"down": True}

    def book(ctx, data):  # type: ignore[no-untyped-def]
        if state["down"]:
            raise RuntimeError("registry down")
        return {"booked": True}

    handlers.register("test.book", book, "local")
    engine.deploy([("booking.bpmn", BPMN)])
    iid = engine.start("booking", "13")
    for _ in range(3):
        engine.run_jobs("w")
        engine.clock.advance(minutes=5)
    [incident] = [i for i in engine.instance(iid)["incidents"] if i["status"] == "open"]
    assert (incident["element_id"], incident["kind"]) == ("book", "job_failed")
    assert "registry down" in incident["message"]
    with pytest.raises(Conflict, match="async continuation"):
        engine.resolve(incident["id"], "admin1-13", "done by hand")
    state["down"] = False
    assert engine.retry(incident["id"], "admin1-13") == "job_rescheduled"
    assert engine.run_jobs("w") == {"done": 1}
    assert [t["element_id"] for t in engine.tasks(instance_id=iid)] == ["check"]


def test_migration_0017_goes_down_and_up(db_url):  # type: ignore[no-untyped-def]
    from alembic import command

    from engine.db.migrate import alembic_config
    cfg = alembic_config(db_url)
    command.upgrade(cfg, "head")
    command.downgrade(cfg, "0016")
    command.upgrade(cfg, "head")
