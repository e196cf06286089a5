"""The staff inbox under load: the task list and completing a task, against a no-op route of the same app.

    .venv/bin/python bench/inbox.py                     # N = 300,000 instances, a SQLite file (WAL, NORMAL)
    .venv/bin/python bench/inbox.py -n 3000 --pg        # on a throw-away PostgreSQL server (tests.support.pg_server)
    .venv/bin/python bench/inbox.py --pg-url URL        # on PostgreSQL at URL (an empty database)
    .venv/bin/python bench/inbox.py --db-dir DIR        # keep the SQLite file in DIR …
    .venv/bin/python bench/inbox.py --db-dir DIR --reuse   # … and measure it again without seeding

The database: N instances of bench/inbox_process.bpmn, every one started through `engine.start`
(nothing is written behind the engine's back). Instance i takes the exclusive gateway to the user
task 受検資格の審査 (candidate group `reviewer`) when i % 3 == 0, so a third wait there with an open
task and two thirds end at once. Prefectures "01".."47" are drawn with weights proportional to
their population (2020 census), so Tokyo ("13", the one measured) holds about 11 % of everything.
Of the open tasks, 20 % are already assigned (to reviewer1..5 of their prefecture), 5 % have no due
date, the rest fall due between 3 days before and 28 days after their creation. The engine clock
moves 1 s per started instance; it stays at the end of seeding for the measurement. Applicant names
come from 30 surnames × 30 given names. Seeding on SQLite runs with synchronous=OFF (the data are the
same; only the fsync per commit is skipped); the measured engine opens the file with NORMAL.

The app: `web.create_app(engine=…, identity=Identity(clock=engine.now, hasher=FAST_HASHER),
scheduler=False)`, with one route added to that same app object: GET /bench-noop, behind
`login_required`, returning "ok". Flask's test client drives it in-process, signed in (POST /login
with the CSRF token from the login page) as a reviewer of prefecture 13. Per sample, timed:

  noop        GET /bench-noop
  list        GET /?scope=unassigned&due=week&sort=due           (2 filters, sorted, page 1)
  list_deep   the same with &page=100 (the last page instead when there are fewer, and said so)
  complete    POST /tasks/<id>/complete with a valid form (decision, experience_years, comment)
              — before it, untimed: POST /tasks/<id>/claim, following the redirect to the task page
              (whose CSRF token the form carries). The tasks are drawn at random from prefecture
              13's unassigned open tasks, outside the due=week filter, so the measured list stays
              the same length. The response is the redirect back to the list (not followed).
  query       engine.inbox.task_page(...) for the list's page 1 called directly: the database part
  query_deep  the same for the deep page

The kinds run in rounds, one sample of each per round in a rotating order, after 5 untimed warm-up
rounds, so machine noise hits them alike. Target: list p95 < 10 × noop p95. Afterwards the list's
two SQL statements are captured and their plans printed (SQLite: EXPLAIN QUERY PLAN; PostgreSQL:
EXPLAIN ANALYZE). The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from SpiffWorkflow import __version__ as SPIFF_VERSION

from engine.bootstrap import bootstrap
from engine.config import Settings
from engine.deploy import collect
from engine.identity import Identity
from engine.identity.passwords import FAST_HASHER
from engine.inbox import TaskQuery, Viewer, task_page
from engine.runtime import Engine
from handlers.base import HandlerRegistry

BPMN_FILE = Path(__file__).resolve().parent / "inbox_process.bpmn"
PROCESS = "inbox_review"
TENANT = "13"
USER, PASSWORD = "bench-reviewer-13", "Sakura-2026-haru"
START = datetime(2026, 4, 1, tzinfo=UTC)
STEP = timedelta(seconds=1)  # engine time per started instance
PER_PAGE = 25                # web/inbox.py PER_PAGE
DEEP_PAGE = 100
TARGET = 10.0
WARMUP_ROUNDS = 5
SEED = 20260401
LIST_URL = "/?scope=unassigned&due=week&sort=due"
LIST_QUERY = TaskQuery(scope="unassigned", due="week", sort="due")
# 2020 census, thousands: prefecture code → population
POPULATION = {
    "01": 5225, "02": 1238, "03": 1211, "04": 2302, "05": 960, "06": 1068, "07": 1833, "08": 2867, "09": 1933,
    "10": 1939, "11": 7345, "12": 6284, "13": 14048, "14": 9237, "15": 2201, "16": 1035, "17": 1133, "18": 767,
    "19": 810, "20": 2048, "21": 1979, "22": 3633, "23": 7542, "24": 1770, "25": 1414, "26": 2578, "27": 8838,
    "28": 5465, "29": 1324, "30": 923, "31": 553, "32": 671, "33": 1888, "34": 2800, "35": 1342, "36": 720,
    "37": 950, "38": 1335, "39": 692, "40": 5135, "41": 811, "42": 1312, "43": 1738, "44": 1124, "45": 1070,
    "46": 1588, "47": 1467}
SURNAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口", "松本",
            "井上", "木村", "林", "斎藤", "清水", "山崎", "森", "池田", "橋本", "阿部", "石川", "山下", "中島", "石井", "小川"]
GIVEN = ["太郎", "花子", "一郎", "次郎", "三郎", "健太", "翔太", "大輔", "拓也", "直樹", "美咲", "陽子", "恵子", "由美", "真由美",
         "さくら", "結衣", "葵", "陽菜", "蓮", "湊", "悠真", "大翔", "優斗", "健一", "誠", "修", "明美", "智子", "裕子"]
KINDS = [("noop", "GET /bench-noop (login_required, returns \"ok\")"),
         ("list", "GET list: scope=unassigned, due=week, sort=due, page 1"),
         ("list_deep", "GET list: the same, page {deep}"),
         ("complete", "POST /tasks/<id>/complete (claimed untimed)"),
         ("query", "  task_page() alone, page 1 (no HTTP/template)"),
         ("query_deep", "  task_page() alone, page {deep}")]
CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')


class Clock:
    """The engine's clock: seeding moves it, the measurement reads it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def pct(samples: list[float], q: float) -> float:
    s = sorted(samples)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def source_digest() -> str:
    h = hashlib.sha256()
    for folder in ("engine", "web"):
        for f in sorted((ROOT / folder).rglob("*")):
            if f.suffix in (".py", ".html") and "__pycache__" not in f.parts:
                h.update(f.relative_to(ROOT).as_posix().encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:12]


# -- seeding ---------------------------------------------------------------------------------
def seed(engine: Engine, clock: Clock, n: int) -> dict[str, Any]:
    """Start n instances through engine.start; returns counts."""
    engine.deploy(collect([BPMN_FILE]))
    rng = random.Random(SEED)
    codes, weights = list(POPULATION), list(POPULATION.values())
    tenants = rng.choices(codes, weights, k=n)
    per_tenant_open: dict[str, int] = {}
    progress = max(1, n // 20)
    t0 = last = time.perf_counter()
    for i in range(n):
        tenant = tenants[i]
        key = f"{tenant}-2026-A{i + 1:07d}"
        data: dict[str, Any] = {"applicant_name": f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
                                "application_id": key, "grade": rng.choice(("1級", "2級", "3級")),
                                "needs_review": i % 3 == 0, "assignee": None, "reviewDueDate": None}
        if data["needs_review"]:
            per_tenant_open[tenant] = per_tenant_open.get(tenant, 0) + 1
            if rng.random() < 0.2:
                data["assignee"] = f"reviewer{rng.randint(1, 5)}-{tenant}"
            if rng.random() >= 0.05:
                due = clock.now + timedelta(minutes=rng.randint(-3 * 1440, 28 * 1440))
                data["reviewDueDate"] = due.isoformat()
        engine.start(PROCESS, tenant, data, business_key=key)
        clock.now += STEP
        if (i + 1) % progress == 0 or i + 1 == n:
            now = time.perf_counter()
            rate = (i + 1) / (now - t0)
            print(f"  seeded {i + 1:>9,} / {n:,}  {rate:6.0f} starts/s overall, "
                  f"{progress / max(now - last, 1e-9):6.0f}/s last slice, eta {(n - i - 1) / rate:5.0f} s", flush=True)
            last = now
    return {"seed_s": time.perf_counter() - t0, "open_by_tenant": per_tenant_open}


# -- the app ---------------------------------------------------------------------------------
def make_app(engine: Engine) -> Any:
    from flask_login import login_required

    from web import create_app
    app = create_app(engine=engine, identity=Identity(clock=engine.now, hasher=FAST_HASHER), scheduler=False)

    def bench_noop() -> str:
        return "ok"
    app.add_url_rule("/bench-noop", "bench_noop", login_required(bench_noop))
    return app


def csrf_of(html: bytes) -> str:
    found = CSRF.search(html)
    if not found:
        raise RuntimeError("no csrf_token in the page")
    return found.group(1).decode()


def sign_in(client: Any) -> None:
    token = csrf_of(client.get("/login").data)
    r = client.post("/login", data={"csrf_token": token, "username": USER, "password": PASSWORD})
    if r.status_code != 302:
        raise RuntimeError(f"login failed: {r.status_code}")
    r = client.get("/bench-noop")
    if r.status_code != 200 or r.data != b"ok":
        raise RuntimeError(f"the no-op route answered {r.status_code} {r.data[:80]!r}")


def completion_tasks(engine: Engine, count: int) -> list[str]:
    """Unassigned open reviewer tasks of prefecture 13 that the measured list does not show (due later than a week)."""
    fast = engine.fast
    limit = fast.ts(engine.now() + timedelta(days=7))
    with engine.read() as conn:
        ids = [r[0] for r in fast.run(conn, "SELECT id FROM human_task WHERE tenant = :t AND status = 'open' "
                                            "AND assignee IS NULL AND due_at > :limit ORDER BY id",
                                      {"t": TENANT, "limit": limit}).all()]
    return random.Random(SEED + 1).sample(ids, min(count, len(ids)))


class Driver:
    """One sample of each kind."""

    def __init__(self, engine: Engine, client: Any, deep: int, tasks: list[str]) -> None:
        self.engine, self.client, self.deep, self.tasks = engine, client, deep, tasks
        self.viewer = Viewer(USER, TENANT, frozenset({"reviewer"}))
        self.completed: list[str] = []

    def _get(self, url: str, rows: bool) -> float:
        t0 = time.perf_counter()
        r = self.client.get(url)
        dt = time.perf_counter() - t0
        if r.status_code != 200:
            raise RuntimeError(f"GET {url}: {r.status_code}")
        if rows and b'href="/tasks/' not in r.data:
            raise RuntimeError(f"GET {url}: no task on the page")
        return dt

    def noop(self) -> float:
        return self._get("/bench-noop", False)

    def list(self) -> float:
        return self._get(LIST_URL, True)

    def list_deep(self) -> float:
        return self._get(f"{LIST_URL}&page={self.deep}", True)

    def _query(self, page: int) -> float:
        t0 = time.perf_counter()
        rows, _ = task_page(self.engine, self.viewer, replace(LIST_QUERY, page=page))
        dt = time.perf_counter() - t0
        if not rows:
            raise RuntimeError(f"task_page page {page}: empty")
        return dt

    def query(self) -> float:
        return self._query(1)

    def query_deep(self) -> float:
        return self._query(self.deep)

    def complete(self) -> float | None:
        if not self.tasks:
            return None  # the pool is used up (small -n): no more samples of this kind
        task_id = self.tasks.pop()
        page = self.client.get(f"/tasks/{task_id}")
        claimed = self.client.post(f"/tasks/{task_id}/claim", data={"csrf_token": csrf_of(page.data)},
                                   follow_redirects=True)
        if claimed.status_code != 200 or USER.encode() not in claimed.data:
            raise RuntimeError(f"claim {task_id}: {claimed.status_code}")
        form = {"csrf_token": csrf_of(claimed.data), "decision": "approve", "experience_years": "5",
                "review_comment": "書類確認済み"}
        t0 = time.perf_counter()
        r = self.client.post(f"/tasks/{task_id}/complete", data=form)
        dt = time.perf_counter() - t0
        if r.status_code != 302 or r.headers.get("Location") not in ("/", "http://localhost/"):
            raise RuntimeError(f"complete {task_id}: {r.status_code} {r.headers.get('Location')}")
        self.completed.append(task_id)
        return dt


def measure(driver: Driver, samples: int) -> dict[str, list[float]]:
    kinds = [k for k, _ in KINDS]
    times: dict[str, list[float]] = {k: [] for k in kinds}
    for rnd in range(-WARMUP_ROUNDS, samples):
        for j in range(len(kinds)):
            kind = kinds[(rnd + j) % len(kinds)]
            dt = getattr(driver, kind)()
            if rnd >= 0 and dt is not None:
                times[kind].append(dt)
        if rnd >= 0 and (rnd + 1) % max(1, samples // 4) == 0:
            print(f"  round {rnd + 1}/{samples}", flush=True)
    return times


def check_completed(engine: Engine, ids: list[str]) -> int:
    fast = engine.fast
    done = 0
    with engine.read() as conn:
        for task_id in ids:
            row = fast.run(conn, "SELECT status, completed_by FROM human_task WHERE id = :id", {"id": task_id}).first()
            done += row is not None and row[0] == "completed" and row[1] == USER
    return done


# -- the query plan --------------------------------------------------------------------------
def query_plans(engine: Engine, page: int) -> list[tuple[str, list[str]]]:
    """The list's SQL (captured from task_page) and its plans."""
    fast = engine.fast
    captured: list[tuple[str, dict[str, Any]]] = []
    real = fast.run

    def recording(conn: Any, text: str, params: Any = None) -> Any:
        captured.append((text, dict(params or {})))
        return real(conn, text, params)
    fast.run = recording  # type: ignore[method-assign]
    try:
        task_page(engine, Viewer(USER, TENANT, frozenset({"reviewer"})), replace(LIST_QUERY, page=page))
    finally:
        del fast.run
    out = []
    with engine.read() as conn:
        for text, params in captured:
            if fast.pg:
                lines = [r[0] for r in fast.run(conn, "EXPLAIN (ANALYZE, BUFFERS) " + text, params).all()]
            else:
                rows = fast.run(conn, "EXPLAIN QUERY PLAN " + text, params).all()
                depth: dict[int, int] = {0: 0}
                lines = []
                for node, parent, _, detail in rows:
                    depth[node] = depth.get(parent, 0) + 1
                    lines.append("  " * (depth[node] - 1) + detail)
            shown = {k: v for k, v in params.items() if k not in ("limit", "offset")}
            out.append((f"{text}\n      params {shown}" + (f", limit {params['limit']}, offset {params['offset']}"
                                                            if "limit" in params else ""), lines))
    return out


# -- main ------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-n", type=int, default=300_000, help="process instances in the database (default 300,000)")
    p.add_argument("--samples", type=int, default=200, help="timed samples per kind of request (default 200)")
    p.add_argument("--pg", action="store_true", help="on a throw-away PostgreSQL server instead of SQLite")
    p.add_argument("--pg-url", help="on PostgreSQL at URL (an empty database)")
    p.add_argument("--db-dir", help="where the SQLite file (and the session key) go; kept (default: a temporary "
                                    "directory, removed after)")
    p.add_argument("--reuse", action="store_true", help="with --db-dir: measure the database seeded by an earlier run "
                                                        "(its earlier completions stay completed)")
    p.add_argument("--analyze", action="store_true", help="run ANALYZE after seeding (the engine never does)")
    args = p.parse_args(argv)
    if args.reuse and (not args.db_dir or args.pg or args.pg_url):
        p.error("--reuse needs --db-dir and SQLite")
    db_dir = Path(args.db_dir) if args.db_dir else Path(tempfile.mkdtemp(prefix="kentei-bench-inbox-"))
    db_dir.mkdir(parents=True, exist_ok=True)
    try:
        return benchmark(args, db_dir)
    finally:
        if not args.db_dir:
            shutil.rmtree(db_dir, ignore_errors=True)


def benchmark(args: argparse.Namespace, db_dir: Path) -> int:
    pg_server = None
    engines: list[Engine] = []
    try:
        url = args.pg_url
        if args.pg and not url:
            from tests.support.pg_server import PgServer
            pg_server = PgServer()
            url = pg_server.create_database("kentei_bench_inbox")
        database = "postgresql" if url else "sqlite"
        db_file = db_dir / "inbox.db"
        meta_file = db_dir / "inbox_seed.json"
        url = url or f"sqlite:///{db_file}"
        wall0 = time.perf_counter()
        digest = source_digest()

        print(f"kentei inbox benchmark: {BPMN_FILE.name}, n={args.n:,} instances (a third waiting at a user task), "
              f"47 prefectures, measured as a reviewer of prefecture {TENANT}")
        print(f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}; python {platform.python_version()}, Flask {version('flask')}, "
              f"SpiffWorkflow {SPIFF_VERSION}, SQLAlchemy {version('sqlalchemy')}, SQLite {sqlite3.sqlite_version}, "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; engine+web source digest {digest}")

        # seed (or reuse)
        if args.reuse:
            meta = json.loads(meta_file.read_text())
            if meta["n"] != args.n:
                raise RuntimeError(f"{db_file} holds n={meta['n']}, not {args.n}")
            end = datetime.fromisoformat(meta["clock"])
            seeded = {"seed_s": meta["seed_s"], "open_by_tenant": meta["open_by_tenant"], "reused": True}
            print(f"reusing {db_file} (seeded in {meta['seed_s']:.0f} s; earlier runs' completions stay)")
        else:
            if not url.startswith("postgresql") and db_file.exists():
                for f in db_dir.glob("inbox.db*"):
                    f.unlink()
            clock = Clock(START)
            seeder = bootstrap(Settings(database_url=url, sqlite_synchronous="OFF"), HandlerRegistry(), clock)
            engines.append(seeder)
            print(f"seeding {args.n:,} instances through engine.start" +
                  (" (SQLite synchronous=OFF while seeding)" if database == "sqlite" else ""), flush=True)
            seeded = seed(seeder, clock, args.n)
            seeder.db.dispose()
            engines.remove(seeder)
            end = clock.now
            if database == "sqlite":
                meta_file.write_text(json.dumps({"n": args.n, "clock": end.isoformat(), "seed_s": seeded["seed_s"],
                                                 "open_by_tenant": seeded["open_by_tenant"]}))
        if args.analyze:
            from sqlalchemy import text
            eng = bootstrap(Settings(database_url=url), HandlerRegistry(), migrate=False)
            with eng.db.begin() as conn:
                conn.execute(text("ANALYZE"))
            eng.db.dispose()
            print("ran ANALYZE")

        clock = Clock(end)
        engine = bootstrap(Settings(database_url=url, keyring_path=db_dir / "keyring.json"), HandlerRegistry(), clock,
                           migrate=False)
        engines.append(engine)
        pg_version = ""
        if engine.fast.pg:
            with engine.db.connect() as conn:
                pg_version = str(conn.exec_driver_sql("SHOW server_version").scalar())
        with engine.transaction() as s, s.begin():
            from sqlalchemy import select

            from engine.identity import StaffUser
            if s.scalar(select(StaffUser).where(StaffUser.username == USER)) is None:
                Identity(clock=engine.now, hasher=FAST_HASHER).create_user(s, USER, "ベンチ 審査担当", TENANT,
                                                                          ["reviewer"], PASSWORD)
        with engine.read() as conn:
            f = engine.fast
            instances = f.run(conn, "SELECT COUNT(*) FROM process_instance").scalar_one()
            open_all = f.run(conn, "SELECT COUNT(*) FROM human_task WHERE status = 'open'").scalar_one()
            open_13 = f.run(conn, "SELECT COUNT(*) FROM human_task WHERE status = 'open' AND tenant = :t",
                            {"t": TENANT}).scalar_one()
        viewer = Viewer(USER, TENANT, frozenset({"reviewer"}))
        _, listed = task_page(engine, viewer, LIST_QUERY)
        pages = -(-listed // PER_PAGE)
        deep = min(DEEP_PAGE, pages)
        if deep < 1:
            raise RuntimeError("the measured list is empty: raise -n")
        tasks = completion_tasks(engine, args.samples + WARMUP_ROUNDS)
        if len(tasks) < args.samples + WARMUP_ROUNDS:
            print(f"note: prefecture {TENANT} has only {len(tasks)} unassigned tasks outside the list to complete: "
                  f"complete gets {max(0, len(tasks) - WARMUP_ROUNDS)} samples, not {args.samples}")
        if len(tasks) <= WARMUP_ROUNDS:
            raise RuntimeError("too few tasks to complete: raise -n")
        deep_note = f"page {DEEP_PAGE}" if deep == DEEP_PAGE else f"page {deep}, the last of {pages}"
        print(f"database: {database}" + (f" {pg_version}" if pg_version else f" file {db_file}") +
              f"; {instances:,} instances, {open_all:,} open tasks in {len(seeded['open_by_tenant'])} prefectures; "
              f"prefecture {TENANT}: {open_13:,} open tasks, the measured list {listed:,} rows = {pages} pages of "
              f"{PER_PAGE}; deep = {deep_note}")
        if not seeded.get("reused"):
            print(f"seeding: {seeded['seed_s']:.0f} s, {args.n / seeded['seed_s']:.0f} starts/s")

        app = make_app(engine)
        client = app.test_client()
        sign_in(client)
        driver = Driver(engine, client, deep, tasks)
        print(f"measuring: {args.samples} samples per kind in {args.samples} interleaved rounds (after "
              f"{WARMUP_ROUNDS} warm-up rounds), engine clock {end:%Y-%m-%d %H:%M} UTC", flush=True)
        times = measure(driver, args.samples)
        done = check_completed(engine, driver.completed)
        if done != len(driver.completed):
            raise RuntimeError(f"only {done} of {len(driver.completed)} completed tasks are completed by {USER}")
        stats = {k: {"p50": 1000 * pct(v, 0.5), "p95": 1000 * pct(v, 0.95), "mean": 1000 * sum(v) / len(v),
                     "max": 1000 * max(v)} for k, v in times.items()}
        noop95 = stats["noop"]["p95"]

        print()
        print(f"{'request':<54}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}{'max ms':>9}{'p95/noop':>10}")
        for kind, label in KINDS:
            st = stats[kind]
            print(f"{label.format(deep=deep):<54}{len(times[kind]):5d}{st['p50']:9.2f}{st['p95']:9.2f}{st['mean']:9.2f}{st['max']:9.2f}"
                  f"{st['p95'] / noop95:10.1f}")
        ratio = stats["list"]["p95"] / noop95
        ratio_deep = stats["list_deep"]["p95"] / noop95
        met = ratio < TARGET and ratio_deep < TARGET
        print()
        print(f"list p95 / noop p95 = {ratio:.1f} (page 1), {ratio_deep:.1f} ({deep_note}); target < {TARGET:g}: "
              f"{'MET' if met else 'NOT MET'}")
        print(f"check: {done} tasks ({WARMUP_ROUNDS} warm-up) completed through the web by {USER}, each claimed first")

        print()
        print(f"the list's SQL ({deep_note}) and its plan ({'EXPLAIN ANALYZE' if engine.fast.pg else 'EXPLAIN QUERY PLAN'}):")
        for sql, lines in query_plans(engine, deep):
            print(f"  {sql}")
            for line in lines:
                print(f"      {line}")
        wall = time.perf_counter() - wall0
        print(f"wall time {wall:.0f} s")

        result = {"noop_p95_ms": round(noop95, 3), "list_p95_ms": round(stats["list"]["p95"], 3),
                  "complete_p95_ms": round(stats["complete"]["p95"], 3),
                  "list_page100_p95_ms": round(stats["list_deep"]["p95"], 3), "deep_page": deep,
                  "ratio_list_noop": round(ratio, 2), "ratio_list_page100_noop": round(ratio_deep, 2),
                  "target": TARGET, "met": met,
                  "noop_p50_ms": round(stats["noop"]["p50"], 3), "list_p50_ms": round(stats["list"]["p50"], 3),
                  "list_page100_p50_ms": round(stats["list_deep"]["p50"], 3),
                  "complete_p50_ms": round(stats["complete"]["p50"], 3),
                  "query_p95_ms": round(stats["query"]["p95"], 3),
                  "query_page100_p95_ms": round(stats["query_deep"]["p95"], 3),
                  "n": args.n, "database": database, "open_tasks": open_all, "tenant_open_tasks": open_13,
                  "list_rows": listed, "samples": args.samples, "seed_s": round(seeded["seed_s"], 1),
                  "wall_s": round(wall, 1), "src": digest}
        print(json.dumps(result, ensure_ascii=False))
        return 0
    finally:
        for e in engines:
            e.db.dispose()
        if pg_server is not None:
            pg_server.stop()


if __name__ == "__main__":
    sys.exit(main())
