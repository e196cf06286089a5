"""/engine-rest measured: Camunda Modeler's deploy, a long poll's wake-up, and an outside worker's throughput.

    .venv/bin/python bench/rest.py                 # SQLite
    .venv/bin/python bench/rest.py --pg            # … and PostgreSQL (a throw-away server)

Each case runs side by side with its in-process counterpart in the same run (these machines are noisy):
  deploy   workflows/ (7 files) with one changed byte each time: POST /engine-rest/deployment/create over real
           HTTP (multipart, Basic, duplicate filtering, as the Modeler sends it) against engine.deploy();
           the Modeler gives up after 5 s.
  wake     a fetchAndLock long poll (asyncResponseTimeout 10 s) waiting while an instance with an outside task
           starts: the time from the start's commit to the poll's answer.
  worker   N instances with one external task each, served by an outside worker over HTTP (fetchAndLock of 10,
           complete) against the same work done by kentei's own worker (a remote handler, engine.run_jobs).
The last line is JSON with every figure.
"""
from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.bootstrap import bootstrap  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.identity import Identity  # noqa: E402
from engine.identity.passwords import FAST_HASHER  # noqa: E402
from handlers.catalog import default_registry, Adapters  # noqa: E402

PASSWORD = "Bench-Password-2026"
OUTSIDE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  id="d" targetNamespace="http://kentei.bench">
  <bpmn:process id="{key}" isExecutable="true">
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <bpmn:serviceTask id="t" camunda:type="external" camunda:topic="{topic}"/>
    <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/><bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>"""


def ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 1)}


def setup(url: str, folder: Path):  # type: ignore[no-untyped-def]
    from web import create_app
    settings = Settings(database_url=url, keyring_path=folder / "keyring.json", external_topics=("ext.*",))
    adapters = Adapters(url, settings.keyring_path, settings.jukinet_url, settings.national_url, settings.smtp_host,
                        settings.smtp_port, settings.mail_from, settings.staff_mail)
    handlers = default_registry(adapters)
    handlers.register("bench.inside", lambda ctx, data: {"done": True}, "remote")
    engine = bootstrap(settings, handlers=handlers)
    engine.settings = replace(engine.settings, keyring_path=folder / "keyring.json")
    identity = Identity(clock=engine.now, hasher=FAST_HASHER)
    with engine.transaction() as s, s.begin():
        identity.create_user(s, "analyst1-13", "分析", "13", ["analyst"], PASSWORD)
        identity.create_user(s, "worker1-13", "ワーカー", "13", ["worker"], PASSWORD)
    app = create_app(engine=engine, identity=identity, scheduler=False)
    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return engine, server, f"http://127.0.0.1:{server.server_port}/engine-rest"


def deploy_case(engine, base: str, runs: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    files = sorted((ROOT / "workflows").glob("*.[bd][pm][mn]*"))
    contents = {f.name: f.read_bytes() for f in files}
    session = requests.Session()
    session.auth = ("analyst1-13", PASSWORD)
    session.headers["accept"] = "application/json"
    http, direct = [], []
    for n in range(runs):
        changed = dict(contents)
        changed["application.bpmn"] = contents["application.bpmn"] + f"\n<!-- bench {n} -->\n".encode()
        parts = [(name, (name, data, "text/xml")) for name, data in changed.items()]
        t = time.perf_counter()
        answer = session.post(f"{base}/deployment/create", files=parts, timeout=30, data={
            "deployment-name": "bench", "deployment-source": "Camunda Modeler", "enable-duplicate-filtering": "true"})
        http.append(time.perf_counter() - t)
        assert answer.status_code == 200, answer.text[:300]
        changed["application.bpmn"] += b"<!-- direct -->\n"
        t = time.perf_counter()
        engine.deploy(list(changed.items()), actor="bench", tenant="13")
        direct.append(time.perf_counter() - t)
    t = time.perf_counter()
    same = session.post(f"{base}/deployment/create", files=parts, timeout=30, data={
        "deployment-name": "bench", "deployment-source": "Camunda Modeler", "enable-duplicate-filtering": "true"})
    unchanged = time.perf_counter() - t
    assert same.json()["deployedProcessDefinitions"] is None
    return {"files": len(files), "kb": round(sum(map(len, contents.values())) / 1024), "http": ms(http),
            "direct": ms(direct), "ratio": round(statistics.median(http) / statistics.median(direct), 2),
            "unchanged_ms": round(unchanged * 1000, 1)}


def wake_case(engine, base: str, runs: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    engine.deploy([("wake.bpmn", OUTSIDE.format(key="wake", topic="ext.wake").encode())], tenant="13")
    session = requests.Session()
    session.auth = ("worker1-13", PASSWORD)
    waits = []
    for _ in range(runs):
        answered: list[float] = []

        def poll() -> None:
            got = session.post(f"{base}/external-task/fetchAndLock", timeout=30, json={
                "workerId": "bench", "maxTasks": 1, "asyncResponseTimeout": 10000,
                "topics": [{"topicName": "ext.wake", "lockDuration": 60000}]}).json()
            answered.append(time.perf_counter())
            for task in got:
                session.post(f"{base}/external-task/{task['id']}/complete", json={"workerId": "bench"}, timeout=30)
        thread = threading.Thread(target=poll)
        thread.start()
        time.sleep(0.3)  # the poll is waiting
        engine.start("wake", "13")
        committed = time.perf_counter()
        thread.join(15)
        waits.append(answered[0] - committed)
    return ms(waits)


def worker_case(engine, base: str, n: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    engine.deploy([("outside_bench.bpmn", OUTSIDE.format(key="outside_bench", topic="ext.bench").encode()),
                   ("inside_bench.bpmn", OUTSIDE.format(key="inside_bench", topic="bench.inside").encode())],
                  tenant="13")
    for _ in range(n):
        engine.start("outside_bench", "13", {"grade": "2級"})
        engine.start("inside_bench", "13", {"grade": "2級"})
    session = requests.Session()
    session.auth = ("worker1-13", PASSWORD)
    t, done = time.perf_counter(), 0
    while done < n:
        tasks = session.post(f"{base}/external-task/fetchAndLock", timeout=30, json={
            "workerId": "bench", "maxTasks": 10, "topics": [{"topicName": "ext.bench", "lockDuration": 60000}]}).json()
        for task in tasks:
            answer = session.post(f"{base}/external-task/{task['id']}/complete", timeout=30, json={
                "workerId": "bench", "variables": {"done": {"value": True, "type": "Boolean"}}})
            assert answer.status_code == 204, answer.text
            done += 1
    outside = time.perf_counter() - t
    t, done = time.perf_counter(), 0
    while done < n:
        done += engine.run_jobs("bench", 10).get("done", 0)
    inside = time.perf_counter() - t
    return {"n": n, "outside_per_s": round(n / outside, 1), "inside_per_s": round(n / inside, 1),
            "ratio": round(outside / inside, 2)}


def run(url: str, database: str, folder: Path, args: argparse.Namespace) -> dict[str, object]:
    engine, server, base = setup(url, folder)
    try:
        result = {"deploy": deploy_case(engine, base, args.runs), "wake": wake_case(engine, base, args.runs),
                  "worker": worker_case(engine, base, args.n)}
    finally:
        server.shutdown()
        engine.db.dispose()
    d, w, k = result["deploy"], result["wake"], result["worker"]
    print(f"{database:>10}  deploy {d['files']} files ({d['kb']} KB): HTTP {d['http']['median_ms']} ms "  # type: ignore[index]
          f"(p95 {d['http']['p95_ms']}), engine.deploy {d['direct']['median_ms']} ms, ×{d['ratio']}; "  # type: ignore[index]
          f"unchanged {d['unchanged_ms']} ms")  # type: ignore[index]
    print(f"{'':>10}  long poll woken {w['median_ms']} ms after the commit (p95 {w['p95_ms']})")  # type: ignore[index]
    print(f"{'':>10}  worker over HTTP {k['outside_per_s']}/s, kentei's own worker {k['inside_per_s']}/s, "  # type: ignore[index]
          f"×{k['ratio']}")  # type: ignore[index]
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=15, help="deploys and long polls per database")
    p.add_argument("-n", type=int, default=300, help="external tasks per worker")
    p.add_argument("--pg", action="store_true", help="also PostgreSQL, on a throw-away server (tests.support.pg_server)")
    args = p.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log per request
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as folder:
        out["sqlite"] = run(f"sqlite:///{folder}/rest.db", "sqlite", Path(folder), args)
        if args.pg:
            from tests.support.pg_server import PgServer
            server = PgServer()
            try:
                out["postgresql"] = run(server.create_database("kentei_bench_rest"), "postgresql", Path(folder), args)
            finally:
                server.stop()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
