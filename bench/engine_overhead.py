"""What the engine costs on top of plain SpiffWorkflow, on one lifecycle-shaped process.

    .venv/bin/python bench/engine_overhead.py -n 300            # bare vs engine (SQLite NORMAL, FULL, OFF)
    .venv/bin/python bench/engine_overhead.py -n 300 --pg       # … and PostgreSQL (a throw-away server)
    .venv/bin/python bench/engine_overhead.py --pg-url URL      # … and PostgreSQL at URL (an empty database)
    .venv/bin/python bench/engine_overhead.py -n 300 --profile  # … and where the engine's time goes
    .venv/bin/python bench/engine_overhead.py --memory-check    # peak RSS after 1,000 and 10,000 instances

Every instance walks the same path through bench/lifecycle_process.bpmn (8 local service
tasks, a DMN decision, 4 user tasks, a 14-day timer, a message, 3 exclusive gateways, a
parallel split/join) in each mode:

  bare    SpiffWorkflow in memory: the spec parsed once, one BpmnWorkflow per instance, the
          same script engine, handler functions and DMN evaluator the engine uses; no
          database, no serialization, no history, no projections. The floor.
  engine  Engine.start / tasks / complete_task / correlate / fire_due_timers on a SQLite file
          (WAL) with synchronous=NORMAL; every operation is its own transaction.
  full    the same with synchronous=FULL;  off: with synchronous=OFF (no fsync at all), so
          NORMAL - OFF is what the commits' syncing costs.
  pg      the same on PostgreSQL (fsync on, synchronous_commit on).

The modes run in the same process, interleaved: the instances are split into rounds and
each round runs a slice of every mode, in a rotating order, so that a noisy neighbour hurts
all modes alike. Only the driving of an instance is timed; checking that it completed is not.
The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import io
import json
import os
import platform
import pstats
import resource
import shutil
import sqlite3
import statistics
import sys
import sysconfig
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from SpiffWorkflow import __version__ as SPIFF_VERSION  # noqa: E402
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException  # noqa: E402
from SpiffWorkflow.bpmn.specs.event_definitions import MessageEventDefinition  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import event  # noqa: E402

from engine.bootstrap import bootstrap  # noqa: E402
from engine.bpmn.parser import KenteiParser  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.dmn import load_dmn  # noqa: E402
from engine.script_engine import KenteiScriptEngine  # noqa: E402
from handlers.base import HandlerContext, HandlerRegistry  # noqa: E402

BENCH = Path(__file__).resolve().parent
BPMN_FILE = BENCH / "lifecycle_process.bpmn"
DMN_FILE = BENCH / "lifecycle_pass.dmn"
PROCESS = "lifecycle"
TENANT = "13"
TARGET_RATIO = 2.5
START = datetime(2026, 4, 1, tzinfo=timezone.utc)

# -- the work: one path through the process, the same for every mode ---------------------------
# ("start", data) | ("user", element id, form data) | ("message", name, payload) | ("timer", advance)
SCENARIO: list[tuple[Any, ...]] = [
    ("start", {"grade": "2級", "applicantName": "技能 太郎", "trade": "機械加工"}),
    ("user", "eligibility_review", {"decision": "approve", "years": 3}),
    ("message", "fee_paid", {"paid": True, "amount": 3100}),
    ("timer", timedelta(days=15)),
    ("user", "written_score", {"written": 80}),
    ("user", "practical_score", {"practical": 70}),
    ("user", "final_approval", {"approved": True}),
]
END_EVENT = "end_passed"
# per-operation timing: bare step kind -> the engine call that does the same work
OPS = {"start": "start", "user": "complete_task", "message": "correlate", "timer": "fire_due_timers"}
OP_ROWS = [("start", "start (runs to the first user task)"), ("tasks", "tasks(): find the open user task (engine only)"),
           ("complete_task", "complete_task x4"), ("correlate", "correlate (message)"),
           ("fire_due_timers", "fire_due_timers (timer)")]


# Local handlers: small, pure functions, so that what is measured is the engine, not them.
HANDLERS: dict[str, Callable[[HandlerContext, Any], dict[str, Any] | None]] = {
    "bench.register": lambda ctx, data: {"applicationId": f"A-{ctx.instance_id}"},
    "bench.identity": lambda ctx, data: {"identityOk": True},
    "bench.invoice": lambda ctx, data: {"invoiceNo": f"INV-{ctx.instance_id}", "fee": 3100},
    "bench.payment": lambda ctx, data: {"paymentRecorded": True},
    "bench.schedule": lambda ctx, data: {"examDate": "2026-06-14", "venue": "東京都職業能力開発協会"},
    "bench.certificate": lambda ctx, data: {"certificateNo": f"C-{data['grade']}-{ctx.instance_id}"},
    "bench.notice": lambda ctx, data: {"noticeSent": True},
    "bench.archive": lambda ctx, data: None,
    "bench.notify_rejection": lambda ctx, data: {"noticeSent": True},
    "bench.notify_failure": lambda ctx, data: {"noticeSent": True},
}


def make_registry() -> HandlerRegistry:
    reg = HandlerRegistry()
    for topic, fn in HANDLERS.items():
        reg.register(topic, fn, "local")
    return reg


class Clock:
    """The injected clock: the benchmark moves it past the timer, nothing sleeps."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


# -- bare: plain SpiffWorkflow in memory -------------------------------------------------------
class BareServices:
    """The script engine's fallback: what engine.step.Step does, minus session, savepoint and history."""

    def __init__(self, handlers: HandlerRegistry, decisions: dict[str, Any]) -> None:
        self.handlers = handlers
        self.decisions = decisions
        self.instance_id = 0
        self.business_key: str | None = None

    def run_service(self, task: Any, topic: str) -> bool | None:
        registration = self.handlers.get(topic)
        if registration is None:
            raise WorkflowTaskException(f"no handler is registered for topic '{topic}'", task=task)
        ctx = HandlerContext(topic=topic, instance_id=self.instance_id, tenant=TENANT,
                             business_key=self.business_key, element_id=task.task_spec.bpmn_id,
                             idempotency_key=f"{self.instance_id}:{task.id}", session=None,
                             properties=task.task_spec.extensions.get("properties", {}))
        result = registration.handler(ctx, MappingProxyType(task.data))
        if result:
            task.data.update(result)
        return True

    def evaluate_decision(self, task: Any, decision_ref: str, mapping: str) -> Any:
        return self.decisions[decision_ref].evaluate(task.data, self.decisions).mapped(mapping)


class BareRunner:
    name = "bare"
    label = "bare SpiffWorkflow (in memory)"

    def __init__(self) -> None:
        parser = KenteiParser()
        parser.add_bpmn_file(str(BPMN_FILE))
        self.spec = parser.get_spec(PROCESS)
        self.subs = parser.get_subprocess_specs(PROCESS)
        decisions = load_dmn(DMN_FILE.read_bytes(), DMN_FILE.name)
        self.services = BareServices(make_registry(), decisions)
        self.clock = Clock()
        self.script_engine = KenteiScriptEngine(self.clock, ZoneInfo("Asia/Tokyo"), fallback=self.services)
        self.count = 0
        self.last: Any = None
        self.op_times: dict[str, float] = {}

    def run_one(self) -> None:
        self.count += 1
        self.services.instance_id = self.count
        self.services.business_key = f"B-{self.count}"
        wf: BpmnWorkflow | None = None
        ops, clock = self.op_times, time.perf_counter
        for step in SCENARIO:
            kind = step[0]
            t0 = clock()
            if kind == "start":
                wf = BpmnWorkflow(self.spec, self.subs, script_engine=self.script_engine)
                wf.task_tree.data.update(step[1])
                wf.do_engine_steps()
            elif kind == "user":
                task = next(t for t in wf.get_tasks(state=TaskState.READY, manual=True)
                            if t.task_spec.bpmn_id == step[1])
                task.data.update(step[2])
                task.run()
                wf.do_engine_steps()
            elif kind == "message":
                caught = wf.event_manager.catch(BpmnEvent(MessageEventDefinition(step[1]), payload=dict(step[2])),
                                                internal=False)
                if not caught:
                    raise RuntimeError("bare: the message was not caught")
                wf.do_engine_steps()
            elif kind == "timer":
                self.clock.advance(step[1])
                wf.refresh_timers()
                wf.do_engine_steps()
            ops[OPS[kind]] = ops.get(OPS[kind], 0.0) + clock() - t0
        self.last = wf

    def check_last(self) -> dict[str, Any]:
        wf = self.last
        if not wf.completed or END_EVENT not in {t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.COMPLETED)}:
            raise RuntimeError("bare: the instance did not complete at " + END_EVENT)
        return dict(wf.last_task.data)

    def close(self) -> None:
        pass


# -- the engine -------------------------------------------------------------------------------
class EngineRunner:
    def __init__(self, name: str, label: str, url: str) -> None:
        self.name, self.label, self.url = name, label, url
        self.clock = Clock()
        synchronous = {"engine": "NORMAL", "full": "FULL", "off": "OFF"}.get(name, "NORMAL")
        self.engine = bootstrap(Settings(database_url=url, sqlite_synchronous=synchronous), make_registry(), self.clock)
        self.engine.deploy([(BPMN_FILE.name, BPMN_FILE.read_bytes()), (DMN_FILE.name, DMN_FILE.read_bytes())])
        self.count = 0
        self.last: int | None = None
        self.op_times: dict[str, float] = {}

    def run_one(self) -> None:
        eng = self.engine
        self.count += 1
        key = f"{self.name}-{self.count}"
        iid = None
        ops, clock = self.op_times, time.perf_counter
        for step in SCENARIO:
            kind = step[0]
            t0 = clock()
            if kind == "start":
                iid = eng.start(PROCESS, TENANT, dict(step[1]), business_key=key)
            elif kind == "user":
                task = next(t for t in eng.tasks(instance_id=iid) if t["element_id"] == step[1])
                t1 = clock()
                ops["tasks"] = ops.get("tasks", 0.0) + t1 - t0
                t0 = t1
                eng.complete_task(task["id"], "bench", dict(step[2]))
            elif kind == "message":
                outcome = eng.correlate(step[1], key, dict(step[2]))
                if outcome["status"] != "delivered":
                    raise RuntimeError(f"{self.name}: the message was {outcome['status']}")
            elif kind == "timer":
                self.clock.advance(step[1])
                if eng.fire_due_timers() != 1:
                    raise RuntimeError(f"{self.name}: the timer did not fire")
            ops[OPS[kind]] = ops.get(OPS[kind], 0.0) + clock() - t0
        self.last = iid

    def check_last(self) -> dict[str, Any]:
        info = self.engine.instance(self.last)
        if info["status"] != "completed" or info["incidents"]:
            raise RuntimeError(f"{self.name}: instance {self.last} is {info['status']}, incidents {info['incidents']}")
        return dict(info["variables"])

    def count_transactions(self) -> dict[str, int]:
        """Run one instance counting what reaches SQLite: statements, commits and rollbacks.

        The engine's hot path talks to the driver directly, so SQLAlchemy's events would not see
        its statements; SQLite's own trace callback sees every one.
        """
        counts = {"commit": 0, "rollback": 0, "statements": 0}

        def trace(sql: str) -> None:
            word = sql.split(None, 1)[0].upper() if sql.strip() else ""
            if word == "COMMIT":
                counts["commit"] += 1
            elif word == "ROLLBACK":
                counts["rollback"] += 1
            elif word not in ("BEGIN", "PRAGMA"):
                counts["statements"] += 1

        def on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.set_trace_callback(trace)

        self.engine.db.dispose()  # new connections, each with the trace callback
        event.listen(self.engine.db, "connect", on_connect)
        try:
            self.run_one()
        finally:
            event.remove(self.engine.db, "connect", on_connect)
            self.engine.db.dispose()
        self.check_last()
        return counts

    def close(self) -> None:
        self.engine.db.dispose()


def comparable(data: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(data, default=str, sort_keys=True))


# -- measuring --------------------------------------------------------------------------------
def measure(runners: list[Any], n: int, rounds: int) -> dict[str, list[float]]:
    """Per-instance seconds of each runner; rounds interleave the runners in a rotating order."""
    times: dict[str, list[float]] = {r.name: [] for r in runners}
    rounds = max(1, min(rounds, n))
    sizes = [n // rounds + (1 if i < n % rounds else 0) for i in range(rounds)]
    clock = time.perf_counter
    for rnd, size in enumerate(sizes):
        order = runners[rnd % len(runners):] + runners[:rnd % len(runners)]
        for runner in order:
            out = times[runner.name]
            for _ in range(size):
                t0 = clock()
                runner.run_one()
                out.append(clock() - t0)
                runner.check_last()
    return times


def summary(samples: list[float]) -> dict[str, float]:
    total = sum(samples)
    q = statistics.quantiles(samples, n=20) if len(samples) >= 20 else [min(samples)] * 18 + [max(samples)]
    return {"per_s": len(samples) / total, "ms": 1000 * total / len(samples),
            "p50": 1000 * statistics.median(samples), "p95": 1000 * q[18]}


def profile_engine(url: str, n: int, top: int = 25) -> None:
    """cProfile a separate engine run (SQLite NORMAL): profiling slows Python code, not I/O, so the
    timed figures above come from unprofiled runs."""
    runner = EngineRunner("engine", "profile", url)
    for _ in range(5):
        runner.run_one()
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(n):
        runner.run_one()
    prof.disable()
    runner.check_last()
    runner.close()
    stats = pstats.Stats(prof, stream=io.StringIO())
    total = stats.total_tt  # type: ignore[attr-defined]
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    print(f"\n== profile: engine, SQLite WAL NORMAL, {n} instances under cProfile "
          f"({1000 * total / n:.1f} ms/instance with the profiler's overhead) ==")
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats("cumulative").print_stats(top)
    print(f"-- top {top} functions by cumulative time --")
    print(_trim(out.getvalue()))

    print("-- kentei's own functions by cumulative time (>= 1.5% of the run), ms per instance --")
    rows = [(ct, nc, f, line, fn) for (f, line, fn), (_cc, nc, _tt, ct, _c) in raw.items()
            if f.startswith(str(ROOT / "engine")) or f.startswith(str(ROOT / "handlers"))]
    rows += [(ct, nc, f, line, fn) for (f, line, fn), (_cc, nc, _tt, ct, _c) in raw.items()
             if f == "~" and "sqlite3" in fn or "psycopg" in f and fn in ("commit", "execute")]
    for ct, nc, f, line, fn in sorted(rows, key=lambda r: -r[0]):
        if ct / total < 0.015:
            break
        where = f"{Path(f).relative_to(ROOT)}:{line}({fn})" if f.startswith(str(ROOT)) else fn
        print(f"  {1000 * ct / n:8.2f} ms {100 * ct / total:5.1f}%  {nc / n:6.1f} calls/inst  {where}")

    print("-- own (self) time by package --")
    by_pkg: dict[str, float] = {}
    for (filename, _line, func), (_cc, _nc, tt, _ct, _callers) in raw.items():
        pkg = _package(filename, func)
        by_pkg[pkg] = by_pkg.get(pkg, 0.0) + tt
    for pkg, tt in sorted(by_pkg.items(), key=lambda kv: -kv[1])[:14]:
        print(f"  {pkg:<40} {1000 * tt / n:7.2f} ms/inst  {100 * tt / total:5.1f}%")


def _package(filename: str, func: str) -> str:
    if filename == "~":
        if "sqlite3" in func:
            return "sqlite3 C calls: " + ("commit" if "commit" in func else "execute and other")
        if "orjson" in func:
            return "orjson (C)"
        return "other C builtins"
    parts = Path(filename).parts
    if "site-packages" in parts:
        rest = parts[parts.index("site-packages") + 1:]
        if rest[0] in ("SpiffWorkflow", "sqlalchemy") and len(rest) > 2:
            return f"{rest[0]}/{rest[1]}"
        return rest[0]
    if filename.startswith(str(ROOT / "engine")):
        return "kentei engine/ (own code)"
    if filename.startswith(str(ROOT / "bench")):
        return "bench driver"
    if filename.startswith(str(ROOT)):
        return str(Path(filename).relative_to(ROOT).parts[0]) + "/"
    return "python stdlib"


def _trim(text: str) -> str:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    prefixes = sorted({sysconfig.get_paths()["purelib"] + "/", sysconfig.get_paths()["platlib"] + "/",
                       sysconfig.get_paths()["stdlib"] + "/", str(ROOT) + "/"}, key=len, reverse=True)
    kept = []
    for line in lines[start:]:
        if line.strip():
            for prefix in prefixes:
                line = line.replace(prefix, "")
            kept.append(line)
    return "\n".join(kept)


def source_digest() -> str:
    """Which engine code was measured (engine/ and handlers/ are being edited while benchmarks run)."""
    h = hashlib.sha256()
    for f in sorted([*(ROOT / "engine").rglob("*.py"), *(ROOT / "handlers").rglob("*.py")]):
        h.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:12]


# -- memory -----------------------------------------------------------------------------------
def memory_check(db_dir: Path, first: int, total: int) -> dict[str, Any]:
    """Peak RSS after `first` and after `total` engine instances (cumulative), in a process that runs nothing else."""
    url = f"sqlite:///{db_dir / 'memory.db'}"
    runner = EngineRunner("off", "engine, SQLite OFF", url)
    print(f"memory check: engine on SQLite WAL synchronous=OFF (no fsync, to be quicker; what the process holds "
          f"does not depend on it); peak RSS after {first:,} and after {total:,} instances, one process; "
          f"engine source digest {source_digest()}")
    print(f"  after deploy: peak RSS {peak_rss_mb():7.1f} MB, current {current_rss_mb():7.1f} MB")
    t0 = time.perf_counter()
    marks: dict[int, tuple[float, float]] = {}
    for i in range(1, total + 1):
        runner.run_one()
        if i == first or i == total or i % 2000 == 0:
            runner.check_last()
            marks[i] = (peak_rss_mb(), current_rss_mb())
            print(f"  after {i:>6,} instances: peak RSS {marks[i][0]:7.1f} MB, current {marks[i][1]:7.1f} MB "
                  f"({i / (time.perf_counter() - t0):.1f} inst/s so far)", flush=True)
    growth = marks[total][0] / marks[first][0] - 1
    db_mb = sum(f.stat().st_size for f in db_dir.glob("memory.db*")) / 1024 / 1024
    print(f"  peak RSS {marks[first][0]:.1f} MB -> {marks[total][0]:.1f} MB: {100 * growth:+.1f}% (limit +20%): "
          f"{'FLAT' if growth <= 0.20 else 'NOT FLAT'}; the database on disk is {db_mb:.0f} MB")
    runner.close()
    return {"mode": "memory-check", "synchronous": "OFF", "instances_first": first,
            "peak_rss_mb_first": round(marks[first][0], 1), "instances_total": total,
            "peak_rss_mb_total": round(marks[total][0], 1), "growth": round(growth, 4), "flat": growth <= 0.20,
            "inst_per_s": round(total / (time.perf_counter() - t0), 1)}


# -- main -------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-n", type=int, default=300, help="instances per mode (default 300)")
    p.add_argument("--rounds", type=int, default=10, help="interleaving rounds (default 10)")
    p.add_argument("--warmup", type=int, default=10, help="untimed instances per mode first (default 10)")
    p.add_argument("--pg", action="store_true", help="also PostgreSQL, on a throw-away server (tests.support.pg_server)")
    p.add_argument("--pg-url", help="also PostgreSQL at this SQLAlchemy URL (an empty database)")
    p.add_argument("--no-full", action="store_true", help="skip SQLite synchronous=FULL")
    p.add_argument("--no-off", action="store_true", help="skip SQLite synchronous=OFF (and the commit cost)")
    p.add_argument("--profile", action="store_true", help="after measuring, profile the engine (SQLite NORMAL)")
    p.add_argument("--profile-n", type=int, default=None, help="instances to profile (default: -n)")
    p.add_argument("--memory-check", action="store_true",
                   help="only the memory check: peak RSS after 1,000 and after 10,000 engine instances (SQLite OFF)")
    p.add_argument("--memory-first", type=int, default=1000, help=argparse.SUPPRESS)
    p.add_argument("--memory-total", type=int, default=10000, help=argparse.SUPPRESS)
    p.add_argument("--db-dir", help="where the SQLite files go (default: a new temporary directory, removed after)")
    args = p.parse_args(argv)

    db_dir = Path(args.db_dir) if args.db_dir else Path(tempfile.mkdtemp(prefix="kentei-bench-"))
    db_dir.mkdir(parents=True, exist_ok=True)
    try:
        if args.memory_check:
            result = memory_check(db_dir, args.memory_first, args.memory_total)
            print(json.dumps(result))
            return 0 if result["flat"] else 1
        return benchmark(args, db_dir)
    finally:
        if not args.db_dir:
            shutil.rmtree(db_dir, ignore_errors=True)


def benchmark(args: argparse.Namespace, db_dir: Path) -> int:
    pg_server = None
    runners: list[Any] = []
    try:
        runners.append(BareRunner())
        runners.append(EngineRunner("engine", "engine, SQLite WAL synchronous=NORMAL",
                                    f"sqlite:///{db_dir / 'normal.db'}"))
        if not args.no_full:
            runners.append(EngineRunner("full", "engine, SQLite WAL synchronous=FULL", f"sqlite:///{db_dir / 'full.db'}"))
        if not args.no_off:
            runners.append(EngineRunner("off", "engine, SQLite WAL synchronous=OFF", f"sqlite:///{db_dir / 'off.db'}"))
        pg_url = args.pg_url
        if args.pg and not pg_url:
            from tests.support.pg_server import PgServer
            pg_server = PgServer()
            pg_url = pg_server.create_database("kentei_bench")
        if pg_url:
            runners.append(EngineRunner("pg", "engine, PostgreSQL", pg_url))
        digest = source_digest()

        print(f"kentei engine overhead: {BPMN_FILE.name} (26 elements; per instance 8 local service tasks, "
              f"1 DMN decision, 4 user tasks, 1 timer, 1 message, 3 exclusive gateways, 1 parallel split/join)")
        print(f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}; python {platform.python_version()}, SpiffWorkflow "
              f"{SPIFF_VERSION}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs, load average "
              f"{os.getloadavg()[0]:.2f}; engine source digest {digest}")
        print(f"n={args.n} per mode, {args.rounds} interleaved rounds, warm-up {args.warmup} per mode; "
              f"SQLite files in {db_dir}" + (f"; PostgreSQL {_pg_version(runners[-1])}" if pg_url else ""))

        # warm-up, and the check that bare and engine do the same work
        for r in runners:
            for _ in range(args.warmup):
                r.run_one()
        reference = comparable(runners[0].check_last())
        ignore = {"applicationId", "invoiceNo", "certificateNo"}  # they hold the instance id
        for r in runners[1:]:
            got = comparable(r.check_last())
            if ({k: v for k, v in reference.items() if k not in ignore}
                    != {k: v for k, v in got.items() if k not in ignore} or set(reference) != set(got)):
                raise RuntimeError(f"bare and {r.name} end with different variables:\n{reference}\n{got}")
        txns = runners[1].count_transactions()
        print(f"check: every mode ends at {END_EVENT} with the same {len(reference)} variables; one engine instance "
              f"is {txns['commit']} committed transactions (reads such as tasks() run in autocommit, outside any), "
              f"{txns['statements']} SQL statements (BEGIN, COMMIT and PRAGMA not counted)")

        for r in runners:
            r.op_times.clear()
        gc.collect()
        times = measure(runners, args.n, args.rounds)
        stats = {name: summary(samples) for name, samples in times.items()}

        bare = stats["bare"]
        print()
        print(f"{'mode':<42}{'inst/s':>9}{'ms/inst':>10}{'p50 ms':>9}{'p95 ms':>9}{'x bare':>8}")
        for r in runners:
            st = stats[r.name]
            print(f"{r.label:<42}{st['per_s']:9.1f}{st['ms']:10.2f}{st['p50']:9.2f}{st['p95']:9.2f}"
                  f"{st['ms'] / bare['ms']:8.2f}")
        print()
        print("time per instance by operation, ms (bare: the same step done on the in-memory workflow)")
        print(f"{'operation':<46}" + "".join(f"{r.name:>9}" for r in runners))
        for op, label in OP_ROWS:
            print(f"{label:<46}" + "".join(
                f"{1000 * r.op_times[op] / args.n:9.2f}" if op in r.op_times else f"{'-':>9}" for r in runners))

        eng = stats["engine"]
        ratio = eng["ms"] / bare["ms"]
        print()
        print(f"ratio engine (SQLite WAL NORMAL) / bare = {ratio:.2f} (time per instance); target <= {TARGET_RATIO}: "
              f"{'MET' if ratio <= TARGET_RATIO else 'NOT MET'}")
        result: dict[str, Any] = {"bare_per_s": round(bare["per_s"], 1), "engine_per_s": round(eng["per_s"], 1),
                                  "ratio": round(ratio, 2)}
        if "off" in stats:
            off = stats["off"]
            commit = eng["ms"] - off["ms"]
            print(f"commit/fsync cost (NORMAL - OFF) = {commit:.2f} ms/instance = {100 * commit / eng['ms']:.1f}% "
                  f"of the engine's time; without any fsync (OFF) the engine is {off['ms'] / bare['ms']:.2f} x bare")
            result.update(off_per_s=round(off["per_s"], 1), commit_ms_per_instance=round(commit, 3),
                          commit_share=round(commit / eng["ms"], 4))
            if "full" in stats:
                full_commit = stats["full"]["ms"] - off["ms"]
                print(f"with synchronous=FULL (FULL - OFF) = {full_commit:.2f} ms/instance = "
                      f"{100 * full_commit / stats['full']['ms']:.1f}% of its time")
                result.update(full_commit_ms_per_instance=round(full_commit, 3))
        if "full" in stats:
            result.update(full_per_s=round(stats["full"]["per_s"], 1),
                          full_ratio=round(stats["full"]["ms"] / bare["ms"], 2))
        if "pg" in stats:
            result.update(pg_per_s=round(stats["pg"]["per_s"], 1), pg_ratio=round(stats["pg"]["ms"] / bare["ms"], 2))
        result.update(n=args.n, bare_ms=round(bare["ms"], 3), engine_ms=round(eng["ms"], 3),
                      transactions_per_instance=txns["commit"], statements_per_instance=txns["statements"],
                      engine_src=digest)
        rss = round(peak_rss_mb(), 1)
        print(f"peak RSS {rss:.1f} MB (all modes, one process)")
        for r in runners:
            r.close()
        runners = []
        if args.profile:
            profile_engine(f"sqlite:///{db_dir / 'profile.db'}", args.profile_n or args.n)
        head = {k: result.pop(k) for k in ("bare_per_s", "engine_per_s", "ratio")}
        print(json.dumps({**head, "peak_rss_mb": rss, **result}, ensure_ascii=False))
        return 0
    finally:
        for r in runners:
            r.close()
        if pg_server is not None:
            pg_server.stop()


def _pg_version(runner: "EngineRunner") -> str:
    with runner.engine.db.connect() as conn:
        return str(conn.exec_driver_sql("SHOW server_version").scalar())


if __name__ == "__main__":
    sys.exit(main())
