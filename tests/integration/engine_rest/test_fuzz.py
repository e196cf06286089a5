"""A schemathesis run over /engine-rest's OpenAPI document: whatever it sends, no answer is a 5xx, and every
answer is JSON (Content-Type application/json exactly) or empty."""
from __future__ import annotations

import base64
from dataclasses import replace
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from engine.bootstrap import bootstrap
from engine.config import Settings
from engine.identity import Identity
from engine.identity.passwords import FAST_HASHER
from handlers.base import HandlerRegistry
from tests.browser.test_inbox import REVIEW

PASSWORD = "Sakura-2026-haru"
LONG_POLL_MAX = 50  # ms: the document allows 30 minutes; a fuzz case must not wait that long


def _app(folder: Path):  # type: ignore[no-untyped-def]
    from web import create_app
    engine = bootstrap(Settings(database_url=f"sqlite:///{folder / 'fuzz.db'}", keyring_path=folder / "keyring.json",
                                external_topics=("ext.*",)), HandlerRegistry())
    engine.settings = replace(engine.settings, keyring_path=folder / "keyring.json")
    identity = Identity(clock=engine.now, hasher=FAST_HASHER)
    with engine.transaction() as s, s.begin():
        identity.create_user(s, "admin1-13", "管理", "13", ["admin", "reviewer", "worker", "analyst"], PASSWORD)
    engine.deploy([("review.bpmn", REVIEW)], tenant="13")
    for n in range(3):
        engine.start("review", "13", {"applicant_name": f"申請 {n}"}, business_key=f"13-2026-A{n:06d}")
    return create_app(engine=engine, identity=identity, scheduler=False)


def _patched(document: dict) -> dict:  # type: ignore[type-arg]
    fetch = document["paths"]["/external-task/fetchAndLock"]["post"]["requestBody"]["content"]["application/json"]
    fetch["schema"]["properties"]["asyncResponseTimeout"] = {"type": "integer", "minimum": 0, "maximum": LONG_POLL_MAX}
    return document


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_no_request_gets_a_server_error(tmp_path: Path, db_url: str) -> None:
    app = _app(tmp_path)
    document = app.test_client().get("/engine-rest/openapi.json").get_json()
    schema = schemathesis.openapi.from_dict(_patched(document))
    schema.app = app
    auth = {"Authorization": "Basic " + base64.b64encode(f"admin1-13:{PASSWORD}".encode()).decode()}
    seen: dict[str, int] = {}
    operations = list(schema.get_all_operations())
    for result in operations:
        operation = result.ok()
        path = operation.path

        @given(case=operation.as_strategy())  # noqa: B023
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case) -> None:  # type: ignore[no-untyped-def]  # called at once, inside this iteration
            response = case.call(headers=auth)
            assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
            content_type = (response.headers.get("content-type") or [""])[0]
            assert response.status_code == 204 or content_type in ("application/json", "text/plain",
                                                                   "application/octet-stream", "text/xml"), (
                case.formatted_path, content_type)
            seen[f"{case.method} {path}"] = seen.get(f"{case.method} {path}", 0) + 1  # noqa: B023

        run()
    assert len(seen) == len(operations) > 100, sorted(seen)  # every operation was exercised
