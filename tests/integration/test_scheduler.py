"""The scheduler's periodic work: overdue-task reminders, automatic incident retries, the APScheduler wiring."""
from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker

from engine import incident_retry, reminders
from engine.bootstrap import bootstrap
from engine.scheduler import Scheduler
from handlers.notify import PortalMessage
from handlers.notify.staff import StaffReminders
from handlers.notify.staff import register as register_staff_reminders
from tests.conftest import deploy_fixture
from tests.support.smtp import SmtpServer

REVIEW = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://kentei.test">
  <bpmn:process id="review" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="eligibility_review" name="受検資格の審査" camunda:candidateGroups="reviewer" camunda:dueDate="${reviewDueDate}"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="eligibility_review"/>
    <bpmn:sequenceFlow id="f2" sourceRef="eligibility_review" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>""".encode()


@pytest.fixture
def smtp():  # type: ignore[no-untyped-def]
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def staff_reminders(engine, handlers, settings, smtp):  # type: ignore[no-untyped-def]
    db = create_engine(settings.database_url)
    register_staff_reminders(handlers, StaffReminders(sessionmaker(db), "127.0.0.1", smtp.port, "kentei@example.jp",
                                                      "kentei-{tenant}@pref.example.jp"))
    engine.deploy([("review.bpmn", REVIEW)])
    yield sessionmaker(db)
    db.dispose()


def test_an_overdue_task_is_flagged_and_reminded_once_per_period(engine, staff_reminders, clock, smtp):  # type: ignore[no-untyped-def]
    due = clock.now + timedelta(days=14)
    iid = engine.start("review", "13", {"reviewDueDate": due.isoformat()}, business_key="13-2026-A000001")
    [task] = engine.tasks()
    assert task["overdue"] is False and reminders.remind_overdue(engine) == 0
    clock.now = due
    [task] = engine.tasks()
    assert task["overdue"] is True and engine.instance(iid)["tasks"][0]["overdue"] is True
    assert reminders.remind_overdue(engine) == 1
    assert reminders.remind_overdue(engine) == 0  # once per period
    clock.advance(hours=23)
    assert reminders.remind_overdue(engine) == 0
    clock.advance(hours=1)
    assert reminders.remind_overdue(engine) == 1
    assert engine.tasks()[0]["reminders"] == 2
    mails = smtp.messages
    assert [m["To"] for m in mails] == ["kentei-13@pref.example.jp"] * 2
    assert "受検資格の審査" in mails[0]["Subject"] and "13-2026-A000001" in mails[0].get_body().get_content()
    with staff_reminders() as s:
        inbox = s.scalars(select(PortalMessage).where(PortalMessage.pseudonym_id == "staff:13:reviewer")).all()
        assert len(inbox) == 2 and {m.kind for m in inbox} == {"task_reminder"}
    engine.complete_task(task["id"], "reviewer1-13", {})
    clock.advance(days=3)
    assert reminders.remind_overdue(engine) == 0  # a completed task is never reminded


def test_two_workers_remind_a_task_once(engine, staff_reminders, clock, settings, handlers, smtp):  # type: ignore[no-untyped-def]
    other = bootstrap(settings, handlers, clock)
    for n in range(5):
        engine.start("review", "13", {"reviewDueDate": clock.now.isoformat()}, business_key=f"B-{n}")
    barrier, sent = threading.Barrier(2), []

    def work(e) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        sent.append(reminders.remind_overdue(e))

    threads = [threading.Thread(target=work, args=(e,)) for e in (engine, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.db.dispose()
    assert sum(sent) == 5 and len(smtp.messages) == 5
    assert all(t["reminders"] == 1 for t in engine.tasks())


def test_a_failed_reminder_is_tried_again_on_the_next_pass(engine, handlers, clock):  # type: ignore[no-untyped-def]
    plan = {"fail": True, "keys": []}

    def remind(ctx, data):  # type: ignore[no-untyped-def]
        plan["keys"].append(ctx.idempotency_key)
        if plan["fail"]:
            raise ConnectionRefusedError("the mail server is down")
        return {}

    handlers.register(reminders.TOPIC, remind, "remote")
    engine.deploy([("review.bpmn", REVIEW)])
    engine.start("review", "13", {"reviewDueDate": clock.now.isoformat()})
    assert reminders.remind_overdue(engine) == 0 and engine.tasks()[0]["reminders"] == 0
    plan["fail"] = False
    assert reminders.remind_overdue(engine) == 1 and engine.tasks()[0]["reminders"] == 1
    assert reminders.remind_overdue(engine) == 0
    assert len(set(plan["keys"])) == 1  # the retry carries the same idempotency key


@pytest.fixture
def flaky(engine, handlers):  # type: ignore[no-untyped-def]
    plan = {"down": True, "calls": 0}

    def juki(ctx, data):  # type: ignore[no-untyped-def]
        plan["calls"] += 1
        if plan["down"]:
            raise ConnectionRefusedError("juki-net is down")
        return {"hits": 1}

    handlers.register("test.remote", juki, "remote")
    deploy_fixture(engine, "remote.bpmn")
    return plan


def _run_out(engine, clock) -> None:  # type: ignore[no-untyped-def]
    """Let a failing job use up its attempts (the test settings: 3 attempts, 10 s backoff doubling)."""
    for _ in range(6):
        engine.run_jobs("w1")
        clock.advance(seconds=40)


def test_an_outage_longer_than_the_job_retries_is_retried_with_backoff_then_left_to_a_person(engine, flaky, clock):  # type: ignore[no-untyped-def]
    iid = engine.start("remote", "13")
    _run_out(engine, clock)
    for n, delay in enumerate((900, 1800, 3600)):  # KENTEI_INCIDENT_RETRY_SECONDS doubling, three times
        [incident] = engine.incidents()
        next_try = datetime.fromisoformat(incident["next_auto_retry_at"])
        assert incident["auto_retries"] == n
        assert next_try == datetime.fromisoformat(incident["created_at"]) + timedelta(seconds=delay)
        clock.now = next_try - timedelta(seconds=1)
        assert incident_retry.retry_due(engine) == 0  # not yet
        clock.now = next_try
        assert incident_retry.retry_due(engine) == 1
        _run_out(engine, clock)  # still down: the job uses up its attempts again
    [incident] = engine.incidents()
    assert incident["auto_retries"] == 3 and flaky["calls"] == 12
    assert incident["next_auto_retry_at"] is None  # three automatic retries: now it waits for a person
    clock.advance(days=1)
    assert incident_retry.retry_due(engine) == 0
    flaky["down"] = False
    engine.retry(incident["id"], user="admin1-13")
    engine.run_jobs("w1")
    assert engine.instance(iid)["jobs"][0]["status"] == "done" and engine.incidents() == []


def test_the_scheduler_does_due_work_on_its_own(engine, flaky, clock, settings):  # type: ignore[no-untyped-def]
    flaky["down"] = False
    engine.settings = replace(settings, poll_seconds=0.1)
    iid = engine.start("remote", "13")
    scheduler = Scheduler(engine, name="bg", blocking=False)
    scheduler.start()
    try:
        deadline = time.monotonic() + 20
        while engine.instance(iid)["jobs"][0]["status"] != "done" and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.shutdown()
    assert engine.instance(iid)["jobs"][0]["status"] == "done" and scheduler.totals.jobs == 1
    assert not scheduler.aps.running


def test_a_registered_periodic_job_runs_and_its_failure_is_not_fatal(engine, settings, caplog):  # type: ignore[no-untyped-def]
    scheduler = Scheduler(engine, name="bg", blocking=False)
    ran: list[int] = []
    scheduler.every("retention_purge", 3600, lambda: ran.append(1))
    scheduler.every("broken_audit", 3600, lambda: 1 / 0)
    scheduler.run_once()
    assert ran == [1] and "broken_audit failed" in caplog.text
