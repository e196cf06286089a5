"""A schemathesis run over /api/v1's OpenAPI document: whatever it sends, no answer is a 5xx."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings

from engine.bootstrap import bootstrap
from engine.config import Settings
from engine.identity import Identity
from engine.identity.passwords import FAST_HASHER
from engine.identity.tokens import issue
from handlers.base import HandlerRegistry
from tests.browser.test_inbox import REVIEW


def _app(folder: Path):  # type: ignore[no-untyped-def]
    from web import create_app
    engine = bootstrap(Settings(database_url=f"sqlite:///{folder / 'fuzz.db'}",
                                keyring_path=folder / "keyring.json"), HandlerRegistry())
    engine.settings = replace(engine.settings, keyring_path=folder / "keyring.json")
    identity = Identity(clock=engine.now, hasher=FAST_HASHER)
    with engine.transaction() as s, s.begin():
        user = identity.create_user(s, "admin1-13", "管理", "13", ["admin", "reviewer"], "Sakura-2026-haru")
        token = issue(s, user, "fuzz", engine.now())
    engine.deploy([("review.bpmn", REVIEW)])
    for n in range(3):
        engine.start("review", "13", {"applicant_name": f"申請 {n}",
                                      "reviewDueDate": (engine.now() + timedelta(days=n)).isoformat()},
                     business_key=f"13-2026-A{n:06d}")
    return create_app(engine=engine, identity=identity, scheduler=False), token


def test_no_request_gets_a_server_error(tmp_path: Path) -> None:
    app, token = _app(tmp_path)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    seen: dict[str, int] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        path = operation.path

        @given(case=operation.as_strategy())  # noqa: B023
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case) -> None:  # type: ignore[no-untyped-def]  # called at once, inside this iteration
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
            content_type = (response.headers.get("content-type") or [""])[0]
            assert content_type.startswith("application/json"), (case.formatted_path, content_type)
            seen[f"{case.method} {path}"] = seen.get(f"{case.method} {path}", 0) + 1  # noqa: B023

        run()
    # every operation was exercised (the document itself is what schemathesis reads, not a case)
    assert len(seen) == 15 and "GET /api/v1/openapi.json" not in seen, " | ".join(sorted(seen))
