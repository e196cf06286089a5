"""The 個人番号 access log for auditors: their prefecture only, filters, summary, CSV, reviews, deletions."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.identity import Identity
from engine.identity.passwords import FAST_HASHER
from handlers.registry.models import DeletionRecord
from handlers.vault import IDENTITY_CHECK, REGISTRATION, Keyring, Vault, VaultError
from handlers.vault.models import AuditReview

PASSWORD = "Sakura-2026-haru"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
NUMBERS = {"13": "123456789018", "27": "000000000019"}


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kentei.db'}"


@pytest.fixture
def site(engine, clock, tmp_path):  # type: ignore[no-untyped-def]
    from web import create_app
    engine.settings = replace(engine.settings, keyring_path=tmp_path / "keyring.json")
    identity = Identity(clock=clock, hasher=FAST_HASHER)
    vault = Vault(Keyring.load_or_create(engine.settings.keyring_path), clock=clock)
    with engine.transaction() as s, s.begin():
        for name, tenant, roles in (("auditor1-13", "13", ["auditor"]), ("admin1-13", "13", ["admin"]),
                                    ("auditor1-27", "27", ["auditor"])):
            identity.create_user(s, name, name, tenant, roles, PASSWORD)
        refs = {t: vault.store(s, t, n, actor=f"portal:PSN-{t}", purpose=REGISTRATION) for t, n in NUMBERS.items()}
    clock.advance(days=2)
    with engine.transaction() as s, s.begin():
        vault.reveal(s, refs["13"], "13", actor="job:jukinet.lookup", purpose=IDENTITY_CHECK)
        vault.reveal(s, refs["13"], "13", actor="staff:reviewer1-13", purpose=IDENTITY_CHECK)
    with pytest.raises(VaultError), engine.transaction() as s, s.begin():
        vault.reveal(s, refs["13"], "13", actor="staff:reviewer1-13", purpose="curiosity")
    with engine.transaction() as s, s.begin():  # a denial is logged in its own transaction by the caller
        from handlers.vault import access_log
        access_log.record(s, at=clock.now, vault_ref=refs["13"], tenant="13", actor="staff:reviewer1-13",
                          purpose="curiosity", action="denied", detail="purpose not allowed")
    app = create_app(engine=engine, identity=identity, scheduler=False)
    return app


def _client(app, who: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"csrf_token": token, "username": who, "password": PASSWORD}).status_code == 302
    return client


def test_an_auditor_reads_their_prefectures_log_only(site):  # type: ignore[no-untyped-def]
    client = _client(site, "auditor1-13")
    page = client.get("/audit/?from=2026-03-01&to=2026-04-30").get_data(as_text=True)
    assert 'id="audit-total">4 件' in page
    assert "portal:PSN-13" in page and "portal:PSN-27" not in page and "job:jukinet.lookup" in page
    assert NUMBERS["13"] not in page and NUMBERS["27"] not in page
    assert "拒否 <strong>1</strong>" in page and "表示 <strong>2</strong>" in page
    only = client.get("/audit/?from=2026-03-01&to=2026-04-30&action=reveal&actor=staff:").get_data(as_text=True)
    assert 'id="audit-total">1 件' in only
    earlier = client.get("/audit/?from=2026-03-01&to=2026-04-01").get_data(as_text=True)
    assert 'id="audit-total">1 件' in earlier  # the store on 04-01; the reveals came two days later
    csv_text = client.get("/audit/log.csv?from=2026-03-01&to=2026-04-30").get_data().decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("日時,操作,目的") and len(lines) == 5
    assert "PSN-27" not in csv_text and NUMBERS["13"] not in csv_text
    other = _client(site, "auditor1-27").get("/audit/?from=2026-03-01&to=2026-04-30").get_data(as_text=True)
    assert 'id="audit-total">1 件' in other and "portal:PSN-27" in other


def test_bad_filters_are_refused_with_a_message_and_nothing_breaks(site):  # type: ignore[no-untyped-def]
    client = _client(site, "auditor1-13")
    bad = client.get("/audit/?from=2026-13-45&to=yesterday&action=drop&purpose=<x>&page=-3&actor=%25_")
    assert bad.status_code == 422 and "2026-04-01 の形" in bad.get_data(as_text=True)
    assert client.get("/audit/?from=2026-04-30&to=2026-03-01").status_code == 422
    assert 'id="audit-total">0 件' in client.get("/audit/?actor=%25&from=2026-03-01").get_data(as_text=True)


def test_a_review_is_recorded_with_the_counts_it_covered(site, engine):  # type: ignore[no-untyped-def]
    client = _client(site, "auditor1-13")
    page = client.get("/audit/?from=2026-03-01&to=2026-04-30").get_data(as_text=True)
    token = CSRF.search(page).group(1)
    done = client.post("/audit/reviews?from=2026-03-01&to=2026-04-30&action=reveal",
                       data={"csrf_token": token, "note": "拒否1件は目的外。本人に確認済み。"}, follow_redirects=True)
    assert "4 件（拒否 1 件）を確認済み" in done.get_data(as_text=True)
    with engine.reading() as s:
        [review] = s.scalars(select(AuditReview)).all()
        assert (review.tenant, review.entries, review.denied, review.reviewed_by) == ("13", 4, 1, "auditor1-13")
    assert "拒否1件は目的外" not in _client(site, "auditor1-27").get("/audit/").get_data(as_text=True)


def test_other_roles_do_not_find_the_pages(site):  # type: ignore[no-untyped-def]
    client = _client(site, "admin1-13")
    for path in ("/audit/", "/audit/log.csv", "/audit/deletions"):
        assert client.get(path).status_code == 404
    assert client.post("/audit/reviews").status_code in (400, 404)  # CSRF first, then the role
    assert 'id="audit-link"' not in client.get("/").get_data(as_text=True)
    assert 'id="audit-link"' in _client(site, "auditor1-13").get("/").get_data(as_text=True)


def test_the_default_period_is_the_last_30_days(site, clock):  # type: ignore[no-untyped-def]
    clock.advance(days=40)
    client = _client(site, "auditor1-13")
    assert 'id="audit-total">0 件' in client.get("/audit/").get_data(as_text=True)


def test_the_deletion_records_of_the_prefecture(site, engine, clock):  # type: ignore[no-untyped-def]
    with engine.transaction() as s, s.begin():
        for tenant, number in (("13", "13-2026-A000007"), ("27", "27-2026-A000009")):
            s.add(DeletionRecord(tenant=tenant, subject="applicant", subject_id=1, application_nos=number,
                                 reason="本人の申出", retention_basis="5年経過", decision_instance_id=42,
                                 erased="applicant,application,vault", deleted_at=clock.now + timedelta(days=1)))
    page = _client(site, "auditor1-13").get("/audit/deletions").get_data(as_text=True)
    assert "13-2026-A000007" in page and "27-2026-A000009" not in page and "本人の申出" in page


def test_the_log_in_english(site):  # type: ignore[no-untyped-def]
    client = _client(site, "auditor1-13")
    client.set_cookie("kentei_lang", "en")
    japanese = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u4e00-\u9fff\uff00-\uffef]")
    switch = re.compile(r'<a [^>]*id="lang-switch"[^>]*>(.*?)</a>', re.DOTALL)
    for path in ("/audit/?from=2026-03-01&to=2026-04-30", "/audit/?from=bad", "/audit/deletions", "/audit/account-changes"):
        body = client.get(path).get_data(as_text=True)
        assert '<html lang="en">' in body and not japanese.findall(switch.sub("", body)), path
    body = client.get("/audit/?from=2026-03-01&to=2026-04-30").get_data(as_text=True)
    assert 'id="audit-total">4 entries' in body and "Refused <strong>1</strong>" in body
    header = client.get("/audit/log.csv").get_data().decode("utf-8-sig").splitlines()[0]
    assert header == "Date and time,Action,Purpose,By,Record,Detail"


def test_changes_to_access_are_recorded_with_who_made_them(site, engine):  # type: ignore[no-untyped-def]
    from engine.identity import StaffUser
    from engine.identity.models import AccountChange
    admin = _client(site, "admin1-13")
    page = admin.get("/admin/users").get_data(as_text=True)
    token = CSRF.search(page).group(1)
    assert admin.post("/admin/users", data={"csrf_token": token, "username": "newcomer1-13", "display_name": "新人",
                                            "roles": "scorer", "password": PASSWORD}).status_code == 302
    with engine.reading() as s:
        newcomer = s.scalar(select(StaffUser).where(StaffUser.username == "newcomer1-13"))
    admin.post(f"/admin/users/{newcomer.id}", data={"csrf_token": token, "roles": ["scorer", "reviewer"]})
    admin.post("/account/tokens", data={"csrf_token": token, "name": "gateway"})
    with engine.reading() as s:
        rows = [(c.actor, c.target, c.change, c.before, c.after) for c in
                s.scalars(select(AccountChange).where(AccountChange.tenant == "13").order_by(AccountChange.id))]
    assert ("admin1-13", "newcomer1-13", "created", None, "scorer") in rows
    assert ("admin1-13", "newcomer1-13", "roles", "scorer", "reviewer,scorer") in rows
    assert ("admin1-13", "newcomer1-13", "deactivated", None, None) in rows  # the form's box was left unticked
    assert ("admin1-13", "admin1-13", "token_issued", None, "gateway") in rows
    shown = _client(site, "auditor1-13").get("/audit/account-changes").get_data(as_text=True)
    assert "newcomer1-13" in shown and "役割の変更" in shown and "審査担当・採点担当" in shown
    assert "newcomer1-13" not in _client(site, "auditor1-27").get("/audit/account-changes").get_data(as_text=True)
    assert "newcomer1-13" in admin.get("/admin/users").get_data(as_text=True)


def test_an_admin_revokes_a_colleagues_token(site, engine):  # type: ignore[no-untyped-def]
    from engine.identity import StaffUser
    from engine.identity.models import ApiToken
    admin = _client(site, "admin1-13")
    token = CSRF.search(admin.get("/account/tokens").get_data(as_text=True)).group(1)
    admin.post("/account/tokens", data={"csrf_token": token, "name": "gateway"})
    with engine.reading() as s:
        me = s.scalar(select(StaffUser).where(StaffUser.username == "admin1-13"))
        [row] = s.scalars(select(ApiToken).where(ApiToken.user_id == me.id)).all()
    page = admin.get(f"/admin/users/{me.id}").get_data(as_text=True)
    action = f"/admin/users/{me.id}/tokens/{row.id}/revoke"
    assert f'action="{action}"' in page
    assert admin.post(action, data={"csrf_token": token}).status_code == 302
    with engine.reading() as s:
        assert s.get(ApiToken, row.id).revoked_at is not None
