"""The portal's sign-in (security review, issue 10, finding 5): a pseudonymous ID alone no longer opens anyone's
applications.

- Through an OpenID Connect provider (tests/support/oidc_provider.py, a real one on a localhost port): the whole
  redirect dance — the app's redirect, the provider's consent, the callback, the token request the app makes
  over HTTP, the ID token checked against the provider's JWKS. The pseudonymous ID is derived from the
  provider's subject: the same for the same person, another for another person, unguessable without our key.
  A wrong state, a replayed callback, a wrong nonce, another key's signature, an unsigned token, a wrong
  audience, issuer or expiry, or a refusal at the provider: a clear message, and nobody signed in.
- The demo sign-in (type a pseudonymous ID) is off unless KENTEI_PORTAL_DEMO_SIGNIN=1, which `make run` and
  `kentei serve --simulators` set.
- Pseudonymous IDs the demo issues are random, 128 bits, and the portal accepts no other form.

SQLite only: none of this touches the database beyond the portal's pages.
"""
from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from engine.config import Settings
from engine.identity import Identity
from engine.identity.passwords import FAST_HASHER
from handlers.registry.models import Applicant
from tests.support.oidc_provider import OidcProvider, rsa_key

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID, CLIENT_SECRET = "kentei-portal", "portal-secret-for-tests"
CALLBACK = "http://localhost/portal/login/oidc/callback"
ISSUED = re.compile(r"PSN-[a-p]{32}")  # 128 bits, in letters (engine.identity.pseudonyms)
SESSION_KEY = "portal_pseudonym"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kentei.db'}"


@pytest.fixture
def provider():  # type: ignore[no-untyped-def]
    running = OidcProvider(CLIENT_ID, CLIENT_SECRET, [CALLBACK])
    yield running
    running.stop()


def make_app(engine: Any, clock: Any, tmp_path: Path, **settings: Any) -> Any:
    from web import create_app
    engine.settings = replace(engine.settings, keyring_path=tmp_path / "keyring.json", **settings)
    app = create_app(engine=engine, identity=Identity(clock=clock, hasher=FAST_HASHER), scheduler=False)
    app.config["WTF_CSRF_ENABLED"] = False  # what is refused here is refused for what it is, not for CSRF
    return app


@pytest.fixture
def app(engine, clock, tmp_path, provider):  # type: ignore[no-untyped-def]
    return make_app(engine, clock, tmp_path, portal_oidc_issuer=provider.issuer, portal_oidc_client_id=CLIENT_ID,
                    portal_oidc_client_secret=CLIENT_SECRET)


def signed_in(client: Any) -> str | None:
    with client.session_transaction() as session:
        return session.get(SESSION_KEY)


def to_provider(client: Any, provider: OidcProvider) -> str:
    """Start the sign-in; the provider's answer (the callback URL with code and state), as a browser follows it."""
    start = client.get("/portal/login/oidc")
    assert start.status_code == 302, start.get_data(as_text=True)[:500]
    location = start.headers["Location"]
    assert location.startswith(f"{provider.issuer}/authorize?"), location
    answer = requests.get(location, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = answer.headers["Location"]
    assert back.startswith(f"{CALLBACK}?"), back
    return back


def callback(client: Any, url: str, **changes: str) -> Any:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return client.get(f"{parts.path}?{urlencode(query)}")


def sign_in(app: Any, provider: OidcProvider, subject: str) -> str:
    provider.subject = subject
    client = app.test_client()
    done = callback(client, to_provider(client, provider))
    assert done.status_code == 302 and done.headers["Location"].endswith("/portal/"), done.get_data(as_text=True)
    pseudonym = signed_in(client)
    assert pseudonym is not None
    return pseudonym


# -- OpenID Connect ---------------------------------------------------------------------------------
def test_an_applicant_signs_in_through_the_provider(app, provider) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    page = client.get("/portal/login").get_data(as_text=True)
    assert 'id="portal-oidc-login"' in page and 'href="/portal/login/oidc"' in page
    assert 'id="pseudonym"' not in page  # the demo sign-in is off
    with client.session_transaction() as session:
        session["left-from-before"] = "a staff sign-in, say"
    provider.subject = "subject-taro"
    done = callback(client, to_provider(client, provider))
    assert done.status_code == 302 and done.headers["Location"].endswith("/portal/")
    pseudonym = signed_in(client)
    assert pseudonym is not None and ISSUED.fullmatch(pseudonym), pseudonym
    with client.session_transaction() as session:  # a new session: nothing from before, no OAuth leftovers
        assert set(session) <= {SESSION_KEY, "portal_sid", "_permanent", "_flashes", "csrf_token"}, dict(session)
    home = client.get("/portal/")
    assert home.status_code == 200 and pseudonym in home.get_data(as_text=True)

    # the code flow with PKCE (S256), state and nonce; the secret sent to the token endpoint, the verifier with it
    [asked] = provider.authorizations
    assert asked["response_type"] == "code" and asked["scope"].split() == ["openid"]
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) >= 43
    assert len(asked["state"]) >= 20 and len(asked["nonce"]) >= 20 and asked["redirect_uri"] == CALLBACK
    [token] = provider.token_requests
    assert token["grant_type"] == "authorization_code" and len(token["code_verifier"]) >= 43

    # signing out ends it
    client.post("/portal/logout")
    assert signed_in(client) is None and client.get("/portal/").status_code == 302


def test_the_pseudonym_is_stable_per_subject_and_unguessable(app, provider, engine, clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    taro = sign_in(app, provider, "subject-taro")
    assert sign_in(app, provider, "subject-taro") == taro  # the same person, the same applications
    hanako = sign_in(app, provider, "subject-hanako")
    assert ISSUED.fullmatch(hanako) and hanako != taro
    assert "taro" not in taro and "subject" not in taro
    # the key is kept (0600, beside the keyring): after a restart, the same person has the same ID
    assert (tmp_path / "portal_pseudonym.key").stat().st_mode & 0o777 == 0o600
    restarted = make_app(engine, clock, tmp_path, portal_oidc_issuer=provider.issuer, portal_oidc_client_id=CLIENT_ID,
                         portal_oidc_client_secret=CLIENT_SECRET)
    assert sign_in(restarted, provider, "subject-taro") == taro
    # derived with our own key: whoever knows the subject (another service the provider serves) cannot compute it
    other = make_app(engine, clock, tmp_path / "other", portal_oidc_issuer=provider.issuer,
                     portal_oidc_client_id=CLIENT_ID, portal_oidc_client_secret=CLIENT_SECRET,
                     portal_pseudonym_key="another-deployment-s-key")
    assert sign_in(other, provider, "subject-taro") not in (taro, hanako)


REFUSED_TOKEN = "本人確認の結果を確かめられなかったため、ログインしませんでした。"
REFUSED_STATE = "ログインの手続きを確認できませんでした。"


REFUSALS = [
    ("wrong state", REFUSED_STATE),
    ("no state", REFUSED_STATE),
    ("replayed callback", REFUSED_STATE),
    ("wrong nonce", REFUSED_TOKEN),
    ("signed by another key", REFUSED_TOKEN),
    ("unsigned token", REFUSED_TOKEN),
    ("wrong audience", REFUSED_TOKEN),
    ("wrong issuer", REFUSED_TOKEN),
    ("expired token", REFUSED_TOKEN),
    ("refused at the provider", "本人確認が完了しませんでした。"),

]


@pytest.mark.parametrize("case, expected", REFUSALS, ids=[case for case, _ in REFUSALS])
def test_a_sign_in_that_does_not_check_out_is_refused(app, provider, case, expected) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    if case == "wrong nonce":
        provider.claims = {"nonce": "a-nonce-from-another-sign-in"}
    elif case == "signed by another key":
        provider.sign_with = rsa_key(provider.key.kid)
    elif case == "unsigned token":
        provider.unsigned = True
    elif case == "wrong audience":
        provider.claims = {"aud": "another-client"}
    elif case == "wrong issuer":
        provider.claims = {"iss": "https://issuer.example.jp"}
    elif case == "expired token":
        provider.claims = {"exp": 1_000_000_000, "iat": 999_999_000}
    elif case == "refused at the provider":
        provider.deny = True
    back = to_provider(client, provider)
    if case == "wrong state":
        answer = callback(client, back, state="state-of-someone-else-s-sign-in")
    elif case == "no state":
        answer = callback(client, back, state="")
    elif case == "replayed callback":
        assert callback(client, back).status_code == 302 and signed_in(client)
        client.post("/portal/logout")
        answer = callback(client, back)
    else:
        answer = callback(client, back)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400, (answer.status_code, text[:800])
    assert expected in text, text[:2000]
    assert "Traceback" not in text
    assert signed_in(client) is None
    assert client.get("/portal/").status_code == 302  # to the sign-in page


def test_without_a_provider_there_is_no_oidc_sign_in(engine, clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = make_app(engine, clock, tmp_path).test_client()
    assert client.get("/portal/login/oidc").status_code == 404
    assert client.get("/portal/login/oidc/callback?code=x&state=y").status_code == 404
    assert 'id="portal-oidc-login"' not in client.get("/portal/login").get_data(as_text=True)


# -- the demo sign-in -------------------------------------------------------------------------------
def _demo_applicant(engine: Any, pseudonym: str) -> None:
    with engine.transaction() as s, s.begin():
        s.add(Applicant(tenant="13", pseudonym_id=pseudonym, name="見本 花子", birth_date=date(1990, 4, 1), sex="2",
                        address="東京都千代田区", created_at=datetime(2026, 4, 1, tzinfo=timezone.utc)))


def test_the_demo_sign_in_is_off_unless_the_demo_turns_it_on(engine, clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert Settings().portal_demo_signin is False
    assert Settings.from_env({}).portal_demo_signin is False
    assert Settings.from_env({"KENTEI_PORTAL_DEMO_SIGNIN": "1"}).portal_demo_signin is True
    known = "PSN-" + "abcdefghijklmnop" * 2
    _demo_applicant(engine, known)

    client = make_app(engine, clock, tmp_path).test_client()
    page = client.get("/portal/login").get_data(as_text=True)
    assert 'id="pseudonym"' not in page and "portal-login" not in page and known not in page
    for form in ({"pseudonym": known}, {"pseudonym": "PSN-13-100002"}, {"new": "1"}):
        refused = client.post("/portal/login", data=form)
        assert refused.status_code in (403, 404), (form, refused.status_code)
        assert signed_in(client) is None
    assert client.get("/portal/").status_code == 302

    demo = make_app(engine, clock, tmp_path, portal_demo_signin=True).test_client()
    page = demo.get("/portal/login").get_data(as_text=True)
    assert 'id="pseudonym"' in page and known in page  # the demo's applicants are listed, to sign in as one
    assert demo.post("/portal/login", data={"pseudonym": known}).status_code == 302 and signed_in(demo) == known
    demo.post("/portal/logout")
    assert demo.post("/portal/login", data={"new": "1"}).status_code == 302  # a new applicant: a new random ID
    fresh = signed_in(demo)
    assert fresh is not None and ISSUED.fullmatch(fresh) and fresh != known


def test_the_portal_accepts_only_the_issued_form_of_pseudonymous_id(engine, clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from web.portal import PSEUDONYM
    assert PSEUDONYM.fullmatch("PSN-" + "abcdefghijklmnop" * 2)
    for refused in ("PSN-13-100002", "PSN-13-0001", "PSN-0001", "staff:13:reviewer", "paper-13-2026-A000001",
                    "PSN-" + "0123456789ABCDEF" * 2, "PSN-" + "0" * 31, "PSN-" + "0" * 33):
        assert not PSEUDONYM.fullmatch(refused), refused
    demo = make_app(engine, clock, tmp_path, portal_demo_signin=True).test_client()
    answer = demo.post("/portal/login", data={"pseudonym": "PSN-13-100002"})  # a guess at the old demo's IDs
    assert answer.status_code == 422 and signed_in(demo) is None


def test_the_demo_issues_random_pseudonymous_ids(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from engine.bootstrap import bootstrap
    from handlers.base import HandlerRegistry
    from kentei import demo

    def issued(folder: Path) -> list[str]:
        folder.mkdir()
        monkeypatch.setenv("KENTEI_DATABASE_URL", f"sqlite:///{folder / 'demo.db'}")
        monkeypatch.setenv("KENTEI_KEYRING", str(folder / "keyring.json"))
        monkeypatch.setenv("KENTEI_WORKFLOWS_DIR", str(ROOT / "workflows"))
        bootstrap(Settings.from_env(), HandlerRegistry(), migrate=True).db.dispose()
        demo.run(3, seed=1, progress=False)
        with closing(sqlite3.connect(folder / "demo.db")) as db:
            return [p for (p,) in db.execute("SELECT pseudonym_id FROM applicant ORDER BY id")
                    if not p.startswith("paper-")]

    first, second = issued(tmp_path / "one"), issued(tmp_path / "two")
    assert len(first) >= 10
    assert all(ISSUED.fullmatch(p) for p in first + second), first + second
    assert len(set(first + second)) == len(first + second)  # the same seed does not give the same IDs


def test_make_run_and_serve_with_simulators_turn_the_demo_sign_in_on(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    makefile = (ROOT / "Makefile").read_text()
    run_target = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "KENTEI_PORTAL_DEMO_SIGNIN=1 $(BIN)/kentei serve" in run_target, run_target
    assert "KENTEI_PORTAL_DEMO_SIGNIN" not in makefile.replace(run_target, "")

    from click.testing import CliRunner

    import web
    import werkzeug.serving
    from kentei import cli
    from kentei import demo as demo_module
    seen: list[str | None] = []
    monkeypatch.setattr(web, "create_app", lambda: seen.append(__import__("os").environ.get(
        "KENTEI_PORTAL_DEMO_SIGNIN")))
    monkeypatch.setattr(werkzeug.serving, "run_simple", lambda *a, **k: None)
    monkeypatch.setattr(demo_module, "start_simulators", lambda settings: ["none"])
    monkeypatch.setenv("KENTEI_DATABASE_URL", f"sqlite:///{tmp_path / 'kentei.db'}")
    monkeypatch.setenv("KENTEI_KEYRING", str(tmp_path / "keyring.json"))
    monkeypatch.setenv("KENTEI_PORTAL_DEMO_SIGNIN", "0")  # recorded, so that what `serve` sets is undone after
    monkeypatch.delenv("KENTEI_PORTAL_DEMO_SIGNIN")
    assert CliRunner().invoke(cli.main, ["serve"]).exit_code == 0
    assert CliRunner().invoke(cli.main, ["serve", "--simulators"]).exit_code == 0
    assert seen == [None, "1"]
