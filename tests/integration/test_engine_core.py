"""The engine end to end on SQLite and PostgreSQL: user tasks, local handlers, versions, restart."""
from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select

from engine.bootstrap import bootstrap
from engine.errors import Conflict, Forbidden, FormInvalid
from tests.conftest import deploy_fixture, fixture_bytes

META = MetaData()
REGISTERED = Table("test_registered", META, Column("id", Integer, primary_key=True), Column("key", String(40)))


@pytest.fixture
def registry_table(engine):  # type: ignore[no-untyped-def]
    META.create_all(engine.db)
    return REGISTERED


def _count(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.db.connect() as conn:
        return conn.scalar(select(func.count()).select_from(REGISTERED))


@pytest.fixture
def review(engine, handlers, registry_table):  # type: ignore[no-untyped-def]
    behaviour = {"fail": False}

    def register(ctx, data):  # type: ignore[no-untyped-def]
        ctx.session.execute(REGISTERED.insert().values(key=ctx.business_key))
        if behaviour["fail"]:
            raise RuntimeError("registry is down")
        return {"applicationId": f"A-{ctx.instance_id}"}

    handlers.register("test.register", register, "local")
    deploy_fixture(engine, "review.bpmn")
    return behaviour


def test_user_task_form_gateway_and_history(engine, review, clock):  # type: ignore[no-untyped-def]
    iid = engine.start("review", "13", {"reviewDue": "2026-04-10"}, business_key="B-1", actor="clerk")
    [task] = engine.tasks(tenant="13")
    assert task["element_id"] == "eligibility_review" and task["candidate_groups"] == "reviewer"
    assert task["due_at"] == "2026-04-09T15:00:00+00:00"  # a date without zone is Asia/Tokyo midnight
    with pytest.raises(FormInvalid) as err:
        engine.complete_task(task["id"], "rev1", {"decision": "maybe", "years": "x", "extra": 1})
    assert set(err.value.errors) == {"decision", "years", "extra"}
    assert engine.tasks(tenant="13")[0]["id"] == task["id"]  # nothing lost
    engine.complete_task(task["id"], "rev1", {"decision": "approve", "years": "3"})
    info = engine.instance(iid)
    assert info["status"] == "completed"
    assert info["variables"]["applicationId"] == f"A-{iid}" and info["variables"]["years"] == 3
    kinds = [(h["kind"], h["element_id"]) for h in engine.history(iid)]
    assert ("task_completed", "eligibility_review") in kinds and ("step", "approved") in kinds
    assert _count(engine) == 1
    with pytest.raises(Conflict):
        engine.complete_task(task["id"], "rev1", {"decision": "approve"})


def test_default_flow_when_condition_false(engine, review):  # type: ignore[no-untyped-def]
    iid = engine.start("review", "27", {"reviewDue": "2026-04-10"})
    engine.complete_task(engine.tasks(tenant="27")[0]["id"], "rev", {"decision": "approve", "years": 1})
    assert ("step", "rejected") in [(h["kind"], h["element_id"]) for h in engine.history(iid)]


def test_local_handler_failure_commits_nothing_of_the_handler_then_retry(engine, review):  # type: ignore[no-untyped-def]
    review["fail"] = True
    iid = engine.start("review", "13", {"reviewDue": "2026-04-10"}, business_key="B-2")
    assert _count(engine) == 0  # the handler's insert was rolled back with its step
    [incident] = engine.incidents()
    assert incident["element_id"] == "register" and "registry is down" in incident["message"]
    assert engine.tasks() == [] and engine.instance(iid)["status"] == "running"
    review["fail"] = False
    assert engine.retry(incident["id"], "admin") == "step_retried"
    assert _count(engine) == 1 and len(engine.tasks()) == 1
    assert engine.incidents() == []


def test_versions_run_side_by_side(engine, review):  # type: ignore[no-untyped-def]
    again = deploy_fixture(engine, "review.bpmn")
    assert again.unchanged == ["review.bpmn"] and again.deployed == []
    old = engine.start("review", "13", {"reviewDue": "2026-04-10"})
    changed = fixture_bytes("review.bpmn").replace(b'name="\xe5\x8f\x97\xe6\xa4\x9c\xe8\xb3\x87\xe6\xa0\xbc\xe5\xaf\xa9\xe6\x9f\xbb"',
                                                    'name="受検資格審査 v2"'.encode())
    report = engine.deploy([("review.bpmn", changed)])
    assert report.deployed == ["review.bpmn v2"] and report.processes == ["review v2"]
    new = engine.start("review", "13", {"reviewDue": "2026-04-10"})
    assert engine.instance(old)["version"] == 1 and engine.instance(new)["version"] == 2
    names = {t["instance_id"]: t["name"] for t in engine.tasks()}
    assert names == {old: "受検資格審査", new: "受検資格審査 v2"}
    for t in engine.tasks():
        engine.complete_task(t["id"], "rev", {"decision": "reject"})
    assert engine.instance(old)["status"] == engine.instance(new)["status"] == "completed"


def test_new_process_picks_up_waiting_instance(engine, review, settings, handlers, clock):  # type: ignore[no-untyped-def]
    iid = engine.start("review", "13", {"reviewDue": "2026-04-10"})
    engine.db.dispose()
    restarted = bootstrap(settings, handlers, clock)  # a new engine: empty caches, new connections
    [task] = restarted.tasks()
    restarted.complete_task(task["id"], "rev", {"decision": "approve", "years": 5})
    assert restarted.instance(iid)["status"] == "completed"
    restarted.db.dispose()


def test_four_eyes_and_parallel_timer(engine, handlers, clock):  # type: ignore[no-untyped-def]
    handlers.register("test.register", lambda ctx, data: None, "local")
    deploy_fixture(engine, "reminder.bpmn")
    iid = engine.start("reminder", "13")
    [score] = engine.tasks()
    engine.complete_task(score["id"], "scorer1", {})
    [approval] = engine.tasks()
    with pytest.raises(Forbidden):
        engine.complete_task(approval["id"], "scorer1", {})
    engine.complete_task(approval["id"], "approver1", {})
    assert engine.instance(iid)["status"] == "running"  # still waiting on the 1-hour timer
    clock.advance(minutes=59, seconds=59)
    assert engine.fire_due_timers() == 0
    clock.advance(seconds=1)
    assert engine.fire_due_timers() == 1
    assert engine.instance(iid)["status"] == "completed"


def test_non_interrupting_cycle_fires_each_period_then_is_cancelled(engine, handlers, clock):  # type: ignore[no-untyped-def]
    sent = []
    handlers.register("test.register", lambda ctx, data: sent.append(ctx.element_id), "local")
    deploy_fixture(engine, "reminder.bpmn")
    iid = engine.start("reminder", "13")
    assert [t["element_id"] for t in engine.timers()] == ["remind"]
    clock.advance(days=3)
    assert engine.fire_due_timers() == 1 and sent == ["send_reminder"]
    assert engine.fire_due_timers() == 0  # once per period
    clock.advance(days=3)
    assert engine.fire_due_timers() == 1 and len(sent) == 2
    clock.advance(days=30)
    assert engine.fire_due_timers() == 0  # R2: two reminders only
    engine.complete_task(engine.tasks()[0]["id"], "scorer1", {})
    assert [t["element_id"] for t in engine.timers()] == ["announce"]
    assert engine.instance(iid)["tasks"][0]["element_id"] == "approval"


def test_history_is_hash_chained(engine, review):  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from engine.db.models import HistoryEvent
    from engine.history import verify
    iid = engine.start("review", "13", {"reviewDue": "2026-04-10"})
    engine.complete_task(engine.tasks()[0]["id"], "rev1", {"decision": "approve", "years": 4})
    with engine.transaction() as s:
        assert verify(s, iid) == []
    with engine.transaction() as s, s.begin():
        first = s.scalars(select(HistoryEvent).where(HistoryEvent.kind == "task_completed")).one()
        s.execute(update(HistoryEvent).where(HistoryEvent.id == first.id).values(actor="someone-else"))
    with engine.transaction() as s:
        assert any("changed" in p for p in verify(s, iid))


def test_a_timer_value_that_cannot_be_computed_is_an_incident(engine):  # type: ignore[no-untyped-def]
    bpmn = fixture_bytes("payment.bpmn")
    iid = None
    engine.deploy([("payment.bpmn", bpmn)])
    iid = engine.start("payment", "13", {"payDeadline": "next tuesday"}, business_key="X-1")
    [incident] = engine.incidents()
    assert "timer value" in incident["message"] and incident["instance_id"] == iid
    assert engine.instance(iid)["status"] == "running"
