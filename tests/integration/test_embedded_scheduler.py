"""The scheduler embedded in the web process runs in one process per database unless asked otherwise."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).with_name("kentei")
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _health(port: int, deadline: float = 30.0) -> dict:  # type: ignore[type-arg]
    """What /healthz tells an administrator's token: this process's id and whether it runs the scheduler."""
    end = time.monotonic() + deadline
    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz",
                                     headers={"Authorization": f"Bearer {os.environ['KENTEI_TEST_HEALTH_TOKEN']}"})
    while True:
        try:
            with urllib.request.urlopen(request, timeout=2) as resp:
                return json.loads(resp.read())
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.1)


@contextmanager
def _serving(args: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen]:  # type: ignore[type-arg]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


@pytest.fixture
def env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KENTEI_")}
    clean |= {"KENTEI_DATABASE_URL": db_url, "KENTEI_KEYRING": str(tmp_path / "keyring.json"),
              "KENTEI_POLL_SECONDS": "0.5"}
    subprocess.run([str(SCRIPT), "init"], env=clean, check=True, capture_output=True, timeout=120)
    # /healthz names the process and its scheduler to an administrator's token only
    subprocess.run([str(SCRIPT), "user-add", "ops-admin", "--tenant", "13", "--role", "admin", "--display-name", "ops",
                    "--password-stdin"], env=clean, input="Sakura-2026-haru-ops\n", text=True, check=True,
                   capture_output=True, timeout=120)
    token = subprocess.run([str(SCRIPT), "token-create", "ops-admin", "--name", "health"], env=clean, text=True,
                           check=True, capture_output=True, timeout=120).stdout.strip().splitlines()[-1]
    monkeypatch.setenv("KENTEI_TEST_HEALTH_TOKEN", token)
    return clean


def test_two_servers_on_one_database_run_one_scheduler(env):  # type: ignore[no-untyped-def]
    a, b = _port(), _port()
    with _serving([str(SCRIPT), "serve", "--port", str(a)], env), \
         _serving([str(SCRIPT), "serve", "--port", str(b)], env):
        flags = [_health(a)["scheduler"], _health(b)["scheduler"]]
    assert sorted(flags) == [False, True]


@pytest.mark.parametrize(("mode", "expected"), [("always", [True, True]), ("off", [False, False])])
def test_asked_for_it_every_server_or_none_runs_one(env, mode, expected):  # type: ignore[no-untyped-def]
    env = {**env, "KENTEI_SCHEDULER": mode}
    a, b = _port(), _port()
    with _serving([str(SCRIPT), "serve", "--port", str(a)], env), \
         _serving([str(SCRIPT), "serve", "--port", str(b)], env):
        assert [_health(a)["scheduler"], _health(b)["scheduler"]] == expected


def test_under_the_reloader_the_serving_child_runs_it_not_the_watcher(env):  # type: ignore[no-untyped-def]
    port, other = _port(), _port()
    with _serving([str(SCRIPT), "serve", "--reload", "--port", str(port)], env):
        health = _health(port)
        assert health["scheduler"] is True  # had the watcher taken the lock, the child could not
        with _serving([str(SCRIPT), "serve", "--port", str(other)], env):
            assert _health(other)["scheduler"] is False


def test_gunicorn_workers_share_one_scheduler(env):  # type: ignore[no-untyped-def]
    port = _port()
    with _serving([str(GUNICORN), "-w", "3", "-b", f"127.0.0.1:{port}", "web:create_app()"], env):
        seen: dict[int, bool] = {}
        end = time.monotonic() + 30
        while (len(seen) < 3 or True not in seen.values()) and time.monotonic() < end:
            health = _health(port)
            seen[health["pid"]] = health["scheduler"]
    assert list(seen.values()).count(True) == 1, seen
