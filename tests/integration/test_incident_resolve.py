"""Resolving an incident by hand, without a retry: the job's task completes with the given values."""
from __future__ import annotations

import pytest

from engine.errors import Conflict, NotFound
from engine.ops_incidents import ResolutionInvalid
from tests.conftest import deploy_fixture


@pytest.fixture
def failing(engine, handlers, clock):  # type: ignore[no-untyped-def]
    calls: list[str] = []

    def juki(ctx, data):  # type: ignore[no-untyped-def]
        calls.append(ctx.idempotency_key)
        raise TimeoutError("juki-net did not answer in 5 s")

    handlers.register("test.remote", juki, "remote")
    deploy_fixture(engine, "remote.bpmn")
    iid = engine.start("remote", "13")
    for _ in range(3):
        engine.run_jobs("w1")
        clock.advance(minutes=5)
    [incident] = engine.incidents()
    return iid, incident, calls


def test_resolved_by_hand_the_instance_goes_on_without_calling_the_handler(engine, failing, clock):  # type: ignore[no-untyped-def]
    iid, incident, calls = failing
    engine.resolve(incident["id"], "admin1-13", "住基ネットの結果を電話で確認した", {"hits": 1})
    info = engine.instance(iid)
    assert [t["element_id"] for t in info["tasks"]] == ["check"] and info["variables"]["hits"] == 1
    assert info["jobs"][0]["status"] == "done"
    assert engine.incidents() == []
    [closed] = engine.incidents(status=None)
    assert (closed["status"], closed["resolution"], closed["resolved_by"]) == ("resolved", "by_hand", "admin1-13")
    assert closed["resolution_note"] == "住基ネットの結果を電話で確認した" and closed["next_auto_retry_at"] is None
    clock.advance(hours=5)
    assert engine.run_jobs("w1") == {} and len(calls) == 3  # not run again, not even by the automatic retries
    [event] = [h for h in engine.history(iid) if h["kind"] == "incident_resolved"]
    assert event["actor"] == "admin1-13" and event["detail"]["fields"] == ["hits"]
    assert "電話" not in str(engine.history(iid))  # the note is not in the history: it may name people
    assert engine.verify_history(iid) == []


def test_a_note_is_required_and_nothing_changes_without_one(engine, failing):  # type: ignore[no-untyped-def]
    iid, incident, _ = failing
    for note, variables, field in (("", None, "note"), ("   ", None, "note"), ("x" * 1001, None, "note"),
                                   ("ok", ["hits"], "variables")):
        with pytest.raises(ResolutionInvalid) as err:
            engine.resolve(incident["id"], "admin1-13", note, variables)  # type: ignore[arg-type]
        assert err.value.field == field and err.value.status == 422
    assert engine.incidents()[0]["id"] == incident["id"]
    assert engine.instance(iid)["jobs"][0]["status"] == "incident"


def test_closed_missing_and_step_incidents_are_refused(engine, failing):  # type: ignore[no-untyped-def]
    iid, incident, _ = failing
    with pytest.raises(NotFound):
        engine.resolve(999_999, "admin1-13", "note")
    engine.resolve(incident["id"], "admin1-13", "done by hand")
    with pytest.raises(Conflict):
        engine.resolve(incident["id"], "admin1-13", "again")
    with pytest.raises(Conflict):
        engine.retry(incident["id"], "admin1-13")
    assert engine.instance(iid)["tasks"][0]["element_id"] == "check"


def test_a_failed_step_cannot_be_skipped(engine):  # type: ignore[no-untyped-def]
    deploy_fixture(engine, "payment.bpmn")
    engine.start("payment", "13", {"payDeadline": "next tuesday"}, business_key="X-1")
    [incident] = engine.incidents()
    assert incident["job_id"] is None
    with pytest.raises(Conflict, match="failed step"):
        engine.resolve(incident["id"], "admin1-13", "skip it")
    assert engine.incidents()[0]["status"] == "open"


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)  # row locks (SQLite has one writer: no overlap)
def test_a_retry_that_wins_the_race_leaves_the_resolution_nothing_to_do(engine, failing):  # type: ignore[no-untyped-def]
    """Resolve has read the incident as open; a retry closes it first: resolve must change nothing."""
    import threading

    from sqlalchemy import text
    iid, incident, _ = failing
    outcome: dict[str, object] = {}
    with engine.db.connect() as holder:
        holder.begin()
        holder.execute(text("SELECT id FROM incident WHERE id = :id FOR UPDATE"), {"id": incident["id"]})

        def resolve() -> None:
            try:
                engine.resolve(incident["id"], "admin1-13", "done by hand", {"hits": 1})
                outcome["result"] = "resolved"
            except Conflict as err:
                outcome["result"] = str(err)
        worker = threading.Thread(target=resolve)
        worker.start()
        worker.join(timeout=2)
        assert worker.is_alive(), "resolve did not wait for the incident's row lock"
        # what retry() does while it holds the lock: the incident is closed, the job is due again
        holder.execute(text("UPDATE incident SET status = 'resolved', resolution = 'retried' WHERE id = :id"),
                       {"id": incident["id"]})
        holder.execute(text("UPDATE external_job SET status = 'pending', attempts = 0 WHERE id = :id"),
                       {"id": incident["job_id"]})
        holder.commit()
    worker.join(timeout=30)
    assert "closed meanwhile" in str(outcome["result"])
    info = engine.instance(iid)
    assert info["jobs"][0]["status"] == "pending" and "hits" not in info["variables"]
    assert engine.incidents(status=None)[0]["resolution"] == "retried"
