"""Timer start events: instances start on the schedule, once per prefecture, once per slot, whatever runs them."""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from engine.bootstrap import bootstrap
from engine.identity import Identity
from engine.identity.passwords import FAST_HASHER
from engine.validation import ValidationFailed
from tests import conftest

JST = timezone(timedelta(hours=9))


def _bpmn(timer: str, kind: str = "timeCycle", pid: str = "resync_test") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://kentei.test">
  <bpmn:process id="{pid}" isExecutable="true">
    <bpmn:startEvent id="every_day"><bpmn:timerEventDefinition><bpmn:{kind}>{timer}</bpmn:{kind}></bpmn:timerEventDefinition></bpmn:startEvent>
    <bpmn:userTask id="look" camunda:candidateGroups="reviewer"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="every_day" targetRef="look"/>
    <bpmn:sequenceFlow id="f2" sourceRef="look" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>""".encode()


@pytest.fixture
def served(settings, handlers, clock):  # type: ignore[no-untyped-def]
    """An engine serving prefectures 13 and 27."""
    eng = bootstrap(replace(settings, tenants=("13", "27")), handlers, clock)
    yield eng
    eng.db.dispose()


def _started(engine) -> list[tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    return sorted((t["tenant"], t.get("business_key")) for t in engine.tasks())


def test_a_daily_cycle_starts_one_instance_per_prefecture_at_its_time_and_never_before(served, clock):  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 4, 1, 12, 0, tzinfo=timezone.utc)
    served.deploy([("t.bpmn", _bpmn("R/2026-04-02T09:00/P1D"))])
    assert [t["due_at"] for t in served.start_timers()] == ["2026-04-02T00:00:00+00:00"]
    clock.now = datetime(2026, 4, 2, 8, 59, 59, tzinfo=JST)
    assert served.fire_due_timers() == 0 and served.tasks() == []
    clock.now = datetime(2026, 4, 2, 9, 0, tzinfo=JST)
    assert served.fire_due_timers() == 2
    tasks = served.tasks()
    assert sorted(t["tenant"] for t in tasks) == ["13", "27"]
    assert served.fire_due_timers() == 0  # once per slot
    assert [t["due_at"] for t in served.start_timers()] == ["2026-04-03T00:00:00+00:00"]
    v = served.instance(tasks[0]["instance_id"])
    assert v["business_key"] == "resync_test@20260402T000000Z" and v["variables"]["scheduledFor"].startswith("2026-04-02")


def test_slots_missed_while_nothing_ran_fire_once_then_the_schedule_goes_on(served, clock):  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 4, 1, 12, 0, tzinfo=timezone.utc)
    served.deploy([("t.bpmn", _bpmn("R/2026-04-02T09:00/P1D"))])
    clock.now = datetime(2026, 4, 5, 10, 0, tzinfo=JST)  # three and a bit days without a worker
    assert served.fire_due_timers() == 2 and served.fire_due_timers() == 0
    assert [t["due_at"] for t in served.start_timers()] == ["2026-04-06T00:00:00+00:00"]


def test_a_limited_cycle_ends_and_a_date_fires_once(served, clock):  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 4, 1, tzinfo=timezone.utc)
    served.deploy([("t.bpmn", _bpmn("R2/2026-04-01T12:00/PT1H")),
                   ("d.bpmn", _bpmn("2026-04-01T13:30", "timeDate", "on_a_date"))])
    fired = []
    for hours in range(1, 6):
        clock.now = datetime(2026, 4, 1, tzinfo=timezone.utc) + timedelta(hours=hours)
        fired.append(served.fire_due_timers())
    assert fired == [0, 0, 2, 2, 2]  # 12:00 and 13:00 JST the two slots, 13:30 JST the date
    assert served.start_timers() == [] and len(served.tasks()) == 6


def test_cron_in_unix_and_quartz_form(served, clock):  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 4, 1, 3, 0, tzinfo=JST)
    served.deploy([("u.bpmn", _bpmn("0 9 1 * *", pid="monthly")), ("q.bpmn", _bpmn("0 30 8 ? * MON-FRI", pid="weekdays"))])
    due = {t["process"]: t["due_at"] for t in served.start_timers()}
    assert due == {"monthly": "2026-04-01T00:00:00+00:00", "weekdays": "2026-03-31T23:30:00+00:00"}
    clock.now = datetime(2026, 4, 3, 9, 0, tzinfo=JST)  # a Friday
    assert served.fire_due_timers() == 4
    due = {t["process"]: t["due_at"] for t in served.start_timers()}
    assert due == {"monthly": "2026-05-01T00:00:00+00:00", "weekdays": "2026-04-05T23:30:00+00:00"}  # Monday


def test_a_new_version_replaces_the_schedule(served, clock):  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 4, 1, tzinfo=timezone.utc)
    served.deploy([("t.bpmn", _bpmn("R/2026-04-02T09:00/P1D"))])
    served.deploy([("t.bpmn", _bpmn("R/2026-04-02T10:00/P1D"))])
    assert [t["due_at"] for t in served.start_timers()] == ["2026-04-02T01:00:00+00:00"]
    clock.now = datetime(2026, 4, 2, 10, 0, tzinfo=JST)
    assert served.fire_due_timers() == 2
    assert {served.instance(t["instance_id"])["version"] for t in served.tasks()} == {2}


@pytest.mark.parametrize(("timer", "phrase"), [
    ("${every}", "literal value"), ("R/P0D", "longer than zero"), ("61 * * * *", "timeCycle"),
    ("every day", "timeCycle"),
])
def test_an_unschedulable_start_timer_is_refused_at_deploy(served, timer, phrase):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as err:
        served.deploy([("bad.bpmn", _bpmn(timer))])
    assert any(p.element_id == "every_day" and phrase in p.message for p in err.value.problems), err.value.problems
    assert served.start_timers() == []


def test_started_by_hand_it_does_not_wait_for_its_timer(served):  # type: ignore[no-untyped-def]
    served.deploy([("t.bpmn", _bpmn("R/P1D"))])
    iid = served.start("resync_test", "13", {})
    assert [t["element_id"] for t in served.tasks(instance_id=iid)] == ["look"]


def test_without_kentei_tenants_the_prefectures_with_staff_are_served(engine, clock):  # type: ignore[no-untyped-def]
    with engine.transaction() as s, s.begin():
        for name, tenant in (("a-13", "13"), ("b-13", "13"), ("c-01", "01")):
            Identity(clock=clock, hasher=FAST_HASHER).create_user(s, name, "名前", tenant, ["reviewer"],
                                                                  "Sakura-2026-haru")
    clock.now = datetime(2026, 4, 1, tzinfo=timezone.utc)
    engine.deploy([("t.bpmn", _bpmn("R/2026-04-01T10:00/P1D"))])
    clock.now = datetime(2026, 4, 1, 10, 0, tzinfo=JST)
    assert engine.fire_due_timers() == 2
    assert sorted(t["tenant"] for t in engine.tasks()) == ["01", "13"]


def test_two_workers_start_each_slot_once(settings, handlers):  # type: ignore[no-untyped-def]
    clock = conftest.TestClock(datetime(2026, 4, 1, tzinfo=timezone.utc))
    workers = [bootstrap(replace(settings, tenants=("13", "27", "01")), handlers, clock) for _ in range(2)]
    workers[0].deploy([("t.bpmn", _bpmn("R/2026-04-01T09:00/PT1H"))])
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def work(engine) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        counts.append(engine.fire_due_timers())

    for hour in range(5):
        clock.now = datetime(2026, 4, 1, 9 + hour, 0, tzinfo=JST)
        threads = [threading.Thread(target=work, args=(w,)) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sum(counts) == 15 and len(workers[0].tasks()) == 15
    keys = [workers[0].instance(t["instance_id"])["business_key"] for t in workers[0].tasks()]
    assert len(set(zip(keys, [t["tenant"] for t in workers[0].tasks()]))) == 15
    for w in workers:
        w.db.dispose()
