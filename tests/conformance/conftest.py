"""Databases for the conformance cases: one migrated template per backend, cloned per case (fast)."""
from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Iterator

import pytest

from engine.config import Settings
from engine.db.migrate import upgrade
from engine.db.session import make_db

_names = itertools.count()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("conformance") / "template.db"
    db = make_db(f"sqlite:///{path}")
    upgrade(db)
    db.dispose()
    conn = sqlite3.connect(path)  # fold the WAL into the file, so that one copy holds everything
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


@pytest.fixture(scope="session")
def pg_template(pg_server) -> str:  # type: ignore[no-untyped-def]
    name = f"conformance_tmpl_{os.getpid()}"
    url = pg_server.create_database(name)
    db = make_db(url)
    upgrade(db)
    db.dispose()
    return name


@pytest.fixture
def case_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings on a fresh copy of the migrated template, for the backend the test is parametrized with."""
    backend = request.param
    if backend == "sqlite":
        target = tmp_path / "case.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        url = f"sqlite:///{target}"
    else:
        import psycopg
        server = request.getfixturevalue("pg_server")
        template = request.getfixturevalue("pg_template")
        name = f"case_{os.getpid()}_{next(_names)}"
        with psycopg.connect(f"host=127.0.0.1 port={server.port} user=postgres dbname=postgres",
                             autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        url = f"postgresql+psycopg://postgres@127.0.0.1:{server.port}/{name}"
    yield Settings(database_url=url, job_backoff_seconds=10, job_max_retries=3, message_ttl_seconds=600)
