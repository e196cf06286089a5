"""Timer throughput and lateness: N instances whose timers fall due within one minute, fired by worker processes.

    .venv/bin/python bench/timers.py                 # N = 100,000 per phase, SQLite files (WAL, NORMAL)
    .venv/bin/python bench/timers.py -n 2000 --pg    # on a throw-away PostgreSQL server (tests.support.pg_server)
    .venv/bin/python bench/timers.py --pg-url URL    # on PostgreSQL at URL (an empty database)

Each phase, on a fresh database, starts N instances of bench/timer_process.bpmn (start → a timeDate
intermediate catch event `${due}` → end) with `due` spread evenly over a one-minute window
[T0, T0 + 60 s). T0 is placed after the end of setup: 200 extra calibration instances (due in 2099,
never fired, not counted) measure the start rate, and T0 = now + the predicted setup time × 1.3 + 15 s.
Then worker processes (multiprocessing, spawn) each build their own engine on the same database, on the
real system clock, and loop `engine.fire_due_timers(limit=500)`, sleeping 0.05 s when nothing fired,
until no timer due in the window is left:

  one_worker    one worker process
  two_workers   two worker processes at once (a new database, N new instances)

Afterwards one SQL query reads every "timer" history event (its `at` is the engine time the firing
step began) and checks it against the due time set at start, per instance:
  early        events with at < due (must be 0)
  duplicates   instances with more than one timer event (must be 0); extra_events = events beyond one each
  missing      instances without a timer event; not_completed: instances whose status is not 'completed'
  lateness     at − due, in seconds: p50, p99, max
  timers/s     N / (last firing − first due time): the rate from the moment the first timer was due until
               the last one fired. When the workers keep up it is the offered rate, N / 60 s; when they fall
               behind, it is their capacity. Per worker, fired / busy s (time inside calls that fired
               something) is the rate of one process while it has work.
  skipped      _fire attempts that fired nothing: the timer was already fired by the other worker, or its
               instance was locked by it (PostgreSQL: SKIP LOCKED); on SQLite the workers take turns on the
               single write lock, so a skip also cost a write transaction.
With --pg-url both phases share the given database (phase two's instances are told apart by id).
The last line printed is one JSON object: the two-worker figures at top level, then each phase's.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import multiprocessing as mp
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from SpiffWorkflow import __version__ as SPIFF_VERSION

from engine.bootstrap import bootstrap
from engine.config import Settings
from engine.deploy import collect
from engine.runtime import Engine
from handlers.base import HandlerRegistry

BPMN_FILE = Path(__file__).resolve().parent / "timer_process.bpmn"
PROCESS = "timer_wait"
TENANT = "13"
CALIBRATE = 200                  # extra instances that measure the start rate
NEVER = "2099-01-01T00:00:00+00:00"  # the calibration instances' due time
SETUP_FACTOR, SETUP_MARGIN_S = 1.8, 30.0  # T0 = now + predicted setup × factor + margin (starts slow as the tables grow)
IDLE_SLEEP_S = 0.05
PHASES = [("one_worker", 1), ("two_workers", 2)]
# waiting timers due by the end of the window: the workers stop when none is left
LEFT = "SELECT COUNT(*) FROM timer WHERE status = 'waiting' AND due_at <= :end"


# -- the worker process ----------------------------------------------------------------------
def worker_main(url: str, number: int, limit: int, window_end: float, deadline: float, queue: Any) -> None:
    """Loop fire_due_timers until no timer of the window is waiting; report counts to `queue`."""
    try:
        from engine import ops_timers
        engine = bootstrap(Settings(database_url=url), HandlerRegistry(), migrate=False)  # the system clock
        end = engine.fast.ts(datetime.fromtimestamp(window_end, UTC))
        counts = {"attempts": 0, "skipped": 0}
        fire_one = ops_timers._fire

        def counted(eng: Any, timer_id: str) -> int:  # how often a listed timer was not ours to fire
            fired = fire_one(eng, timer_id)
            counts["attempts"] += 1
            counts["skipped"] += fired == 0
            return fired
        ops_timers._fire = counted

        def left() -> int:
            with engine.read() as conn:
                return int(engine.fast.run(conn, LEFT, {"end": end}).scalar_one())
        left()  # connect before reporting ready
    except Exception:  # noqa: BLE001 - reported to the parent
        queue.put(("error", number, traceback.format_exc()))
        return
    queue.put(("ready", number, time.time()))
    stats: dict[str, Any] = {"worker": number, "fired": 0, "calls": 0, "empty_calls": 0, "busy_s": 0.0,
                             "errors": 0, "first_error": None, "timed_out": False}
    clock = time.perf_counter
    while True:
        t0 = clock()
        try:
            fired = engine.fire_due_timers(limit=limit)
        except Exception as exc:  # noqa: BLE001 - a real worker logs and carries on; counted, and the first one kept
            stats["errors"] += 1
            stats["first_error"] = stats["first_error"] or f"{type(exc).__name__}: {exc}"[:300]
            fired = 0
        stats["calls"] += 1
        if fired:
            stats["fired"] += fired
            stats["busy_s"] += clock() - t0
            continue
        stats["empty_calls"] += 1
        if left() == 0:
            break
        if time.time() > deadline:
            stats["timed_out"] = True
            break
        time.sleep(IDLE_SLEEP_S)
    stats.update(counts, busy_s=round(stats["busy_s"], 3))
    engine.db.dispose()
    queue.put(("done", number, stats))


# -- setup -----------------------------------------------------------------------------------
def make_engine(url: str) -> Engine:
    engine = bootstrap(Settings(database_url=url), HandlerRegistry(), migrate=True)
    engine.deploy(collect([BPMN_FILE]))
    return engine


def setup(engine: Engine, n: int, window_s: float, tag: str) -> dict[str, Any]:
    """Start the calibration instances, then N instances due in [T0, T0 + window); returns their due times."""
    t0 = time.perf_counter()
    for i in range(CALIBRATE):
        engine.start(PROCESS, TENANT, {"due": NEVER}, business_key=f"{tag}-calibrate-{i}")
    calib_rate = CALIBRATE / (time.perf_counter() - t0)
    predicted = n / calib_rate
    start_at = datetime.now(UTC) + timedelta(seconds=predicted * SETUP_FACTOR + SETUP_MARGIN_S)
    start_at = start_at.replace(microsecond=0) + timedelta(seconds=1)
    print(f"  setup: {calib_rate:.0f} starts/s on {CALIBRATE} calibration instances; predicted {predicted:.0f} s "
          f"for {n:,}; window {start_at:%H:%M:%S}–{start_at + timedelta(seconds=window_s):%H:%M:%S} UTC", flush=True)
    dues: dict[int, datetime] = {}
    step = max(1, n // 10) if n >= 10_000 else n + 1
    t1 = time.perf_counter()
    for i in range(n):
        due = start_at + timedelta(milliseconds=round(i * window_s * 1000 / n))
        iid = engine.start(PROCESS, TENANT, {"due": due.isoformat(timespec="milliseconds")},
                           business_key=f"{tag}-{i}")
        dues[iid] = due
        if (i + 1) % step == 0:
            print(f"  setup: {i + 1:,} started ({(i + 1) / (time.perf_counter() - t1):.0f}/s), "
                  f"{(start_at - datetime.now(UTC)).total_seconds():.0f} s to the window", flush=True)
    elapsed = time.perf_counter() - t1
    slack = (start_at - datetime.now(UTC)).total_seconds()
    if slack <= 0:
        raise RuntimeError(f"setup ran {-slack:.1f} s into the window (start rate fell below the estimate); "
                           f"raise SETUP_FACTOR or lower -n")
    # the engine's own due times must be the ones asked for
    lo, hi = min(dues), max(dues)
    with engine.db.connect() as conn:
        stored = conn.exec_driver_sql(
            engine.fast.sql("SELECT instance_id, due_at FROM timer WHERE instance_id BETWEEN :lo AND :hi"),
            {"lo": lo, "hi": hi}).all()
    mismatched = sum(1 for iid, due in stored if engine.fast.read_ts(due) != dues.get(iid)) + n - len(stored)
    if mismatched:
        raise RuntimeError(f"{mismatched} instances' timer rows are missing or not due when asked")
    return {"dues": dues, "window_start": start_at, "start_per_s": n / elapsed, "setup_s": elapsed,
            "calibration_per_s": calib_rate, "slack_s": slack}


# -- one phase -------------------------------------------------------------------------------
def run_phase(name: str, workers: int, url: str, engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    print(f"phase {name}: {workers} worker process{'es' if workers > 1 else ''}, {args.n:,} instances", flush=True)
    s = setup(engine, args.n, args.window, name)
    window_start = s["window_start"].timestamp()
    window_end = window_start + args.window
    deadline = window_end + max(300.0, args.n / 20)  # gives up below 20 timers/s
    engine.db.dispose()
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=worker_main, args=(url, k + 1, args.limit, window_end, deadline, queue), daemon=True)
             for k in range(workers)]
    for p in procs:
        p.start()
    ready: dict[int, float] = {}
    results: dict[int, dict[str, Any]] = {}
    try:
        while len(results) < workers:
            kind, number, payload = queue.get(timeout=deadline - time.time() + 120)
            if kind == "error":
                raise RuntimeError(f"worker {number} failed to start:\n{payload}")
            if kind == "ready":
                ready[number] = payload
                if len(ready) == workers:
                    print(f"  workers ready {window_start - max(ready.values()):.1f} s before the window; "
                          f"firing…", flush=True)
            else:
                results[number] = payload
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()
    late_ready = max(ready.values()) - window_start
    if late_ready > 0:
        print(f"  WARNING: the last worker was ready {late_ready:.1f} s after the window began", flush=True)
    figures = analyse(engine, s["dues"])
    figures.update(workers=workers, setup_start_per_s=round(s["start_per_s"], 1), setup_s=round(s["setup_s"], 1),
                   slack_before_window_s=round(s["slack_s"], 1),
                   worker_stats=[results[k] for k in sorted(results)])
    figures["skipped"] = sum(w["skipped"] for w in figures["worker_stats"])
    figures["errors"] = sum(w["errors"] for w in figures["worker_stats"])
    figures["timed_out"] = any(w["timed_out"] for w in figures["worker_stats"])
    return figures


def analyse(engine: Engine, dues: dict[int, datetime]) -> dict[str, Any]:
    """Timer events and instance states against the due times set at start, by SQL over the whole set."""
    fast, lo, hi = engine.fast, min(dues), max(dues)
    with engine.db.connect() as conn:
        events = conn.exec_driver_sql(fast.sql(
            "SELECT instance_id, at FROM history_event WHERE kind = 'timer' AND instance_id BETWEEN :lo AND :hi"),
            {"lo": lo, "hi": hi}).all()
        statuses = conn.exec_driver_sql(fast.sql(
            "SELECT status, COUNT(*) FROM process_instance WHERE id BETWEEN :lo AND :hi GROUP BY status"),
            {"lo": lo, "hi": hi}).all()
        incidents = conn.exec_driver_sql(fast.sql(
            "SELECT COUNT(*) FROM incident WHERE instance_id BETWEEN :lo AND :hi"), {"lo": lo, "hi": hi}).scalar()
    per_instance: dict[int, int] = {}
    lateness: list[float] = []
    early, foreign = 0, 0
    first_fire: datetime | None = None
    last_fire: datetime | None = None
    for iid, raw in events:
        due = dues.get(iid)
        if due is None:  # a calibration instance: never due, so never expected here
            foreign += 1
            continue
        at = fast.read_ts(raw)
        per_instance[iid] = per_instance.get(iid, 0) + 1
        late = (at - due).total_seconds()
        early += late < 0
        lateness.append(late)
        first_fire = at if first_fire is None or at < first_fire else first_fire
        last_fire = at if last_fire is None or at > last_fire else last_fire
    n = len(dues)
    by_status = {status: count for status, count in statuses}
    completed = by_status.get("completed", 0)
    lateness.sort()
    first_due, last_due = min(dues.values()), max(dues.values())
    span = (last_fire - first_due).total_seconds() if last_fire else float("nan")
    return {
        "n": n, "events": len(events) - foreign, "fired_instances": len(per_instance),
        "duplicates": sum(1 for c in per_instance.values() if c > 1),
        "extra_events": len(events) - foreign - len(per_instance),
        "early": early, "missing": n - len(per_instance), "foreign_events": foreign,
        # the id range holds exactly the N (the calibration instances, due in 2099, were started before)
        "not_completed": n - completed, "statuses": by_status, "incidents": incidents,
        "timers_per_s": round(n / span, 1) if last_fire else 0.0,
        "lateness_p50_s": _pct(lateness, 0.50), "lateness_p99_s": _pct(lateness, 0.99),
        "lateness_max_s": round(lateness[-1], 3) if lateness else None,
        "lateness_min_s": round(lateness[0], 3) if lateness else None,
        "first_fire_after_first_due_s": round((first_fire - first_due).total_seconds(), 3) if first_fire else None,
        "last_fire_after_last_due_s": round((last_fire - last_due).total_seconds(), 3) if last_fire else None,
        "span_s": round(span, 2),
    }


def _pct(sorted_values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return None
    return round(sorted_values[min(len(sorted_values) - 1, max(0, math.ceil(p * len(sorted_values)) - 1))], 3)


# -- reporting -------------------------------------------------------------------------------
def source_digest() -> str:
    """Which engine code was measured (engine/ and handlers/ are edited while benchmarks run)."""
    h = hashlib.sha256()
    for f in sorted([*(ROOT / "engine").rglob("*.py"), *(ROOT / "handlers").rglob("*.py")]):
        h.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:12]


def print_table(phases: dict[str, dict[str, Any]], window_s: float) -> None:
    n = next(iter(phases.values()))["n"]
    print()
    print(f"offered rate N / window = {n / window_s:.1f} timers/s; timers/s = N / (last firing − first due); "
          f"lateness = history 'at' − due")
    print(f"{'phase':<13}{'setup/s':>9}{'timers/s':>10}{'p50 s':>9}{'p99 s':>9}{'max s':>9}{'behind s':>10}"
          f"{'early':>7}{'dup':>5}{'extra':>7}{'missing':>9}{'!compl':>8}{'skipped':>9}{'errors':>8}")
    for name, f in phases.items():
        print(f"{name:<13}{f['setup_start_per_s']:9.0f}{f['timers_per_s']:10.1f}{f['lateness_p50_s']:9.3f}"
              f"{f['lateness_p99_s']:9.3f}{f['lateness_max_s']:9.3f}{f['last_fire_after_last_due_s']:10.2f}"
              f"{f['early']:7d}{f['duplicates']:5d}{f['extra_events']:7d}{f['missing']:9d}{f['not_completed']:8d}"
              f"{f['skipped']:9d}{f['errors']:8d}")
    print("(behind = last firing − last due time; !compl = instances not completed; skipped = listed timers a "
          "worker found already fired or locked by the other)")
    print()
    print(f"{'phase':<13}{'worker':>7}{'fired':>9}{'attempts':>10}{'skipped':>9}{'calls':>8}{'empty':>7}"
          f"{'busy s':>9}{'fired/busy s':>14}")
    for name, f in phases.items():
        for w in f["worker_stats"]:
            rate = w["fired"] / w["busy_s"] if w["busy_s"] else 0.0
            print(f"{name:<13}{w['worker']:>7}{w['fired']:9d}{w['attempts']:10d}{w['skipped']:9d}{w['calls']:8d}"
                  f"{w['empty_calls']:7d}{w['busy_s']:9.1f}{rate:14.1f}")
            if w["first_error"]:
                print(f"{'':<13}first error: {w['first_error']}")


# -- main ------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-n", type=int, default=100_000, help="instances (timers) per phase (default 100000)")
    p.add_argument("--pg", action="store_true", help="PostgreSQL on a throw-away server (tests.support.pg_server)")
    p.add_argument("--pg-url", help="PostgreSQL at this SQLAlchemy URL (an empty database; both phases use it)")
    p.add_argument("--limit", type=int, default=500, help="fire_due_timers(limit=...) per call (default 500)")
    p.add_argument("--window", type=float, default=60.0, help="seconds the due times are spread over (default 60)")
    p.add_argument("--db-dir", help="where the SQLite files go (default: a new temporary directory, removed after)")
    args = p.parse_args(argv)

    wall0 = time.perf_counter()
    digest = source_digest()
    db_dir = Path(args.db_dir) if args.db_dir else Path(tempfile.mkdtemp(prefix="kentei-timers-"))
    db_dir.mkdir(parents=True, exist_ok=True)
    pg_server = None
    try:
        if args.pg and not args.pg_url:
            from tests.support.pg_server import PgServer
            pg_server = PgServer()
        database = "postgresql" if (args.pg or args.pg_url) else "sqlite"

        def url_for(phase: str) -> str:
            if args.pg_url:
                return args.pg_url
            if pg_server is not None:
                return pg_server.create_database(f"kentei_timers_{phase}")
            return f"sqlite:///{db_dir / (phase + '.db')}"

        print(f"kentei timers: {BPMN_FILE.name} (start → timeDate catch event → end), N={args.n:,} per phase due "
              f"over {args.window:.0f} s, workers loop fire_due_timers(limit={args.limit}), idle sleep "
              f"{IDLE_SLEEP_S} s")
        print(f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}; python {platform.python_version()}, SpiffWorkflow "
              f"{SPIFF_VERSION}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs, load average "
              f"{os.getloadavg()[0]:.2f}; engine source digest {digest}")
        phases: dict[str, dict[str, Any]] = {}
        version = ""
        for name, workers in PHASES:
            url = url_for(name)
            engine = make_engine(url)
            if not version:
                version = _db_version(engine)
                print(f"database: {version}" + (f", files in {db_dir}" if database == "sqlite" else ""), flush=True)
            try:
                phases[name] = run_phase(name, workers, url, engine, args)
            finally:
                engine.db.dispose()
        print_table(phases, args.window)
        ok = all(f["early"] == 0 and f["duplicates"] == 0 and f["extra_events"] == 0 and f["missing"] == 0
                 and f["not_completed"] == 0 and not f["timed_out"] for f in phases.values())
        wall = time.perf_counter() - wall0
        digest_end = source_digest()
        if digest_end != digest:
            print(f"NOTE: engine/ or handlers/ changed during the run (digest {digest} -> {digest_end})")
        print(f"\nchecks: none early, none twice, every instance fired and completed: {'OK' if ok else 'FAILED'}; "
              f"wall time {wall:.0f} s")
        top = phases["two_workers"]
        result = {key: top[key] for key in ("timers_per_s", "lateness_p50_s", "lateness_p99_s", "lateness_max_s",
                                            "early", "duplicates", "missing", "not_completed")}
        result.update(ok=ok, n=args.n, database=database, database_version=version, window_s=args.window,
                      limit=args.limit, wall_s=round(wall, 1), engine_src=digest, engine_src_end=digest_end, **phases)
        print(json.dumps(result, ensure_ascii=False, default=str))
        return 0 if ok else 1
    finally:
        if pg_server is not None:
            pg_server.stop()
        if not args.db_dir:
            shutil.rmtree(db_dir, ignore_errors=True)


def _db_version(engine: Engine) -> str:
    with engine.db.connect() as conn:
        if engine.fast.pg:
            return "PostgreSQL " + str(conn.exec_driver_sql("SHOW server_version").scalar())
        return f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=NORMAL)"


if __name__ == "__main__":
    sys.exit(main())
