"""Certificate requests in Chromium: a real pass (workflows/application.bpmn with the real handlers and simulators),
the applicant's request for an English 合格証明書 from the portal, its fee and its PDF; the staff list and a paper
request. Screenshots under test-artifacts/screenshots/."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from tests.browser.conftest import login
from tests.integration.test_documents import _result
from tests.integration.test_lifecycle import Life, handlers, life, services  # noqa: F401 (fixtures)
from web.portal_oidc import new_pseudonym


@pytest.fixture(autouse=True)
def demo_signin(engine):  # type: ignore[no-untyped-def]
    """The demo sign-in (type a pseudonymous ID), as `make run` turns it on."""
    engine.settings = replace(engine.settings, portal_demo_signin=True)


def test_a_certificate_of_pass_requested_from_the_portal(life, staff, web, browser, shots):  # type: ignore[no-untyped-def]  # noqa: F811
    pseudonym = new_pseudonym()
    app_id = _result(life, 80, pseudonym_id=pseudonym)
    page: Any = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{web.url}/portal/login")
    page.fill("#pseudonym", pseudonym)
    page.click("#portal-login")
    page.goto(f"{web.url}/portal/applications/{app_id}")
    page.click("#certificate-requests-link")
    assert page.locator("h1").inner_text() == "合格証書の再交付・合格証明書"
    page.select_option("#request_kind", "certificate_of_pass")
    page.select_option("#language", "en")
    page.select_option("#medium", "electronic")
    page.fill("#copies", "2")  # an electronic document is one copy: refused beside the field, the rest kept
    page.click("#certificate-submit")
    assert "1通" in page.locator("#err-copies").inner_text()
    assert page.locator("#language").input_value() == "en"
    shots(page, "01-portal-request-refused-copies")
    page.fill("#copies", "1")
    page.click("#certificate-submit")
    assert page.locator("h1").inner_text().startswith("交付申請 13-2026-C")
    assert page.locator("#request-status").inner_text() == "手数料の納付待ち"
    assert "1,000円" in page.locator("#request-fee").inner_text() and page.locator("#fee-deadline").is_visible()
    shots(page, "02-portal-request-fee-due")
    request_no = page.locator("h1").inner_text().split()[-1]
    life.drain()  # the fee request (a notice), sent by the scheduler's job runner
    assert life.engine.correlate("fee_paid", request_no, {"fee_paid_amount": 1000})["status"] == "delivered"
    life.drain()
    page.reload()
    assert page.locator("#request-status").inner_text() == "交付済み"
    shots(page, "03-portal-request-issued")
    with page.expect_response(lambda r: r.url.endswith("/document.pdf")) as answer:
        page.evaluate("url => fetch(url)", page.locator("#request-document").get_attribute("href"))
    assert answer.value.status == 200 and answer.value.headers["content-type"] == "application/pdf"

    staff("reviewer1-13", "13", "reviewer")
    desk: Any = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}).new_page()
    login(desk, web.url, "reviewer1-13")
    desk.click("#certificate-requests-link")
    assert desk.locator(f"#request-{request_no} .status").inner_text() == "交付済み"
    desk.click("#new-request")
    desk.fill("#pass_no", app_id)
    desk.select_option("#request_kind", "reissue")
    desk.select_option("#reason", "lost")
    desk.fill("#requester_name", "申請 太郎")
    desk.fill("#requester_birth_date", "1990-05-01")
    shots(desk, "04-staff-paper-request-form")
    desk.click("#submit-request")
    assert desk.locator("#request-status").inner_text() == "受付済み"
    shots(desk, "05-staff-paper-request")
    desk.click("#certificate-requests-link")
    shots(desk, "06-staff-request-list")
    assert desk.locator("#certificate-requests tbody tr").count() == 2
