"""Fixtures for /engine-rest: an app over a real database with staff of two prefectures, called through
Flask's test client (`rest`) or over real HTTP on a threaded server with the real clock (`rest_server`)."""
from __future__ import annotations

import base64
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

import pytest

from engine.bootstrap import bootstrap
from engine.identity import Identity
from engine.identity.passwords import FAST_HASHER
from engine.identity.tokens import issue
from handlers.base import HandlerRegistry

PASSWORD = "Sakura-2026-haru"
STAFF = (("reviewer1-13", "13", ["reviewer"]), ("scorer1-13", "13", ["scorer"]), ("approver1-13", "13", ["approver"]),
         ("admin1-13", "13", ["admin"]), ("analyst1-13", "13", ["analyst"]), ("worker1-13", "13", ["worker"]),
         ("payment1-13", "13", ["payment"]), ("reviewer1-27", "27", ["reviewer"]), ("admin1-27", "27", ["admin"]),
         ("analyst1-27", "27", ["analyst"]), ("worker1-27", "27", ["worker"]))


def basic(user: str, password: str = PASSWORD) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@dataclass
class Rest:
    """The app, its engine and a caller: rest("GET", "/engine-rest/task", who="reviewer1-13")."""

    app: Any
    engine: Any
    identity: Identity
    tokens: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.client = self.app.test_client()

    def headers(self, who: str | None, auth: str = "basic") -> dict[str, str]:
        if who is None:
            return {}
        return {"Authorization": basic(who) if auth == "basic" else f"Bearer {self.tokens[who]}"}

    def __call__(self, method: str, path: str, who: str | None = "admin1-13", auth: str = "basic",
                 **kwargs: Any) -> Any:
        headers = self.headers(who, auth) | kwargs.pop("headers", {})
        return self.client.open(path, method=method, headers=headers, **kwargs)


def make_rest(engine: Any, clock: Any = None, tmp_path: Path | None = None) -> Rest:
    from web import create_app
    from web.engine_rest.access import forget_all
    forget_all()
    if tmp_path is not None:
        engine.settings = replace(engine.settings, keyring_path=tmp_path / "keyring.json")
    identity = Identity(clock=clock or engine.now, hasher=FAST_HASHER)
    tokens = {}
    with engine.transaction() as s, s.begin():
        for name, tenant, roles in STAFF:
            user = identity.create_user(s, name, name, tenant, roles, PASSWORD)
            tokens[name] = issue(s, user, "test", engine.now())
    app = create_app(engine=engine, identity=identity, scheduler=False)
    return Rest(app, engine, identity, tokens)


@pytest.fixture
def rest(engine, clock, tmp_path) -> Rest:  # type: ignore[no-untyped-def]
    return make_rest(engine, clock, tmp_path)


@dataclass
class Server:
    """A threaded HTTP server over the app (long polls each hold a thread), at `url`."""

    rest: Rest
    url: str

    @property
    def base(self) -> str:
        return f"{self.url}/engine-rest"


@pytest.fixture
def live_engine(settings, tmp_path) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """An engine with the real clock (clients and long polls run in real time) and its own handlers."""
    eng = bootstrap(replace(settings, keyring_path=tmp_path / "keyring.json"), HandlerRegistry())
    yield eng
    eng.db.dispose()


@pytest.fixture
def rest_server(live_engine, tmp_path) -> Iterator[Server]:  # type: ignore[no-untyped-def]
    from werkzeug.serving import make_server
    rest_app = make_rest(live_engine, None, tmp_path)
    server = make_server("127.0.0.1", 0, rest_app.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Server(rest_app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(5)
