"""Signals from outside: `kentei signal`, POST /api/v1/signals, and thrown signals left undelivered by a crash.

The BPMN semantics are the conformance cases' (tests/conformance/signals/); here: the command line, the
API's rule (admin of the prefecture, the prefecture's instances only) and the delivery after commit.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from engine.identity import Identity, StaffUser
from engine.identity.passwords import FAST_HASHER
from engine.identity.tokens import issue
from engine.ops_signals import deliver_thrown
from tests.integration.test_cli import Run, _runner, as_json

SIGNALS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://kentei.test">
  <bpmn:signal id="sig_open" name="exam_opened"/>
  <bpmn:process id="applicant" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:intermediateCatchEvent id="wait_open"><bpmn:signalEventDefinition signalRef="sig_open"/></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait_open"/>
    <bpmn:sequenceFlow id="f2" sourceRef="wait_open" targetRef="end"/>
  </bpmn:process>
  <bpmn:process id="rooms" isExecutable="true">
    <bpmn:startEvent id="on_open"><bpmn:signalEventDefinition signalRef="sig_open"/></bpmn:startEvent>
    <bpmn:userTask id="book_room"/>
    <bpmn:endEvent id="r_end"/>
    <bpmn:sequenceFlow id="r1" sourceRef="on_open" targetRef="book_room"/>
    <bpmn:sequenceFlow id="r2" sourceRef="book_room" targetRef="r_end"/>
  </bpmn:process>
  <bpmn:process id="announce" isExecutable="true">
    <bpmn:startEvent id="a_start"/>
    <bpmn:endEvent id="a_end"><bpmn:signalEventDefinition signalRef="sig_open"/></bpmn:endEvent>
    <bpmn:sequenceFlow id="a1" sourceRef="a_start" targetRef="a_end"/>
  </bpmn:process>
</bpmn:definitions>
"""


# -- the command line ----------------------------------------------------------------------------
@pytest.fixture
def cli(tmp_path: Path) -> Run:
    (tmp_path / "signals.bpmn").write_text(SIGNALS, encoding="utf-8")
    run = _runner(tmp_path, tmp_path / "k.db")
    run("init")
    run("deploy", "signals.bpmn")
    return run


def test_kentei_signal_reaches_the_prefectures_waiting_instances_and_starts_signal_start_processes(cli: Run) -> None:
    mine = as_json(cli("start", "applicant", "--tenant", "13", "--json"))["instance_id"]
    theirs = as_json(cli("start", "applicant", "--tenant", "27", "--json"))["instance_id"]
    sent = as_json(cli("signal", "exam_opened", "--tenant", "13", "--data", '{"opened_by": "cli"}', "--json"))
    assert sent["delivered"] == [mine] and len(sent["started"]) == 1 and sent["tenant"] == "13"
    info = as_json(cli("instance", str(mine), "--json"))
    assert info["status"] == "completed" and info["variables"]["opened_by"] == "cli"
    assert as_json(cli("instance", str(theirs), "--json"))["status"] == "running"
    started = as_json(cli("instance", str(sent["started"][0]), "--json"))
    assert started["tenant"] == "13" and [t["element_id"] for t in started["tasks"]] == ["book_room"]
    again = cli("signal", "exam_opened", "--tenant", "13")
    assert again.stdout.startswith("signal exam_opened: reached 0 instance(s) [], started 1")


@pytest.mark.parametrize("args, says", [
    (["signal", "exam_opened"], "Missing option '--tenant'"),
    (["signal", "exam_opened", "--tenant", "99"], "a prefecture code"),
    (["signal", "exam_opened", "--tenant", "13", "--data", "[1]"], "--data must be a JSON object"),
], ids=["no-tenant", "bad-tenant", "bad-data"])
def test_kentei_signal_refuses_without_a_prefecture_or_with_bad_data(cli: Run, args: list[str], says: str) -> None:
    assert says in cli(*args, code=2).stderr


# -- the API ---------------------------------------------------------------------------------------
@pytest.fixture
def api(engine, clock, tmp_path):  # type: ignore[no-untyped-def]
    from web import create_app
    engine.settings = replace(engine.settings, keyring_path=tmp_path / "keyring.json")
    identity = Identity(clock=clock, hasher=FAST_HASHER)
    tokens = {}
    with engine.transaction() as s, s.begin():
        for name, tenant, roles in (("admin1-13", "13", ["admin"]), ("reviewer1-13", "13", ["reviewer"]),
                                    ("admin1-27", "27", ["admin"])):
            user: StaffUser = identity.create_user(s, name, name, tenant, roles, "Sakura-2026-haru")
            tokens[name] = issue(s, user, "test", clock.now)
    engine.deploy([("signals.bpmn", SIGNALS.encode())])
    client = create_app(engine=engine, identity=identity, scheduler=False).test_client()

    def call(who: str, body: object):  # type: ignore[no-untyped-def]
        return client.post("/api/v1/signals", json=body, headers={"Authorization": f"Bearer {tokens[who]}"})
    return call


def test_the_api_sends_a_signal_to_the_callers_prefecture_only(engine, api) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = engine.start("applicant", "13"), engine.start("applicant", "27")
    answer = api("admin1-13", {"name": "exam_opened", "data": {"opened_by": "api"}})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["delivered"] == [mine] and len(body["started"]) == 1 and "exam_opened" not in answer.text
    assert engine.instance(mine)["status"] == "completed" and engine.instance(mine)["variables"]["opened_by"] == "api"
    assert engine.instance(theirs)["status"] == "running"
    assert engine.instance(body["started"][0])["tenant"] == "13"
    assert next(e for e in engine.history(mine) if e["kind"] == "signal")["actor"] == "admin1-13"


@pytest.mark.parametrize("who, body, status, field", [
    ("reviewer1-13", {"name": "exam_opened"}, 403, None),
    ("admin1-13", {}, 400, "name"),
    ("admin1-13", {"name": " "}, 400, "name"),
    ("admin1-13", {"name": "x" * 256}, 400, "name"),
    ("admin1-13", {"name": "exam_opened", "data": [1]}, 400, "data"),
], ids=["not-admin", "no-name", "blank-name", "long-name", "data-not-object"])
def test_the_api_refuses_non_admins_and_bad_bodies(engine, api, who, body, status, field) -> None:  # type: ignore[no-untyped-def]
    waiting = engine.start("applicant", "13")
    answer = api(who, body)
    assert answer.status_code == status and answer.get_json()["field"] == field
    assert engine.instance(waiting)["status"] == "running"


# -- thrown signals: right after the commit, and what a crash left ---------------------------------
def test_a_thrown_signal_reaches_other_instances_after_the_throw_commits(engine) -> None:  # type: ignore[no-untyped-def]
    engine.deploy([("signals.bpmn", SIGNALS.encode())])
    waiting = engine.start("applicant", "13")
    thrower = engine.start("announce", "13")
    assert engine.instance(thrower)["status"] == "completed"
    assert engine.instance(waiting)["status"] == "completed"
    with engine.read() as conn:  # delivered: the row is gone, the receiver's history says where it came from
        assert conn.execute(text("SELECT count(*) FROM thrown_signal")).scalar() == 0
    [event] = [e for e in engine.history(waiting) if e["kind"] == "signal"]
    assert event["actor"] == f"instance:{thrower}" and event["detail"]["name"] == "exam_opened"


def test_a_thrown_signal_left_pending_by_a_crash_is_delivered_by_the_next_pass(engine) -> None:  # type: ignore[no-untyped-def]
    engine.deploy([("signals.bpmn", SIGNALS.encode())])
    waiting = engine.start("applicant", "13")
    engine.publish = lambda step: None  # the process dies between the throw's commit and the delivery
    engine.start("announce", "13")
    del engine.publish
    assert engine.instance(waiting)["status"] == "running"
    assert deliver_thrown(engine) == 1 and deliver_thrown(engine) == 0
    assert engine.instance(waiting)["status"] == "completed"


# -- a message start event, from outside -------------------------------------------------------------
FILING = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://kentei.test">
  <bpmn:message id="m_filed" name="paper_filed"/>
  <bpmn:process id="paper_filing" isExecutable="true">
    <bpmn:startEvent id="on_filed"><bpmn:messageEventDefinition messageRef="m_filed"/>
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="messageSenders" value="payment"/>
        <camunda:property name="messageVariables" value="amount"/>
      </camunda:properties></bpmn:extensionElements>
    </bpmn:startEvent>
    <bpmn:userTask id="check_paper"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="on_filed" targetRef="check_paper"/>
    <bpmn:sequenceFlow id="f2" sourceRef="check_paper" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_message_from_outside_starts_an_instance_as_its_start_event_declares(engine, clock, tmp_path):  # type: ignore[no-untyped-def]
    from web import create_app
    engine.settings = replace(engine.settings, keyring_path=tmp_path / "keyring.json")
    identity = Identity(clock=clock, hasher=FAST_HASHER)
    tokens = {}
    with engine.transaction() as s, s.begin():
        for name, roles in (("payment1-13", ["payment"]), ("admin1-13", ["admin"])):
            tokens[name] = issue(s, identity.create_user(s, name, name, "13", roles, "Sakura-2026-haru"), "t",
                                 clock.now)
    engine.deploy([("filing.bpmn", FILING.encode())])
    client = create_app(engine=engine, identity=identity, scheduler=False).test_client()

    def send(who: str, data: dict) -> object:  # type: ignore[type-arg]
        return client.post("/api/v1/messages", json={"name": "paper_filed", "key": "13-2026-P000001", "data": data},
                           headers={"Authorization": f"Bearer {tokens[who]}"})
    assert send("admin1-13", {"amount": 1}).status_code == 403  # not a declared sender
    assert send("payment1-13", {"amount": 1, "grade": 1}).status_code == 400  # a variable it may not set
    started = send("payment1-13", {"amount": 3100})
    assert started.status_code == 200 and started.get_json()["status"] == "started"
    info = engine.instance(started.get_json()["instance_id"])
    assert info["tenant"] == "13" and info["business_key"] == "13-2026-P000001"
    assert info["variables"]["amount"] == 3100 and [t["element_id"] for t in info["tasks"]] == ["check_paper"]
