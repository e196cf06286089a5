"""Served behind a TLS proxy: Secure cookies, HSTS, and the client address from X-Forwarded-For."""
from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from engine.config import Settings
from engine.errors import ConfigError
from engine.identity import Identity, LoginEvent
from engine.identity.passwords import FAST_HASHER


@pytest.fixture
def client_for(engine, clock, tmp_path):  # type: ignore[no-untyped-def]
    from web import create_app

    def make(**settings):  # type: ignore[no-untyped-def]
        engine.settings = replace(engine.settings, keyring_path=tmp_path / "keyring.json", **settings)
        identity = Identity(clock=clock, hasher=FAST_HASHER)
        with engine.transaction() as s, s.begin():
            identity.create_user(s, "reviewer1-13", "審査 一郎", "13", ["reviewer"], "Sakura-2026-haru")
        return create_app(engine=engine, identity=identity, scheduler=False).test_client()
    return make


def _sign_in(client):  # type: ignore[no-untyped-def]
    import re
    proxy = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "kentei.example.jp"}
    page = client.get("/login", headers=proxy).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"csrf_token": token, "username": "reviewer1-13",
                                       "password": "Sakura-2026-haru"},
                       headers=proxy | {"Referer": "https://kentei.example.jp/login"})


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_https_behind_one_proxy(engine, client_for):  # type: ignore[no-untyped-def]
    client = client_for(https=True, proxies=1)
    answer = _sign_in(client)  # the browser speaks https to the proxy, the proxy http to the app
    assert answer.status_code == 302
    assert all("Secure" in c for c in answer.headers.getlist("Set-Cookie"))
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
    with engine.reading() as s:
        assert s.scalar(select(LoginEvent.remote_addr)) == "203.0.113.7"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_without_a_proxy_forwarded_headers_are_not_believed(engine, client_for):  # type: ignore[no-untyped-def]
    client = client_for()
    answer = _sign_in(client)
    assert not any("Secure" in c for c in answer.headers.getlist("Set-Cookie"))
    assert "Strict-Transport-Security" not in answer.headers
    with engine.reading() as s:
        assert s.scalar(select(LoginEvent.remote_addr)) == "127.0.0.1"


def test_the_settings_are_read_and_checked() -> None:
    s = Settings.from_env({"KENTEI_HTTPS": "1", "KENTEI_PROXIES": "2"})
    assert s.https and s.proxies == 2
    assert not Settings.from_env({}).https
    for env in ({"KENTEI_HTTPS": "maybe"}, {"KENTEI_PROXIES": "-1"}, {"KENTEI_PROXIES": "one"}):
        with pytest.raises(ConfigError):
            Settings.from_env(env)
