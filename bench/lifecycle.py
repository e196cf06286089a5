"""N full 技能検定 lifecycles with the real handlers, the simulators and SMTP: throughput and where time goes.

    .venv/bin/python bench/lifecycle.py -n 1000          # a fresh SQLite file in a temporary directory

It runs `kentei demo`'s lifecycle (3 prefectures, simulated staff, every branch) and measures:
- handlers: wall time inside handler functions (registry writes, Juki-net, SMTP, national system);
- database: wall time inside SQL statements (the engine's prepared statements and ORM statements;
  commits are not included);
- engine: the rest (SpiffWorkflow, serialization, projections, the demo's own driving).
The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from engine.db import fast as fast_module  # noqa: E402
from handlers.base import HandlerRegistry  # noqa: E402
from kentei import demo  # noqa: E402

spent = {"handlers": 0.0, "database": 0.0}


def instrument(handlers: HandlerRegistry, engine: Any) -> None:
    """Time handler calls and SQL statements (both paths: prepared SQL and SQLAlchemy)."""
    for topic in handlers.topics():
        reg = handlers.get(topic)
        assert reg is not None

        def timed(ctx: Any, data: Any, _fn: Any = reg.handler) -> Any:
            t = time.perf_counter()
            try:
                return _fn(ctx, data)
            finally:
                spent["handlers"] += time.perf_counter() - t
        handlers._by_topic[topic] = replace(reg, handler=timed)

    run = fast_module.FastSql.run

    def timed_run(self: Any, conn: Any, text: str, params: Any = None) -> Any:
        t = time.perf_counter()
        try:
            return run(self, conn, text, params)
        finally:
            spent["database"] += time.perf_counter() - t
    fast_module.FastSql.run = timed_run  # type: ignore[method-assign]

    @event.listens_for(engine.db, "before_cursor_execute")
    def _before(conn: Any, *_: Any) -> None:
        conn.info["kentei_t"] = time.perf_counter()

    @event.listens_for(engine.db, "after_cursor_execute")
    def _after(conn: Any, *_: Any) -> None:
        spent["database"] += time.perf_counter() - conn.info.pop("kentei_t", time.perf_counter())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="kentei-lifecycle-"))
    os.environ.update({"KENTEI_DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
                       "KENTEI_KEYRING": str(work / "keyring.json"),
                       "KENTEI_WORKFLOWS_DIR": str(ROOT / "workflows")})
    from engine.bootstrap import bootstrap
    from engine.config import Settings
    bootstrap(Settings.from_env()).db.dispose()  # the schema
    started = time.perf_counter()
    result = demo.run(args.n, args.seed, progress=False, instrument=instrument)
    total = time.perf_counter() - started
    engine_s = total - spent["handlers"] - spent["database"]
    figures = {
        "applications": args.n, "elapsed_s": round(total, 1), "applications_per_s": round(args.n / total, 2),
        "share_engine": round(engine_s / total, 3), "share_handlers": round(spent["handlers"] / total, 3),
        "share_database": round(spent["database"] / total, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "outcomes": {k: v for k, v in result.items() if k not in ("applications", "elapsed_s")},
    }
    print(f"{args.n} applications in {total:.1f} s = {figures['applications_per_s']} applications/s")
    print(f"time: engine {figures['share_engine']:.1%}, handlers {figures['share_handlers']:.1%}, "
          f"database statements {figures['share_database']:.1%} (commits counted in engine)")
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
