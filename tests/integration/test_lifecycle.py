"""application.bpmn end to end: the engine, the real handlers, the Juki-net and national simulators, SMTP."""
from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from engine.deploy import collect
from engine.inbox import Viewer, visible_task
from handlers.catalog import Adapters, default_registry
from handlers.jukinet.simulator import SimulatorServer
from handlers.jukinet.store import ResidentStore
from handlers.national import NationalClient
from handlers.national.simulator import serve as serve_national
from handlers.notify import inbox
from handlers.registry.models import Application, ExamSession, ExamVenue, Passer
from handlers.registry.sessions import save_venue
from handlers.vault import REGISTRATION, Keyring, Vault
from tests.support.smtp import SmtpServer

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


@pytest.fixture
def services(tmp_path: Path):  # type: ignore[no-untyped-def]
    juki = SimulatorServer(ResidentStore.seeded(seed=7, count=120)).start()
    national = serve_national("127.0.0.1", 0)
    smtp = SmtpServer()
    yield {"juki": juki, "national": national, "smtp": smtp, "keyring": tmp_path / "keyring.json"}
    smtp.stop()
    national.shutdown()
    juki.shutdown()


@pytest.fixture
def handlers(settings, services):  # type: ignore[no-untyped-def]
    adapters = Adapters(settings.database_url, services["keyring"], services["juki"].url, services["national"].url,
                        "127.0.0.1", services["smtp"].port, "kentei@example.jp")
    registry = default_registry(adapters)
    yield registry
    registry.close()


@pytest.fixture
def life(engine, services, clock):  # type: ignore[no-untyped-def]
    engine.deploy(collect([WORKFLOWS]))
    return Life(engine, services, clock)


class Life:
    """Drives applications through the lifecycle as the staff and the outside world would."""

    def __init__(self, engine: Any, services: dict[str, Any], clock: Any) -> None:
        self.engine, self.services, self.clock = engine, services, clock
        self.vault = Vault(Keyring.load_or_create(services["keyring"]))
        self.residents = [r for r in services["juki"].store.residents() if r["status"] == "active"]
        self.numbers: dict[str, str] = {}
        self.auto_sessions = True  # a session of each application's trade and grade, made when it applies
        self._serial = itertools.count(1)  # this test's applicants: each test has its own residents and database

    def apply(self, **over: Any) -> tuple[int, str]:
        n = next(self._serial)
        person = self.residents[n]
        with self.engine.transaction() as s, s.begin():
            ref = self.vault.store(s, "13", person["my_number"], actor="portal", purpose=REGISTRATION)
        self.numbers[ref] = person["my_number"]
        start = self.clock.now
        data = {
            "channel": "online", "vault_ref": ref, "pseudonym_id": f"PSN-{n}", "email": f"applicant{n}@example.jp",
            "applicant_name": person["name"], "name_kana": person["name_kana"], "birth_date": person["birth_date"],
            "sex": person["sex"], "address": person["address"], "fiscal_year": 2026, "round": "前期",
            "grade": "2級", "trade_code": "0401", "trade_name": "機械加工", "task_name": "普通旋盤作業",
            "experience_years": 3, "schooling": "なし", "prior_pass": "なし",
            "written_exemption_claimed": False, "practical_exemption_claimed": False, "fee_amount": 21300,
            "feeDeadline": (start + timedelta(days=20)).isoformat(), "examDate": (start + timedelta(days=60)).isoformat(),
            "announcementDate": (start + timedelta(days=120)).isoformat(),
        }
        data.update(over)
        if self.auto_sessions:
            self.session_for(data, start)
        iid = self.engine.start("application", "13", data, business_key=f"web-{n}", actor="portal")
        self.drain()
        return iid, self.engine.instance(iid)["variables"].get("application_id")

    def session_for(self, data: dict[str, Any], start: Any, capacity: int = 100) -> None:
        """An exam session of the application's trade and grade (学科 60 days after filing), unless one exists."""
        with self.engine.transaction() as s, s.begin():
            venue = s.scalar(select(ExamVenue).where(ExamVenue.tenant == "13"))
            if venue is None:
                venue = save_venue(s, "13", {"name": "城南試験場", "address": "東京都大田区南六郷3-10-3",
                                             "rooms": "第1教室:60;第2教室:60"})
            found = s.scalar(select(ExamSession).where(ExamSession.trade_code == data["trade_code"],
                                                       ExamSession.grade == data["grade"]))
            if found is None:  # straight into the table: a grade the page would refuse (準1級) gets one too
                day = (start + timedelta(days=60)).date()
                s.add(ExamSession(tenant="13", code=f"T{data['trade_code']}-{len(data['grade'])}{ord(data['grade'][0])}",
                                  fiscal_year=2026, round="前期", trade_code=data["trade_code"],
                                  trade_name=data["trade_name"], grade=data["grade"], written_date=day,
                                  practical_start=day, practical_end=day, venue_id=venue.id, capacity=capacity,
                                  assigned=0, closed=False))

    def drain(self) -> None:
        """Run external jobs until none is due (the simulators answer at once)."""
        for _ in range(50):
            if not self.engine.run_jobs("test-worker", limit=20):
                return

    def task(self, iid: int, element: str) -> dict[str, Any]:
        tasks = [t for t in self.engine.tasks(instance_id=iid) if t["element_id"] == element]
        assert tasks, f"no open {element} task; instance is {self.engine.instance(iid)}"
        return tasks[0]

    def complete(self, iid: int, element: str, user: str, **data: Any) -> None:
        self.engine.complete_task(self.task(iid, element)["id"], user, data)
        self.drain()

    def mark_practical(self, iid: int, user: str, *marks: int) -> list[str]:
        """Enter the 実技 mark of each open component task (one mark for all, or one each, in order)."""
        scorer = Viewer(user, "13", frozenset({"scorer"}))  # the task's page: its own variables with the instance's
        tasks = sorted((visible_task(self.engine, scorer, t["id"]) for t in self.engine.tasks(instance_id=iid)
                        if t["element_id"] == "practical_marks"), key=lambda t: t["variables"]["loopCounter"])
        assert tasks and len(marks) in (1, len(tasks)), (marks, tasks)
        for task, mark in zip(tasks, marks * len(tasks) if len(marks) == 1 else marks):
            self.engine.complete_task(task["id"], user, {"component_score": mark})
        self.drain()
        return [t["variables"]["component_name"] for t in tasks]

    def until(self, days: float) -> None:
        self.clock.advance(days=days)
        self.engine.fire_due_timers()
        self.drain()

    def path(self, iid: int) -> list[str]:
        return [h["element_id"] for h in self.engine.history(iid) if h["kind"] == "step"]


def _through_exam(life: Life, **over: Any) -> tuple[int, str]:
    iid, app_id = life.apply(**over)
    life.complete(iid, "eligibility_review", "reviewer1", decision="approve")
    fee = life.engine.instance(iid)["variables"]["fee_amount"]  # fees.dmn's amount on the 納付書
    assert life.engine.correlate("fee_paid", app_id, {"fee_paid_amount": fee})["status"] == "delivered"
    life.drain()
    assert life.engine.instance(iid)["variables"]["seat_status"] == "assigned"
    life.until(61)  # the exam day
    return iid, app_id


def test_a_pass_goes_all_the_way_to_the_certificate_and_the_national_system(life):  # type: ignore[no-untyped-def]
    iid, app_id = _through_exam(life)
    assert app_id.startswith("13-2026-")
    with life.engine.reading() as s:  # the fees were recorded on the day the payment came (JST)
        paid = s.scalar(select(Application).where(Application.application_no == app_id))
        assert paid.written_fee_paid_on == paid.practical_fee_paid_on == date(2026, 4, 1)
    life.complete(iid, "score_entry", "scorer1", written_attended=True, written_score=65, practical_attended=True)
    life.mark_practical(iid, "scorer1", 60)
    with pytest.raises(Exception, match="four eyes"):
        life.complete(iid, "result_approval", "scorer1", result_approved=True)
    life.complete(iid, "result_approval", "approver1", result_approved=True)
    life.until(60)  # the announcement date
    info = life.engine.instance(iid)
    assert info["status"] == "completed" and info["incidents"] == [], info
    v = info["variables"]
    assert v["result"] == "pass" and v["juki_outcome"] == "one_hit"
    assert v["ginoshi_no"].startswith("26-13-") and v["certificate_no"].startswith("第13")
    assert "end_passed" in life.path(iid)
    with life.engine.transaction() as s:
        passer = s.scalars(select(Passer)).one()
        assert passer.ginoshi_no == v["ginoshi_no"] and passer.certificate_count == 1
        notices = inbox(s, v["pseudonym_id"])
    kinds = sorted(m["kind"] for m in notices)
    assert kinds == ["admission_ticket", "certificate", "fee_request", "pass_notice"]
    mails = life.services["smtp"].messages
    assert {m["To"] for m in mails} == {v["email"]} and len(mails) == 4
    record = NationalClient(life.services["national"].url).get(f"13-passer-{v['ginoshi_no']}")
    assert record["data"]["applicant_name"] == v["applicant_name"] and "vault_ref" not in record["data"]
    number = life.numbers[v["vault_ref"]]
    assert number not in str(info) and number not in str(life.engine.history(iid))
    assert all(number not in m.as_string() for m in mails)
    url = life.engine.settings.database_url
    if url.startswith("sqlite:///"):  # read the bytes: the database file and its write-ahead log
        life.engine.db.dispose()
        raw = b"".join(p.read_bytes() for p in Path(url[len("sqlite:///"):]).parent.glob("kentei.db*"))
        assert raw and number.encode() not in raw and number.encode("utf-16-le") not in raw


def test_partial_pass_and_fail_and_absent(life):  # type: ignore[no-untyped-def]
    outcomes = {}
    for label, scores in {"partial": (70, 40), "fail": (10, 20), "absent": (None, None)}.items():
        iid, _ = _through_exam(life)
        attended = scores[0] is not None
        form = {"written_attended": attended, "practical_attended": attended}
        if attended:
            form.update(written_score=scores[0])
        life.complete(iid, "score_entry", "scorer1", **form)
        if attended:
            life.mark_practical(iid, "scorer1", scores[1])
            life.complete(iid, "result_approval", "approver1", result_approved=True)
            life.until(60)
        outcomes[label] = (life.engine.instance(iid)["status"], life.path(iid)[-1])
    assert outcomes == {"partial": ("completed", "end_partial"), "fail": ("completed", "end_failed"),
                        "absent": ("completed", "end_absent")}


def test_rejection_correction_and_lapses(life):  # type: ignore[no-untyped-def]
    rejected, _ = life.apply()
    life.complete(rejected, "eligibility_review", "reviewer1", decision="reject", review_comment="実務経験の証明がない")
    assert life.path(rejected)[-1] == "end_ineligible"

    corrected, app_id = life.apply()
    life.complete(corrected, "eligibility_review", "reviewer1", decision="request_correction",
                  review_comment="実務経験証明書を添付してください")
    assert life.engine.correlate("correction_submitted", app_id, {"experience_years": 4})["status"] == "delivered"
    life.drain()
    assert life.task(corrected, "eligibility_review")  # back to the reviewer with the corrected data
    life.complete(corrected, "eligibility_review", "reviewer1", decision="approve")
    fee = life.engine.instance(corrected)["variables"]["fee_amount"]
    assert life.engine.correlate("fee_paid", app_id, {"fee_paid_amount": fee})["status"] == "delivered", \
        life.path(corrected)
    life.drain()
    with life.engine.reading() as s:  # the registry keeps the answer as corrected
        assert s.scalar(select(Application.experience_years).where(Application.application_no == app_id)) == 4

    lapsed, _ = life.apply()
    life.complete(lapsed, "eligibility_review", "reviewer1", decision="request_correction", review_comment="住所")
    life.until(15)
    assert life.path(lapsed)[-1] == "end_correction_lapsed"

    unpaid, _ = life.apply()
    life.complete(unpaid, "eligibility_review", "reviewer1", decision="approve")
    life.until(21)
    assert life.path(unpaid)[-1] == "end_fee_lapsed"
    with life.engine.transaction() as s:
        statuses = dict(s.execute(select(Application.application_no, Application.status)).all())
    assert sorted(statuses.values()).count("lapsed") == 2 and "ineligible" in statuses.values()


def test_identity_needs_a_person_when_juki_net_finds_no_one(life):  # type: ignore[no-untyped-def]
    iid, _ = life.apply(applicant_name="存在 しない人")  # the number resolves, but the name does not match
    info = life.engine.instance(iid)
    assert info["variables"]["juki_outcome"] == "mismatch"
    life.complete(iid, "identity_review", "reviewer1", identity_confirmed=False, identity_note="別人")
    assert life.path(iid)[-1] == "end_identity_failed"


def test_juki_net_down_becomes_an_incident_then_goes_on_after_retry(life):  # type: ignore[no-untyped-def]
    from handlers.jukinet.admin import SimulatorAdmin
    admin = SimulatorAdmin(life.services["juki"].url)
    admin.set_faults(fail_next=10, status=503)
    iid, _ = life.apply()
    for _ in range(3):
        life.clock.advance(minutes=10)
        life.drain()
    [incident] = life.engine.incidents()
    assert incident["element_id"] == "juki_lookup" and incident["kind"] == "job_failed"
    assert "503" in incident["message"] or "Unavailable" in incident["message"]
    admin.set_faults()
    life.engine.retry(incident["id"], "admin")
    life.drain()
    assert life.task(iid, "eligibility_review")


def test_a_pass_is_revoked_by_four_eyes_and_the_national_record_follows(life):  # type: ignore[no-untyped-def]
    iid, app_id = _through_exam(life)
    life.complete(iid, "score_entry", "scorer1", written_attended=True, written_score=90, practical_attended=True)
    life.mark_practical(iid, "scorer1", 90)
    life.complete(iid, "result_approval", "approver1", result_approved=True)
    life.until(60)
    ginoshi = life.engine.instance(iid)["variables"]["ginoshi_no"]
    rid = life.engine.start("revocation", "13", {"application_id": app_id}, business_key=f"rev-{app_id}")
    life.complete(rid, "investigate", "reviewer2", finding="替え玉受検が判明", recommend_revocation=True)
    with pytest.raises(Exception, match="four eyes"):
        life.complete(rid, "revocation_decision", "reviewer2", revoke=True, revocation_reason="不正受検")
    life.complete(rid, "revocation_decision", "approver2", revoke=True, revocation_reason="不正受検")
    assert life.engine.instance(rid)["status"] == "completed" and life.path(rid)[-1] == "end_revoked"
    with life.engine.transaction() as s:
        passer = s.scalars(select(Passer)).one()
        assert passer.revocation_reason == "不正受検" and passer.revoked_on is not None
        assert "revocation_notice" in [m["kind"] for m in inbox(s, life.engine.instance(iid)["variables"]["pseudonym_id"])]
    record = NationalClient(life.services["national"].url).get(f"13-passer-{ginoshi}")
    assert record["revocation"]["reason"] == "不正受検"


def test_a_move_is_corrected_and_the_national_record_gets_a_new_version(life):  # type: ignore[no-untyped-def]
    iid, app_id = life.apply()
    life.complete(iid, "eligibility_review", "reviewer1", decision="reject", review_comment="経験不足")
    cid = life.engine.start("correction", "13", {"application_id": app_id, "change_kind": "move",
                                                 "new_address": "東京都千代田区霞が関1-2-2", "source": "applicant"})
    life.complete(cid, "review_change", "reviewer3", accept_change=True)
    assert life.path(cid)[-1] == "end_applied"
    record = NationalClient(life.services["national"].url).get(f"13-applicant-{app_id}")
    assert record["version"] == 2
    declined = life.engine.start("correction", "13", {"application_id": app_id, "change_kind": "name_change",
                                                      "new_applicant_name": "別 名前"})
    life.complete(declined, "review_change", "reviewer3", accept_change=False, review_note="証明書なし")
    assert life.path(declined)[-1] == "end_not_applied"
