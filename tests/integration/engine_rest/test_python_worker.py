"""The real Python worker (camunda-external-task-client-python3) serving a topic of a real diagram over HTTP:
a completion with variables, a failure that is retried and then completes, a BPMN error a boundary catches."""
from __future__ import annotations

import threading
import time
import warnings
from dataclasses import replace

import pytest

with warnings.catch_warnings():  # the client uses pydantic 1's validator, deprecated in pydantic 2
    warnings.simplefilter("ignore", DeprecationWarning)
    from camunda.external_task.external_task_worker import (
        ExternalTaskWorker,
        NoExternalTaskFound,
    )

from tests.integration.engine_rest.conftest import PASSWORD
from tests.integration.engine_rest.test_external_tasks import deploy

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def settings(settings):  # type: ignore[no-untyped-def]
    return replace(settings, external_topics=("ext.*",))


def handle(task):  # type: ignore[no-untyped-def]
    case = task.get_variable("case")
    if case == "missing":
        return task.bpmn_error("NOT_FOUND", "no such resident", {"reason": "moved away"})
    if case == "flaky" and task._context.get("retries") is None:  # the first attempt fails
        return task.failure("Juki-net timed out", "TimeoutError: 30 s", max_retries=3, retry_timeout=200)
    return task.complete({"checked": True, "score": 87, "seen": task.get_variable("name"),
                          "attempt": "second" if task._context.get("retries") else "first"})


def test_the_python_worker_completes_retries_and_throws(rest_server):  # type: ignore[no-untyped-def]
    engine = rest_server.rest.engine
    deploy(engine)
    ok = engine.start("outside", "13", {"case": "ok", "name": "佐藤"})
    flaky = engine.start("outside", "13", {"case": "flaky", "name": "Kato"})
    missing = engine.start("outside", "13", {"case": "missing", "name": "Ito"})
    worker = ExternalTaskWorker(worker_id="python-worker", base_url=rest_server.base, config={
        "auth_basic": {"username": "worker1-13", "password": PASSWORD}, "maxTasks": 2, "lockDuration": 10000,
        "asyncResponseTimeout": 1000, "sleepSeconds": 0, "isDebug": False})
    stop = threading.Event()
    errors: list[BaseException] = []

    def loop() -> None:
        while not stop.is_set():
            try:
                worker.fetch_and_execute("ext.check", handle)
            except NoExternalTaskFound:
                continue
            except BaseException as exc:  # the client raises on any answer it cannot use
                errors.append(exc)
                return
    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    try:
        while time.monotonic() < deadline and not errors:
            if all(engine.instance(i)["status"] == "completed" for i in (ok, flaky, missing)):
                break
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(10)
    assert not errors, errors
    first, second, third = (engine.instance(i) for i in (ok, flaky, missing))
    assert first["status"] == "completed" and first["variables"] | {} == {
        "case": "ok", "name": "佐藤", "checked": True, "score": 87, "seen": "佐藤", "attempt": "first"}
    assert second["status"] == "completed" and second["variables"]["attempt"] == "second"
    assert third["status"] == "completed" and third["variables"]["reason"] == "moved away"
    assert [e["element_id"] for e in engine.history(missing) if e["kind"] == "step"][-1] == "failed"
    assert engine.incidents("13") == []
    kinds = [e["kind"] for e in engine.history(flaky)]
    assert kinds.count("job_completed") == 1
