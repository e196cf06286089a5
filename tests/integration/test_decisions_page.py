"""The decisions page: a prefecture's admin tries a deployed decision on inputs of their choosing and sees the
result with the rules that matched; nothing is saved, and another prefecture's decisions are not there."""
from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from engine.identity import Identity
from engine.identity.passwords import FAST_HASHER

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
PASSWORD = "Kentei-test-2026"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
AGE = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" id="age_defs" name="年齢" namespace="http://kentei.test/age">
  <inputData id="birth" name="生年月日"><variable name="生年月日" typeRef="date"/></inputData>
  <decision id="age_on_exam_day" name="受検日の年齢">
    <variable name="受検日の年齢" typeRef="number"/>
    <informationRequirement id="r1"><requiredInput href="#birth"/></informationRequirement>
    <literalExpression><text>years and months duration(生年月日, @"2026-07-05").years</text></literalExpression>
  </decision>
</definitions>"""


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kentei.db'}"


@pytest.fixture
def client(engine, clock):  # type: ignore[no-untyped-def]
    from web import create_app
    identity = Identity(clock=clock, hasher=FAST_HASHER)
    with engine.transaction() as s, s.begin():
        identity.create_user(s, "admin1-13", "Admin", "13", ["admin"], PASSWORD)
        identity.create_user(s, "reviewer1-13", "Reviewer", "13", ["reviewer"], PASSWORD)
    engine.deploy([(p.name, p.read_bytes()) for p in sorted(WORKFLOWS.glob("*.dmn"))])
    engine.deploy([("age.dmn", AGE.encode())], tenant="27")  # Osaka's own: not Tokyo's to see
    app = create_app(engine=engine, identity=identity, scheduler=False)
    return app.test_client()


def _post(client: Any, path: str, data: dict[str, str]) -> Any:
    token = CSRF.search(client.get(path).get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    return client.post(path, data={"csrf_token": token, **data})


def _sign_in(client: Any, user: str) -> None:
    assert _post(client, "/login", {"username": user, "password": PASSWORD}).status_code == 302


def test_an_admin_tries_the_eligibility_table_and_sees_the_rules(client) -> None:  # type: ignore[no-untyped-def]
    _sign_in(client, "admin1-13")
    listing = client.get("/admin/decisions").get_data(as_text=True)
    assert all(f'id="try-{key}"' in listing for key in ("eligibility", "pass_decision", "practical_components"))
    assert "age_on_exam_day" not in listing
    page = client.get("/admin/decisions/eligibility").get_data(as_text=True)
    for name in ("grade", "prior_pass", "schooling", "experience_years"):
        assert f'name="in-{name}"' in page
    assert 'name="in-required_years"' not in page  # the required decision gives it
    answer = _post(client, "/admin/decisions/eligibility", {"in-grade": "2級", "in-prior_pass": "なし",
                                                            "in-schooling": "なし", "in-experience_years": "3"})
    text = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 200 and '"eligible": true' in text and "受検資格あり" in text
    assert "<code>required_experience</code>" in text and "<code>eligibility</code>" in text
    short = _post(client, "/admin/decisions/eligibility", {"in-grade": "2級", "in-prior_pass": "なし",
                                                           "in-schooling": "なし", "in-experience_years": "1"})
    assert '"eligible": false' in html.unescape(short.get_data(as_text=True))


def test_a_literal_decision_reads_a_date_and_a_bad_date_is_refused(client, engine) -> None:  # type: ignore[no-untyped-def]
    engine.deploy([("age.dmn", AGE.encode())], tenant="13")
    _sign_in(client, "admin1-13")
    page = client.get("/admin/decisions/age_on_exam_day").get_data(as_text=True)
    assert 'name="in-生年月日"' in page and ">date<" in page
    ok = _post(client, "/admin/decisions/age_on_exam_day", {"in-生年月日": "2003-07-06"})
    assert ok.status_code == 200 and re.search(r'<pre id="result">22</pre>', ok.get_data(as_text=True))
    bad = _post(client, "/admin/decisions/age_on_exam_day", {"in-生年月日": "2003-13-40"})
    assert bad.status_code == 422 and 'id="err-生年月日"' in bad.get_data(as_text=True)
    extra = _post(client, "/admin/decisions/age_on_exam_day", {"in-生年月日": "", "extra": "[1]"})
    assert extra.status_code == 422 and 'id="err-extra"' in extra.get_data(as_text=True)


def test_errors_are_shown_and_other_prefectures_and_roles_are_kept_out(client) -> None:  # type: ignore[no-untyped-def]
    _sign_in(client, "admin1-13")
    assert client.get("/admin/decisions/age_on_exam_day").status_code == 404  # Osaka's only
    assert client.get("/admin/decisions/no_such").status_code == 404
    unique = _post(client, "/admin/decisions/eligibility", {"in-grade": "2級", "in-prior_pass": "なし",
                                                            "in-schooling": "なし", "in-experience_years": '"three"'})
    assert unique.status_code == 200 and 'id="decision-errors"' in unique.get_data(as_text=True)
    _post(client, "/logout", {})
    _sign_in(client, "reviewer1-13")
    assert client.get("/admin/decisions").status_code == 404  # admin pages do not exist for others
