"""NUL and other control characters that reach no field's own rule: in a sign-in name, a search, the query of
the API, a reveal's purpose. PostgreSQL cannot store a NUL, so each was a 500 there (the review of the issue-10
fixes); now a 400 at the edge, and a reveal still logs its refusal."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.identity import LoginEvent
from tests.integration.test_edge_hardening import CSRF, _denials, site  # noqa: F401 — fixtures by name


@pytest.mark.parametrize("bad", ["\x00", "\x1b", "\u202e"])
def test_control_characters_in_a_query_or_a_form_are_a_400(site, bad):  # type: ignore[no-untyped-def]  # noqa: F811
    anonymous = site.client()
    csrf = CSRF.search(anonymous.get("/login").get_data(as_text=True)).group(1)
    login = anonymous.post("/login", data={"csrf_token": csrf, "username": f"ab{bad}c", "password": "x"})
    assert login.status_code == 401  # the one answer of every failed sign-in, and logged as one
    with site.engine.reading() as s:
        assert s.scalars(select(LoginEvent.username).where(LoginEvent.outcome == "unknown_user")).all() == ["abc?"]
    reviewer = site.client("reviewer1-13")
    for path in ("/", "/tasks.csv"):
        assert reviewer.get(path, query_string={"q": f"山田{bad}"}).status_code == 400, path
    answer = site.api("GET", "/api/v1/tasks", query_string={"q": f"a{bad}"})
    assert answer.status_code == 400 and "control characters" in answer.get_json()["error"]
    assert reviewer.get("/", query_string={"q": "山田\t太郎"}).status_code == 200  # a tab passes the edge


def test_a_reveal_with_a_nul_in_its_purpose_is_refused_and_logged(site, engine):  # type: ignore[no-untyped-def]  # noqa: F811
    instance = f"/instances/{site.ids['13-5']}"
    reviewer = site.client("reviewer1-13")
    csrf = CSRF.search(reviewer.get(instance).get_data(as_text=True)).group(1)
    answer = reviewer.post(f"{instance}/reveal", data={"csrf_token": csrf, "purpose": "identity_check\x00"})
    assert answer.status_code == 422
    assert [(d.purpose, d.detail) for d in _denials(engine)] == [("identity_check?", "purpose")]
