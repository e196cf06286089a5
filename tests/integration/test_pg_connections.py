"""PostgreSQL connections: reads run in autocommit, and a pooled connection the server closed is replaced.

PostgreSQL only: SQLite has no server to restart and no round trips to save.
"""
from __future__ import annotations

from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from engine.bootstrap import bootstrap
from engine.config import Settings
from engine.db import session as db_session
from handlers.base import HandlerRegistry
from tests.conftest import deploy_fixture


@pytest.fixture
def pg_engine(pg_server: Any, clock: Any):  # type: ignore[no-untyped-def]
    url = pg_server.create_database("t_pg_connections")
    eng = bootstrap(Settings(database_url=url), HandlerRegistry(), clock)
    yield eng
    eng.db.dispose()


def _terminate_others(pg_engine: Any) -> int:
    """What a server restart does to the pool: every other session of the database is closed."""
    url = pg_engine.db.url
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname=url.database, autocommit=True) as c:
        return len(c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                             "current_database() AND pid <> pg_backend_pid()").fetchall())


def test_reads_run_in_autocommit_and_writes_in_a_transaction(pg_engine: Any) -> None:
    with pg_engine.read() as conn:
        assert conn.connection.driver_connection.autocommit is True
        # no transaction is open on the server: a read leaves nothing to roll back when it returns
        assert conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = pg_backend_pid() "
                                 "AND state = 'idle in transaction'")).scalar_one() == 0
    with pg_engine.unit() as conn:
        assert conn.connection.driver_connection.autocommit is False
    with pg_engine.read() as conn:  # the same pooled connection, back in autocommit for the next read
        assert conn.connection.driver_connection.autocommit is True


def test_a_connection_closed_while_idle_in_the_pool_is_replaced(pg_engine: Any, monkeypatch: Any) -> None:
    pg_engine.handlers.register("test.register", lambda ctx, data: {"applicationId": "A-1"}, "local")
    deploy_fixture(pg_engine, "review.bpmn")
    iid = pg_engine.start("review", "13", {"reviewDue": "2026-04-10"}, business_key="B-1")
    assert pg_engine.tasks(instance_id=iid)
    assert _terminate_others(pg_engine) >= 1  # the pool's connections are all closed by the server now
    monkeypatch.setattr(db_session, "IDLE_PING_SECONDS", 0.0)  # every pooled connection counts as idle long
    before = db_session.pings
    [task] = pg_engine.tasks(instance_id=iid)  # the dead connection was pinged, dropped and replaced
    assert db_session.pings > before
    pg_engine.complete_task(task["id"], "reviewer1", {"decision": "approve", "years": "3"})
    assert pg_engine.tasks(instance_id=iid) == []


def test_a_connection_just_returned_is_not_pinged(pg_engine: Any) -> None:
    """Within IDLE_PING_SECONDS a checkout sends nothing before the operation's own statements."""
    assert db_session.IDLE_PING_SECONDS >= 1
    with pg_engine.read() as conn:
        first = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    before = db_session.pings
    for _ in range(20):
        with pg_engine.read() as conn:  # the connection returned a moment ago, taken again
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() == first
    assert db_session.pings == before
