"""Where the engine's PostgreSQL time goes, statement by statement (issue 15's profile of round trips).

    .venv/bin/python bench/pg_statements.py [-n 100]

Runs bench/engine_overhead.py's lifecycle process on a throw-away PostgreSQL server (20 warm-up instances,
then n timed) and prints the client-side wall time of every SQL statement, grouped by its text: the
engine's prepared statements (engine/db/fast.py) and SQLAlchemy's. Commits are not included.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import engine_overhead  # noqa: E402
from sqlalchemy import event  # noqa: E402

from engine.db import fast  # noqa: E402
from tests.support.pg_server import PgServer  # noqa: E402

spent: Counter[str] = Counter()
calls: Counter[str] = Counter()


def _note(key: str, started: float) -> None:
    spent[key] += time.perf_counter() - started
    calls[key] += 1


def _timed_run(original: Any) -> Any:
    def run(self: Any, conn: Any, text: str, params: Any = None) -> Any:
        started = time.perf_counter()
        try:
            return original(self, conn, text, params)
        finally:
            _note(" ".join(text.split())[:110], started)
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100)
    n = parser.parse_args().n
    fast.FastSql.run = _timed_run(fast.FastSql.run)  # type: ignore[method-assign]
    server = PgServer()
    try:
        runner = engine_overhead.EngineRunner("pg", "pg", server.create_database("pg_statements"))

        @event.listens_for(runner.engine.db, "before_cursor_execute")
        def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            conn.info["kentei_started"] = time.perf_counter()

        @event.listens_for(runner.engine.db, "after_cursor_execute")
        def after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            _note("ORM " + " ".join(statement.split())[:106], conn.info["kentei_started"])

        for _ in range(20):
            runner.run_one()
        spent.clear()
        calls.clear()
        started = time.perf_counter()
        for _ in range(n):
            runner.run_one()
        total = time.perf_counter() - started
        print(f"{total / n * 1000:.2f} ms per instance, {sum(spent.values()) / n * 1000:.2f} ms of it in "
              f"{sum(calls.values()) / n:.1f} statements")
        for key, seconds in spent.most_common(20):
            print(f"{seconds / n * 1000:6.2f} ms {calls[key] / n:5.1f}x  {key}")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
