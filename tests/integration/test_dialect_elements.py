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


RESERVED_IDS = b'''<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://kentei.test">
  <bpmn:process id="reserved" isExecutable="true">
    <bpmn:startEvent id="Start"/>
    <bpmn:userTask id="End" camunda:candidateGroups="reviewer">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="ok" type="boolean"/>
      </camunda:formData></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="Root"/>
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="End"/>
    <bpmn:sequenceFlow id="f2" sourceRef="End" targetRef="Root"/>
  </bpmn:process>
</bpmn:definitions>'''


def test_ids_that_spiffworkflow_uses_itself_reach_the_inbox_and_its_form(engine):  # type: ignore[no-untyped-def]
    """Issue 11, item 6: a start event `Start`, a user task `End`, an end event `Root`."""
    from sqlalchemy import text

    from engine.inbox import form_of
    engine.deploy([("reserved.bpmn", RESERVED_IDS)])
    iid = engine.start("reserved", "13", {}, business_key="R-1")
    (task,) = engine.tasks()
    assert task["element_id"] == "End"
    with engine.read() as conn:
        definition = conn.execute(text("SELECT definition_id FROM process_instance WHERE id = :i"), {"i": iid}).scalar()
    assert [f["id"] for f in form_of(engine, {**task, "definition_id": definition})] == ["ok"]
    engine.complete_task(task["id"], "u1", {"ok": True})
    assert engine.instance(iid)["status"] == "completed"
    assert _steps(engine, iid) == ["Start", "Root"]


ASSIGNMENT = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="assign" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="review" camunda:candidateGroups="${team}"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_a_failing_assignment_expression_is_an_incident_at_the_task(engine):  # type: ignore[no-untyped-def]
    engine.deploy([("assign.bpmn", ASSIGNMENT)])
    iid = engine.start("assign", "13", {"a": 1})  # the start itself succeeds: the instance exists
    assert engine.instance(iid)["status"] == "running"  # waiting, with an open incident
    [incident] = engine.incidents()
    assert incident["instance_id"] == iid and incident["element_id"] == "review"
    assert "camunda:candidateGroups: unknown variable 'team'" in incident["message"]
    assert engine.tasks() == []  # no inbox entry nobody could see
    engine.retry(incident["id"])  # the cause is still there: one open incident at the task again, no entry
    assert [i["element_id"] for i in engine.incidents()] == ["review"] and engine.tasks() == []
    ok = engine.start("assign", "13", {"team": "reviewer"})
    assert [t["candidate_groups"] for t in engine.tasks() if t["instance_id"] == ok] == ["reviewer"]


PERIODS = ASSIGNMENT.replace(b'camunda:candidateGroups="${team}"',
                             b'camunda:candidateGroups="reviewer" camunda:dueDate="P3D" camunda:followUpDate="${soon}"')


def test_due_and_follow_up_dates_may_be_periods_from_the_task_s_creation(engine, clock):  # type: ignore[no-untyped-def]
    engine.deploy([("periods.bpmn", PERIODS)])
    engine.start("assign", "13", {"soon": "PT36H"})  # the clock stands at 2026-04-01T00:00Z
    [task] = engine.tasks()
    assert task["due_at"] == "2026-04-04T00:00:00+00:00"  # three calendar days in Tokyo time
    assert task["follow_up_at"] == "2026-04-02T12:00:00+00:00"
