"""The applicant portal's sessions end on the server, as the staff's do (issue 10, finding 7, for applicants):
a cookie copied before sign-out, or left idle past the timeout, opens nothing and does not renew itself."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_portal_oidc import _demo_applicant, make_app

APPLICANT = "PSN-" + "ab" * 16


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """SQLite only: the session rows are plain ORM statements, the same on both databases."""
    return f"sqlite:///{tmp_path / 'kentei.db'}"


def _cookie(client: Any) -> str:
    return client.get_cookie("kentei_session").value  # type: ignore[no-any-return]


def _with_cookie(app: Any, value: str) -> Any:
    other = app.test_client()
    other.set_cookie("kentei_session", value)
    return other


def _signed_in_page(client: Any) -> bool:
    return client.get("/portal/").status_code == 200


def test_a_cookie_copied_before_sign_out_opens_nothing(engine, clock, tmp_path):  # type: ignore[no-untyped-def]
    _demo_applicant(engine, APPLICANT)
    app = make_app(engine, clock, tmp_path, portal_demo_signin=True)
    client = app.test_client()
    assert client.post("/portal/login", data={"pseudonym": APPLICANT}).status_code == 302
    copied = _cookie(client)
    assert _signed_in_page(_with_cookie(app, copied))  # the copy works while the applicant is signed in
    client.post("/portal/logout")
    replay = _with_cookie(app, copied)
    answer = replay.get("/portal/")
    assert answer.status_code == 302 and "/portal/login" in answer.headers["Location"]
    assert not _signed_in_page(replay)  # and it did not come back to life by being used


def test_an_idle_session_ends_and_a_replay_does_not_renew_it(engine, clock, tmp_path):  # type: ignore[no-untyped-def]
    _demo_applicant(engine, APPLICANT)
    app = make_app(engine, clock, tmp_path, portal_demo_signin=True)
    client = app.test_client()
    client.post("/portal/login", data={"pseudonym": APPLICANT})
    copied = _cookie(client)
    clock.advance(minutes=20)
    assert _signed_in_page(client)  # used within the idle timeout: it lives on, from now
    clock.advance(minutes=31)
    assert not _signed_in_page(_with_cookie(app, copied))
    assert not _signed_in_page(client)
    clock.advance(minutes=-40)  # even a clock that seems to allow it again finds the row gone
    assert not _signed_in_page(_with_cookie(app, copied))


def test_a_staff_sign_in_in_the_same_browser_ends_the_applicants_session(engine, clock, tmp_path):  # type: ignore[no-untyped-def]
    _demo_applicant(engine, APPLICANT)
    app = make_app(engine, clock, tmp_path, portal_demo_signin=True)
    identity = app.extensions["kentei.identity"]
    with engine.transaction() as s, s.begin():
        identity.create_user(s, "reviewer1-13", "R", "13", ["reviewer"], "Sakura-2026-haru")
    client = app.test_client()
    client.post("/portal/login", data={"pseudonym": APPLICANT})
    copied = _cookie(client)
    assert client.post("/login", data={"username": "reviewer1-13", "password": "Sakura-2026-haru"}).status_code == 302
    assert not _signed_in_page(_with_cookie(app, copied))


def test_the_cookie_holds_no_usable_pseudonym_alone(engine, clock, tmp_path):  # type: ignore[no-untyped-def]
    """A session cookie that names the applicant but no live server session (e.g. forged with a leaked key,
    or from before the upgrade) signs nobody in."""
    _demo_applicant(engine, APPLICANT)
    app = make_app(engine, clock, tmp_path, portal_demo_signin=True)
    client = app.test_client()
    with client.session_transaction() as session:
        session["portal_pseudonym"] = APPLICANT
        session["_permanent"] = True
    assert not _signed_in_page(client)
