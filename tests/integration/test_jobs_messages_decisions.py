"""Remote handlers as external jobs, message correlation, DMN decisions and call activities."""
from __future__ import annotations

import pytest

from handlers.base import BpmnError
from tests.conftest import deploy_fixture


@pytest.fixture
def lookup(engine, handlers):  # type: ignore[no-untyped-def]
    plan: dict = {"fail_times": 0, "calls": [], "error": None}

    def juki(ctx, data):  # type: ignore[no-untyped-def]
        plan["calls"].append(ctx.idempotency_key)
        if plan["error"]:
            raise BpmnError(plan["error"], "no resident found")
        if len(plan["calls"]) <= plan["fail_times"]:
            raise TimeoutError("juki-net did not answer in 5 s")
        return {"hits": 1}

    handlers.register("test.remote", juki, "remote")
    deploy_fixture(engine, "remote.bpmn")
    return plan


def test_remote_handler_fails_twice_then_succeeds(engine, lookup, clock):  # type: ignore[no-untyped-def]
    lookup["fail_times"] = 2
    iid = engine.start("remote", "13")
    assert engine.instance(iid)["jobs"][0]["status"] == "pending"  # committed before it runs
    assert engine.run_jobs("w1") == {"retry": 1}
    assert engine.run_jobs("w1") == {}  # backoff: not due yet
    clock.advance(seconds=10)
    assert engine.run_jobs("w1") == {"retry": 1}
    clock.advance(seconds=19)
    assert engine.run_jobs("w1") == {}  # second backoff is 20 s
    clock.advance(seconds=1)
    assert engine.run_jobs("w1") == {"done": 1}
    assert len(set(lookup["calls"])) == 1  # one idempotency key across retries
    [task] = engine.tasks()
    assert task["element_id"] == "check" and engine.instance(iid)["variables"]["hits"] == 1


def test_remote_handler_always_failing_becomes_incident_then_retry(engine, lookup, clock):  # type: ignore[no-untyped-def]
    lookup["fail_times"] = 99
    iid = engine.start("remote", "13")
    for _ in range(3):
        engine.run_jobs("w1")
        clock.advance(minutes=5)
    [incident] = engine.incidents()
    assert incident["kind"] == "job_failed" and "juki-net did not answer" in incident["message"]
    assert engine.instance(iid)["jobs"][0]["status"] == "incident"
    assert engine.run_jobs("w1") == {}  # an incident is not retried by itself
    lookup["fail_times"] = 0
    assert engine.retry(incident["id"], "admin") == "job_rescheduled"
    assert engine.run_jobs("w1") == {"done": 1}
    assert engine.tasks()[0]["element_id"] == "check" and engine.incidents() == []


def test_expired_lease_is_taken_over(engine, lookup, clock):  # type: ignore[no-untyped-def]
    engine.start("remote", "13")
    from engine.ops_jobs import claim, execute
    [job] = claim(engine, "crashed-worker")
    assert claim(engine, "w2") == []  # leased
    clock.advance(seconds=engine.settings.job_lease_seconds + 1)
    [again] = claim(engine, "w2")
    assert execute(engine, again, "w2") == "done"
    assert execute(engine, job, "crashed-worker") == "lost"  # the old holder cannot finish it twice


def test_bpmn_error_from_remote_handler_takes_error_boundary(engine, lookup):  # type: ignore[no-untyped-def]
    lookup["error"] = "NO_HIT"
    iid = engine.start("remote", "13")
    assert engine.run_jobs("w1") == {"bpmn_error": 1}
    info = engine.instance(iid)
    assert info["status"] == "completed" and info["tasks"] == []
    assert ("step", "not_found") in [(h["kind"], h["element_id"]) for h in engine.history(iid)]


def test_message_by_key_duplicate_and_deadline(engine, clock):  # type: ignore[no-untyped-def]
    deploy_fixture(engine, "payment.bpmn")
    a = engine.start("payment", "13", {"payDeadline": "2026-04-15T17:00:00"}, business_key="A-1")
    b = engine.start("payment", "27", {"payDeadline": "2026-04-15T17:00:00"}, business_key="A-2")
    first = engine.correlate("fee_paid", "A-1", {"amount": 3100}, message_id="PAY-1")
    assert first["status"] == "delivered" and first["instance_id"] == a
    assert engine.correlate("fee_paid", "A-1", {"amount": 3100}, message_id="PAY-1")["status"] == "duplicate"
    assert engine.instance(a)["status"] == "completed" and engine.instance(a)["variables"]["amount"] == 3100
    clock.advance(days=14, hours=7, minutes=59)  # 2026-04-15 07:59 UTC = 16:59 JST: not yet
    assert engine.fire_due_timers() == 0
    clock.advance(minutes=1)
    assert engine.fire_due_timers() == 1
    assert ("step", "lapsed") in [(h["kind"], h["element_id"]) for h in engine.history(b)]
    late = engine.correlate("fee_paid", "A-2", {"amount": 3100}, message_id="PAY-2")
    assert late["status"] == "buffered"  # nobody waits any more: kept for its time-to-live, not lost


def test_message_before_the_receiver_is_buffered_then_delivered(engine):  # type: ignore[no-untyped-def]
    deploy_fixture(engine, "payment.bpmn")
    early = engine.correlate("fee_paid", "A-9", {"amount": 18200}, message_id="PAY-9")
    assert early == {"status": "buffered", "instance_id": None, "message_id": "PAY-9"}
    iid = engine.start("payment", "13", {"payDeadline": "2026-05-01"}, business_key="A-9")
    info = engine.instance(iid)
    assert info["status"] == "completed" and info["variables"]["amount"] == 18200
    assert engine.correlate("fee_paid", "A-9", {}, message_id="PAY-9")["status"] == "duplicate"


def test_decision_table_and_call_activity(engine):  # type: ignore[no-untyped-def]
    deploy_fixture(engine, "pass_mark.dmn", "decide.bpmn")
    for written, practical, outcome in [(65, 60, "pass"), (64, 100, "fail"), (100, 59, "fail")]:
        iid = engine.start("decide", "13", {"written": written, "practical": practical})
        assert engine.instance(iid)["variables"]["result"] == outcome
    [task, *_] = engine.tasks()
    assert task["element_id"] == "read_notice"  # inside the called process
    engine.complete_task(task["id"], "applicant", {})
    assert engine.instance(task["instance_id"])["status"] == "completed"


def test_unique_violation_is_an_incident_not_a_first_match(engine):  # type: ignore[no-untyped-def]
    deploy_fixture(engine, "pass_mark.dmn", "decide.bpmn")
    deploy_fixture(engine, "pass_mark_overlap.dmn")  # pass_mark v2: rules overlap for 70..80
    iid = engine.start("decide", "13", {"written": 70, "practical": 70})
    [incident] = engine.incidents()
    assert incident["element_id"] == "pass_decision" and "UNIQUE" in incident["message"]
    assert "result" not in engine.instance(iid)["variables"]
    ok = engine.start("decide", "13", {"written": 90, "practical": 70})
    assert engine.instance(ok)["variables"]["result"] == "pass"


def test_uncaught_bpmn_error_is_a_job_incident_and_retry_runs_the_job_again(engine, lookup):  # type: ignore[no-untyped-def]
    lookup["error"] = "UNKNOWN_CODE"
    iid = engine.start("remote", "13")
    assert engine.run_jobs("w1") == {"incident": 1}
    [incident] = engine.incidents()
    assert incident["job_id"] is not None and "UNKNOWN_CODE" in incident["message"]
    lookup["error"] = None
    engine.retry(incident["id"])
    assert engine.run_jobs("w1") == {"done": 1}
    assert engine.tasks(instance_id=iid)[0]["element_id"] == "check"


def test_a_buffered_message_expires_after_its_time_to_live(engine, clock):  # type: ignore[no-untyped-def]
    from engine.ops_messages import expire_buffered
    deploy_fixture(engine, "payment.bpmn")
    assert engine.correlate("fee_paid", "A-5", {"amount": 1}, message_id="OLD")["status"] == "buffered"
    clock.advance(seconds=engine.settings.message_ttl_seconds + 1)
    assert expire_buffered(engine) == 1
    iid = engine.start("payment", "13", {"payDeadline": "2026-05-01"}, business_key="A-5")
    assert engine.instance(iid)["status"] == "running"  # the stale payment was not applied
    assert engine.correlate("fee_paid", "A-5", {"amount": 2}, message_id="NEW")["status"] == "delivered"
    assert engine.instance(iid)["variables"]["amount"] == 2
