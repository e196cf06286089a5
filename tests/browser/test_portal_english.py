"""The applicant portal switched to English in Chromium: sign in (Japanese, the browser's language), switch
with #lang-switch, open the application form and send it with mistakes; the errors stand beside their fields
in English and nothing overflows; signed out, the page stays English and the switch goes back to Japanese.
Screenshots under test-artifacts/screenshots/test_an_applicant_switches_the_portal_to_english/.
"""
from __future__ import annotations

import re
from typing import Any

from tests.browser.test_portal import demo_signin, portal_login  # noqa: F401 (demo_signin: autouse fixture)
from web.portal_oidc import new_pseudonym

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
NUMBER = "123456789019"  # 123456789018 with a wrong check digit


def no_overflow(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_applicant_switches_the_portal_to_english(web, browser, shots):  # type: ignore[no-untyped-def]
    page = browser.new_page(locale="ja-JP")
    pseudonym = new_pseudonym()
    portal_login(page, web.url, pseudonym)
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("#portal-who").inner_text() == f"仮名ID {pseudonym}"
    assert page.locator("#lang-switch").inner_text() == "English"

    page.click("#lang-switch")  # back on the same page, now in English
    assert page.url.endswith("/portal/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#portal-who").inner_text() == f"Pseudonymous ID {pseudonym}"
    assert page.locator("#no-applications").inner_text() == "You have no applications yet."
    assert page.locator("#lang-switch").inner_text() == "日本語"
    shots(page, "01-my-applications-en")

    page.click("#nav-apply")
    assert page.locator("h1").inner_text() == "Application for the trade skills test"
    assert page.locator("#f-grade option").all_inner_texts()[1:3] == ["Basic grade", "Grade 3"]
    page.fill("#f-applicant_name", "GINO Taro")
    page.fill("#f-name_kana", "Gino Taro")  # must be kana
    page.fill("#f-birth_date", "1990-04-01")
    page.select_option("#f-sex", "1")
    page.fill("#f-address", "1-2-3 Kasumigaseki, Chiyoda-ku, Tokyo")
    page.select_option("#f-tenant", "13")
    page.select_option("#f-grade", label="Grade 2")
    page.fill("#f-trade_code", "0401")
    page.fill("#f-trade_name", "Machining")
    page.fill("#f-experience_years", "1")
    page.fill("#f-my_number", NUMBER)
    shots(page, "02-apply-form-en")
    assert no_overflow(page)

    page.click("#apply-submit")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".flash.error").inner_text() == "Please check the fields marked below."
    assert "check digit" in page.locator("#err-my_number").inner_text()
    assert "hiragana or katakana" in page.locator("#err-name_kana").inner_text()
    assert page.locator(".field.has-error").count() == 2
    assert page.locator("#my_number-cleared").is_visible() and page.input_value("#f-my_number") == ""
    assert page.input_value("#f-grade") == "2級"  # the value the workflow reads stays as it was
    assert page.input_value("#f-trade_name") == "Machining"
    visible = page.locator("body").inner_text().replace("日本語", "")  # the link to Japanese, in Japanese
    assert not JAPANESE.search(visible), JAPANESE.findall(visible)
    assert no_overflow(page)
    shots(page, "03-apply-errors-en")
    page.set_viewport_size({"width": 400, "height": 800})
    assert no_overflow(page)
    shots(page, "04-apply-errors-en-narrow")

    page.set_viewport_size({"width": 1280, "height": 720})
    page.click("#portal-logout")  # the language outlives the portal session (its own cookie)
    assert page.url.endswith("/portal/login") and page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Sign in to the application portal"
    assert page.locator(".flash.info").inner_text() == "You have signed out."
    shots(page, "05-login-en")
    page.click("#lang-switch")
    assert page.locator("html").get_attribute("lang") == "ja" and page.url.endswith("/portal/login")
    assert page.locator("h1").inner_text() == "申請ポータルにログイン"
    page.close()
