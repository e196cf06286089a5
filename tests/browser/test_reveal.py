"""Revealing a 個人番号 on the instance page: the right role, a purpose, an access-log row; otherwise nothing."""
from __future__ import annotations

from datetime import timedelta

from handlers.vault import REGISTRATION, Keyring, Vault, access_log_entries
from tests.browser.conftest import login
from tests.browser.test_inbox import REVIEW

NUMBER = "123456789018"  # DOMAIN.md's example, with its check digit


def test_a_reviewer_reveals_the_number_for_a_purpose_and_it_is_logged(engine, clock, staff, web, browser, shots,
                                                                      tmp_path):  # type: ignore[no-untyped-def]
    keyring = engine.settings.keyring_path
    vault = Vault(Keyring.load_or_create(keyring), clock=engine.now)
    with engine.transaction() as s, s.begin():
        ref = vault.store(s, "13", NUMBER, actor="portal:PSN-1", purpose=REGISTRATION)
    engine.deploy([("review.bpmn", REVIEW)])
    iid = engine.start("review", "13", {"applicant_name": "山田 太郎", "vault_ref": ref,
                                        "reviewDueDate": (clock.now + timedelta(days=3)).isoformat()})
    staff("reviewer1-13", "13", "reviewer")
    staff("scorer1-13", "13", "scorer")
    page = browser.new_page(locale="ja-JP")
    login(page, web.url, "scorer1-13")
    page.goto(f"{web.url}/tasks/{engine.tasks()[0]['id']}")  # not their task: a scorer sees no review task
    assert page.request.post(f"{web.url}/instances/{iid}/reveal", form={"purpose": "identity_check"}).status in (400, 404)
    page.close()
    page = browser.new_page(locale="ja-JP")
    login(page, web.url, "reviewer1-13")
    page.goto(f"{web.url}/instances/{iid}")
    assert NUMBER not in page.content() and "●●●●" in page.content()
    page.click("#reveal")  # no purpose chosen
    assert "目的を選んでください" in page.content() and NUMBER not in page.content()
    page.select_option("#reveal-purpose", "identity_check")
    page.click("#reveal")
    assert page.locator("#my-number").inner_text() == f"個人番号: {NUMBER}"
    shots(page, "01-revealed")
    page.goto(f"{web.url}/instances/{iid}")
    assert NUMBER not in page.content()  # shown in that one answer only
    with engine.reading() as s:
        reveals = [(e.actor, e.purpose) for e in access_log_entries(s, "13", ref) if e.action == "reveal"]
    assert reveals == [("staff:reviewer1-13", "identity_check")]
    assert NUMBER not in str(engine.instance(iid)) and NUMBER not in str(engine.history(iid))
    page.close()
