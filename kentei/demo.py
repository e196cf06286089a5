"""`kentei demo`: synthetic applicants of three prefectures through the whole lifecycle, staff simulated.

The simulators (住基ネット, the national system) and an SMTP sink run in this process; the engine's
clock is a demo clock that jumps ahead a day at a time, so deadlines, exam days and announcement
dates come in seconds. Applicants' 個人番号 go into the vault; workflow data holds only references.
"""
from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from aiosmtpd.controller import Controller
from sqlalchemy import select

from engine import start_timers
from engine.bootstrap import bootstrap
from engine.config import Settings
from engine.deploy import collect
from engine.identity import pseudonyms
from handlers.base import HandlerRegistry
from handlers.catalog import Adapters, default_registry
from handlers.egov.simulator import serve as serve_egov
from handlers.jukinet.simulator import SimulatorServer
from handlers.jukinet.store import ResidentStore
from handlers.national.simulator import serve as serve_national
from handlers.registry.models import Application, ExamRecord, ExamSession, ExamVenue
from handlers.registry.rounds import round_of
from handlers.registry.sessions import announce, save_session, save_venue, stale_tickets
from handlers.vault import REGISTRATION, Keyring, Vault
from kentei import demo_certificates
from kentei.demo_staff import PEOPLE, demo_username, seed_staff

JST = timezone(timedelta(hours=9))
TENANTS = ("13", "27", "01")  # 東京都, 大阪府, 北海道
OPEN_FOR_INBOX = 15  # applications left waiting for review after the run, five per prefecture
GRADES = (("3級", 0, 1), ("2級", 1, 4), ("1級", 3, 12), ("単一等級", 2, 6))
TRADES = (("0401", "機械加工", "普通旋盤作業"), ("1201", "建築大工", "大工工事作業"), ("2101", "電子機器組立て", "電子機器組立て作業"))
OUTCOMES = ("passed", "partial pass", "failed", "ineligible", "lapsed", "absent", "identity failed", "revoked",
            "refunded")
STATUS_TO_OUTCOME = {"refunded": "refunded", "pass": "passed", "partial_written": "partial pass", "partial_practical": "partial pass",
                     "fail": "failed", "ineligible": "ineligible", "lapsed": "lapsed", "absent": "absent",
                     "identity_failed": "identity failed", "revoked": "revoked"}


class DemoClock:
    """The engine's time in the demo: starts now, moves when the demo says so."""

    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now


class _Sink:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        return "250 OK"


@dataclass
class Staff:
    """Simulated reviewers, scorers and approvers of each prefecture."""

    rng: random.Random

    def user(self, role: str, tenant: str) -> str:
        return demo_username(role, self.rng.randint(1, len(PEOPLE[role])), tenant)


def run(n: int, seed: int, progress: bool = True,
        instrument: Callable[[HandlerRegistry, Any], None] | None = None) -> dict[str, Any]:
    """Run n applications; returns outcome counts and the elapsed time.

    `instrument(handlers, engine)` may wrap handlers or hook the database (bench/lifecycle.py does).
    """
    started = time.monotonic()
    settings = Settings.from_env()
    rng = random.Random(seed)
    juki = SimulatorServer(ResidentStore.seeded(seed=seed, count=max(2 * n, 200))).start()
    national = serve_national("127.0.0.1", 0)
    egov = serve_egov("127.0.0.1", 0)
    smtp = Controller(_Sink(), hostname="127.0.0.1", port=_free_port())
    smtp.start()
    adapters = Adapters(settings.database_url, settings.keyring_path, juki.url, national.url, "127.0.0.1",
                        smtp.port, settings.mail_from, egov_url=egov.url)
    handlers = default_registry(adapters)
    clock = DemoClock()
    engine = bootstrap(settings, handlers, clock)
    if instrument is not None:
        instrument(handlers, engine)
    try:
        engine.deploy(collect([settings.workflows_dir]), actor="demo")
        staff = seed_staff(engine, TENANTS)
        _sessions(engine, clock, n)
        counts = _drive(engine, juki, egov, clock, rng, n, settings.keyring_path, progress)
        counts["seats"] = _seats(engine)
        counts["channels"] = _channels(engine)
        counts["egov_notices"] = dict(sorted(Counter(notice["kind"] for p in egov.store.packages()
                                                     for notice in p.notices).items()))
        # the demo's days were simulated: schedules such as the monthly 定期照会 restart from real time
        start_timers.reschedule(engine, datetime.now(timezone.utc))
    finally:
        engine.db.dispose()
        handlers.close()
        smtp.stop()
        national.shutdown()
        egov.shutdown()
        juki.shutdown()
    return {**counts, "applications": n, "staff_created": len(staff),
            "elapsed_s": round(time.monotonic() - started, 2)}


def start_simulators(settings: Settings, seed: int = 1) -> list[str]:
    """The demo's outside world on the configured ports, for `kentei serve --simulators` (threads, for good)."""
    from urllib.parse import urlsplit
    juki_port = urlsplit(settings.jukinet_url).port or 8701
    national_port = urlsplit(settings.national_url).port or 8702
    SimulatorServer(ResidentStore.seeded(seed=seed, count=2000), port=juki_port).start()
    serve_national("127.0.0.1", national_port)
    Controller(_Sink(), hostname="127.0.0.1", port=settings.smtp_port).start()
    started = [f"住基ネット :{juki_port}", f"national :{national_port}", f"SMTP sink :{settings.smtp_port}"]
    if settings.egov_url:
        egov_port = urlsplit(settings.egov_url).port or 8703
        serve_egov("127.0.0.1", egov_port)
        started.append(f"e-Gov :{egov_port}")
    return started


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _drive(engine: Any, juki: Any, egov: Any, clock: DemoClock, rng: random.Random, n: int, keyring: Path,
           progress: bool) -> dict[str, Any]:
    from rich.progress import Progress
    vault = Vault(Keyring.load_or_create(keyring))
    staff = Staff(rng)
    people = [r for r in juki.store.residents() if r["status"] == "active"]
    rng.shuffle(people)
    ids: list[int] = []
    with Progress(disable=not progress, transient=True) as bar:
        job = bar.add_task("applications", total=n)
        for i in range(n):
            if rng.random() < EGOV_SHARE:  # filed at e-Gov: the intake process takes it on its next run
                _file_at_egov(egov, rng, people[i], i)
            else:
                ids.append(_apply(engine, vault, clock, rng, people[i], i))
            bar.advance(job)
        _file_misaddressed(egov, people[n])
        days = bar.add_task("days simulated", total=200)
        for day in range(200):  # a day at a time until every application has ended
            _work(engine, rng, staff)
            if day == 12:  # a venue becomes unavailable: its sessions move, their 受検票 are reissued
                _move_venue(engine, TENANTS[0])
            if not _running(engine, ids):
                break
            clock.now += timedelta(days=1)
            engine.fire_due_timers(limit=10_000)
            bar.advance(days)
    _revoke_some(engine, rng, staff)
    outcomes = _outcomes(engine)
    if demo_certificates.file_requests(engine, rng, TENANTS, lambda tenant: staff.user("reviewer", tenant)):
        _work(engine, rng, staff)  # the paper requester's 本人確認, the 納付書
        demo_certificates.pay_fees(engine)
        _work(engine, rng, staff)
    _leave_open(engine, vault, clock, rng, people[n:], OPEN_FOR_INBOX)
    return {**outcomes, "open_for_inbox": OPEN_FOR_INBOX, "certificate_requests": demo_certificates.outcomes(engine)}


def _leave_open(engine: Any, vault: Vault, clock: DemoClock, rng: random.Random, people: list[dict[str, Any]],
                count: int) -> None:
    """Applications filed today that wait for their eligibility review: the inbox a newcomer signs in to."""
    clock.now = datetime.now(timezone.utc).replace(microsecond=0)
    for i, person in enumerate(people[:count]):
        _apply(engine, vault, clock, rng, person, 100_000 + i)
    while engine.run_jobs("demo-worker", limit=500):  # the Juki-net checks
        pass


def _apply(engine: Any, vault: Vault, clock: DemoClock, rng: random.Random, person: dict[str, Any], i: int) -> int:
    tenant = TENANTS[i % len(TENANTS)]
    grade, low, high = rng.choice(GRADES)
    trade = rng.choice(TRADES)
    with engine.transaction() as s, s.begin():
        ref = vault.store(s, tenant, person["my_number"], actor="demo-portal", purpose=REGISTRATION)
    mismatch = rng.random() < 0.03  # a typo in the name: Juki-net's answer goes to a person
    data = {
        "channel": "online" if rng.random() < 0.8 else "paper", "vault_ref": ref, "pseudonym_id": new_pseudonym(),
        "email": f"applicant{i}@example.jp" if rng.random() < 0.7 else None,
        "applicant_name": person["name"] + ("丸" if mismatch else ""), "name_kana": person["name_kana"],
        "birth_date": person["birth_date"], "sex": person["sex"], "address": person["address"],
        "fiscal_year": _round(clock)[0], "round": _round(clock)[1], "grade": grade, "trade_code": trade[0], "trade_name": trade[1],
        "task_name": trade[2], "experience_years": rng.randint(low, high), "schooling": rng.choice(["なし", "専門高校", "大学"]),
        "prior_pass": "なし", "written_exemption_claimed": False, "practical_exemption_claimed": False,
        "enrolled_student": grade == "3級" and rng.random() < 0.3, "feeDeadline": (clock.now + timedelta(days=20)).isoformat(),
        "examDate": (clock.now + timedelta(days=45)).isoformat(),
        "announcementDate": (clock.now + timedelta(days=90)).isoformat(),
    }
    return int(engine.start("application", tenant, data, business_key=f"demo-{i}", actor="demo-portal"))


def _round(clock: DemoClock) -> tuple[int, str]:
    """The round open for applications on the demo's day (年度, 前期/後期), as the portal and e-Gov intake count it."""
    return round_of(clock.now.astimezone(JST))


EGOV_SHARE = 0.15  # about one application in seven comes through e-Gov


def _file_at_egov(egov: Any, rng: random.Random, person: dict[str, Any], i: int) -> str:
    """An applicant files at e-Gov; seven in ten write their 個人番号 on the form (the rest leave it out)."""
    grade, low, high = rng.choice(GRADES)
    trade = rng.choice(TRADES)
    form = {"applicant_name": person["name"], "name_kana": person["name_kana"], "birth_date": person["birth_date"],
            "sex": person["sex"], "address": person["address"], "grade": grade, "trade_code": trade[0],
            "trade_name": trade[1], "task_name": trade[2], "experience_years": rng.randint(low, high),
            "schooling": rng.choice(["なし", "専門高校", "大学"]), "prior_pass": "なし",
            "enrolled_student": grade == "3級" and rng.random() < 0.3}
    if rng.random() < 0.7:
        form["my_number"] = person["my_number"]
    if rng.random() < 0.7:
        form["email"] = f"egov{i}@example.jp"
    return egov.store.submit(TENANTS[i % len(TENANTS)], form, []).package_id


def _file_misaddressed(egov: Any, person: dict[str, Any]) -> None:
    """One package filed with 東京都 for an exam in 大阪府: the intake refuses it and tells e-Gov why (返戻)."""
    egov.store.submit(TENANTS[0], {"applicant_name": person["name"], "exam_prefecture": TENANTS[1]}, [])


def _channels(engine: Any) -> dict[str, int]:
    """Applications by channel: online (the portal), paper (entered by staff), egov (e-Gov 電子申請)."""
    from sqlalchemy import func
    with engine.reading() as s:
        counts = dict(s.execute(select(Application.channel, func.count()).group_by(Application.channel)).tuples().all())
    return {channel: int(counts.get(channel, 0)) for channel in ("online", "paper", "egov")}


def new_pseudonym() -> str:
    """A pseudonymous ID as the portal issues them: 128 random bits from `secrets`, never from the demo's seed
    (sequential or seeded IDs could be guessed, and an ID alone opens the demo portal)."""
    return pseudonyms.new()


def _work(engine: Any, rng: random.Random, staff: Staff) -> None:
    """One working day: remote jobs, every open task, and the day's payments and corrections."""
    while engine.run_jobs("demo-worker", limit=500):
        pass
    for task in engine.tasks(limit=100_000):
        variables = _variables(engine, task["instance_id"])
        element, tenant = task["element_id"], task["tenant"]
        form = _decide(element, variables, rng)
        if element == "resolve_waitlist":
            form = _resolve_waitlist(engine, variables, rng)
        role = {"score_entry": "scorer", "practical_marks": "scorer", "result_approval": "approver",
                "revocation_decision": "approver"}.get(element, "reviewer")
        engine.complete_task(task["id"], staff.user(role, tenant), form)
        if element == "eligibility_review" and form["decision"] == "request_correction" and rng.random() < 0.5:
            engine.correlate("correction_submitted", variables["application_id"],
                             {"experience_years": variables.get("experience_years", 0) + 1})
        if element == "eligibility_review" and form["decision"] == "approve" and rng.random() < 0.93:
            due = _variables(engine, task["instance_id"]).get("fee_amount")  # fees.dmn's, on the 納付書
            if due:  # one payment in twelve is of the wrong amount (the old standard, or a digit short)
                paid = due if rng.random() > 1 / 12 else rng.choice([21300, due - 1000, due + 100])
                engine.correlate("fee_paid", variables["application_id"], {"fee_paid_amount": paid},
                                 message_id=f"PAY-{variables['application_id']}")
        if element == "fee_discrepancy" and form["fee_resolution"] == "settle_difference" \
                and variables.get("fee_difference", 0) > 0:  # the applicant pays what was missing
            engine.correlate("fee_paid", variables["application_id"], {"fee_paid_amount": variables["fee_difference"]},
                             message_id=f"PAY-{variables['application_id']}-2")
    while engine.run_jobs("demo-worker", limit=500):
        pass


def _running(engine: Any, ids: list[int]) -> int:
    """How many of the demo's application instances are still running (one query)."""
    with engine.read() as conn:
        first = min(ids)
        return int(engine.fast.run(conn, "SELECT count(*) FROM process_instance WHERE status = 'running' "
                                         "AND id >= :first", {"first": first}).scalar_one())


def _variables(engine: Any, instance_id: int) -> dict[str, Any]:
    """An instance's process variables, as a member of staff sees them on the task's page."""
    with engine.read() as conn:
        raw = engine.fast.run(conn, "SELECT variables FROM process_instance WHERE id = :id",
                              {"id": instance_id}).scalar_one()
    return dict(engine.fast.read_js(raw) or {})


def _decide(element: str, v: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """What a member of staff would enter on each task's form."""
    if element == "paper_entry_check":
        return {"entry_confirmed": True}
    if element == "identity_review":
        return {"identity_confirmed": rng.random() < 0.5, "identity_note": "窓口で本人確認"}
    if element == "eligibility_review":
        if not (v.get("eligibility") or {}).get("eligible"):
            return {"decision": "reject", "review_comment": "実務経験年数が不足"}
        if rng.random() < 0.05:
            return {"decision": "request_correction", "review_comment": "実務経験証明書の添付をお願いします"}
        return {"decision": "approve"}
    if element == "score_entry":
        if rng.random() < 0.04:
            return {"written_attended": False, "practical_attended": False}
        return {"written_attended": True, "written_score": min(100, max(0, int(rng.gauss(72, 12)))),
                "practical_attended": True}
    if element == "practical_marks":  # one 実技 component (作業, 課題1–3, 要素, ペーパー), out of 100
        return {"component_score": min(100, max(0, int(rng.gauss(66, 14))))}
    if element == "result_approval":
        return {"result_approved": True}
    if element == "identity_check":  # a certificate request on paper: the form matches the passer's record
        return {"identity_confirmed": True}
    if element == "fee_discrepancy":  # a short payment: ask for the rest; an excess: refund it; now and then all back
        if rng.random() < 0.15:
            return {"fee_resolution": "refund", "fee_note": "申請者の申出により取下げ"}
        return {"fee_resolution": "settle_difference", "fee_note": "差額を精算"}
    if element == "investigate":
        return {"finding": "不正受検の事実を確認", "recommend_revocation": True}
    if element == "revocation_decision":
        return {"revoke": True, "revocation_reason": "不正受検"}
    return {}


def _revoke_some(engine: Any, rng: random.Random, staff: Staff) -> None:
    """About one pass in a hundred is found to be fraudulent and revoked (合格取消)."""
    with engine.transaction() as s:
        passed = s.execute(select(Application.tenant, Application.application_no)
                           .where(Application.status == "pass")).all()
    for tenant, app_no in passed:
        if rng.random() < 0.01:
            engine.start("revocation", tenant, {"application_id": app_no}, business_key=f"rev-{app_no}")
    for _ in range(3):
        _work(engine, rng, staff)


def _outcomes(engine: Any) -> dict[str, int]:
    with engine.transaction() as s:
        statuses = s.execute(select(Application.status)).scalars().all()
    counts = Counter(STATUS_TO_OUTCOME.get(st, "other") for st in statuses)
    return {k: counts.get(k, 0) for k in (*OUTCOMES, "other")}


DEMO_VENUES = (("第1試験場", "職業能力開発センター", "第1教室:12;第2教室:12"), ("第2試験場", "技術専門校", "実習室A:10;実習室B:10"),
               ("第3試験場", "工業高校（臨時会場）", "講堂:40"))


def _sessions(engine: Any, clock: DemoClock, n: int) -> None:
    """Two sessions per prefecture, trade and grade, small enough that some fill (capacity n/60, at least 1)."""
    from kentei.demo_staff import PREFECTURES
    capacity = max(1, n // 60)
    with engine.transaction() as s, s.begin():
        for tenant in TENANTS:
            venues = [save_venue(s, tenant, {"name": f"{PREFECTURES[tenant]}{name}", "address": f"{PREFECTURES[tenant]}{place}",
                                             "rooms": rooms}) for name, place, rooms in DEMO_VENUES]
            for t, (trade_code, trade_name, _task) in enumerate(TRADES):
                for g, (grade, _low, _high) in enumerate(GRADES):
                    for k in (1, 2):
                        day = (clock.now + timedelta(days=38 + 3 * k)).date()
                        save_session(s, tenant, {
                            "code": f"{clock.now.year}A-{trade_code}-{g}-{k}", "fiscal_year": str(_round(clock)[0]),
                            "round": _round(clock)[1], "trade_code": trade_code, "trade_name": trade_name, "grade": grade,
                            "written_date": day.isoformat(), "practical_start": (day + timedelta(days=1)).isoformat(),
                            "practical_end": (day + timedelta(days=2)).isoformat(),
                            "announcement_date": (clock.now + timedelta(days=90)).date().isoformat(),
                            "capacity": str(capacity)}, venues[(t + k) % 2])


def _move_venue(engine: Any, tenant: str) -> None:
    """The prefecture's 第1試験場 closes: its sessions go to the 臨時会場, and each seated examinee is told."""
    with engine.transaction() as s, s.begin():
        old, new = sorted(s.scalars(select(ExamVenue).where(ExamVenue.tenant == tenant)), key=lambda v: v.id)[0::2][:2]
        for exam in s.scalars(select(ExamSession).where(ExamSession.venue_id == old.id)).all():
            values = {k: "" if getattr(exam, k) is None else str(getattr(exam, k))
                      for k in ("code", "fiscal_year", "round", "trade_code", "trade_name", "task_code", "task_name",
                                "grade", "written_date", "practical_start", "practical_end", "announcement_date",
                                "capacity")}
            save_session(s, tenant, values, new, exam)
    with engine.reading() as s:
        stale = stale_tickets(s, tenant)
    announce(engine.correlate, tenant, stale)


def _resolve_waitlist(engine: Any, v: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """キャンセル待ちの調整: half the time the admin adds a seat to the first-choice session and assigns it."""
    with engine.transaction() as s, s.begin():
        app = s.scalar(select(Application).where(Application.application_no == v["application_id"]))
        exam = s.get(ExamSession, app.waitlist_session_id) if app and app.waitlist_session_id else None
        if exam is None or rng.random() < 0.5:
            return {"waitlist_decision": "refund", "waitlist_note": "定員に空きがないため還付"}
        exam.capacity += 1  # the venue has the seats; the page would check the same
        return {"waitlist_decision": "assign", "chosen_session": exam.code, "waitlist_note": "座席を1席追加"}


def _seats(engine: Any) -> dict[str, int]:
    """Seats: assigned, ever on the wait list, moved to a later session, and sessions over capacity (always 0)."""
    from sqlalchemy import func
    with engine.reading() as s:
        assigned = s.scalar(select(func.count()).select_from(ExamRecord).where(ExamRecord.session_id.is_not(None)))
        moved = s.scalar(select(func.count()).select_from(ExamRecord)
                         .where(ExamRecord.session_id != ExamRecord.preferred_session_id))
        waitlisted = s.scalar(select(func.count()).select_from(Application).where(Application.waitlisted_on.is_not(None)))
        seated = dict(s.execute(select(ExamRecord.session_id, func.count()).where(ExamRecord.session_id.is_not(None))
                                .group_by(ExamRecord.session_id)).tuples().all())
        over = sum(1 for exam in s.scalars(select(ExamSession)) if seated.get(exam.id, 0) > exam.capacity
                   or exam.assigned > exam.capacity)
    return {"assigned": int(assigned), "waitlisted": int(waitlisted), "moved": int(moved), "over_capacity": over}
