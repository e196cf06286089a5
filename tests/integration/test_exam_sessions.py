"""試験日程: seats within capacity when the fee is paid (also under concurrent payments), the next session and the
wait list, a venue change reissuing the 受検票; the administrators' page and the CSV import."""
from __future__ import annotations

import re
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from engine.identity import Identity
from engine.identity.passwords import FAST_HASHER
from handlers.notify import inbox
from handlers.registry.models import Application, ExamRecord, ExamSession, ExamVenue
from handlers.registry.sessions import Refused, announce, save_session, save_venue, stale_tickets
from handlers.registry.sessions_csv import HEADER
# ruff: noqa: F811 — the lifecycle fixtures are imported by name, and tests take them as arguments
from tests.integration.test_lifecycle import Life, handlers, life, services  # noqa: F401

TRADE = {"trade_code": "2101", "trade_name": "電子機器組立て", "task_name": "電子機器組立て作業", "grade": "3級"}


def _venue(life: Life, name: str, rooms: str, tenant: str = "13") -> int:
    life.auto_sessions = False  # these tests make their own sessions
    with life.engine.transaction() as s, s.begin():
        return save_venue(s, tenant, {"name": name, "address": f"{name}の所在地", "rooms": rooms}).id


def _session(life: Life, code: str, venue_id: int, capacity: int, days: int = 60, **over: str) -> None:
    day = (life.clock.now + timedelta(days=days)).date().isoformat()
    values = {"code": code, "fiscal_year": "2026", "round": "前期", "trade_code": TRADE["trade_code"],
              "trade_name": TRADE["trade_name"], "grade": TRADE["grade"], "written_date": day,
              "practical_start": day, "capacity": str(capacity), **over}
    with life.engine.transaction() as s, s.begin():
        save_session(s, "13", values, s.get(ExamVenue, venue_id))


def _approved(life: Life, count: int) -> list[tuple[int, str]]:
    """Applications of the trade approved and waiting for their fee (their session exists already)."""
    out = []
    for _ in range(count):
        iid, app_id = life.apply(**TRADE)
        life.complete(iid, "eligibility_review", "reviewer1", decision="approve")
        out.append((iid, app_id))
    return out


def _pay(life: Life, iid: int, app_id: str) -> dict[str, Any]:
    fee = life.engine.instance(iid)["variables"]["fee_amount"]
    assert life.engine.correlate("fee_paid", app_id, {"fee_paid_amount": fee}, message_id=f"PAY-{app_id}")["status"] \
        == "delivered"
    life.drain()
    return life.engine.instance(iid)["variables"]


def _seats(life: Life) -> dict[str, tuple[str, int, str, str]]:
    with life.engine.reading() as s:
        rows = s.execute(select(Application.application_no, ExamSession.code, ExamRecord.seat_index, ExamRecord.room,
                                ExamRecord.examinee_no).join(ExamRecord, ExamRecord.application_id == Application.id)
                         .join(ExamSession, ExamSession.id == ExamRecord.session_id)).all()
    return {a: (code, index, room, no) for a, code, index, room, no in rows}


def test_a_full_session_sends_the_applicant_to_the_next_and_then_to_the_wait_list(life) -> None:  # type: ignore[no-untyped-def]
    venue = _venue(life, "城東試験場", "第1教室:1;第2教室:2")
    _session(life, "E-EARLY", venue, 2, days=50)
    _session(life, "E-LATE", venue, 1, days=55)  # later: the next session with room
    apps = _approved(life, 5)
    first, second, third, fourth, fifth = (_pay(life, iid, app) for iid, app in apps)
    assert (first["exam_session"], first["exam_room"], first["seat_no"], first["seat_moved"]) == \
        ("E-EARLY", "第1教室", "001", False)
    assert (second["exam_session"], second["exam_room"], second["seat_no"]) == ("E-EARLY", "第2教室", "001")
    assert (third["exam_session"], third["seat_moved"], third["seat_status"]) == ("E-LATE", True, "assigned")
    assert fourth["seat_status"] == fifth["seat_status"] == "waitlisted" and "満席" in fourth["waitlist_reason"]
    assert "examinee_no" not in fourth  # no number is used up by a wait
    seats = _seats(life)
    assert sorted(v[3] for v in seats.values()) == ["1326" + f"{n:05d}" for n in (1, 2, 3)]  # gap-free
    # the wait list: a person adds a seat and assigns it; another is refunded
    waiting = life.task(apps[3][0], "resolve_waitlist")
    assert waiting["candidate_groups"] and "admin" in str(waiting["candidate_groups"])
    life.complete(apps[3][0], "resolve_waitlist", "admin1", waitlist_decision="assign", chosen_session="E-LATE")
    assert life.engine.instance(apps[3][0])["variables"]["waitlist_reason"].startswith("指定の試験日程「E-LATE」は満席")
    with life.engine.transaction() as s, s.begin():  # the session page's change: one more seat
        late = s.scalar(select(ExamSession).where(ExamSession.code == "E-LATE"))
        with pytest.raises(Refused, match="only 3 seats"):
            save_session(s, "13", _values(late, capacity="4"), s.get(ExamVenue, venue), late)
    with life.engine.transaction() as s, s.begin():
        late = s.scalar(select(ExamSession).where(ExamSession.code == "E-LATE"))
        save_session(s, "13", _values(late, capacity="2"), s.get(ExamVenue, venue), late)
    life.complete(apps[3][0], "resolve_waitlist", "admin1", waitlist_decision="assign", chosen_session="E-LATE")
    v = life.engine.instance(apps[3][0])["variables"]
    assert (v["seat_status"], v["exam_session"], v["exam_room"], v["seat_no"]) == ("assigned", "E-LATE", "第2教室", "001")
    assert "send_admission_ticket" in life.path(apps[3][0])
    life.complete(apps[4][0], "resolve_waitlist", "reviewer1", waitlist_decision="refund", waitlist_note="辞退")
    assert life.path(apps[4][0])[-1] == "end_waitlist_refunded"
    with life.engine.reading() as s:
        refunded = s.scalar(select(Application).where(Application.application_no == apps[4][1]))
        assert refunded.status == "refunded" and refunded.fee_refund == fifth["fee_amount"] > 0
        assert refunded.waitlisted_on is not None and refunded.waitlist_session_id is None
        late = s.scalar(select(ExamSession).where(ExamSession.code == "E-LATE"))
        assert late.assigned == late.capacity == 2
    assert sorted(i for c, i, _r, _n in _seats(life).values() if c == "E-LATE") == [1, 2]


def _values(exam: ExamSession, **over: str) -> dict[str, str]:
    names = ("code", "fiscal_year", "round", "trade_code", "trade_name", "task_code", "task_name", "grade",
             "written_date", "practical_start", "practical_end", "announcement_date", "capacity")
    return {**{k: "" if getattr(exam, k) is None else str(getattr(exam, k)) for k in names}, **over}


def test_no_session_for_the_trade_waits_for_a_person(life) -> None:  # type: ignore[no-untyped-def]
    _venue(life, "城南試験場", "第1教室:10")  # a venue, but no session for 電子機器組立て 3級
    [(iid, app_id)] = _approved(life, 1)
    v = _pay(life, iid, app_id)
    assert v["seat_status"] == "waitlisted" and "登録されていません" in v["waitlist_reason"]
    life.complete(iid, "resolve_waitlist", "admin1", waitlist_decision="assign", chosen_session="NOPE")
    assert "「NOPE」" in life.engine.instance(iid)["variables"]["waitlist_reason"]  # back to the person, no incident
    assert life.engine.instance(iid)["incidents"] == []


def test_a_venue_change_after_the_ticket_reissues_it(life) -> None:  # type: ignore[no-untyped-def]
    old = _venue(life, "城北試験場", "第1教室:5")
    new = _venue(life, "臨時会場", "講堂A:2;講堂B:10")
    _session(life, "E-1", old, 5)
    apps = _approved(life, 3)
    for iid, app in apps:
        _pay(life, iid, app)
    with life.engine.reading() as s:
        assert stale_tickets(s, "13") == []  # every ticket went out in its first version
    with life.engine.transaction() as s, s.begin():
        exam = s.scalar(select(ExamSession).where(ExamSession.code == "E-1"))
        save_session(s, "13", _values(exam), s.get(ExamVenue, new), exam)  # the same session, another venue
    with life.engine.reading() as s:
        stale = stale_tickets(s, "13")
    assert [version for _app, version in stale] == [2, 2, 2]
    assert announce(life.engine.correlate, "13", stale) == 3
    assert announce(life.engine.correlate, "13", stale) == 0  # sent twice: duplicates, nothing new
    life.drain()
    for iid, app_id in apps:
        v = life.engine.instance(iid)["variables"]
        assert v["venue"] == "臨時会場" and v["ticket_version"] == 2
        assert life.path(iid).count("reissue_ticket") == 1
        with life.engine.reading() as s:
            notices = [m for m in inbox(s, v["pseudonym_id"]) if m["kind"] == "admission_ticket"]
        [reissued] = [m["body_html"] for m in notices if "臨時会場" in m["body_html"]]
        [first] = [m["body_html"] for m in notices if "城北試験場" in m["body_html"]]
        assert "変更になりました" in reissued and "講堂" in reissued and "変更" not in first
    assert {(c, r, i) for c, i, r, _n in _seats(life).values()} == \
        {("E-1", "講堂A", 1), ("E-1", "講堂A", 2), ("E-1", "講堂B", 3)}  # the same places 1–3, in the new rooms
    with life.engine.reading() as s:
        assert stale_tickets(s, "13") == []
        assert {r.ticket_issued_version for r in s.scalars(select(ExamRecord))} == {2}
    life.until(61)  # the exam day still comes: the loop of reissues left the timer in place
    assert all(life.task(iid, "score_entry") for iid, _ in apps)


@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
def test_concurrent_payments_never_exceed_capacity_nor_share_a_seat(life) -> None:  # type: ignore[no-untyped-def]
    venue = _venue(life, "城西試験場", "第1教室:3;第2教室:3")
    _session(life, "C-1", venue, 4, days=50)
    _session(life, "C-2", venue, 5, days=52)
    apps = _approved(life, 12)
    fees = {app: life.engine.instance(iid)["variables"]["fee_amount"] for iid, app in apps}
    gate, errors = threading.Barrier(len(apps)), []

    def pay(app_id: str) -> None:
        try:
            gate.wait()
            life.engine.correlate("fee_paid", app_id, {"fee_paid_amount": fees[app_id]}, message_id=f"PAY-{app_id}")
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=pay, args=(app,)) for _iid, app in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    life.drain()
    seats = _seats(life)
    statuses = [life.engine.instance(iid)["variables"]["seat_status"] for iid, _ in apps]
    assert statuses.count("assigned") == 9 and statuses.count("waitlisted") == 3
    by_session = {code: sorted(i for c, i, _r, _n in seats.values() if c == code) for code in ("C-1", "C-2")}
    assert by_session == {"C-1": [1, 2, 3, 4], "C-2": [1, 2, 3, 4, 5]}  # within capacity, each seat once
    assert sorted(n for *_x, n in seats.values()) == [f"1326{k:05d}" for k in range(1, 10)]  # 受検番号 gap-free
    with life.engine.reading() as s:
        assert {e.code: e.assigned for e in s.scalars(select(ExamSession))} == {"C-1": 4, "C-2": 5}
        practical = sorted(s.scalars(select(ExamRecord.practical_no)))
    assert practical == [f"P1326{k:05d}" for k in range(1, 10)]


# --- the administrators' page and the CSV import -------------------------------------------------------------

PASSWORD = "Kentei-test-2026"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ROW = {"code": "W-1", "fiscal_year": "2026", "round": "前期", "trade_code": "2101", "trade_name": "電子機器組立て",
       "task_code": "", "task_name": "", "grade": "3級", "written_date": "2026-07-05", "practical_start": "2026-07-12",
       "practical_end": "2026-07-13", "announcement_date": "2026-08-28", "capacity": "20",
       "venue_name": "城南試験場", "venue_address": "東京都大田区南六郷3-10-3", "rooms": "第1教室:12;第2教室:12"}


def _csv(*rows: dict[str, str]) -> bytes:
    lines = [",".join(HEADER)] + [",".join(r.get(h, "") for h in HEADER) for r in rows]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def client(engine, clock):  # type: ignore[no-untyped-def]
    from web import create_app
    identity = Identity(clock=clock, hasher=FAST_HASHER)
    with engine.transaction() as s, s.begin():
        identity.create_user(s, "admin1-13", "Admin", "13", ["admin"], PASSWORD)
        identity.create_user(s, "admin1-27", "Admin Osaka", "27", ["admin"], PASSWORD)
        identity.create_user(s, "reviewer9-13", "Reviewer", "13", ["reviewer"], PASSWORD)
    return create_app(engine=engine, identity=identity, scheduler=False).test_client()


def _token(client: Any, path: str = "/admin/sessions/") -> str:
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)  # type: ignore[union-attr]


def _sign_in(client: Any, user: str) -> None:
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    assert client.post("/login", data={"csrf_token": token, "username": user, "password": PASSWORD}).status_code == 302


def _counts(engine: Any) -> tuple[int, int]:
    with engine.reading() as s:
        return len(s.scalars(select(ExamSession)).all()), len(s.scalars(select(ExamVenue)).all())


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_page_adds_sessions_and_venues_for_its_prefecture_only(client, engine) -> None:  # type: ignore[no-untyped-def]
    _sign_in(client, "admin1-13")
    page = client.get("/admin/sessions/")
    assert page.status_code == 200 and 'id="sessions-link"' in page.get_data(as_text=True)
    venue = {"name": "城南試験場", "address": "東京都大田区南六郷3-10-3", "rooms": "第1教室:2;第2教室:2"}
    assert client.post("/admin/sessions/venues", data={**venue, "csrf_token": _token(client)}).status_code == 302
    assert client.post("/admin/sessions/venues", data=venue).status_code == 400  # no CSRF token: refused
    with engine.reading() as s:
        venue_id = s.scalar(select(ExamVenue.id))
    form = {k: v for k, v in ROW.items() if k in ("code", "fiscal_year", "round", "trade_code", "trade_name", "grade",
                                                  "written_date", "practical_start", "practical_end")}
    bad = client.post("/admin/sessions/", data={**form, "capacity": "5", "venue": str(venue_id),
                                                "csrf_token": _token(client)})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "定員が試験場の座席数を超えています" in text and _counts(engine) == (0, 1)
    assert client.post("/admin/sessions/", data={**form, "capacity": "4", "venue": str(venue_id)}).status_code == 400
    ok = client.post("/admin/sessions/", data={**form, "capacity": "4", "venue": str(venue_id),
                                               "csrf_token": _token(client)})
    assert ok.status_code == 302 and _counts(engine) == (1, 1)
    listing = client.get("/admin/sessions/").get_data(as_text=True)
    assert 'id="session-W-1"' in listing and "0 / 4" in listing
    with engine.reading() as s:
        session_id = s.scalar(select(ExamSession.id))
    edit = f"/admin/sessions/{session_id}"
    assert client.get(edit).status_code == 200
    changed = client.post(edit, data={**form, "capacity": "3", "venue": str(venue_id), "csrf_token": _token(client, edit)})
    assert changed.status_code == 302
    with engine.reading() as s:
        assert s.scalar(select(ExamSession.capacity)) == 3
    # Osaka's admin: Tokyo's session and venue do not exist for them, read or written
    client.post("/logout", data={"csrf_token": _token(client)})
    _sign_in(client, "admin1-27")
    token = _token(client)
    assert "W-1" not in client.get("/admin/sessions/").get_data(as_text=True)
    assert client.get(edit).status_code == 404 and client.get(f"/admin/sessions/venues/{venue_id}").status_code == 404
    assert client.post(edit, data={**form, "capacity": "1", "venue": str(venue_id), "csrf_token": token}).status_code == 404
    assert client.post(f"/admin/sessions/venues/{venue_id}", data={**venue, "csrf_token": token}).status_code == 404
    refused = client.post("/admin/sessions/", data={**form, "code": "X-27", "capacity": "1", "venue": str(venue_id),
                                                    "csrf_token": token})  # another prefecture's venue: not theirs
    assert refused.status_code == 400 and _counts(engine) == (1, 1)
    with engine.reading() as s:
        assert s.scalar(select(ExamSession.capacity)) == 3
    client.post("/logout", data={"csrf_token": token})
    _sign_in(client, "reviewer9-13")
    assert client.get("/admin/sessions/").status_code == 404  # not an admin


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_csv_with_a_bad_row_imports_nothing_and_names_the_lines(client, engine, monkeypatch, settings,  # type: ignore[no-untyped-def]
                                                                  tmp_path) -> None:  # type: ignore[no-untyped-def]
    _sign_in(client, "admin1-13")
    rows = [ROW, {**ROW, "code": "W-2", "grade": "4級"}, {**ROW, "code": "W-3", "written_date": "2026-13-01"},
            {**ROW, "code": "W-4", "capacity": "99"}, {**ROW, "code": "W-1"}]
    answer = client.post("/admin/sessions/import", data={"csrf_token": _token(client),
                                                         "file": (__import__("io").BytesIO(_csv(*rows)), "s.csv")},
                         content_type="multipart/form-data")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "何も登録していません" in text
    assert "3行目" in text and "4行目" in text and "5行目" in text and "6行目" in text and "2行目" not in text
    assert _counts(engine) == (0, 0)  # not even the good first row, nor its venue
    from click.testing import CliRunner

    from kentei.sessions import sessions
    monkeypatch.setenv("KENTEI_DATABASE_URL", settings.database_url)
    monkeypatch.chdir(tmp_path)
    if True:
        Path("bad.csv").write_bytes(_csv(*rows))
        Path("header.csv").write_bytes(b"code,grade\nA,3\n")
        Path("good.csv").write_bytes(_csv(ROW, {**ROW, "code": "W-2", "grade": "2級", "venue_address": "",
                                                "rooms": ""}))
        bad = CliRunner().invoke(sessions, ["import", "bad.csv", "--tenant", "13"])
        assert bad.exit_code == 1 and "nothing imported" in bad.output
        assert "bad.csv:line 3: grade:" in bad.output and "bad.csv:line 4: written_date:" in bad.output
        assert "line 5: capacity: the venue has only 24 seats" in bad.output and "line 6: code:" in bad.output
        header = CliRunner().invoke(sessions, ["import", "header.csv", "--tenant", "13"])
        assert header.exit_code == 1 and "line 1: header: missing fiscal_year" in header.output
        assert _counts(engine) == (0, 0)
        good = CliRunner().invoke(sessions, ["import", "good.csv", "--tenant", "13", "--json"])
        assert good.exit_code == 0, good.output
        assert '"sessions_added": 2' in good.output and '"venues_added": 1' in good.output
        again = CliRunner().invoke(sessions, ["import", "good.csv", "--tenant", "13", "--json"])
        assert '"sessions_changed": 2' in again.output and '"sessions_added": 0' in again.output
        listed = CliRunner().invoke(sessions, ["list", "--tenant", "13"])
        assert "W-1" in listed.output and "0/20" in listed.output
        assert CliRunner().invoke(sessions, ["list", "--tenant", "48"]).exit_code == 2
    assert _counts(engine) == (2, 1)


def test_the_page_s_venue_change_reissues_the_tickets(life, client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    venue = _venue(life, "城北試験場", "第1教室:5")
    _session(life, "E-9", venue, 5)
    [(iid, app_id)] = _approved(life, 1)
    _pay(life, iid, app_id)
    _sign_in(client, "admin1-13")
    path = f"/admin/sessions/venues/{venue}"
    moved = client.post(path, data={"name": "城北試験場", "address": "東京都北区（移転先）", "rooms": "大教室:5",
                                    "csrf_token": _token(client, path)}, follow_redirects=True)
    assert "1 件の受検票を再交付します" in moved.get_data(as_text=True)
    life.drain()
    v = life.engine.instance(iid)["variables"]
    assert (v["exam_room"], v["exam_site_address"], v["ticket_version"]) == ("大教室", "東京都北区（移転先）", 2)
    from click.testing import CliRunner

    from kentei.applications import applications
    monkeypatch.setenv("KENTEI_DATABASE_URL", life.engine.settings.database_url)
    listed = CliRunner().invoke(applications, ["--tenant", "13", "--json"])
    assert listed.exit_code == 0 and f'"application_id": "{app_id}"' in listed.output
    assert '"admission_ticket_issued": true' in listed.output
