"""合格者受検番号の公表: the passers' 受検番号 per trade and grade, public from the 合格発表日 (page and CSV).

Registry rows straight into a real database for the query (SQLite and PostgreSQL) and the pages; the lifecycle
through the engine (application.bpmn, revocation.bpmn) with the simulators for the whole way: a pass appears on the
announcement date, a partial pass and a fail never, a revoked pass no longer.
"""
from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, insert

from handlers.registry.models import Applicant, Application, ExamRecord, Passer
from handlers.registry.published import PassList, PublishedRound, pass_lists, published_rounds
from tests.integration.test_lifecycle import handlers, life, services  # noqa: F401 — the fixtures
from tests.integration.test_portal_oidc import make_app

DAY = date(2026, 8, 30)  # the 合格発表日 of the rows below
NOW = datetime(2026, 4, 1, tzinfo=timezone.utc)
_serial = itertools.count(1)


class Rows:
    """Registry rows as the lifecycle leaves them: applicant, application, exam record and (for a pass) passer."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    def add(self, tenant: str = "13", status: str = "pass", *, examinee_no: str | None = None, fiscal_year: int = 2026,
            round: str = "前期", grade: str = "2級", trade_code: str = "0401", trade_name: str = "機械加工",
            task_code: str | None = "040101", task_name: str | None = "普通旋盤作業", announced: date | None = DAY,
            revoked: bool = False, name: str | None = None) -> str:
        n = next(_serial)
        number = examinee_no or f"{tenant}26{n:05d}"
        result = "pass" if status == "revoked" else status
        with self.engine.transaction() as s, s.begin():
            person = Applicant(tenant=tenant, name=name or f"公表 太郎{n}", birth_date=date(1990, 5, n % 28 + 1),
                               sex="1", address=f"東京都千代田区{n}", status="active", created_at=NOW)
            s.add(person)
            s.flush()
            app = Application(tenant=tenant, applicant_id=person.id, application_no=f"{tenant}-{fiscal_year}-A{n:06d}",
                              fiscal_year=fiscal_year, round=round, grade=grade, trade_code=trade_code,
                              trade_name=trade_name, task_code=task_code, task_name=task_name, channel="online",
                              status=status, created_at=NOW)
            s.add(app)
            s.flush()
            s.add(ExamRecord(tenant=tenant, application_id=app.id, examinee_no=number, announcement_date=announced,
                             result=result, written_passed=result in ("pass", "partial_written"),
                             practical_passed=result == "pass"))
            if result == "pass":
                s.add(Passer(tenant=tenant, application_id=app.id, fiscal_year=fiscal_year, ginoshi_no=f"26-{tenant}-{n:06d}",
                             certificate_no=f"第{tenant}26{n:06d}号", passed_on=announced or DAY,
                             revoked_on=DAY + timedelta(days=30) if revoked else None,
                             revocation_reason="不正受検" if revoked else None))
        return number


@pytest.fixture
def rows(engine) -> Rows:  # type: ignore[no-untyped-def]
    return Rows(engine)


@pytest.fixture
def web(engine, clock, tmp_path: Path):  # type: ignore[no-untyped-def]
    return make_app(engine, clock, tmp_path).test_client()


def _a_round(rows: Rows) -> dict[str, Any]:
    """One round of 13 with every kind of outcome, and what is public of it."""
    lathe = [rows.add(examinee_no=n) for n in ("132600031", "132600007", "132600019")]  # ascending on the page
    rows.add(status="partial_written", examinee_no="132600002")
    rows.add(status="partial_practical", examinee_no="132600003")
    rows.add(status="fail", examinee_no="132600004")
    rows.add(status="absent", examinee_no="132600005")
    rows.add(status="revoked", examinee_no="132600006")  # 合格取消: status revoked, 合格取消日 on the passer
    rows.add(status="pass", examinee_no="132600008", revoked=True)  # a 合格取消日 even if the status lagged
    first = rows.add(grade="1級", examinee_no="132600040")  # the same trade and task, 1級 first
    milling = rows.add(trade_code="0402", trade_name="機械加工", task_code="040201", task_name="フライス盤作業",
                       grade="3級", examinee_no="132600050")
    later = rows.add(trade_code="0501", trade_name="電子機器組立て", task_code=None, task_name=None,
                     examinee_no="132600060", announced=DAY + timedelta(days=35))  # its own, later date
    rows.add(tenant="27", examinee_no="272600001")  # another prefecture's, the same round
    rows.add(round="後期", examinee_no="132600070", announced=DAY + timedelta(days=200))
    rows.add(fiscal_year=2025, examinee_no="132500001", announced=date(2025, 8, 29))
    return {"lathe": sorted(lathe), "first": first, "milling": milling, "later": later}


# -- the query, on both databases ------------------------------------------------------------------------------

def test_only_announced_full_passes_of_the_prefecture_in_order(engine, rows):  # type: ignore[no-untyped-def]
    made = _a_round(rows)
    with engine.reading() as s:
        assert pass_lists(s, "13", 2026, "前期", DAY - timedelta(days=1)) is None  # the day before: not published
        on_the_day = pass_lists(s, "13", 2026, "前期", DAY)
        later = pass_lists(s, "13", 2026, "前期", DAY + timedelta(days=35))
        assert pass_lists(s, "13", 2026, "後期", DAY) is None and pass_lists(s, "13", 2099, "前期", DAY) is None
        assert pass_lists(s, "13", 2026, "中期", DAY) is None
        assert pass_lists(s, "27", 2026, "前期", DAY) == [PassList("0401", "機械加工", "040101", "普通旋盤作業", "2級", DAY,
                                                                  ("272600001",))]
        rounds = published_rounds(s, "13", DAY)
        assert published_rounds(s, "13", DAY - timedelta(days=1)) == [PublishedRound(2025, "前期", date(2025, 8, 29), 1)]
        assert published_rounds(s, "47", DAY) == []
    assert on_the_day == [
        PassList("0401", "機械加工", "040101", "普通旋盤作業", "1級", DAY, (made["first"],)),
        PassList("0401", "機械加工", "040101", "普通旋盤作業", "2級", DAY, tuple(made["lathe"])),
        PassList("0402", "機械加工", "040201", "フライス盤作業", "3級", DAY, (made["milling"],)),
    ]
    assert later == [*on_the_day, PassList("0501", "電子機器組立て", None, None, "2級", DAY + timedelta(days=35),
                                           (made["later"],))]
    # the count is of full passes only; the round is listed from its first 合格発表日
    assert rounds == [PublishedRound(2026, "前期", DAY, 5), PublishedRound(2025, "前期", date(2025, 8, 29), 1)]


def test_an_announced_round_without_passers_is_published_empty(engine, rows):  # type: ignore[no-untyped-def]
    rows.add(status="fail", examinee_no="132600001")
    rows.add(status="revoked", examinee_no="132600002")
    with engine.reading() as s:
        assert pass_lists(s, "13", 2026, "前期", DAY - timedelta(days=1)) is None
        assert pass_lists(s, "13", 2026, "前期", DAY) == []
        assert published_rounds(s, "13", DAY) == [PublishedRound(2026, "前期", DAY, 0)]


# -- the pages and the CSV (the same on either database: SQLite) --------------------------------------------------

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _numbers(page: str) -> list[str]:
    return re.findall(r'<span class="number">([^<]+)</span>', page)


@sqlite_only
def test_the_page_shows_numbers_only_from_the_announcement_date(web, rows, clock):  # type: ignore[no-untyped-def]
    made = _a_round(rows)
    clock.now = datetime(2026, 8, 29, 14, 59, tzinfo=timezone.utc)  # 23:59 JST the day before
    before = web.get("/results/13/2026/zenki")
    assert before.status_code == 404 and "132600007" not in before.get_data(as_text=True)
    assert web.get("/results/13/2026/zenki.csv").status_code == 404
    assert 'href="/results/13/2026/zenki"' not in web.get("/results/13/").get_data(as_text=True)  # 2025's only
    clock.now = datetime(2026, 8, 29, 15, 0, tzinfo=timezone.utc)  # 0:00 JST on the 合格発表日
    page = web.get("/results/13/2026/zenki")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"] and page.headers["X-Frame-Options"] == "DENY"
    text = page.get_data(as_text=True)
    assert "令和8年度前期 技能検定 合格者受検番号（東京都）" in text
    assert _numbers(text) == [made["first"], *made["lathe"], made["milling"]]
    assert re.search(r'id="passer-count">合格者 5 名<', text) and "合格者 3 名" in text
    assert "1級 機械加工（普通旋盤作業）" in text and "3級 機械加工（フライス盤作業）" in text
    for hidden in ("132600002", "132600003", "132600004", "132600005", "132600006", "132600008", "272600001",
                   "132600060", "132600070", "公表 太郎", "13-2026-A", "1990", "千代田区", "26-13-", "第13"):
        assert hidden not in text, hidden
    index = web.get("/results/13/").get_data(as_text=True)
    assert 'href="/results/13/2026/zenki"' in index and 'href="/results/13/2026/zenki.csv"' in index
    assert 'href="/results/13/2025/zenki"' in index and "5 名" in index
    assert index.index("/results/13/2026/zenki") < index.index("/results/13/2025/zenki")  # newest first


@sqlite_only
def test_the_csv_is_the_same_list_with_bom_and_header(web, rows, clock):  # type: ignore[no-untyped-def]
    made = _a_round(rows)
    rows.add(trade_code="9901", trade_name="=HYPERLINK(\"http://x\")", task_code=None, task_name="@SUM(1)",
             grade="3級", examinee_no="132600099")  # a spreadsheet must read these as text
    clock.now = datetime(2026, 10, 10, tzinfo=timezone.utc)
    answer = web.get("/results/13/2026/zenki.csv")
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert answer.headers["Content-Disposition"] == "attachment; filename=results-13-2026-zenki.csv"
    raw = answer.get_data()
    assert raw.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0] == ["職種コード", "職種", "作業", "級", "受検番号"]
    assert table[1:] == [["0401", "機械加工", "普通旋盤作業", "1級", made["first"]],
                         *[["0401", "機械加工", "普通旋盤作業", "2級", n] for n in made["lathe"]],
                         ["0402", "機械加工", "フライス盤作業", "3級", made["milling"]],
                         ["0501", "電子機器組立て", "", "2級", made["later"]],
                         ["9901", "'=HYPERLINK(\"http://x\")", "'@SUM(1)", "3級", "132600099"]]
    english = web.get("/results/13/2026/zenki.csv", headers={"Accept-Language": "en"})
    assert english.get_data() == raw  # a file for programs too: the same header in every language


@sqlite_only
def test_not_announced_unknown_and_malformed_are_one_404(web, rows, clock):  # type: ignore[no-untyped-def]
    _a_round(rows)
    clock.now = datetime(2026, 8, 1, tzinfo=timezone.utc)  # 後期 and 2026 前期 not announced yet; 2025 is

    def answer(path: str) -> tuple[int, str]:
        got = web.get(path)
        body = got.get_data(as_text=True).replace(path, "PATH").replace(path.replace("/", "%2F"), "PATH")
        return got.status_code, re.sub(r"next=[^\"&]*", "next=", body)
    missing = answer("/results/13/2099/zenki")
    assert missing[0] == 404 and "合格者発表が見つかりません" in missing[1] and "合格発表日の前は公表されません" in missing[1]
    for path in ("/results/13/2026/zenki", "/results/13/2026/koki", "/results/13/2026/zenki.csv",
                 "/results/13/2026/koki.csv", "/results/99/2025/zenki", "/results/99/2025/zenki.csv",
                 "/results/1/2025/zenki", "/results/13/2025/chuki", "/results/13/2025/前期", "/results/ab/",
                 "/results/99/", "/results/13/2099/zenki.csv"):
        assert answer(path) == missing, path
    assert web.get("/results/13/2025/zenki").status_code == 200  # the announced one, for comparison
    assert web.get("/results/13/0/zenki").status_code == 404 and web.get("/results/13/x/zenki").status_code == 404


@sqlite_only
def test_the_index_pages_without_published_rounds(web, clock):  # type: ignore[no-untyped-def]
    chooser = web.get("/results/")
    assert chooser.status_code == 200
    text = chooser.get_data(as_text=True)
    assert text.count('href="/results/') == 47 and 'href="/results/13/"' in text and "沖縄県" in text
    empty = web.get("/results/47/")
    assert empty.status_code == 200 and "公表中の合格者発表はありません。" in empty.get_data(as_text=True)


@sqlite_only
def test_the_english_page(web, rows, clock):  # type: ignore[no-untyped-def]
    rows.add(examinee_no="132600001")
    clock.now = datetime(2026, 9, 1, tzinfo=timezone.utc)
    page = web.get("/results/13/2026/zenki", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "First round" in page and "令和" not in page
    assert _numbers(page) == ["132600001"]


@sqlite_only
def test_a_large_round_is_one_query(engine, web, clock):  # type: ignore[no-untyped-def]
    """5,000 examinees (a large prefecture's round), 4,000 of them passed: the page and the CSV run one query each,
    which reads no process instance or workflow."""
    count, trades = 5000, [(f"{c:04d}", f"職種{c}") for c in range(1, 41)]
    with engine.transaction() as s, s.begin():
        s.execute(insert(Applicant), [dict(id=i, tenant="13", name=f"受検者{i}", birth_date=date(1990, 1, 1),
                                           sex="1", address="東京都", status="active", created_at=NOW)
                                      for i in range(1, count + 1)])
        s.execute(insert(Application), [dict(id=i, tenant="13", applicant_id=i, application_no=f"13-2026-A{i:06d}",
                                             fiscal_year=2026, round="前期", grade=("1級", "2級", "3級")[i % 3],
                                             trade_code=trades[i % 40][0], trade_name=trades[i % 40][1],
                                             channel="online", status="pass" if i % 5 else "fail", created_at=NOW)
                                        for i in range(1, count + 1)])
        s.execute(insert(ExamRecord), [dict(tenant="13", application_id=i, examinee_no=f"1326{i:05d}",
                                            announcement_date=DAY, result="pass" if i % 5 else "fail")
                                       for i in range(1, count + 1)])
    clock.now = datetime(2026, 9, 1, tzinfo=timezone.utc)
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)
    event.listen(engine.db, "before_cursor_execute", seen)
    try:
        page = web.get("/results/13/2026/zenki")
        page_statements = list(statements)
        statements.clear()
        table = web.get("/results/13/2026/zenki.csv")
    finally:
        event.remove(engine.db, "before_cursor_execute", seen)
    assert page.status_code == table.status_code == 200
    assert len(_numbers(page.get_data(as_text=True))) == 4000
    assert len(table.get_data().decode("utf-8-sig").splitlines()) == 4001
    for run in (page_statements, statements):
        selects = [s for s in run if s.lstrip().upper().startswith("SELECT")]
        assert len(selects) == 1, run
        assert "process_instance" not in selects[0] and "workflow" not in selects[0]


# -- through the engine: the lifecycle decides what is published ---------------------------------------------------

@sqlite_only
def test_the_lifecycle_publishes_a_pass_on_its_date_and_withdraws_it_when_revoked(
        life, clock, tmp_path: Path):  # type: ignore[no-untyped-def]  # noqa: F811
    marks = {"pass": (80, 80), "partial": (80, 30), "fail": (20, 20)}
    outcomes = {label: life.apply() for label in marks}  # one round: filed the same day, one 合格発表日
    for iid, app_id in outcomes.values():
        life.complete(iid, "eligibility_review", "reviewer1", decision="approve")
        fee = life.engine.instance(iid)["variables"]["fee_amount"]
        assert life.engine.correlate("fee_paid", app_id, {"fee_paid_amount": fee})["status"] == "delivered"
        life.drain()
    life.until(61)  # the exam day
    for label, (written, practical) in marks.items():
        iid, _ = outcomes[label]
        life.complete(iid, "score_entry", "scorer1", written_attended=True, written_score=written,
                      practical_attended=True)
        life.mark_practical(iid, "scorer1", practical)
        life.complete(iid, "result_approval", "approver1", result_approved=True)
    numbers = {label: life.engine.instance(iid)["variables"]["examinee_no"] for label, (iid, _) in outcomes.items()}
    web = make_app(life.engine, clock, tmp_path).test_client()
    assert web.get("/results/13/2026/zenki").status_code == 404  # decided, approved, but not announced
    life.until(60)  # past the 合格発表日
    page = web.get("/results/13/2026/zenki").get_data(as_text=True)
    assert _numbers(page) == [numbers["pass"]], page
    assert "2級 機械加工（普通旋盤作業）" in page
    table = web.get("/results/13/2026/zenki.csv").get_data().decode("utf-8-sig").splitlines()
    assert table == ["職種コード,職種,作業,級,受検番号", f"0401,機械加工,普通旋盤作業,2級,{numbers['pass']}"]
    _, app_id = outcomes["pass"]
    rid = life.engine.start("revocation", "13", {"application_id": app_id}, business_key=f"rev-{app_id}")
    life.complete(rid, "investigate", "reviewer2", finding="替え玉受検が判明", recommend_revocation=True)
    life.complete(rid, "revocation_decision", "approver2", revoke=True, revocation_reason="不正受検")
    assert life.path(rid)[-1] == "end_revoked"
    after = web.get("/results/13/2026/zenki")
    assert after.status_code == 200 and _numbers(after.get_data(as_text=True)) == []
    assert "この試験の合格者はいません。" in after.get_data(as_text=True)
