"""The staff pages in English in Chromium: a Japanese browser, the header's language link, the inbox and a task."""
from __future__ import annotations

import re
from datetime import timedelta

from tests.browser.conftest import login
from tests.integration.test_english_staff import JAPANESE, LANG_SWITCH, REVIEW_EN


def test_a_reviewer_switches_to_english_in_the_header(engine, clock, staff, web, browser, shots):  # type: ignore[no-untyped-def]
    engine.deploy([("review.bpmn", REVIEW_EN.encode())])
    for n, name in enumerate(("Taro Yamada", "Hanako Sato", "Ichiro Suzuki"), start=1):
        due = clock.now + timedelta(days=14 if n != 3 else -1)
        engine.start("review", "13", {"applicant_name": name, "reviewDueDate": due.isoformat()},
                     business_key=f"13-2026-A00000{n}")
    staff("reviewer1-13", "13", "reviewer")
    page = browser.new_page(locale="ja-JP")
    login(page, web.url, "reviewer1-13")
    assert page.locator("html").get_attribute("lang") == "ja" and page.locator("#task-count").inner_text() == "3 件"
    page.click("#lang-switch")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.rstrip("/?") == web.url  # back on the page the link was clicked on
    assert page.locator("#task-count").inner_text() == "3 tasks"
    assert page.locator("#lang-switch").inner_text() == "日本語"
    shots(page, "01-inbox-en")
    page.select_option("select[name=due]", "overdue")
    page.click("#filters button[type=submit]")
    assert page.locator("#task-count").inner_text() == "1 task" and "Ichiro Suzuki" in page.content()
    page.click("text=Eligibility review")
    page.click("#claim")
    assert "You have claimed the task." in page.content()
    page.fill("#f-experience_years", "99")
    page.click("#complete")
    assert page.locator("#err-decision").inner_text() == "This field is required."
    assert page.locator("#err-experience_years").inner_text() == "Enter 50 or less."
    shots(page, "02-task-errors-en")
    # the display name is the staff fixture's "… さん", data not text of the app: leave it out of the check
    body = LANG_SWITCH.sub("", page.content()).replace("reviewer1-13 さん", "")
    assert not JAPANESE.findall(body), re.findall(r".{0,40}[\u3040-\u30ff\u4e00-\u9fff].{0,40}", body)
    page.goto(f"{web.url}/")
    page.click("#lang-switch")  # and back
    assert page.locator("html").get_attribute("lang") == "ja" and page.locator("#task-count").inner_text() == "3 件"
    page.close()
