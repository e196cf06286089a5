"""Each element of the dialect, run through the engine: inclusive and event-based gateways,
embedded subprocess with an error end event, terminate, expressions in user-task attributes."""
from __future__ import annotations

from tests.conftest import deploy_fixture


def _steps(engine, iid):  # type: ignore[no-untyped-def]
    return [h["element_id"] for h in engine.history(iid) if h["kind"] == "step"]


def test_inclusive_gateway_runs_each_true_branch_and_joins(engine, clock):  # type: ignore[no-untyped-def]
    deploy_fixture(engine, "elements.bpmn")
    iid = engine.start("elements", "13", {"written": True, "practical": True, "fraud": False,
                                          "scorerGroup": "scorer", "scorer": "tanaka"}, business_key="E-1")
    tasks = {t["element_id"]: t for t in engine.tasks()}
    assert set(tasks) == {"written_entry", "practical_entry"}
    written = tasks["written_entry"]
    assert written["assignee"] == "tanaka" and written["candidate_groups"] == "scorer"
    assert written["follow_up_at"] == "2026-04-03T00:00:00+00:00"  # 09:00 JST
    engine.complete_task(written["id"], "tanaka", {})
    assert engine.instance(iid)["status"] == "running" and len(engine.tasks()) == 1  # the join waits
    engine.complete_task(tasks["practical_entry"]["id"], "suzuki", {})
    assert "checks" in _steps(engine, iid) and "none_part" not in _steps(engine, iid)
    # event-based gateway: the message wins over the 14-day timer, and the timer is withdrawn
    assert [t["element_id"] for t in engine.timers()] == ["wait_for"]  # the gateway holds the timer
    assert engine.correlate("appeal", "E-1", {"reason": "採点誤り"})["status"] == "delivered"
    assert engine.instance(iid)["status"] == "completed" and engine.timers() == []
    assert "appealed" in _steps(engine, iid)


def test_default_branch_and_timer_side_of_event_gateway(engine, clock):  # type: ignore[no-untyped-def]
    deploy_fixture(engine, "elements.bpmn")
    iid = engine.start("elements", "13", {"written": False, "practical": False, "fraud": False},
                       business_key="E-2")
    assert engine.tasks() == [] and "none_part" in _steps(engine, iid)
    clock.advance(days=14)
    assert engine.fire_due_timers() == 1
    assert engine.instance(iid)["status"] == "completed" and "final" in _steps(engine, iid)
    assert engine.correlate("appeal", "E-2", {})["status"] == "buffered"  # too late: nobody waits


def test_error_end_event_in_subprocess_is_caught_by_its_boundary(engine):  # type: ignore[no-untyped-def]
    deploy_fixture(engine, "elements.bpmn")
    iid = engine.start("elements", "13", {"written": False, "practical": False, "fraud": True},
                       business_key="E-3")
    info = engine.instance(iid)
    assert info["status"] == "completed" and info["timers"] == []
    assert "revoked" in _steps(engine, iid) and "wait_for" not in _steps(engine, iid)
