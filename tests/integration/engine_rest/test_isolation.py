"""Prefecture isolation through every /engine-rest route: a user of 27 (admin, reviewer, worker, analyst) sees
nothing of 13's own definitions, deployments, instances, tasks, external tasks, incidents and history: every
route naming a 13 object is a 4xx, every list and count shows none of it, and nothing of 13 changes.
The routes are read from the app, so a new route is swept without being listed here."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

B = "http://www.omg.org/spec/BPMN/20100524/MODEL"
C = "http://camunda.org/schema/1.0/bpmn"
SECRET_NAME = "秘密の名前"
SECRET_KEY = "13-2026-SECRET1"
PROCESS = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="{B}" xmlns:camunda="{C}" id="defs" targetNamespace="http://kentei.test">
  <bpmn:message id="m" name="secret_msg"/>
  <bpmn:process id="secret13_process" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="split"/>
    <bpmn:parallelGateway id="split"/>
    <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="review"/>
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="outside"/>
    <bpmn:sequenceFlow id="f4" sourceRef="split" targetRef="wait_msg"/>
    <bpmn:userTask id="review" name="審査" camunda:candidateGroups="reviewer"/>
    <bpmn:serviceTask id="outside" camunda:type="external" camunda:topic="ext.secret"/>
    <bpmn:receiveTask id="wait_msg" messageRef="m"/>
    <bpmn:sequenceFlow id="f5" sourceRef="review" targetRef="join"/>
    <bpmn:sequenceFlow id="f6" sourceRef="outside" targetRef="join"/>
    <bpmn:sequenceFlow id="f7" sourceRef="wait_msg" targetRef="join"/>
    <bpmn:parallelGateway id="join"/>
    <bpmn:sequenceFlow id="f8" sourceRef="join" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""
DECISION = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="http://kentei.test">
  <decision id="secret13_decision" name="secret">
    <decisionTable id="t"><input id="i"><inputExpression typeRef="number"><text>score</text></inputExpression></input>
      <output id="o" name="passed" typeRef="boolean"/>
      <rule id="r1"><inputEntry><text>&gt;= 60</text></inputEntry><outputEntry><text>true</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>"""
OUTSIDERS = ("admin1-27", "reviewer1-27", "worker1-27", "analyst1-27")


@pytest.fixture
def settings(settings):  # type: ignore[no-untyped-def]
    return replace(settings, external_topics=("ext.*",))


def _world(rest: Any) -> dict[str, str]:
    """13's own objects, one of each kind; returns the values to put into each route's path parameters."""
    engine = rest.engine
    engine.deploy([("secret.bpmn", PROCESS.encode()), ("secret.dmn", DECISION.encode())], tenant="13")
    iid = engine.start("secret13_process", "13", {"applicant_name": SECRET_NAME}, business_key=SECRET_KEY)
    failing = engine.start("secret13_process", "13", {"applicant_name": SECRET_NAME}, business_key="13-2026-SECRET2")
    fetched = rest("POST", "/engine-rest/external-task/fetchAndLock", who="worker1-13", json={
        "workerId": "w13", "maxTasks": 5, "topics": [{"topicName": "ext.secret", "lockDuration": 600000}]}).get_json()
    by_instance = {t["processInstanceId"]: t["id"] for t in fetched}
    failed = rest("POST", f"/engine-rest/external-task/{by_instance[str(failing)]}/failure", who="worker1-13",
                  json={"workerId": "w13", "errorMessage": "秘密の失敗", "retries": 0, "retryTimeout": 0})
    assert failed.status_code == 204
    [incident] = rest("GET", "/engine-rest/incident", who="admin1-13").get_json()
    [definition] = rest("GET", "/engine-rest/process-definition?key=secret13_process", who="admin1-13").get_json()
    [decision] = rest("GET", "/engine-rest/decision-definition?key=secret13_decision", who="admin1-13").get_json()
    [resource, *_] = rest("GET", f"/engine-rest/deployment/{definition['deploymentId']}/resources",
                          who="admin1-13").get_json()
    [task] = rest("GET", f"/engine-rest/task?processInstanceId={iid}", who="reviewer1-13").get_json()
    return {"instance_id": str(iid), "task_id": task["id"], "incident_id": incident["id"],
            "job_id": incident["configuration"], "definition_id": definition["id"], "tenant_id": "13",
            "resource_id": resource["id"], "name": "applicant_name", "external_task": by_instance[str(iid)],
            "process": definition["id"], "decision": decision["id"], "deployment": definition["deploymentId"],
            "process_key": "secret13_process", "decision_key": "secret13_decision"}


def _fill(rule: str, ids: dict[str, str]) -> str:
    """A route with 13's objects in its parameters (ident and key by the resource the route is under)."""
    resource = rule.split("/")[2]
    ident = {"decision-definition": ids["decision"], "deployment": ids["deployment"],
             "external-task": ids["external_task"], "process-definition": ids["process"]}.get(resource, "")
    key = ids["decision_key"] if resource == "decision-definition" else ids["process_key"]
    values = {**ids, "ident": ident, "key": key}
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: values[m.group(1)], rule)


def _routes(app: Any) -> list[tuple[str, str]]:
    return sorted((method, rule.rule) for rule in app.url_map.iter_rules()
                  if rule.endpoint.startswith("engine_rest.") and rule.rule.startswith("/engine-rest/")
                  and not rule.rule.startswith("/engine-rest/engine/default")
                  for method in (rule.methods or set()) - {"HEAD", "OPTIONS"})


def _leaks(text: str, ids: dict[str, str]) -> list[str]:
    found = [s for s in (SECRET_NAME, SECRET_KEY, "secret13_process", "secret13_decision", "秘密の失敗",
                         ids["task_id"], ids["deployment"]) if s in text]
    found += [f"instance {ids['instance_id']}" for pattern in (rf'"(processInstanceId|id)":\s*"{ids["instance_id"]}"',)
              if re.search(pattern, text)]
    return found


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_user_of_27_reaches_nothing_of_13_through_any_route(rest):  # type: ignore[no-untyped-def]
    ids = _world(rest)
    before = {k: rest.engine.instance(int(ids["instance_id"]))[k] for k in ("status", "variables", "tasks")}
    routes = _routes(rest.app)
    assert len(routes) > 90
    answered: dict[tuple[str, str], set[int]] = {}
    for method, rule in routes:
        path = _fill(rule, ids)
        for who in OUTSIDERS:
            body = ({"messageName": "secret_msg", "businessKey": SECRET_KEY, "all": True} if rule.endswith("/message")
                    else {"name": "secret_msg"} if rule.endswith("/signal") else {})
            got = rest(method, path, who=who, json=body)
            answered.setdefault((method, rule), set()).add(got.status_code)
            assert got.status_code < 500, (method, path, who, got.get_data(as_text=True)[:300])
            text = got.get_data(as_text=True)
            # a refusal may repeat what the caller sent (the id in the path); nothing else of 13's may appear
            leaks = [x for x in _leaks(text, ids) if got.status_code < 400 or (x not in path and x not in str(body))]
            assert not leaks, (method, path, who, leaks, text[:300])
            if "<" in rule and got.status_code < 300:  # a route naming a 13 object: only a refusal or a no-op
                assert rule.endswith(("/signal", "/message", "/openapi.json")) or method != "GET", (method, path, who)
            if rule.endswith("/count") and got.status_code == 200:  # 13's objects are not counted (none are shared)
                assert got.get_json()["count"] == 0, (path, who)
    after = {k: rest.engine.instance(int(ids["instance_id"]))[k] for k in ("status", "variables", "tasks")}
    assert after == before  # nothing of 13 changed
    # every per-object route was refused for the 27 admin (the role that may do most)
    refused = {(m, r) for (m, r), statuses in answered.items() if "<" in r and statuses <= {400, 403, 404, 405}}
    assert refused == {(m, r) for (m, r) in answered if "<" in r}, sorted(set(answered) - refused)

    # 27's worker fetches nothing of 13's topic, and 13's lock stays as it was
    fetched = rest("POST", "/engine-rest/external-task/fetchAndLock", who="worker1-27", json={
        "workerId": "w27", "maxTasks": 5, "topics": [{"topicName": "ext.secret", "lockDuration": 1000}]})
    assert fetched.status_code == 200 and fetched.get_json() == []


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_an_analyst_of_13_reads_no_personal_data_through_any_route(rest):  # type: ignore[no-untyped-def]
    """業務設計担当: definitions, decisions and statistics, never a variable or a name, even of their own
    prefecture; what they may do (deploy, start, evaluate) answers without them too."""
    ids = _world(rest)
    read = 0
    for method, rule in _routes(rest.app):
        if method != "GET":
            continue
        got = rest(method, _fill(rule, ids), who="analyst1-13")
        text = got.get_data(as_text=True)
        assert got.status_code < 500 and SECRET_NAME not in text and "秘密の失敗" not in text, (rule, text[:300])
        read += got.status_code == 200
    assert read >= 20  # the definitions' and decisions' routes answered
    stats = rest("GET", f"/engine-rest/process-definition/{ids['process']}/statistics", who="analyst1-13").get_json()
    assert sum(s["instances"] for s in stats) >= 2  # counts, no data
