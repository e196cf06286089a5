"""Security review (issue 10), filing an application: a failed filing leaves no 個人番号 in the vault (8), and
lone surrogates and control characters are refused in the API's filing and the portal's forms (8, 17).
Over the real application.bpmn with the production handlers."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.identity import Identity
from engine.identity.passwords import FAST_HASHER
from engine.identity.tokens import issue
from handlers.registry.models import Application
from handlers.vault import AccessLogEntry, MyNumberRecord

# ruff: noqa: F811 — the lifecycle fixtures are imported by name, and tests take them as arguments
from tests.integration.test_lifecycle import Life, handlers, life, services  # noqa: F401

PSEUDONYM = "PSN-" + "abcdefghijklmnop" * 2  # as the portal issues them: 128 bits in letters a-p


class Filing:
    def __init__(self, app: Any, tokens: dict[str, str]) -> None:
        self.app, self.tokens = app, tokens

    def api(self, body: Any, who: str = "admin1-13", **kwargs: Any) -> Any:
        if isinstance(body, (bytes, str)):
            kwargs |= {"data": body.encode() if isinstance(body, str) else body, "content_type": "application/json"}
        else:
            kwargs["json"] = body
        return self.app.test_client().post("/api/v1/applications",
                                           headers={"Authorization": f"Bearer {self.tokens[who]}"}, **kwargs)

    def portal(self) -> Any:
        """A test client signed in to the portal as PSEUDONYM (the session the portal's sign-in leaves)."""
        from engine.identity import portal_sessions
        from web.auth import PORTAL_SID
        from web.portal_session import SESSION_KEY
        engine = self.app.extensions["kentei.engine"]
        with engine.transaction() as s, s.begin():  # the server-side session a sign-in starts
            token = portal_sessions.start(s, PSEUDONYM, engine.now(), self.app.permanent_session_lifetime)
        client = self.app.test_client()
        with client.session_transaction() as session:
            session[SESSION_KEY], session[PORTAL_SID] = PSEUDONYM, token
        return client


@pytest.fixture
def filing(engine, clock, life: Life, services):  # type: ignore[no-untyped-def]
    from web import create_app
    engine.settings = replace(engine.settings, keyring_path=services["keyring"])
    identity = Identity(clock=clock, hasher=FAST_HASHER)
    tokens = {}
    with engine.transaction() as s, s.begin():
        for name, roles in (("reviewer1-13", ["reviewer"]), ("admin1-13", ["admin"])):
            tokens[name] = issue(s, identity.create_user(s, name, name, "13", roles, "Sakura-2026-haru"), "t", clock.now)
    return Filing(create_app(engine=engine, identity=identity, scheduler=False), tokens)


def _body(life: Life, **over: Any) -> dict[str, Any]:
    person = life.residents[91]
    return {"applicant_name": person["name"], "name_kana": person["name_kana"], "birth_date": person["birth_date"],
            "sex": person["sex"], "address": person["address"], "grade": "2級", "trade_code": "0401",
            "trade_name": "機械加工", "experience_years": 3, "schooling": "なし", "prior_pass": "なし",
            "my_number": person["my_number"]} | over


def _form(life: Life, **over: str) -> dict[str, str]:
    body = {k: str(v) for k, v in _body(life).items()}
    return body | {"tenant": "13", "email": "taro@example.jp"} | over


def _stored(engine: Any) -> tuple[int, int, int]:
    """Vault records, their access-log rows, applications."""
    with engine.reading() as s:
        return (s.scalar(select(func.count()).select_from(MyNumberRecord)) or 0,
                s.scalar(select(func.count()).select_from(AccessLogEntry)) or 0,
                s.scalar(select(func.count()).select_from(Application)) or 0)


def _break_the_start(engine: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The process start fails half way (a bug, a lost database connection): after the number is stored."""
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the start failed")
    monkeypatch.setattr(engine, "operate", boom)


# -- 8. a failed filing keeps no number -----------------------------------------------------------
def test_an_api_filing_that_fails_keeps_no_number(engine, life, filing, monkeypatch):  # type: ignore[no-untyped-def]
    _break_the_start(engine, monkeypatch)
    answer = filing.api(_body(life, id="FAIL-1"))
    assert answer.status_code >= 500
    assert _stored(engine) == (0, 0, 0)
    monkeypatch.undo()
    answer = filing.api(_body(life, id="FAIL-1"))  # tried again: filed once, the number stored once
    assert answer.status_code == 201, answer.get_json()
    assert _stored(engine)[0] == 1 and _stored(engine)[2] == 0  # a paper form waits for its entry check


def test_a_portal_filing_that_fails_keeps_no_number(engine, life, filing, monkeypatch):  # type: ignore[no-untyped-def]
    client = filing.portal()
    token = client.get("/portal/apply")
    assert token.status_code == 200
    with client.session_transaction() as session:
        apply_token = session["portal_apply_token"]
    csrf = client.get("/portal/apply").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    _break_the_start(engine, monkeypatch)
    answer = client.post("/portal/apply", data=_form(life) | {"csrf_token": csrf, "token": apply_token})
    assert answer.status_code >= 500
    assert _stored(engine) == (0, 0, 0)
    monkeypatch.undo()
    answer = client.post("/portal/apply", data=_form(life) | {"csrf_token": csrf, "token": apply_token})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    assert _stored(engine)[0] == 1 and _stored(engine)[2] == 1


def test_a_duplicate_request_id_keeps_no_second_number(engine, life, filing):  # type: ignore[no-untyped-def]
    assert filing.api(_body(life, id="DUP-1")).status_code == 201
    other = life.residents[92]
    again = filing.api(_body(life, id="DUP-1", my_number=other["my_number"]))
    assert again.status_code == 200 and again.get_json()["status"] == "already_received"
    assert _stored(engine)[0] == 1


# -- 8 and 17: refused characters in the API's filing ---------------------------------------------
@pytest.mark.parametrize("raw", ["\\ud800", "\\udc00", "\\u0000", "\\u202e", "\\u2067", "\\u0007"])
def test_an_api_filing_with_refused_characters_is_a_400_and_stores_nothing(engine, life, filing, raw):  # type: ignore[no-untyped-def]
    import json
    text = json.dumps(_body(life), ensure_ascii=True).replace('"applicant_name": "', f'"applicant_name": "{raw}', 1)
    answer = filing.api(text)
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert answer.get_json()["field"] == "applicant_name"
    assert _stored(engine) == (0, 0, 0)


@pytest.mark.parametrize("field", ["applicant_name", "name_kana", "address", "trade_name", "task_name"])
def test_an_api_filing_with_a_line_break_in_a_one_line_field_is_refused_by_field(engine, life, filing, field):  # type: ignore[no-untyped-def]
    body = _body(life, task_name="普通旋盤作業")
    body[field] = body[field][:1] + "\n" + body[field][1:]
    answer = filing.api(body)
    assert answer.status_code == 422, answer.get_json()
    assert field in answer.get_json()["fields"], answer.get_json()
    assert _stored(engine) == (0, 0, 0)


# -- 17: refused characters in the portal's forms -------------------------------------------------
@pytest.mark.parametrize("bad", ["\x00", "\u202e", "\u200f", "\t", "\n", "\x1b"])
def test_the_portal_application_form_refuses_control_characters(engine, life, filing, bad):  # type: ignore[no-untyped-def]
    client = filing.portal()
    page = client.get("/portal/apply").get_data(as_text=True)
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    with client.session_transaction() as session:
        apply_token = session["portal_apply_token"]
    form = _form(life)
    answer = client.post("/portal/apply", data=form | {"applicant_name": f"山田{bad}太郎", "address": f"東京都{bad}千代田区",
                                                       "csrf_token": csrf, "token": apply_token})
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="err-applicant_name"' in html and 'id="err-address"' in html and "使えない文字" in html
    assert _stored(engine) == (0, 0, 0)


def test_the_correction_form_refuses_control_characters_but_keeps_line_breaks(filing):  # type: ignore[no-untyped-def]
    from web.portal_forms import correction_values
    base = {"experience_years": "3", "schooling": "なし", "prior_pass": "なし"}
    with filing.app.test_request_context("/portal/"):
        for bad in ("\x00", "\u202e", "\u2066", "\x1b"):
            _values, errors = correction_values(base | {"correction_note": f"実務{bad}証明"})
            assert "correction_note" in errors and "使えない文字" in errors["correction_note"]
        values, errors = correction_values(base | {"correction_note": "一行目\r\n二行目\tタブ"})
        assert errors == {} and values["correction_note"] == "一行目\r\n二行目\tタブ"
