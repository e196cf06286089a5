"""The stock Camunda 7 JavaScript worker (camunda-external-task-client-js 3.1, run by Node) serving a topic of an
identity-check diagram over HTTP, as an outside worker would against Camunda: long polling woken by the start of
an instance, typed variables both ways (the client's lowercase type names), a failure that is retried and then
completes, and a BPMN error that a boundary event catches. The worker is tests/js/worker.mjs."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.integration.engine_rest.conftest import PASSWORD

JS = Path(__file__).resolve().parents[2] / "js"
B = "http://www.omg.org/spec/BPMN/20100524/MODEL"
C = "http://camunda.org/schema/1.0/bpmn"
IDENTITY_CHECK = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="{B}" xmlns:camunda="{C}" id="defs" targetNamespace="http://kentei.test">
  <bpmn:error id="rejected" name="書類不備" errorCode="REJECTED"/>
  <bpmn:process id="identity_check" name="本人確認" isExecutable="true">
    <bpmn:startEvent id="received" name="受付"/>
    <bpmn:sequenceFlow id="f1" sourceRef="received" targetRef="lookup"/>
    <bpmn:serviceTask id="lookup" name="住基照会" camunda:type="external" camunda:topic="ext.jukinet.lookup"/>
    <bpmn:boundaryEvent id="documents_rejected" name="書類不備" attachedToRef="lookup">
      <bpmn:errorEventDefinition errorRef="rejected"/>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="lookup" targetRef="confirmed"/>
    <bpmn:sequenceFlow id="f3" sourceRef="documents_rejected" targetRef="manual_check"/>
    <bpmn:userTask id="manual_check" name="手動確認" camunda:candidateGroups="reviewer"/>
    <bpmn:sequenceFlow id="f4" sourceRef="manual_check" targetRef="checked_by_hand"/>
    <bpmn:endEvent id="confirmed" name="確認済み"/>
    <bpmn:endEvent id="checked_by_hand" name="手動確認済み"/>
  </bpmn:process>
</bpmn:definitions>"""

pytestmark = pytest.mark.skipif(shutil.which("node") is None and os.environ.get("CI") != "true",
                                reason="Node is not installed")


@pytest.fixture
def settings(settings):  # type: ignore[no-untyped-def]
    return replace(settings, external_topics=("ext.*",))


class Worker:
    """The Node process and the JSON lines it prints."""

    def __init__(self, base: str) -> None:
        env = {**os.environ, "BASE_URL": base, "USER_NAME": "worker1-13", "PASSWORD": PASSWORD,
               "TOPIC": "ext.jukinet.lookup", "LONG_POLL_MS": "20000"}
        self.process = subprocess.Popen(["node", str(JS / "worker.mjs")], cwd=JS, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        self.events: list[dict[str, Any]] = []
        self.seen = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        try:
            for line in self.process.stdout:
                with self.seen:
                    self.events.append({**json.loads(line), "at": time.monotonic()})
                    self.seen.notify_all()
        except ValueError:  # stop() closed the pipe
            return

    def wait_for(self, event: str, n: int = 1, timeout: float = 20) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self.seen:
            while len(self.of(event)) < n:
                left = deadline - time.monotonic()
                assert left > 0 and self.process.poll() is None, (event, self.events, self.stderr())
                self.seen.wait(left)
        return self.of(event)

    def of(self, event: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["event"] == event]

    def stderr(self) -> str:
        if self.process.poll() is None or self.process.stderr is None or self.process.stderr.closed:
            return ""
        return self.process.stderr.read()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        for pipe in (self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_the_javascript_worker_long_polls_completes_retries_and_throws(rest_server):  # type: ignore[no-untyped-def]
    engine = rest_server.rest.engine
    engine.deploy([("identity_check.bpmn", IDENTITY_CHECK.encode())], tenant="13")
    worker = Worker(rest_server.base)
    try:
        worker.wait_for("started")
        time.sleep(0.5)  # the worker's first fetchAndLock is waiting (long poll) before anything exists
        started = time.monotonic()
        ok = engine.start("identity_check", "13", {"action": "complete", "grade": "2級"}, business_key="13-2026-A000001")
        [fetched] = worker.wait_for("fetched")
        woken_after = fetched["at"] - started  # answered by the commit that created the task, not at the timeout
        flaky = engine.start("identity_check", "13", {"action": "fail"}, business_key="13-2026-A000002")
        rejected = engine.start("identity_check", "13", {"action": "error"}, business_key="13-2026-A000003")
        worker.wait_for("completed", 2)
        worker.wait_for("bpmn_error")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and engine.instance(flaky)["status"] != "completed":
            time.sleep(0.1)
    finally:
        worker.stop()
    assert woken_after < 5, woken_after  # the long poll waits 20 s; only the commit's wake-up answers sooner
    assert fetched["businessKey"] == "13-2026-A000001" and fetched["grade"] == "2級" and fetched["retries"] is None
    assert fetched["typed"]["grade"]["type"] == "string"  # the client lower-cases what kentei sends capitalised
    done = engine.instance(ok)
    assert done["status"] == "completed"
    assert {k: done["variables"][k] for k in ("checked", "score", "note", "detail")} == {
        "checked": True, "score": 87, "note": "確認済み", "detail": {"rooms": [1, 2], "ok": True}}
    assert done["variables"]["checked_at"].startswith("2026-04-01T")  # a Date, kept as ISO text
    retried = [e for e in worker.events if e.get("event") == "fetched" and e["action"] == "fail"]
    assert len(retried) == 2 and retried[0]["retries"] is None and retried[1]["retries"] == 1
    assert engine.instance(flaky)["status"] == "completed"
    caught = engine.instance(rejected)
    assert caught["status"] == "running" and [t["element_id"] for t in caught["tasks"]] == ["manual_check"]
    assert caught["variables"]["rejected_by"] == "js"
    assert engine.incidents("13") == []
