"""e-Gov intake (egov_intake.bpmn): packages taken once, numbers to the vault only, refusals, 電子通知書 back.

The engine with the real handlers, the e-Gov, Juki-net and national simulators over HTTP and an SMTP server;
the intake process is started by its own timer (every ten minutes) for the prefecture served.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select, text

from engine.bootstrap import bootstrap
from engine.deploy import collect
from handlers.catalog import Adapters, default_registry
from handlers.egov.models import EgovNotice, EgovPackage
from handlers.egov.simulator import serve as serve_egov
from handlers.jukinet.simulator import SimulatorServer
from handlers.jukinet.store import ResidentStore
from handlers.national.guard import find_my_number
from handlers.national.simulator import serve as serve_national
from handlers.registry.models import Application, ExamSession
from handlers.registry.sessions import save_venue
from handlers.vault import REGISTRATION, Keyring, Vault
from handlers.vault.models import MyNumberRecord
from tests.support.egov import form_of, submit
from tests.support.smtp import SmtpServer

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


@pytest.fixture
def services(tmp_path: Path):  # type: ignore[no-untyped-def]
    juki = SimulatorServer(ResidentStore.seeded(seed=11, count=60)).start()
    national, egov, smtp = serve_national("127.0.0.1", 0), serve_egov("127.0.0.1", 0), SmtpServer()
    yield {"juki": juki, "national": national, "egov": egov, "smtp": smtp, "keyring": tmp_path / "keyring.json"}
    smtp.stop()
    egov.shutdown()
    national.shutdown()
    juki.shutdown()


@pytest.fixture
def handlers(settings, services):  # type: ignore[no-untyped-def]
    registry = default_registry(Adapters(settings.database_url, services["keyring"], services["juki"].url,
                                         services["national"].url, "127.0.0.1", services["smtp"].port,
                                         "kentei@example.jp", egov_url=services["egov"].url))
    yield registry
    registry.close()


@pytest.fixture
def engine(settings, handlers, clock):  # type: ignore[no-untyped-def]
    eng = bootstrap(replace(settings, tenants=("13",)), handlers, clock)  # 東京都 is served: its timer starts
    eng.deploy(collect([WORKFLOWS]))
    with eng.transaction() as s, s.begin():
        venue = save_venue(s, "13", {"name": "城南試験場", "address": "東京都大田区", "rooms": "第1教室:50"})
        day = (clock.now + timedelta(days=60)).date()
        s.add(ExamSession(tenant="13", code="E-0401-2", fiscal_year=2026, round="前期", trade_code="0401",
                          trade_name="機械加工", grade="2級", written_date=day, practical_start=day, practical_end=day,
                          venue_id=venue.id, capacity=50, assigned=0, closed=False))
    yield eng
    eng.db.dispose()


def residents(services: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in services["juki"].store.residents() if r["status"] == "active"]


def cycle(engine: Any, clock: Any) -> None:
    """Ten minutes pass: the intake's timer fires, and every job runs until none is due."""
    clock.advance(minutes=10)
    engine.fire_due_timers()
    drain(engine)


def drain(engine: Any) -> None:
    for _ in range(50):
        if not engine.run_jobs("test-worker", limit=50):
            return


def applications(engine: Any) -> list[dict[str, Any]]:
    with engine.read() as conn:
        rows = conn.execute(text("SELECT i.id, i.business_key FROM process_instance i JOIN process_definition d "
                                 "ON d.id = i.definition_id WHERE d.key = 'application' ORDER BY i.id")).all()
    return [{"id": r[0], "business_key": r[1], **engine.instance(r[0])} for r in rows]


def notices(services: dict[str, Any], package_id: str) -> list[dict[str, Any]]:
    return services["egov"].store.get(package_id).notices


def test_a_package_becomes_an_e_gov_application_and_its_number_goes_to_the_vault_only(engine, services, clock):
    person = residents(services)[0]
    package_id = submit(services["egov"].url, "13", form_of(person, my_number=person["my_number"]))
    cycle(engine, clock)
    [app] = applications(engine)
    assert app["business_key"] == package_id
    variables = app["variables"]
    assert variables["channel"] == "egov" and variables["applicant_name"] == person["name"]
    assert "my_number" not in variables and find_my_number(variables) is None
    assert [t["element_id"] for t in engine.tasks(instance_id=app["id"])] == ["eligibility_review"]  # Juki-net: one hit
    with engine.reading() as s:
        stored = s.scalar(select(EgovPackage).where(EgovPackage.package_id == package_id))
        record = s.scalar(select(Application).where(Application.application_no == variables["application_id"]))
        assert stored.status == "started" and stored.application_no == record.application_no
        assert record.channel == "egov"
        assert person["my_number"] not in (stored.form or "") + (stored.attachments or "")
        assert orjson.loads(stored.form)["applicant_name"] == person["name"]
        assert orjson.loads(stored.attachments)[0]["name"] == "実務経験証明書.pdf"
        vault = Vault(Keyring.load_or_create(services["keyring"]))
        assert vault.reveal(s, stored.vault_ref, "13", actor="test", purpose=REGISTRATION) == person["my_number"]
    # nothing in the workflow's or the registry's tables holds the number: the vault has it, encrypted
    with engine.read() as conn:
        for table in ("process_instance", "egov_package", "egov_notice", "applicant", "application"):
            dump = str(conn.execute(text(f"SELECT * FROM {table}")).all())
            assert person["my_number"] not in dump, table
    assert services["egov"].store.get(package_id).received_at is not None

    engine.complete_task(engine.tasks(instance_id=app["id"])[0]["id"], "reviewer1", {"decision": "approve"})
    drain(engine)
    cycle(engine, clock)  # the next intake sends the 受理 notice
    [accepted] = notices(services, package_id)
    assert accepted["kind"] == "accepted" and accepted["application_id"] == variables["application_id"]
    assert "円" in accepted["text"] and "納付書番号" in accepted["text"]
    assert accepted["issued_at"].endswith("+00:00")  # an aware time on either database
    assert find_my_number(accepted) is None
    cycle(engine, clock)  # sent once: a later cycle sends nothing again
    assert len(notices(services, package_id)) == 1


def test_a_package_fetched_again_is_taken_once(engine, services, clock, handlers):
    person = residents(services)[1]
    package_id = submit(services["egov"].url, "13", form_of(person, my_number=person["my_number"]))
    fetch = handlers.get("egov.fetch_packages").handler
    from handlers.base import HandlerContext
    ctx = HandlerContext("egov.fetch_packages", 0, "13", None, "fetch_packages", "test-1", now=clock.now)
    first = fetch(ctx, {})
    services["egov"].store.get(package_id).received_at = None  # e-Gov lost our receipt: it lists the package again
    second = fetch(ctx, {})
    assert first["egov_taken"] == 1 and second["egov_taken"] == 0
    assert first["egov_packages"] == second["egov_packages"] == [{"package_id": package_id, "channel": "egov"}]
    # a crash before the applications started: the next intake starts it, once
    cycle(engine, clock)
    cycle(engine, clock)
    assert [a["business_key"] for a in applications(engine)] == [package_id]
    with engine.reading() as s:
        assert s.scalar(select(func.count()).select_from(EgovPackage)) == 1
        assert s.scalar(select(func.count()).select_from(MyNumberRecord)) == 1


@pytest.mark.parametrize(("form", "prefecture", "reason"), [
    ("other-prefecture", "13", "他の都道府県あて"),
    ("no-name", "13", "氏名が入力されていません"),
    ("bad-number", "13", "個人番号が正しくありません"),
    ("number-in-address", "13", "個人番号欄以外"),
    ("not-an-object", "13", "申請書の内容がありません"),
    ("bad-grade", "13", "等級の値が選択肢にありません"),
])
def test_a_package_that_cannot_be_taken_is_refused_with_a_reason_and_nothing_is_stored(
        engine, services, clock, form, prefecture, reason):
    person = residents(services)[2]
    forms = {
        "other-prefecture": form_of(person, exam_prefecture="27"),
        "no-name": form_of(person, applicant_name=None, my_number=person["my_number"]),
        "bad-number": form_of(person, my_number=person["my_number"][:11] + str((int(person["my_number"][11]) + 1) % 10)),
        "number-in-address": form_of(person, address=f"東京都千代田区1-1 {person['my_number']}"),
        "not-an-object": ["a", "list"],
        "bad-grade": form_of(person, grade="10級"),
    }
    package_id = submit(services["egov"].url, prefecture, forms[form])
    cycle(engine, clock)
    assert applications(engine) == []
    [notice] = notices(services, package_id)
    assert notice["kind"] == "refused" and reason in notice["text"], notice["text"]
    assert find_my_number(notice) is None
    with engine.reading() as s:
        stored = s.scalar(select(EgovPackage).where(EgovPackage.package_id == package_id))
        assert stored.status == "refused" and stored.form is None and stored.vault_ref is None
        assert reason in stored.refusal_reason
        assert s.scalar(select(func.count()).select_from(MyNumberRecord)) == 0
    assert services["egov"].store.get(package_id).received_at is not None  # taken (as refused): not listed again
    cycle(engine, clock)
    assert len(notices(services, package_id)) == 1


def test_rejected_and_lapsed_e_gov_applications_get_their_notices(engine, services, clock):
    people = residents(services)
    rejected = submit(services["egov"].url, "13", form_of(people[3], my_number=people[3]["my_number"]))
    lapsed = submit(services["egov"].url, "13", form_of(people[4], my_number=people[4]["my_number"]))
    cycle(engine, clock)
    by_key = {a["business_key"]: a for a in applications(engine)}
    for key, decision in ((rejected, "reject"), (lapsed, "approve")):
        [task] = engine.tasks(instance_id=by_key[key]["id"])
        engine.complete_task(task["id"], "reviewer1", {"decision": decision})
    drain(engine)
    clock.advance(days=21)  # past the 納付期限: no payment came
    engine.fire_due_timers()
    drain(engine)
    cycle(engine, clock)
    assert [n["kind"] for n in notices(services, rejected)] == ["rejected"]
    assert "受検資格を満たしていない" in notices(services, rejected)[0]["text"]
    assert [n["kind"] for n in notices(services, lapsed)] == ["accepted", "lapsed"]
    with engine.reading() as s:
        assert s.scalar(select(func.count()).select_from(EgovNotice).where(EgovNotice.sent_at.is_(None))) == 0


def test_e_gov_unavailable_the_intake_retries_and_takes_each_package_once(engine, services, clock):
    person = residents(services)[5]
    package_id = submit(services["egov"].url, "13", form_of(person))  # no number in this one
    services["egov"].faults.set(fail_next=1, status=503)
    cycle(engine, clock)  # the fetch fails once; the job is retried after its backoff
    assert applications(engine) == []
    clock.advance(seconds=engine.settings.job_backoff_seconds * 4)
    drain(engine)
    [app] = applications(engine)
    assert app["business_key"] == package_id and app["variables"].get("vault_ref") is None
    assert engine.incidents() == []


def test_more_packages_than_one_batch_are_all_taken_in_one_run(engine, services, clock):
    source = (WORKFLOWS / "egov_intake.bpmn").read_text(encoding="utf-8")
    small = source.replace('name="batchSize" value="100"', 'name="batchSize" value="2"')
    engine.deploy([("egov_intake.bpmn", small.encode())])
    people = residents(services)[6:11]
    filed = [submit(services["egov"].url, "13", form_of(p, my_number=p["my_number"])) for p in people]
    cycle(engine, clock)
    assert sorted(a["business_key"] for a in applications(engine)) == sorted(filed)
    with engine.read() as conn:  # one intake instance went round the 残りあり loop: three fetches for five packages
        [(iid,)] = conn.execute(text("SELECT i.id FROM process_instance i JOIN process_definition d "
                                     "ON d.id = i.definition_id WHERE d.key = 'egov_intake'")).all()
    passed = [h["element_id"] for h in engine.history(iid) if h.get("element_id") == "fetch_packages"]
    assert engine.instance(iid)["variables"]["egov_taken"] == 5
    assert len(passed) >= 3, passed
