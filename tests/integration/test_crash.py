"""A process killed in the middle of a step leaves the instance at its last wait state."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from engine.bootstrap import bootstrap
from engine.errors import Conflict
from tests.conftest import ROOT, deploy_fixture

CHILD = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {root!r})
    from engine.bootstrap import bootstrap
    from engine.config import Settings
    from handlers.base import HandlerRegistry
    from tests.conftest import TestClock

    def crash(ctx, data):
        ctx.session.execute(__import__("sqlalchemy").text("UPDATE process_instance SET business_key = 'torn'"))
        os._exit(9)  # the power goes out half way through the step

    reg = HandlerRegistry()
    reg.register("test.register", crash, "local")
    clock = TestClock()
    clock.advance(days=3)
    engine = bootstrap(Settings(database_url={url!r}), reg, clock)
    engine.fire_due_timers()  # the reminder's handler runs inside the timer's step, and dies there
    sys.exit(0)
""")


def test_crash_mid_step_loses_nothing(engine, handlers, settings, clock):  # type: ignore[no-untyped-def]
    sent = []
    handlers.register("test.register", lambda ctx, data: sent.append(ctx.element_id), "local")
    deploy_fixture(engine, "reminder.bpmn")
    iid = engine.start("reminder", "13", business_key="B-7")
    [task] = engine.tasks()
    code = CHILD.format(root=str(ROOT), url=settings.database_url)
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert child.returncode == 9, child.stderr
    engine.db.dispose()
    clock.advance(days=3)
    fresh = bootstrap(settings, handlers, clock)  # a new process's view: nothing cached
    info = fresh.instance(iid)
    assert info["business_key"] == "B-7"  # the torn write never landed
    assert [t["id"] for t in info["tasks"]] == [task["id"]]
    assert [t["element_id"] for t in info["timers"]] == ["remind"]  # still due: the step rolled back whole
    assert "timer" not in [h["kind"] for h in fresh.history(iid)]
    assert fresh.fire_due_timers() == 1 and sent == ["send_reminder"]  # it fires once, now
    assert fresh.fire_due_timers() == 0
    fresh.db.dispose()


def test_bad_tenant_is_refused(engine, handlers):  # type: ignore[no-untyped-def]
    handlers.register("test.register", lambda ctx, data: None, "local")
    deploy_fixture(engine, "reminder.bpmn")
    for bad in ("48", "00", "1", "tokyo", ""):
        with pytest.raises(Conflict, match="prefecture code"):
            engine.start("reminder", bad)
