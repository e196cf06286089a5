"""Accounts in Chromium: an incident resolved by hand, API tokens shown once and revoked, a password
changed under the policy, an account's roles changed and the account deactivated by its prefecture's admin."""
from __future__ import annotations

from sqlalchemy import select

from engine.identity import StaffUser
from engine.identity.tokens import digest
from tests.browser.conftest import PASSWORD, login
from tests.conftest import deploy_fixture


def test_an_administrator_resolves_a_failed_job_by_hand(engine, handlers, clock, staff, web, browser, shots):  # type: ignore[no-untyped-def]
    handlers.register("test.remote", lambda ctx, data: (_ for _ in ()).throw(ConnectionRefusedError("down")), "remote")
    deploy_fixture(engine, "remote.bpmn")
    iid = engine.start("remote", "13")
    for _ in range(6):
        engine.run_jobs("w1")
        clock.advance(seconds=40)
    [incident] = engine.incidents()
    staff("admin1-13", "13", "admin")
    page = browser.new_page(locale="ja-JP")
    login(page, web.url, "admin1-13")
    page.goto(f"{web.url}/admin/incidents")
    page.click("a.resolve-link")
    assert "再実行せずに解決する" in page.content()
    page.fill("#variables", "{not json")
    page.click("#resolve-submit")
    assert page.locator("#err-variables").is_visible() and page.locator("#err-note").count() == 0
    assert page.input_value("#variables") == "{not json"  # what was typed is kept
    page.fill("#variables", '{"hits": 1}')
    page.click("#resolve-submit")
    assert "何を行ったか" in page.locator("#err-note").inner_text()
    shots(page, "01-resolve-refused")
    assert engine.incidents()[0]["status"] == "open"
    page.fill("#note", "住民票の写しを窓口で確認した")
    page.click("#resolve-submit")
    assert "解決済みにしました" in page.content()
    info = engine.instance(iid)
    assert info["variables"]["hits"] == 1 and [t["element_id"] for t in info["tasks"]] == ["check"]
    page.goto(f"{web.url}/admin/incidents/{incident['id']}")
    assert "手作業で解決" in page.locator("#incident-status").inner_text()
    assert page.locator("#resolution-note").inner_text() == "住民票の写しを窓口で確認した"
    assert page.locator("#resolve").count() == 0
    shots(page, "02-resolved")
    page.close()


def test_a_token_is_shown_once_works_and_is_revoked(engine, staff, web, browser, shots):  # type: ignore[no-untyped-def]
    staff("reviewer1-13", "13", "reviewer")
    page = browser.new_page(locale="ja-JP")
    login(page, web.url, "reviewer1-13")
    page.click("#tokens-link")
    page.click("#create-token")
    assert "64文字以内" in page.locator("#token-error").inner_text()
    page.fill("#token-name", "手数料収納システム")
    page.click("#create-token")
    token = page.locator("#new-token").inner_text().strip()
    shots(page, "01-token-shown-once")
    with engine.reading() as s:
        user = s.scalar(select(StaffUser).where(StaffUser.username == "reviewer1-13"))
        from engine.identity.models import ApiToken
        [row] = s.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
        assert row.token_hash == digest(token) and token not in str(row.__dict__)
    api = page.request.get(f"{web.url}/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
    assert api.status == 200
    page.goto(f"{web.url}/account/tokens")
    assert page.locator("#new-token").count() == 0 and token not in page.content()  # never shown again
    page.click("button.revoke")
    assert "無効にしました" in page.content()
    api = page.request.get(f"{web.url}/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
    assert api.status == 401
    shots(page, "02-token-revoked")
    page.close()


def test_a_password_is_changed_under_the_policy(engine, staff, web, browser, shots):  # type: ignore[no-untyped-def]
    staff("scorer1-13", "13", "scorer")
    elsewhere = browser.new_context(locale="ja-JP").new_page()  # the same person signed in on another PC
    login(elsewhere, web.url, "scorer1-13")
    assert elsewhere.locator("#task-count").is_visible()
    page = browser.new_page(locale="ja-JP")
    login(page, web.url, "scorer1-13")
    page.click("#password-link")
    for current, new, again, expect in (("wrong-password-1A", "Kaede-2026-aki!", "Kaede-2026-aki!", "今のパスワードが違います"),
                                        (PASSWORD, "Kaede-2026-aki!", "Kaede-2026-aki?", "2回とも同じ"),
                                        (PASSWORD, "short", "short", "12文字以上")):
        page.fill("#current_password", current)
        page.fill("#new_password", new)
        page.fill("#new_password_again", again)
        page.click("#change-password")
        assert expect in page.content(), expect
    shots(page, "01-password-refused")
    page.fill("#current_password", PASSWORD)
    page.fill("#new_password", "Kaede-2026-aki!")
    page.fill("#new_password_again", "Kaede-2026-aki!")
    page.click("#change-password")
    assert "パスワードを変更しました" in page.content()
    page.goto(f"{web.url}/")
    assert page.locator("#task-count").is_visible()  # this session goes on
    elsewhere.goto(f"{web.url}/")
    assert "/login" in elsewhere.url  # the other one ended with the old password
    elsewhere.close()
    page.close()
    page = browser.new_page(locale="ja-JP")
    login(page, web.url, "scorer1-13")
    assert "/login" in page.url  # the old password no longer works
    login(page, web.url, "scorer1-13", "Kaede-2026-aki!")
    assert page.locator("#task-count").is_visible()
    page.close()


def test_an_admin_changes_roles_and_deactivates_an_account_of_their_prefecture_only(engine, staff, web, browser, shots):  # type: ignore[no-untyped-def]
    staff("admin1-13", "13", "admin")
    staff("reviewer2-13", "13", "reviewer")
    staff("reviewer1-27", "27", "reviewer")
    with engine.reading() as s:
        ids = {u.username: u.id for u in s.scalars(select(StaffUser))}
    page = browser.new_page(locale="ja-JP")
    login(page, web.url, "admin1-13")
    assert page.goto(f"{web.url}/admin/users/{ids['reviewer1-27']}").status == 404
    page.goto(f"{web.url}/admin/users")
    page.click("text=reviewer2-13")
    page.check("input[name=roles][value=scorer]")
    page.click("#save-user")
    assert "変更しました" in page.content()
    page.uncheck("#active")
    page.click("#save-user")
    shots(page, "01-account-deactivated")
    with engine.reading() as s:
        user = s.get(StaffUser, ids["reviewer2-13"])
        assert user.role_set == {"reviewer", "scorer"} and not user.active
    page.goto(f"{web.url}/admin/users/{ids['admin1-13']}")
    page.uncheck("#active")
    page.click("#save-user")
    assert "自分自身を無効" in page.content()  # an admin cannot lock themselves out
    page.close()
    other = browser.new_page(locale="ja-JP")
    login(other, web.url, "reviewer2-13")
    assert "/login" in other.url and "ログインできませんでした" in other.content()  # no word of "inactive"
    other.close()


def test_an_auditor_reviews_the_access_log(engine, clock, staff, web, browser, shots):  # type: ignore[no-untyped-def]
    from handlers.vault import IDENTITY_CHECK, REGISTRATION, Keyring, Vault
    vault = Vault(Keyring.load_or_create(engine.settings.keyring_path), clock=clock)
    with engine.transaction() as s, s.begin():
        ref = vault.store(s, "13", "123456789018", actor="portal:PSN-13-1", purpose=REGISTRATION)
        vault.reveal(s, ref, "13", actor="staff:reviewer1-13", purpose=IDENTITY_CHECK)
    staff("auditor1-13", "13", "auditor")
    page = browser.new_page(locale="ja-JP")
    login(page, web.url, "auditor1-13")
    page.click("#audit-link")
    page.fill("#from", "2026-03-01")
    page.click("#audit-search")
    assert page.locator("#audit-total").inner_text() == "2 件"
    assert "123456789018" not in page.content()
    page.select_option("#action", "reveal")
    page.click("#audit-search")
    assert page.locator("#audit-total").inner_text() == "1 件" and "staff:reviewer1-13" in page.content()
    page.fill("#note", "目的外の表示なし")
    page.click("#review-submit")
    assert "確認済みとして記録しました" in page.content()
    assert "目的外の表示なし" in page.locator("table.audit-reviews").inner_text()
    shots(page, "01-audit-log-reviewed")
    page.close()


def test_guessing_the_current_password_locks_the_account(engine, staff, web, browser):  # type: ignore[no-untyped-def]
    from engine.identity import LoginEvent
    staff("scorer2-13", "13", "scorer")
    page = browser.new_page(locale="ja-JP")
    login(page, web.url, "scorer2-13")
    for _ in range(5):
        page.goto(f"{web.url}/account/password")
        page.fill("#current_password", "Guess-2026-wrong")
        page.fill("#new_password", "Kaede-2026-aki!")
        page.fill("#new_password_again", "Kaede-2026-aki!")
        page.click("#change-password")
    page.goto(f"{web.url}/account/password")
    page.fill("#current_password", PASSWORD)  # even the right one, now
    page.fill("#new_password", "Kaede-2026-aki!")
    page.fill("#new_password_again", "Kaede-2026-aki!")
    page.click("#change-password")
    assert "ロックされています" in page.content()
    with engine.reading() as s:
        outcomes = [e.outcome for e in s.scalars(select(LoginEvent).where(LoginEvent.username == "scorer2-13"))]
    assert outcomes.count("bad_password") == 5 and outcomes[-1] == "locked"
    page.close()
