"""The applicant portal in Chromium: demo sign-in, an online application refused for its 個人番号 check digit
then accepted, the receipt, my applications, a correction request answered, the notices inbox, and
another applicant who sees none of it.

The engine runs the production handlers (handlers.catalog.default_registry) against the Juki-net and
national simulators and a local SMTP server, so the real application.bpmn deploys and runs: the
registry handler (local) issues the 申請受付ID during start, and the test runs the remote jobs
(住基ネット照会, 訂正依頼の通知) with engine.run_jobs.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from engine.db.models import MessageSubscription, ProcessInstance
from engine.deploy import collect
from handlers.catalog import Adapters, default_registry
from handlers.jukinet.simulator import SimulatorServer
from handlers.jukinet.store import ResidentStore
from handlers.national.simulator import serve as serve_national
from handlers.vault import IDENTITY_CHECK, Keyring, Vault, access_log_entries
from tests.browser.conftest import login
from tests.support.smtp import SmtpServer
from web.portal_oidc import new_pseudonym

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
FIRST, OTHER = new_pseudonym(), new_pseudonym()


@pytest.fixture(autouse=True)
def demo_signin(engine):  # type: ignore[no-untyped-def]
    """The demo sign-in (type a pseudonymous ID), as `make run` turns it on (KENTEI_PORTAL_DEMO_SIGNIN=1)."""
    engine.settings = replace(engine.settings, portal_demo_signin=True)


@pytest.fixture
def services(tmp_path: Path):  # type: ignore[no-untyped-def]
    juki = SimulatorServer(ResidentStore.seeded(seed=7, count=40)).start()
    national = serve_national("127.0.0.1", 0)
    smtp = SmtpServer()
    yield {"juki": juki, "national": national, "smtp": smtp}
    smtp.stop()
    national.shutdown()
    juki.shutdown()


@pytest.fixture
def handlers(settings, services, tmp_path):  # type: ignore[no-untyped-def]
    # the same keyring file the `web` fixture gives the app (tmp_path / "keyring.json")
    adapters = Adapters(settings.database_url, tmp_path / "keyring.json", services["juki"].url,
                        services["national"].url, "127.0.0.1", services["smtp"].port, "kentei@example.jp")
    registry = default_registry(adapters)
    yield registry
    registry.close()


@pytest.fixture
def person(services) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A resident Juki-net knows (so the identity check finds exactly one hit)."""
    return next(r for r in services["juki"].store.residents() if r["status"] == "active")


def drain(engine) -> None:  # type: ignore[no-untyped-def]
    for _ in range(20):
        if not engine.run_jobs("test-worker", limit=20):
            return


def portal_login(page: Any, base: str, pseudonym: str) -> None:
    page.goto(f"{base}/portal/login")
    page.fill("#pseudonym", pseudonym)
    page.click("#portal-login")


def fill_application(page: Any, person: dict[str, Any], my_number: str) -> None:
    page.fill("#f-applicant_name", person["name"])
    page.fill("#f-name_kana", person["name_kana"])
    page.fill("#f-birth_date", person["birth_date"])
    page.select_option("#f-sex", person["sex"])
    page.fill("#f-address", person["address"])
    page.fill("#f-email", "ginou@example.jp")
    page.select_option("#f-tenant", "13")
    page.select_option("#f-grade", "2級")
    page.fill("#f-trade_code", "0401")
    page.fill("#f-trade_name", "機械加工")
    page.fill("#f-task_name", "普通旋盤作業")
    page.fill("#f-experience_years", "1")
    page.select_option("#f-schooling", "なし")
    page.select_option("#f-prior_pass", "なし")
    page.check("#f-written_exemption_claimed")
    page.fill("#f-my_number", my_number)


def wrong_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def the_instance(engine) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    with engine.reading() as s:
        rows = s.scalars(select(ProcessInstance).where(ProcessInstance.business_key.like("portal-%"))).all()
        assert len(rows) == 1, [r.business_key for r in rows]
        iid = rows[0].id
    return engine.instance(iid)


def file_and_get_a_correction_request(engine, web, page, person, shots=None) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """FIRST signs in and files (wrong check digit first); Juki-net runs; a reviewer asks for a correction."""
    engine.deploy(collect([WORKFLOWS]))
    page.goto(f"{web.url}/portal/")
    assert page.url.endswith("/portal/login")
    portal_login(page, web.url, FIRST)
    assert page.locator("#portal-who").inner_text() == f"仮名ID {FIRST}"
    assert page.locator("#no-applications").is_visible()
    if shots:
        shots(page, "02-my-applications-empty")
    page.click("#nav-apply")
    wrong = wrong_check_digit(person["my_number"])
    fill_application(page, person, wrong)
    if shots:
        shots(page, "03-apply-form")
    page.click("#apply-submit")
    # the error beside the field, the other fields kept, the number never echoed back
    assert "チェックデジット" in page.locator("#err-my_number").inner_text()
    assert page.locator(".field.has-error").count() == 1
    assert page.input_value("#f-my_number") == ""
    assert page.locator("#my_number-cleared").is_visible()
    assert page.input_value("#f-applicant_name") == person["name"]
    assert page.input_value("#f-address") == person["address"]
    assert page.input_value("#f-birth_date") == person["birth_date"]
    assert page.input_value("#f-sex") == person["sex"] and page.input_value("#f-grade") == "2級"
    assert page.input_value("#f-experience_years") == "1" and page.is_checked("#f-written_exemption_claimed")
    assert wrong not in page.content() and person["my_number"] not in page.content()
    if shots:
        shots(page, "04-apply-check-digit-error")
    with engine.reading() as s:  # nothing was filed
        assert s.scalars(select(ProcessInstance)).all() == []
    page.fill("#f-my_number", person["my_number"][:4] + " " + person["my_number"][4:8] + "-" + person["my_number"][8:])
    page.click("#apply-submit")
    assert page.locator("h1").inner_text() == "受付完了"
    app_id = page.locator("#application-id").inner_text()
    assert re.fullmatch(r"13-2026-A\d{6}", app_id), app_id
    assert person["my_number"] not in page.content()
    if shots:
        shots(page, "05-receipt")
    info = the_instance(engine)
    drain(engine)  # 住基ネット照会: one hit, the eligibility decision, the reviewer's task
    review = [t for t in engine.tasks(instance_id=info["id"]) if t["element_id"] == "eligibility_review"]
    assert review, engine.instance(info["id"])
    engine.complete_task(review[0]["id"], "reviewer1-13", {"decision": "request_correction",
                                                           "review_comment": "実務経験年数を確認し、証明書を添付してください。"})
    drain(engine)  # the 訂正依頼 notice
    return info["id"], app_id


def test_an_applicant_files_online_sees_the_receipt_and_answers_a_correction(engine, web, browser, shots, person, services, staff):  # type: ignore[no-untyped-def]
    page = browser.new_page(locale="ja-JP")
    # a staff sign-in in the same browser is no portal identity, and the portal sign-in ends it
    staff("reviewer1-13", "13", "reviewer")
    login(page, web.url, "reviewer1-13")
    assert page.locator("#task-count").is_visible()
    page.goto(f"{web.url}/portal/")
    assert page.url.endswith("/portal/login")
    assert "デモ用のログインです" in page.locator("#demo-note").inner_text()
    # paper and staff inboxes, and IDs of the guessable form the demo once issued
    for refused in ("paper-13-2026-A000001", "PSN-" + "x" * 40, "staff:13:reviewer", "PSN-13-100002"):
        page.fill("#pseudonym", refused)
        page.click("#portal-login")
        assert "PSN-" in page.locator("#err-pseudonym").inner_text() and page.url.endswith("/portal/login")
    shots(page, "01-login-refused")
    iid, app_id = file_and_get_a_correction_request(engine, web, page, person, shots)
    number = person["my_number"]

    # the workflow holds the vault reference, never the number
    info = engine.instance(iid)
    v = info["variables"]
    assert v["application_id"] == app_id and v["pseudonym_id"] == FIRST and v["channel"] == "online"
    assert v["fiscal_year"] == 2026 and v["round"] == "前期" and v["fee_amount"] == 18_200  # 学科 exemption claimed
    assert v["feeDeadline"].startswith("2026-04-21") and v["examDate"].startswith("2026-05-31")
    assert v["juki_outcome"] == "one_hit" and "my_number" not in v
    assert number not in str(info) and number not in str(engine.history(iid))
    assert info["business_key"].startswith("portal-")
    vault = Vault(Keyring.load_or_create(engine.settings.keyring_path))
    with engine.transaction() as s, s.begin():
        assert vault.reveal(s, v["vault_ref"], "13", actor="test", purpose=IDENTITY_CHECK) == number
        stored = [e for e in access_log_entries(s, "13", v["vault_ref"]) if e.action == "store"]
        assert [(e.actor, e.purpose) for e in stored] == [(f"portal:{FIRST}", "registration")]

    # my applications: the application, waiting for the correction
    page.goto(f"{web.url}/portal/")
    assert page.locator("#application-count").inner_text() == "1 件"
    row = page.locator("table.applications tbody tr")
    assert app_id in row.inner_text() and "補正の依頼があります" in row.inner_text()
    assert page.locator("#unread").inner_text() == "1"
    shots(page, "06-my-applications")
    page.click(f"text={app_id}")
    assert "実務経験年数を確認し" in page.locator("#review-comment").inner_text()
    assert page.input_value("#c-experience_years") == "1"
    assert number not in page.content()
    shots(page, "07-application-correction-requested")

    # the notice, read in the portal
    page.click("#nav-notices")
    assert page.locator("#notice-count").inner_text() == "1 件"
    shots(page, "08-notices")
    page.click("text=【技能検定】訂正依頼")
    body = page.locator("#notice-body").inner_text()
    assert "実務経験年数を確認し" in body and app_id in body
    assert page.locator("#notice-body script").count() == 0 and number not in page.content()
    assert page.locator("#unread").count() == 0  # read now
    shots(page, "09-notice")

    # the correction: refused once (years out of range), then sent to the waiting process
    page.goto(f"{web.url}/portal/applications/{app_id}")
    page.fill("#c-experience_years", "99")
    page.click("#correction-submit")
    assert "0〜60" in page.locator("#cerr-experience_years").inner_text()
    page.fill("#c-experience_years", "3")
    page.fill("#c-correction_note", "実務経験証明書を郵送しました。")
    page.click("#correction-submit")
    assert "補正を送信しました" in page.content()
    assert page.locator("#correction").count() == 0 and "受付済み" in page.locator("#status").inner_text()
    assert page.locator("#experience").inner_text() == "3 年（補正済み。申請時 1 年）"
    shots(page, "10-after-correction")
    after = engine.instance(iid)
    assert after["variables"]["experience_years"] == 3 and after["variables"]["correction_note"] == "実務経験証明書を郵送しました。"
    assert [t["element_id"] for t in after["tasks"]] == ["eligibility_review"]  # back to the reviewer
    assert number not in str(after) and number not in str(engine.history(iid))

    # a second send of the same form is not delivered again
    token = page.input_value("input[name=csrf_token]")
    again = page.request.post(f"{web.url}/portal/applications/{app_id}/correction",
                              form={"csrf_token": token, "experience_years": "9", "schooling": "なし", "prior_pass": "なし"})
    assert again.ok and "補正を受け付けていません" in again.text()
    assert engine.instance(iid)["variables"]["experience_years"] == 3

    # the staff inbox does not open in the applicant's session; signing out ends the portal session
    page.goto(f"{web.url}/")
    assert "/login" in page.url and "/portal" not in page.url
    page.goto(f"{web.url}/portal/")
    page.click("#portal-logout")
    assert page.url.endswith("/portal/login")
    page.goto(f"{web.url}/portal/")
    assert page.url.endswith("/portal/login")
    page.close()


def test_another_applicant_sees_none_of_it(engine, web, browser, shots, person, services):  # type: ignore[no-untyped-def]
    page = browser.new_page(locale="ja-JP")
    iid, app_id = file_and_get_a_correction_request(engine, web, page, person)
    page.click("#nav-notices")
    notice_url = page.locator("table.notices-table a").first.get_attribute("href")
    assert notice_url and notice_url.startswith("/portal/notices/")
    page.click("#portal-logout")

    portal_login(page, web.url, OTHER)
    assert page.locator("#portal-who").inner_text() == f"仮名ID {OTHER}"
    assert page.locator("#application-count").inner_text() == "0 件" and page.locator("#no-applications").is_visible()
    assert app_id not in page.content() and person["name"] not in page.content()
    shots(page, "01-other-applications")
    page.click("#nav-notices")
    assert page.locator("#notice-count").inner_text() == "0 件" and page.locator("#no-notices").is_visible()
    shots(page, "02-other-notices")
    for url in (f"/portal/applications/{app_id}", f"/portal/applications/{app_id}/receipt", notice_url,
                "/portal/notices/not-a-uuid", "/portal/applications/13-2026-A999999"):
        response = page.goto(f"{web.url}{url}")
        assert response.status == 404, url
        assert person["name"] not in page.content() and "実務経験年数を確認し" not in page.content()
    assert page.locator("h1").inner_text() == "見つかりません"
    shots(page, "03-other-404")
    token = page.input_value("input[name=csrf_token]")
    response = page.request.post(f"{web.url}/portal/applications/{app_id}/correction",
                                 form={"csrf_token": token, "experience_years": "9", "schooling": "大学",
                                       "prior_pass": "なし"})
    assert response.status == 404
    info = engine.instance(iid)
    assert info["variables"]["experience_years"] == 1 and any(
        t["element_id"] == "await_correction" for t in _waiting(engine, iid))
    page.close()


def _waiting(engine, iid: int) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    with engine.reading() as s:
        return [{"element_id": m.element_id} for m in
                s.scalars(select(MessageSubscription).where(MessageSubscription.instance_id == iid))]
