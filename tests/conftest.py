"""Fixtures: an engine on a real SQLite file and on a real PostgreSQL server, with a test clock."""
from __future__ import annotations

import itertools
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest

from engine.bootstrap import bootstrap
from engine.config import Settings
from handlers.base import HandlerRegistry

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() == "true"
_counter = itertools.count()


class TestClock:
    """An injectable clock: tests move time, nothing sleeps."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 4, 1, 0, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    if os.environ.get("KENTEI_TEST_SKIP_PG") and not IN_CI:
        pytest.skip("KENTEI_TEST_SKIP_PG is set")
    from tests.support.pg_server import PgServer
    try:
        server = PgServer()
    except Exception as exc:  # in CI a missing server is a failure, elsewhere a skip
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(f"no PostgreSQL server: {exc}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kentei.db'}"
    server = request.getfixturevalue("pg_server")
    return server.create_database(f"t{os.getpid()}_{next(_counter)}")


@pytest.fixture
def clock() -> TestClock:
    return TestClock()


@pytest.fixture
def handlers() -> HandlerRegistry:
    return HandlerRegistry()


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, job_backoff_seconds=10, job_max_retries=3, message_ttl_seconds=600)


@pytest.fixture
def engine(settings: Settings, handlers: HandlerRegistry, clock: TestClock):  # type: ignore[no-untyped-def]
    eng = bootstrap(settings, handlers, clock)
    yield eng
    eng.db.dispose()


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def deploy_fixture(engine, *names: str):  # type: ignore[no-untyped-def]
    return engine.deploy([(n, fixture_bytes(n)) for n in names])
