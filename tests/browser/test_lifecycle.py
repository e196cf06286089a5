"""The whole lifecycle of the real workflows/application.bpmn, driven through the web UI in Chromium.

An applicant files online in the portal; Juki-net (the simulator) finds them; a reviewer of prefecture 13
filters the inbox, claims the eligibility review and completes it after one refusal; the fee is paid by
a payment gateway through /api/v1/messages with a bearer token; the test clock moves to the exam day and
the scheduler's due-work pass fires the timers and runs the external jobs (registry, notices over SMTP,
the national system simulator); a scorer who is also an approver enters marks and is refused the approval
(four eyes); an approver approves; on the announcement date the pass notice is issued and the applicant
reads it in the portal's notices inbox. Nothing sleeps: time moves only with clock.advance.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from engine.db.models import MessageSubscription
from engine.deploy import collect
from engine.identity import StaffUser
from engine.identity.tokens import issue
from engine.scheduler import Scheduler
from handlers.notify.models import PortalMessage
from handlers.registry.models import Application, ExamRecord, Passer
from handlers.registry.sessions import save_session, save_venue
from tests.browser.conftest import login
from tests.browser.test_portal import (  # noqa: F401 (demo_signin, handlers, person, services: fixtures)
    WORKFLOWS,
    demo_signin,
    fill_application,
    handlers,
    person,
    portal_login,
    services,
    the_instance,
)
from web.portal_oidc import new_pseudonym

PSEUDONYM = new_pseudonym()


def due_work(engine: Any) -> None:
    """The scheduler's due-work pass (due timers, then external jobs), repeated until nothing is due."""
    scheduler = Scheduler(engine, name="test-worker", blocking=False)  # never started: no thread, no sleep
    for _ in range(20):
        done = scheduler.due_work()
        if not (done.timers or done.jobs):
            return
    raise AssertionError("the due work never settled")


def advance_to(clock: Any, iso: str, engine: Any) -> None:
    """Move the test clock just past a process date (an ISO date-time variable) and run what fell due."""
    target = datetime.fromisoformat(iso)
    assert target > clock.now, (iso, clock.now)
    clock.advance(seconds=(target - clock.now).total_seconds() + 60)
    due_work(engine)


def api_post(base: str, token: str, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """A JSON POST as a payment gateway makes it: no cookies, a bearer token."""
    request = urllib.request.Request(f"{base}{path}", data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as err:
        with err:
            return err.code, json.load(err)


def token_for(engine: Any, username: str, clock: Any) -> str:
    """What `kentei token-create USER --name payment-gateway` prints once."""
    with engine.transaction() as s, s.begin():
        user = s.scalar(select(StaffUser).where(StaffUser.username == username))
        return issue(s, user, "payment-gateway", clock.now)


def open_task(page: Any, base: str, element: str, app_id: str) -> None:
    """From the inbox: filter by task and 申請受付ID, then open the one row left."""
    page.goto(f"{base}/")
    page.fill("#filters input[name=task]", element)
    page.fill("#filters input[name=q]", app_id)
    page.click("#filters button[type=submit]")
    assert page.locator("#task-count").inner_text() == "1 件", page.locator("table.tasks").inner_text()
    page.click(f"table.tasks tbody tr:has-text('{app_id}') a")
    assert page.url.startswith(f"{base}/tasks/")


def open_tasks(engine: Any, iid: int) -> list[str]:
    return [t["element_id"] for t in engine.tasks(instance_id=iid)]


def test_an_online_application_runs_to_the_pass_notice(engine, clock, staff, web, browser, shots,  # type: ignore[no-untyped-def]
                                                       person, services):  # noqa: F811 (fixtures imported above)
    engine.deploy(collect([WORKFLOWS]))  # every file of workflows/, as `kentei deploy` does
    staff("reviewer1-13", "13", "reviewer")
    staff("scorer1-13", "13", "scorer", "approver")  # holds both roles: four eyes must stop them
    staff("approver1-13", "13", "approver")
    staff("reviewer1-27", "27", "reviewer")
    staff("payment1-13", "13", "payment")  # the payment gateway's account
    staff("payment1-27", "27", "payment")
    staff("admin1-13", "13", "admin")
    with engine.transaction() as s, s.begin():  # the round's session of 機械加工 2級 (学科 in 60 days)
        venue = save_venue(s, "13", {"name": "城南試験場", "address": "東京都大田区南六郷3-10-3",
                                     "rooms": "第1教室:10;第2教室:10"})
        day = (clock.now + timedelta(days=60)).date().isoformat()
        save_session(s, "13", {"code": "2026A-0401-2", "fiscal_year": "2026", "round": "前期", "trade_code": "0401",
                               "trade_name": "機械加工", "grade": "2級", "written_date": day, "practical_start": day,
                               "capacity": "20"}, venue)
    # a paper application of the same prefecture waits in the inbox too: the reviewer has to filter
    paper = engine.start("application", "13", {"channel": "paper", "applicant_name": "紙 申請子"},
                         business_key="paper-0001", actor="reviewer1-13")
    assert open_tasks(engine, paper) == ["paper_entry_check"]

    # 1. the applicant files online (2級, 3 years of experience, no exemption: both parts are taken)
    applicant = browser.new_context(locale="ja-JP").new_page()
    portal_login(applicant, web.url, PSEUDONYM)
    assert applicant.locator("#portal-who").inner_text() == f"仮名ID {PSEUDONYM}"
    applicant.click("#nav-apply")
    fill_application(applicant, person, person["my_number"])
    applicant.fill("#f-experience_years", "3")
    applicant.uncheck("#f-written_exemption_claimed")
    shots(applicant, "01-portal-apply")
    applicant.click("#apply-submit")
    assert applicant.locator("h1").inner_text() == "受付完了"
    app_id = applicant.locator("#application-id").inner_text()
    shots(applicant, "02-portal-receipt")
    iid = the_instance(engine)["id"]
    due_work(engine)  # 住基ネット照会 (one hit), the eligibility table, the reviewer's task
    v = engine.instance(iid)["variables"]
    assert v["application_id"] == app_id and v["juki_outcome"] == "one_hit" and v["fee_amount"] == 21_300
    assert v["eligibility"]["eligible"] is True and "my_number" not in v
    assert open_tasks(engine, iid) == ["eligibility_review"]

    # 2. a reviewer of prefecture 13: the inbox, a filter, claim, one refusal, then the decision
    reviewer = browser.new_context(locale="ja-JP").new_page()
    login(reviewer, web.url, "reviewer1-13")
    assert reviewer.locator("#task-count").inner_text() == "2 件"
    assert "紙 申請子" in reviewer.content() and person["name"] in reviewer.content()
    shots(reviewer, "03-inbox")
    open_task(reviewer, web.url, "eligibility_review", app_id)
    assert "紙 申請子" not in reviewer.content()
    assert reviewer.locator("#assignee").inner_text() == "未割当"
    reviewer.click("#claim")
    assert reviewer.locator("#assignee").inner_text() == "reviewer1-13"
    reviewer.fill("#f-review_comment", "実務経験証明書を確認しました。")  # but no decision chosen
    reviewer.click("#complete")
    assert reviewer.locator("#err-decision").inner_text() == "必須項目です。"
    assert reviewer.locator(".field.has-error").count() == 1
    assert reviewer.input_value("#f-review_comment") == "実務経験証明書を確認しました。"
    shots(reviewer, "04-review-refused")
    assert open_tasks(engine, iid) == ["eligibility_review"]  # nothing went through
    reviewer.select_option("#f-decision", "approve")
    reviewer.click("#complete")
    assert "「受検資格審査」を完了しました。" in reviewer.content()
    assert reviewer.locator("#task-count").inner_text() == "1 件"  # the paper application is left
    shots(reviewer, "05-inbox-after-review")
    v = engine.instance(iid)["variables"]
    assert v["decision"] == "approve" and v["review_comment"] == "実務経験証明書を確認しました。"
    fee = v["fee_amount"]  # fees.dmn's: 3,100円 and 実技 9,200円 under 35 on 1 April, else 18,200円
    assert fee in (12_300, 21_300) and v["payment_slip_no"] == "N1326000001"
    due_work(engine)  # 手数料納付依頼: a notice, then the process waits for the payment
    with engine.reading() as s:
        waits = s.scalars(select(MessageSubscription).where(MessageSubscription.instance_id == iid)).all()
        assert [(w.message_name, w.correlation_key) for w in waits] == [("fee_paid", app_id)]
    applicant.goto(f"{web.url}/portal/applications/{app_id}")
    assert f"{fee:,}円" in applicant.locator("#fee-wait").inner_text()
    assert applicant.locator("#status").inner_text() == "手数料の納付待ち"
    shots(applicant, "06-portal-fee-wait")

    # 3. the payment gateway reports the payment over the JSON API (a token of prefecture 13)
    token = token_for(engine, "payment1-13", clock)
    payment = {"name": "fee_paid", "key": app_id, "id": "PAY-2026-0001", "data": {"fee_paid_amount": fee}}
    status, body = api_post(web.url, token_for(engine, "reviewer1-13", clock), "/api/v1/messages", payment)
    assert status == 403  # a reviewer's token may not report a payment: only the payment role may
    status, body = api_post(web.url, token_for(engine, "payment1-27", clock), "/api/v1/messages", payment)
    assert status == 404 and body["field"] == "key"  # prefecture 27's token cannot touch 13's application
    assert "fee_paid_amount" not in engine.instance(iid)["variables"]
    status, body = api_post(web.url, token, "/api/v1/messages", payment)
    assert status == 200 and body["status"] == "delivered", body
    status, body = api_post(web.url, token, "/api/v1/messages", payment)  # the gateway retries
    assert status == 200 and body["status"] == "duplicate", body
    assert engine.instance(iid)["variables"]["fee_paid_total"] == fee  # taken as paid: the amount asked

    # 4. scheduling and the 受検票, then the test clock moves to the exam day
    due_work(engine)
    v = engine.instance(iid)["variables"]
    assert v["examinee_no"] and v["seat_no"] == "001" and v["exam_room"] == "第1教室" and open_tasks(engine, iid) == []
    with engine.reading() as s:
        record = s.scalars(select(ExamRecord)).one()
        assert record.examinee_no == v["examinee_no"] and str(record.exam_date) == v["examDate"][:10]
        assert (record.venue, record.room, record.seat_no) == ("城南試験場", "第1教室", "001")
    admin = browser.new_context(locale="ja-JP").new_page()  # the session's fill, as the prefecture's admin sees it
    login(admin, web.url, "admin1-13")
    admin.goto(f"{web.url}/admin/sessions/")
    assert "1 / 20" in admin.locator("#session-2026A-0401-2").inner_text()
    shots(admin, "06b-admin-sessions")
    assert [t["element_id"] for t in engine.timers()] == ["gw_ticket_wait"]  # 試験日, beside a venue change
    due_work(engine)
    assert open_tasks(engine, iid) == []  # the exam has not happened yet
    advance_to(clock, v["examDate"], engine)
    assert open_tasks(engine, iid) == ["score_entry"]

    # 5. the scorer enters the marks; holding the approver role too, they may not approve them
    scorer = browser.new_context(locale="ja-JP").new_page()
    login(scorer, web.url, "scorer1-13")
    open_task(scorer, web.url, "score_entry", app_id)
    scorer.click("#claim")
    scorer.check("#f-written_attended")
    scorer.fill("#f-written_score", "120")  # a typo: out of range
    scorer.check("#f-practical_attended")
    scorer.click("#complete")
    assert scorer.locator("#err-written_score").inner_text() == "100以下で入力してください。"
    assert scorer.is_checked("#f-practical_attended")
    shots(scorer, "07-score-entry-refused")
    scorer.fill("#f-written_score", "78")
    scorer.click("#complete")
    assert "「採点結果の入力」を完了しました。" in scorer.content()
    # one mark per 実技 component (機械加工 2級: 要素試験 配点 30, 製作等作業試験 配点 70), each its own task
    points, marks = {"要素試験": "30", "製作等作業試験": "70"}, {"要素試験": "70", "製作等作業試験": "71"}
    for left in (2, 1):
        scorer.goto(f"{web.url}/")
        scorer.fill("#filters input[name=task]", "practical_marks")
        scorer.fill("#filters input[name=q]", app_id)
        scorer.click("#filters button[type=submit]")
        assert scorer.locator("#task-count").inner_text() == f"{left} 件"
        scorer.click("table.tasks tbody tr a >> nth=0")
        scorer.click("#claim")
        name = scorer.locator("#f-component_name").inner_text()
        assert scorer.locator("#f-component_points").inner_text() == points.pop(name)
        if left == 2:  # no mark: refused, the task stays open
            scorer.click("#complete")
            assert scorer.locator("#err-component_score").inner_text()
            shots(scorer, "07b-practical-mark-refused")
        scorer.fill("#f-component_score", marks[name])
        scorer.click("#complete")
        assert "「実技得点の入力（試験区分別）」を完了しました。" in scorer.content()
    due_work(engine)  # 実技得点の集計: 70×30 + 71×70 over 100 = 70.7 → 71
    v = engine.instance(iid)["variables"]
    assert (v["written_score"], v["practical_score"], v["result"]) == (78, 71, "pass")
    assert open_tasks(engine, iid) == ["result_approval"]
    open_task(scorer, web.url, "result_approval", app_id)  # the approver role lists it for them
    scorer.click("#claim")
    scorer.check("#f-result_approved")
    scorer.click("#complete")
    assert "四つの目の原則" in scorer.content()
    shots(scorer, "08-four-eyes-refused")
    assert open_tasks(engine, iid) == ["result_approval"]
    assert "result_approved" not in engine.instance(iid)["variables"]
    scorer.click("text=担当を外す")
    assert scorer.locator("#assignee").inner_text() == "未割当"

    # 6. another approver approves
    approver = browser.new_context(locale="ja-JP").new_page()
    login(approver, web.url, "approver1-13")
    open_task(approver, web.url, "result_approval", app_id)
    approver.click("#claim")
    approver.check("#f-result_approved")
    approver.fill("#f-approval_comment", "採点内容を確認しました。")
    shots(approver, "09-approval")
    approver.click("#complete")
    assert "「合否判定の決裁」を完了しました。" in approver.content()
    due_work(engine)  # 合否の登録; then the process waits for the announcement date
    with engine.reading() as s:
        assert s.scalars(select(Application.status).where(Application.application_no == app_id)).one() == "pass"
        assert s.scalars(select(Passer)).all() == []  # nothing is announced before the day
    assert [t["element_id"] for t in engine.timers()] == ["announcement_day"]
    # weeks have passed on the test clock since the applicant signed in: that session ended on the server
    applicant.goto(f"{web.url}/portal/notices")
    assert "/portal/login" in applicant.url
    portal_login(applicant, web.url, PSEUDONYM)
    applicant.goto(f"{web.url}/portal/notices")
    assert "合格通知" not in applicant.locator("table.notices-table").inner_text()

    # 7. the announcement date: the passer is registered, notified, certified and synced
    advance_to(clock, v["announcementDate"], engine)
    info = engine.instance(iid)
    assert info["status"] == "completed", info
    assert info["incidents"] == [] and engine.incidents() == []
    v = info["variables"]
    assert v["ginoshi_no"] and v["certificate_no"] and v["passed_on"] == v["announcementDate"][:10]
    with engine.reading() as s:
        passer = s.scalars(select(Passer)).one()
        assert (passer.ginoshi_no, passer.certificate_no) == (v["ginoshi_no"], v["certificate_no"])
        assert passer.revoked_on is None and passer.certificate_count == 1
        kinds = s.scalars(select(PortalMessage.kind).where(PortalMessage.pseudonym_id == PSEUDONYM)).all()
    assert sorted(kinds) == ["admission_ticket", "certificate", "fee_request", "pass_notice"], kinds
    mails = [(m["To"], m["Subject"]) for m in services["smtp"].messages]  # each notice mailed too
    assert mails == [("ginou@example.jp", f"【技能検定】{t}") for t in ("手数料納付依頼", "受検票", "合格通知", "合格証書")]
    synced = [r.data for r in services["national"].store.select("13", "passer")]  # the national system
    assert [d["ginoshi_no"] for d in synced] == [v["ginoshi_no"]] and v["national_sync_status"] == "created"
    history = engine.history(iid)
    completed_by = {e["element_id"]: e["actor"] for e in history if e["kind"] == "task_completed"}
    assert completed_by == {"eligibility_review": "reviewer1-13", "score_entry": "scorer1-13",
                            "practical_marks": "scorer1-13", "result_approval": "approver1-13"}
    assert engine.verify_history(iid) == [] and person["my_number"] not in str(history)

    # the instance page: the path to 合格 marked on the diagram
    login(approver, web.url, "approver1-13")  # the announcement came weeks later: signed in again
    approver.goto(f"{web.url}/instances/{iid}")
    approver.wait_for_selector("#diagram[data-ready=true]", timeout=15_000)
    for element in ("eligibility_review", "score_entry", "practical_marks", "result_approval", "send_pass_notice",
                    "end_passed"):
        assert "k-completed" in approver.get_attribute(f"g[data-element-id={element}]", "class"), element
    shots(approver, "10-instance-completed")

    # the applicant signs in again and reads the pass notice
    portal_login(applicant, web.url, PSEUDONYM)
    assert applicant.locator(f"table.applications tbody tr:has-text('{app_id}') .status").inner_text() == "合格"
    applicant.click("#nav-notices")
    assert applicant.locator("#notice-count").inner_text() == "4 件"
    shots(applicant, "11-portal-notices")
    applicant.click("table.notices-table a:has-text('合格通知')")
    assert applicant.locator("#notice-subject").inner_text() == "【技能検定】合格通知"
    body = applicant.locator("#notice-body").inner_text()
    assert "合格されましたので通知します" in body and v["examinee_no"] in body and "機械加工" in body
    assert person["my_number"] not in applicant.content()
    shots(applicant, "12-portal-pass-notice")
    for page in (applicant, reviewer, scorer, approver):
        page.context.close()
