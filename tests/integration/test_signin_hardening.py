"""Sign-in and sessions as the security review (issue 10) probed them: sessions end on the server (sign-out,
idle timeout, password change, deactivation), every sign-in attempt does the same argon2 work and gets the
same answer, a password change refuses the current and published passwords, and failed sign-ins with
unknown names reach the login history without being tied to an account or shown to another prefecture."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from argon2 import PasswordHasher, extract_parameters
from sqlalchemy import func, select

from engine.identity import Identity, LoginEvent, StaffUser, WeakPassword
from engine.identity import service as identity_service
from engine.identity.passwords import FAST_HASHER

PASSWORD = "Sakura-2026-haru"
DEMO_PASSWORD = "Kentei-demo-2026"  # the README's
WRONG = "Wrong-password-1"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
COOKIE = "kentei_session"


@pytest.fixture
def app(engine, clock, tmp_path):  # type: ignore[no-untyped-def]
    from web import create_app
    engine.settings = replace(engine.settings, keyring_path=tmp_path / "keyring.json")
    identity = Identity(clock=clock, hasher=FAST_HASHER)
    with engine.transaction() as s, s.begin():
        for name, tenant, roles in (("reviewer1-13", "13", ["reviewer"]), ("admin1-13", "13", ["admin"]),
                                    ("admin1-27", "27", ["admin"]), ("reviewer1-27", "27", ["reviewer"]),
                                    ("inactive1-13", "13", ["reviewer"]), ("locked1-13", "13", ["reviewer"])):
            identity.create_user(s, name, f"職員 {name}", tenant, roles, PASSWORD)
        s.scalar(select(StaffUser).where(StaffUser.username == "inactive1-13")).active = False
    return create_app(engine=engine, identity=identity, scheduler=False)


def _token(client: Any, path: str = "/login") -> str:
    match = CSRF.search(client.get(path).get_data(as_text=True))
    assert match, path
    return match.group(1)


def _sign_in(client: Any, username: str, password: str = PASSWORD) -> Any:
    return client.post("/login", data={"csrf_token": _token(client), "username": username, "password": password})


def _cookie(client: Any) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    return str(cookie.value)


def _session_of(app: Any, response: Any) -> dict[str, Any] | None:
    """The Flask session a response's Set-Cookie carries (None: no cookie set, {} when it deletes it)."""
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(COOKIE + "="):
            value = header.split(";", 1)[0].split("=", 1)[1]
            if not value:
                return {}
            serializer = app.session_interface.get_signing_serializer(app)
            return dict(serializer.loads(value))
    return None


def _sessions(engine: Any, user_id: int | None = None) -> int:
    """How many session records the database holds (of one account)."""
    from engine.identity.models import StaffSession
    with engine.reading() as s:
        query = select(func.count()).select_from(StaffSession)
        return int(s.scalar(query if user_id is None else query.where(StaffSession.user_id == user_id)))


def _signed_in(client: Any, path: str = "/") -> bool:
    answer = client.get(path)
    assert answer.status_code in (200, 302), answer.status_code
    return answer.status_code == 200


# 7. Sign-out, the idle timeout, a password change and deactivation end the session on the server

def test_a_cookie_copied_before_sign_out_opens_nothing_after_it_and_is_not_renewed(app, engine):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert _sign_in(client, "reviewer1-13").status_code == 302
    assert _signed_in(client) and _signed_in(client, "/tasks.csv")
    copied = _cookie(client)
    assert client.post("/logout", data={"csrf_token": _token(client, "/")}).status_code == 302
    thief = app.test_client()
    thief.set_cookie(COOKIE, copied)
    for path in ("/", "/tasks.csv", "/account/password"):
        answer = thief.get(path)
        assert answer.status_code == 302 and "/login" in answer.headers["Location"], path
        renewed = _session_of(app, answer)
        assert renewed is None or "_user_id" not in renewed, renewed  # the replay is not renewed as a sign-in
    thief.set_cookie(COOKIE, copied)
    assert not _signed_in(thief)
    assert _sessions(engine) == 0


def test_an_idle_session_ends_on_the_server_and_a_replayed_cookie_stays_dead(app, engine, clock):  # type: ignore[no-untyped-def]
    client = app.test_client()
    _sign_in(client, "reviewer1-13")
    for _ in range(3):  # activity keeps it alive past the 30 minutes since signing in
        clock.advance(minutes=20)
        assert _signed_in(client)
    copied = _cookie(client)
    clock.advance(minutes=31)  # idle for longer than the timeout (the cookie itself is still well signed)
    replay = app.test_client()
    replay.set_cookie(COOKIE, copied)
    assert not _signed_in(replay)
    clock.advance(minutes=-31)  # even a cookie replayed "in time" later does not bring it back
    replay.set_cookie(COOKIE, copied)
    assert not _signed_in(replay)
    assert _sessions(engine) == 0


def test_a_password_change_ends_the_other_sessions_with_the_same_records(app, engine):  # type: ignore[no-untyped-def]
    here, elsewhere = app.test_client(), app.test_client()
    _sign_in(here, "reviewer1-13")
    _sign_in(elsewhere, "reviewer1-13")
    before = _cookie(here)
    answer = here.post("/account/password", data={"csrf_token": _token(here, "/account/password"),
                                                  "current_password": PASSWORD, "new_password": "Kaede-2026-aki!",
                                                  "new_password_again": "Kaede-2026-aki!"})
    assert answer.status_code == 302
    assert _signed_in(here) and not _signed_in(elsewhere)
    old = app.test_client()
    old.set_cookie(COOKIE, before)  # this browser got a new session id: its old cookie is dead too
    assert not _signed_in(old)
    assert _sessions(engine) == 1


def test_deactivating_an_account_ends_its_sessions(app, engine):  # type: ignore[no-untyped-def]
    member, admin = app.test_client(), app.test_client()
    _sign_in(member, "reviewer1-13")
    _sign_in(admin, "admin1-13")
    with engine.reading() as s:
        uid = s.scalar(select(StaffUser.id).where(StaffUser.username == "reviewer1-13"))
    path = f"/admin/users/{uid}"
    assert admin.post(path, data={"csrf_token": _token(admin, path), "roles": "reviewer"}).status_code == 302
    assert not _signed_in(member)
    assert _sessions(engine, uid) == 0


# 14. Every sign-in attempt does the same argon2 work, whatever the name and the stored hash

def test_every_sign_in_attempt_verifies_the_same_argon2_hashes(engine, clock, monkeypatch):  # type: ignore[no-untyped-def]
    full = PasswordHasher(time_cost=2, memory_cost=16384, parallelism=1)  # stands in for HASHER (kept fast)
    seeded, identity = Identity(clock=clock, hasher=FAST_HASHER), Identity(clock=clock, hasher=full)
    with engine.transaction() as s, s.begin():
        seeded.create_user(s, "demo1-13", "デモ", "13", ["reviewer"], PASSWORD)  # as the demo seeds them
        for name in ("full1-13", "inactive1-13", "locked1-13"):
            identity.create_user(s, name, "フル", "13", ["reviewer"], PASSWORD)
        s.scalar(select(StaffUser).where(StaffUser.username == "inactive1-13")).active = False
        s.scalar(select(StaffUser).where(StaffUser.username == "locked1-13")).locked_until = clock.now.replace(
            year=2027)
    seen: list[tuple[int, int, int]] = []
    verify = identity_service.verify_password

    def counting(stored: str, password: str, *args: Any) -> bool:
        p = extract_parameters(stored)
        seen.append((p.time_cost, p.memory_cost, p.parallelism))
        return verify(stored, password, *args)

    monkeypatch.setattr(identity_service, "verify_password", counting)
    work = {}
    for label, name, password in (("unknown", "nobody-13", PASSWORD), ("seeded, wrong", "demo1-13", WRONG),
                                  ("full, wrong", "full1-13", WRONG), ("locked, right", "locked1-13", PASSWORD),
                                  ("inactive, right", "inactive1-13", PASSWORD), ("full, right", "full1-13", PASSWORD),
                                  ("seeded, right", "demo1-13", PASSWORD)):
        seen.clear()
        with engine.transaction() as s, s.begin():
            identity.sign_in(s, name, password)
        work[label] = sorted(seen)
    expected = sorted([(2, 16384, 1), (1, 8192, 1)])  # one verification at each cost a stored hash may have
    assert work == {label: expected for label in work}, work
    with engine.reading() as s:  # the seeded hash was upgraded by its first sign-in
        assert "m=16384,t=2" in s.scalar(select(StaffUser.password_hash).where(StaffUser.username == "demo1-13"))


# 15. One answer for every failure; the login history keeps the real reason

def _normalized(body: str) -> str:
    body = CSRF.sub('name="csrf_token" value="…"', body)
    return re.sub(r'(<input[^>]*id="username"[^>]*value=")[^"]*"', r'\1…"', body)


def test_every_failed_sign_in_gets_the_same_answer(app, engine):  # type: ignore[no-untyped-def]
    client = app.test_client()
    for _ in range(5):
        _sign_in(client, "locked1-13", WRONG)
    answers = {label: _sign_in(app.test_client(), name, password) for label, name, password in (
        ("bad_password", "reviewer1-13", WRONG), ("inactive", "inactive1-13", PASSWORD),
        ("locked", "locked1-13", PASSWORD), ("unknown_user", "nobody-13", PASSWORD))}
    statuses = {label: a.status_code for label, a in answers.items()}
    assert set(statuses.values()) == {401}, statuses
    bodies = {label: _normalized(a.get_data(as_text=True)) for label, a in answers.items()}
    assert len(set(bodies.values())) == 1, bodies
    body = bodies["locked"]
    assert "無効" not in body and "ロックされています" not in body
    with engine.reading() as s:
        outcomes = {e.username: e.outcome for e in s.scalars(select(LoginEvent).order_by(LoginEvent.id))}
    assert outcomes == {"reviewer1-13": "bad_password", "inactive1-13": "inactive", "locked1-13": "locked",
                        "nobody-13": "unknown_user"}


# 16. A new password is neither the current one nor a published one

def _change(client: Any, current: str, new: str) -> Any:
    return client.post("/account/password", data={"csrf_token": _token(client, "/account/password"),
                                                  "current_password": current, "new_password": new,
                                                  "new_password_again": new})


@pytest.mark.parametrize(("new", "complaint"), [(PASSWORD, "今のパスワード"), (DEMO_PASSWORD, "公開"),
                                                 ("kentei-DEMO-2026", "公開"), ("P@ssw0rd1234", "公開")])
def test_a_password_change_refuses_the_current_and_published_passwords(app, engine, new, complaint):  # type: ignore[no-untyped-def]
    client = app.test_client()
    _sign_in(client, "reviewer1-13")
    answer = _change(client, PASSWORD, new)
    assert answer.status_code == 422 and complaint in answer.get_data(as_text=True)
    assert client.get("/").status_code == 200  # still signed in, with the old password
    assert _sign_in(app.test_client(), "reviewer1-13").status_code == 302


def test_the_identity_refuses_them_too_and_an_admin_cannot_hand_out_the_demo_password(app, engine, clock):  # type: ignore[no-untyped-def]
    identity = app.extensions["kentei.identity"]
    with engine.transaction() as s, s.begin():
        user = s.scalar(select(StaffUser).where(StaffUser.username == "reviewer1-13"))
        for new in (PASSWORD, DEMO_PASSWORD):
            with pytest.raises(WeakPassword):
                identity.set_password(s, user, new)
    admin = app.test_client()
    _sign_in(admin, "admin1-13")
    answer = admin.post("/admin/users", data={"csrf_token": _token(admin, "/admin/users"), "username": "newcomer-13",
                                              "display_name": "新人", "roles": "reviewer", "password": DEMO_PASSWORD})
    assert answer.status_code == 422 and "公開" in answer.get_data(as_text=True)
    with engine.reading() as s:
        assert s.scalar(select(StaffUser).where(StaffUser.username == "newcomer-13")) is None


# 19. Unknown names in the login history: the prefecture their suffix names, else every prefecture, masked

def _history(client: Any) -> str:
    page = client.get("/admin/users").get_data(as_text=True)
    return page[page.index('class="tasks logins"'):]


def test_failed_sign_ins_with_unknown_names_reach_the_login_history_unlinked(app, engine):  # type: ignore[no-untyped-def]
    for name, password in (("reviewr1-13", WRONG), ("ghost-27", WRONG), ("Secret-Pass-2026", WRONG),
                           ("reviewer1-27", WRONG)):
        _sign_in(app.test_client(), name, password)
    tokyo, osaka = app.test_client(), app.test_client()
    _sign_in(tokyo, "admin1-13")
    _sign_in(osaka, "admin1-27")
    mine, theirs = _history(tokyo), _history(osaka)
    assert "reviewr1-13" in mine and "reviewr1-13" not in theirs  # its suffix names prefecture 13
    assert "ghost-27" in theirs and "ghost-27" not in mine
    assert "reviewer1-27" in theirs and "reviewer1-27" not in mine  # a real account: its own prefecture only
    for page in (mine, theirs):  # no suffix: shown to every prefecture, masked (a password typed as a name)
        assert "secret-pass-2026" not in page.lower() and "s…" in page
        assert "/admin/users/" not in page  # no row links to an account
    with engine.reading() as s:
        unknown = s.scalars(select(LoginEvent).where(LoginEvent.outcome == "unknown_user")).all()
        assert len(unknown) == 3 and all(e.user_id is None for e in unknown)
