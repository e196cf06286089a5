"""The administrators' e-Gov page: packages taken, refused with their reasons, and the 電子通知書 sent or waiting."""
from __future__ import annotations

from datetime import timedelta

from handlers.egov.models import EgovNotice, EgovPackage
from tests.browser.conftest import login


def test_an_administrator_sees_the_e_gov_packages_of_the_prefecture(engine, clock, staff, web, browser, shots):  # type: ignore[no-untyped-def]
    staff("admin1-13", "13", "admin")
    now = clock.now
    with engine.transaction() as s, s.begin():
        s.add_all([
            EgovPackage(tenant="13", package_id="202604010000000001", status="started", submitted_at=now,
                        taken_at=now + timedelta(minutes=10), form="{}", attachments="[]",
                        application_no="13-2026-A000001"),
            EgovPackage(tenant="13", package_id="202604010000000002", status="refused", submitted_at=now,
                        taken_at=now + timedelta(minutes=10), refusal_reason="氏名が入力されていません。"),
            EgovPackage(tenant="27", package_id="202604010000000003", status="refused", submitted_at=now,
                        taken_at=now, refusal_reason="大阪府の返戻理由"),
            EgovNotice(tenant="13", package_id="202604010000000001", application_no="13-2026-A000001", kind="accepted",
                       text="受理", created_at=now, sent_at=now + timedelta(minutes=20)),
            EgovNotice(tenant="13", package_id="202604010000000002", kind="refused", text="返戻", created_at=now),
        ])
    page = browser.new_page(locale="ja-JP")
    login(page, web.url, "admin1-13")
    page.goto(f"{web.url}/admin/egov/")
    table = page.locator("#egov-packages").inner_text()
    assert "202604010000000001" in table and "13-2026-A000001" in table and "送信済み" in table
    assert "氏名が入力されていません。" in table and "未送信" in table
    assert "202604010000000003" not in table and "大阪府の返戻理由" not in page.content()  # 27's stay there
    assert "2026年4月1日 9:00" in table  # times in JST, the Japanese way (00:00 UTC)
    assert "返戻 1 件" in page.locator("#egov-counts").inner_text()
    shots(page, "01-egov")
    page.select_option("#status", "refused")
    page.click("form.filters button[type=submit]")
    assert "202604010000000001" not in page.locator("#egov-packages").inner_text()
    page.close()


def test_the_e_gov_page_is_for_administrators(engine, staff, web, browser):  # type: ignore[no-untyped-def]
    staff("reviewer1-13", "13", "reviewer")
    page = browser.new_page(locale="ja-JP")
    login(page, web.url, "reviewer1-13")
    response = page.goto(f"{web.url}/admin/egov/")
    assert response is not None and response.status == 404  # as for every page outside the role: not even its existence
    page.close()
