"""Browser tests: the web app served on a free port, Chromium driven by Playwright, screenshots kept.

Chromium is the Debian package (/usr/bin/chromium; `.ci/run` installs it), never a Playwright
download. Screenshots of each page go to test-artifacts/screenshots/ (KENTEI_TEST_ARTIFACTS).
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from engine.identity import Identity
from engine.identity.passwords import FAST_HASHER
from tests.conftest import IN_CI

CHROMIUM = Path(os.environ.get("KENTEI_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(os.environ.get("KENTEI_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))
PASSWORD = "Sakura-2026-haru"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Any:
    """shots(page, "name"): a full-page screenshot under test-artifacts/screenshots/<test>/."""
    folder = ARTIFACTS / "screenshots" / request.node.name.replace("[", "_").replace("]", "")
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    return take


class Server:
    """The app on a thread; `url` to reach it."""

    def __init__(self, app: Any) -> None:
        self.httpd = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def staff(engine, clock):  # type: ignore[no-untyped-def]
    """make(username, tenant, *roles): a staff account with the test password."""
    identity = Identity(clock=clock, hasher=FAST_HASHER)

    def make(username: str, tenant: str, *roles: str) -> None:
        with engine.transaction() as s, s.begin():
            identity.create_user(s, username, f"{username} さん", tenant, list(roles), PASSWORD)
    return make


@pytest.fixture
def web(engine, clock, tmp_path):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from web import create_app
    engine.settings = replace(engine.settings, keyring_path=tmp_path / "keyring.json")
    app = create_app(engine=engine, identity=Identity(clock=clock, hasher=FAST_HASHER), scheduler=False)
    server = Server(app)
    yield server
    server.stop()


def login(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """Browser tests run on SQLite only: the pages are the same on either database."""
    return f"sqlite:///{tmp_path / 'kentei.db'}"
