"""Several workers against one database: each job runs once, each timer fires once, no step is lost."""
from __future__ import annotations

import threading


from tests.conftest import deploy_fixture


def _race(n_threads: int, fn) -> list:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(n_threads)
    results: list = []
    errors: list = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results.append(fn(i))
        except Exception as exc:  # collected and re-raised by the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    if errors:
        raise errors[0]
    return results


def test_two_workers_run_each_job_once(engine, handlers):  # type: ignore[no-untyped-def]
    calls: list[str] = []
    lock = threading.Lock()

    def juki(ctx, data):  # type: ignore[no-untyped-def]
        with lock:
            calls.append(ctx.idempotency_key)
        return {"hits": 1}

    handlers.register("test.remote", juki, "remote")
    deploy_fixture(engine, "remote.bpmn")
    ids = [engine.start("remote", "13") for _ in range(20)]

    def drain(i: int) -> int:
        done = 0
        while True:
            counts = engine.run_jobs(f"w{i}", limit=3)
            if not counts:
                return done
            done += counts.get("done", 0)

    assert sum(_race(2, drain)) == 20
    assert len(calls) == len(set(calls)) == 20
    assert {t["instance_id"] for t in engine.tasks()} == set(ids)


def test_two_workers_fire_each_timer_once(engine, handlers, clock):  # type: ignore[no-untyped-def]
    handlers.register("test.register", lambda ctx, data: None, "local")
    deploy_fixture(engine, "reminder.bpmn")
    ids = [engine.start("reminder", "13") for _ in range(15)]
    clock.advance(days=3)
    fired = _race(2, lambda i: engine.fire_due_timers())
    assert sum(fired) == 15
    for iid in ids:
        timers = [h for h in engine.history(iid) if h["kind"] == "timer"]
        assert len(timers) == 1


def test_concurrent_completions_of_one_task_apply_once(engine, handlers):  # type: ignore[no-untyped-def]
    handlers.register("test.register", lambda ctx, data: None, "local")
    deploy_fixture(engine, "reminder.bpmn")
    iid = engine.start("reminder", "13")
    [task] = engine.tasks()
    from engine.errors import Conflict

    def complete(i: int) -> str:
        try:
            engine.complete_task(task["id"], f"scorer{i}", {})
            return "ok"
        except Conflict:
            return "conflict"

    assert sorted(_race(3, complete)) == ["conflict", "conflict", "ok"]
    completed = [h for h in engine.history(iid) if h["kind"] == "task_completed"]
    assert len(completed) == 1
