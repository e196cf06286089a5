"""resident_resync.bpmn (定期照会): monthly re-query of 住基ネット, one correction per change, never two."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select, text

from engine.identity import Identity
from engine.identity.passwords import FAST_HASHER
from handlers.jukinet.store import Event
from handlers.registry.models import Applicant
from handlers.vault import access_log_entries
# ruff: noqa: F811 — the lifecycle fixtures are imported by name, and tests take them as arguments
from tests.integration.test_lifecycle import WORKFLOWS, Life, handlers, life, services  # noqa: F401

JST = timezone(timedelta(hours=9))


def _person(life: Life, app_id: str) -> dict:  # type: ignore[type-arg]
    """The Juki-net resident behind an application (the test knows the number; the system does not)."""
    applicant_id = _applicant_id(life, app_id)
    with life.engine.reading() as s:
        ref = s.scalar(select(Applicant.vault_ref).where(Applicant.id == applicant_id))
    number = life.numbers[ref]
    return next(r for r in life.services["juki"].store.residents() if r["my_number"] == number)


def _applicant_id(life: Life, app_id: str) -> int:
    from handlers.registry.models import Application
    with life.engine.reading() as s:
        return s.scalar(select(Application.applicant_id).where(Application.application_no == app_id))


def _corrections(life: Life) -> list[dict]:  # type: ignore[type-arg]
    tasks = [t for t in life.engine.tasks(limit=1000) if t["element_id"] == "review_change"]
    return sorted((life.engine.instance(t["instance_id"]) for t in tasks), key=lambda i: i["business_key"])


def _resync(life: Life) -> dict:  # type: ignore[type-arg]
    iid = life.engine.start("resident_resync", "13", {})
    life.drain()
    info = life.engine.instance(iid)
    assert info["status"] == "completed" and info["incidents"] == [], info
    batches = [h for h in life.engine.history(iid) if h["kind"] == "job_completed" and h["element_id"] == "query_batch"]
    return {**info["variables"], "batches": len(batches)}


def test_each_change_starts_one_correction_and_a_second_query_starts_none(life):  # type: ignore[no-untyped-def]
    apps = [life.apply()[1] for _ in range(3)]
    mover, renamed, died = (_person(life, a) for a in apps)
    store = life.services["juki"].store
    store.apply(Event("move", date(2026, 4, 20), resident_code=mover["resident_code"], address="大阪府大阪市北区梅田1-1"))
    store.apply(Event("name_change", date(2026, 5, 2), resident_code=renamed["resident_code"], name="新姓 花子",
                      name_kana="しんせい はなこ"))
    store.apply(Event("death", date(2026, 5, 3), resident_code=died["resident_code"]))
    life.clock.now = datetime(2026, 6, 1, 2, 0, tzinfo=JST)

    first = _resync(life)
    assert (first["resync_checked"], first["resync_found"], first["started_instances"]) == (3, 3, 3)
    corrections = _corrections(life)
    kinds = {c["variables"]["application_id"]: c["variables"]["change_kind"] for c in corrections}
    assert kinds == {apps[0]: "move", apps[1]: "name_change", apps[2]: "death"}
    move = next(c for c in corrections if c["variables"]["change_kind"] == "move")
    assert move["variables"]["new_address"] == "大阪府大阪市北区梅田1-1"
    assert move["business_key"] == f"juki:13:{_applicant_id(life, apps[0])}:move:2026-04-20"  # the change's id
    assert "my_number" not in str(first) and mover["my_number"] not in str(first)

    again = _resync(life)
    assert (again["started_instances"], again["skipped_instances"]) == (0, 3)
    assert len(_corrections(life)) == 3

    for c in corrections:  # the reviewer accepts each change
        life.complete(c["id"], "review_change", "reviewer1-13", accept_change=True)
    mover_id, died_id = _applicant_id(life, apps[0]), _applicant_id(life, apps[2])
    with life.engine.reading() as s:
        assert s.get(Applicant, mover_id).address == "大阪府大阪市北区梅田1-1"
        assert s.get(Applicant, died_id).status == "deceased"
    third = _resync(life)
    # the move and the new name are in the registry now; the deceased person is no longer queried
    assert (third["resync_checked"], third["resync_found"], third["started_instances"]) == (2, 0, 0)
    with life.engine.reading() as s:  # every reveal of a number for the query is in the access log
        reveals = [e for e in access_log_entries(s, "13") if e.purpose == "identity_check"]
        assert len(reveals) >= 3 + 3 + 3 + 2


def test_batches_loop_until_everyone_is_checked(life):  # type: ignore[no-untyped-def]
    source = (WORKFLOWS / "resident_resync.bpmn").read_text(encoding="utf-8")
    life.engine.deploy([("resident_resync.bpmn", source.replace('name="batchSize" value="100"',
                                                               'name="batchSize" value="2"').encode())])
    apps = [life.apply()[1] for _ in range(5)]
    person = _person(life, apps[4])
    life.services["juki"].store.apply(Event("move", date(2026, 4, 9), resident_code=person["resident_code"],
                                            address="北海道札幌市中央区北1条西2丁目"))
    v = _resync(life)
    assert (v["resync_checked"], v["resync_found"], v["batches"]) == (5, 1, 3)  # 2 + 2 + 1 people
    [correction] = _corrections(life)
    assert correction["variables"]["application_id"] == apps[4]


def test_the_monthly_timer_starts_a_query_for_each_prefecture_with_staff(life):  # type: ignore[no-untyped-def]
    with life.engine.transaction() as s, s.begin():
        Identity(clock=life.clock, hasher=FAST_HASHER).create_user(s, "reviewer1-13", "佐藤", "13", ["reviewer"],
                                                                   "Sakura-2026-haru")
    [timer] = [t for t in life.engine.start_timers() if t["process"] == "resident_resync"]
    assert timer["due_at"] == "2026-04-30T17:00:00+00:00"  # 1 May, 02:00 in Japan
    life.clock.now = datetime(2026, 5, 1, 1, 59, tzinfo=JST)
    life.engine.fire_due_timers()  # the e-Gov intake's ten-minute timer fires too: count this process's starts
    assert _resync_runs(life) == 0
    life.clock.now = datetime(2026, 5, 1, 2, 0, tzinfo=JST)
    life.engine.fire_due_timers()
    assert _resync_runs(life) == 1
    life.engine.fire_due_timers()
    assert _resync_runs(life) == 1
    life.drain()
    assert [t["due_at"] for t in life.engine.start_timers() if t["process"] == "resident_resync"] == [
        "2026-05-31T17:00:00+00:00"]


def _resync_runs(life: Life) -> int:
    """How many 定期照会 instances the timer has started (for the one prefecture with staff)."""
    with life.engine.read() as conn:
        return int(conn.execute(text("SELECT count(*) FROM process_instance i JOIN process_definition d "
                                     "ON d.id = i.definition_id WHERE d.key = 'resident_resync'")).scalar_one())
