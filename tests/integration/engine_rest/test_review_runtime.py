"""Review of the runtime part of /engine-rest: what a Camunda 7 client would have got differently, 500s on bad
input, and races (a long poll whose client went away, a server that stops)."""
from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import replace
from urllib.parse import urlparse

import pytest
import requests

from tests.integration.engine_rest.conftest import basic
from tests.integration.engine_rest.runtime_bpmn import PAYMENT
from tests.integration.engine_rest.runtime_bpmn import deploy as deploy_in
from tests.integration.engine_rest.test_external_tasks import B, C, deploy, fetch

R = "/engine-rest"
URL = f"{R}/external-task"


@pytest.fixture
def settings(settings):  # type: ignore[no-untyped-def]
    return replace(settings, external_topics=("ext.*",))


def test_message_to_all_with_no_match_reaches_no_one_without_an_error(rest):  # type: ignore[no-untyped-def]
    """Camunda's correlateAll returns an empty list when nothing matches (CorrelateAllMessageCmd): 204, or []."""
    deploy_in(rest.engine, "13", ("payment.bpmn", PAYMENT))
    for body in ({"messageName": "paid", "all": True}, {"messageName": "paid", "all": True, "businessKey": "none"},
                 {"messageName": "paid", "all": True, "tenantId": "27"},
                 {"messageName": "nobody-waits", "all": True, "correlationKeys": {"x": {"value": 1}}}):
        got = rest("POST", f"{R}/message", who="payment1-13", json=body)
        assert got.status_code == 204, (body, got.get_json())
        got = rest("POST", f"{R}/message", who="payment1-13", json=body | {"resultEnabled": True})
        assert got.status_code == 200 and got.get_json() == [], body
    # without `all`, no match stays Camunda's 400
    assert rest("POST", f"{R}/message", who="payment1-13", json={"messageName": "paid"}).status_code == 400


def test_huge_lock_durations_and_retry_timeouts_are_no_500(rest):  # type: ignore[no-untyped-def]
    """A Java long that overflows a date (Long.MAX_VALUE as 'for ever') locks far ahead, never a traceback."""
    deploy(rest.engine)
    rest.engine.start("outside", "13", {})
    big = 2**62
    got = fetch(rest, topics=[{"topicName": "ext.check", "lockDuration": big}])
    assert got.status_code == 200, got.get_data(as_text=True)[:300]
    [task] = got.get_json()
    assert task["lockExpirationTime"].startswith(("2", "3", "4", "5", "6", "7", "8", "9"))
    url = f"{URL}/{task['id']}"
    for path, body in (("extendLock", {"workerId": "w1", "newDuration": big}),
                       ("lock", {"workerId": "w1", "lockDuration": 2**63 - 1}),
                       ("failure", {"workerId": "w1", "errorMessage": "x", "retries": 1, "retryTimeout": big})):
        answer = rest("POST", f"{url}/{path}", who="worker1-13", json=body)
        assert answer.status_code == 204, (path, answer.get_data(as_text=True)[:300])
    assert rest("GET", url, who="worker1-13").status_code == 200


def _raw_poll(base: str, timeout_ms: int) -> socket.socket:
    """A fetchAndLock long poll sent on a raw socket, so that the test can hang up on it."""
    where = urlparse(base)
    body = json.dumps({"workerId": "gone", "maxTasks": 1, "asyncResponseTimeout": timeout_ms,
                       "topics": [{"topicName": "ext.check", "lockDuration": 600000}]}).encode()
    sock = socket.create_connection((where.hostname, where.port))
    sock.sendall(b"POST " + where.path.encode() + b"/external-task/fetchAndLock HTTP/1.1\r\nHost: x\r\n"
                 b"Authorization: " + basic("worker1-13").encode() + b"\r\nContent-Type: application/json\r\n"
                 b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    return sock


def _threads() -> int:
    return sum(1 for t in threading.enumerate() if t.name.startswith("Thread-") and "process_request" in t.name)


def test_a_long_poll_whose_client_hung_up_locks_nothing_and_ends(rest_server):  # type: ignore[no-untyped-def]
    """A worker that disconnects mid-poll (killed, restarted, its HTTP timeout) must not get the next task locked
    to it for lockDuration, and its server thread is freed."""
    engine = rest_server.rest.engine
    deploy(engine)
    before = _threads()
    sock = _raw_poll(rest_server.base, 60000)
    time.sleep(0.5)
    assert _threads() == before + 1  # the poll waits
    sock.close()
    time.sleep(1.6)
    iid = engine.start("outside", "13", {})
    time.sleep(0.3)
    got = requests.post(f"{rest_server.base}/external-task/fetchAndLock", headers={"Authorization": basic("worker1-13")},
                        json={"workerId": "alive", "maxTasks": 1,
                              "topics": [{"topicName": "ext.check", "lockDuration": 1000}]}, timeout=10).json()
    assert [t["processInstanceId"] for t in got] == [str(iid)]  # not locked to the worker that went away
    deadline = time.monotonic() + 3
    while _threads() > before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _threads() == before


def test_a_long_poll_ends_when_the_engine_stops(rest_server):  # type: ignore[no-untyped-def]
    """Disposing the engine (the server stopping) answers waiting polls [] instead of holding them."""
    engine = rest_server.rest.engine
    deploy(engine)
    out: list = []

    def poll() -> None:
        started = time.monotonic()
        answer = requests.post(f"{rest_server.base}/external-task/fetchAndLock",
                               headers={"Authorization": basic("worker1-13")},
                               json={"workerId": "w", "maxTasks": 1, "asyncResponseTimeout": 60000,
                                     "topics": [{"topicName": "ext.check", "lockDuration": 1000}]}, timeout=70)
        out.append((time.monotonic() - started, answer.json()))
    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.5)
    engine.db.dispose()
    poller.join(10)
    assert out and out[0][1] == [] and out[0][0] < 5, out


CAUGHT = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="{B}" xmlns:camunda="{C}" id="d9" targetNamespace="http://kentei.test">
  <bpmn:error id="notFound" name="not found" errorCode="NOT_FOUND"/>
  <bpmn:process id="caught" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:serviceTask id="work" camunda:type="external" camunda:topic="ext.caught"/>
    <bpmn:boundaryEvent id="missing" attachedToRef="work">
      <bpmn:errorEventDefinition errorRef="notFound" camunda:errorCodeVariable="code"
                                 camunda:errorMessageVariable="why"/>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="done"/>
    <bpmn:sequenceFlow id="f3" sourceRef="missing" targetRef="look"/>
    <bpmn:userTask id="look" camunda:candidateGroups="reviewer"/>
    <bpmn:sequenceFlow id="f4" sourceRef="look" targetRef="done"/>
    <bpmn:endEvent id="done"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_bpmn_error_sets_the_workers_variables_and_the_catchers_not_error_code_variables(rest):  # type: ignore[no-untyped-def]
    """Camunda sets the bpmnError's `variables` and the catching event's errorCodeVariable/errorMessageVariable;
    a process variable the process itself calls errorMessage (or errorCode) is not overwritten."""
    deploy(rest.engine, ("caught.bpmn", CAUGHT))
    iid = rest.engine.start("caught", "13", {"errorMessage": "the applicant's own note", "n": 1})
    [task] = fetch(rest, topics=[{"topicName": "ext.caught", "lockDuration": 1000}]).get_json()
    thrown = rest("POST", f"{URL}/{task['id']}/bpmnError", who="worker1-13", json={
        "workerId": "w1", "errorCode": "NOT_FOUND", "errorMessage": "no such resident",
        "variables": {"reason": {"value": "moved", "type": "string"}}})
    assert thrown.status_code == 204, thrown.get_json()
    variables = rest.engine.instance(iid)["variables"]
    assert variables["reason"] == "moved" and variables["code"] == "NOT_FOUND" and variables["why"] == "no such resident"
    assert variables["errorMessage"] == "the applicant's own note" and "errorCode" not in variables
    assert [t["element_id"] for t in rest.engine.tasks(instance_id=iid)] == ["look"]


def test_history_lists_an_external_task_once_from_its_creation_to_its_completion(rest, clock):  # type: ignore[no-untyped-def]
    deploy(rest.engine)
    iid = rest.engine.start("outside", "13", {})
    [task] = fetch(rest).get_json()
    clock.advance(seconds=5)
    assert rest("POST", f"{URL}/{task['id']}/complete", who="worker1-13", json={"workerId": "w1"}).status_code == 204
    found = rest("GET", f"{R}/history/activity-instance?processInstanceId={iid}", who="admin1-13").get_json()
    assert [a["activityId"] for a in found] == ["start", "work", "done"]
    work = found[1]
    assert work["id"] == f"work:{task['executionId']}" and work["executionId"] == task["executionId"]
    assert work["startTime"] == "2026-04-01T00:00:00.000+0000" and work["endTime"] == "2026-04-01T00:00:05.000+0000"
    assert work["durationInMillis"] == 5000 and work["activityType"] == "serviceTask"
    count = rest("GET", f"{R}/history/activity-instance/count?processInstanceId={iid}&activityId=work", who="admin1-13")
    assert count.get_json() == {"count": 1}


def test_a_variable_fixed_through_the_api_reaches_the_next_fetch_of_a_waiting_task(rest):  # type: ignore[no-untyped-def]
    """Camunda fetches the execution's current variables: an operator fixes a value (or the Java worker calls
    setVariables) and the retried task carries it, not the value it had when it was created."""
    deploy(rest.engine)
    iid = rest.engine.start("outside", "13", {"postcode": "1000001", "kept": True})
    [task] = fetch(rest).get_json()
    failed = rest("POST", f"{URL}/{task['id']}/failure", who="worker1-13",
                  json={"workerId": "w1", "errorMessage": "unknown postcode", "retries": 0})
    assert failed.status_code == 204
    fixed = rest("POST", f"{R}/process-instance/{iid}/variables", who="admin1-13", json={
        "modifications": {"postcode": {"value": "1000002", "type": "String"}}, "deletions": ["kept"]})
    assert fixed.status_code == 204
    assert rest("PUT", f"{URL}/{task['id']}/retries", who="admin1-13", json={"retries": 1}).status_code == 204
    [again] = fetch(rest).get_json()
    assert again["variables"] == {"postcode": {"type": "String", "value": "1000002", "valueInfo": {}}}
    assert rest("POST", f"{URL}/{again['id']}/complete", who="worker1-13", json={"workerId": "w1"}).status_code == 204
    assert rest.engine.instance(iid)["variables"] == {"postcode": "1000002"}


def test_a_filtered_fetch_finds_its_task_behind_a_page_of_others(rest, monkeypatch):  # type: ignore[no-untyped-def]
    """The topic's filters go to the database, and the ones judged in Python read further pages: a worker asking
    for one business key or one variable value gets its task however many others are due before it."""
    from engine import external_tasks
    monkeypatch.setattr(external_tasks, "CANDIDATES", 4)  # a page of 4 instead of 500: the same code, less data
    deploy(rest.engine)
    for n in range(10):
        rest.engine.start("outside", "13", {"grade": "1級"}, business_key=f"13-2026-B{n:06d}")
    wanted = rest.engine.start("outside", "13", {"grade": "2級"}, business_key="13-2026-WANTED")
    by_key = fetch(rest, topics=[{"topicName": "ext.check", "lockDuration": 1000, "businessKey": "13-2026-WANTED"}])
    assert [t["processInstanceId"] for t in by_key.get_json()] == [str(wanted)]
    rest("POST", f"{URL}/{by_key.get_json()[0]['id']}/unlock", who="worker1-13")
    by_variable = fetch(rest, topics=[{"topicName": "ext.check", "lockDuration": 1000,
                                       "processVariables": {"grade": "2級"}}])
    assert [t["processInstanceId"] for t in by_variable.get_json()] == [str(wanted)]
