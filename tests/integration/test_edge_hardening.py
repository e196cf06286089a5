"""Security review (issue 10), the staff side and the API's edge: CSV formula cells (6), lone surrogates and
control characters in JSON (8, 17), CRLF in the language link (9), ids beyond 64 bits (10), refused and
impossible reveals of the 個人番号 logged (12, 13), control characters in task forms and staff names (17),
the BPMN download (18), no-store on the API (20) and what /healthz tells (21)."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from engine.identity import Identity, IdentityError
from engine.identity.passwords import FAST_HASHER
from engine.identity.tokens import issue
from handlers.vault import DELETION, REGISTRATION, AccessLogEntry, Keyring, Vault
from tests.browser.test_inbox import REVIEW

PASSWORD = "Sakura-2026-haru"
NUMBER = "123456789018"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HUGE = ["2147483648", "4294967296", "9223372036854775807", "9223372036854775808", "18446744073709551616", "99999999999999999999999999"]
# the review form's comment is a textarea (camunda:property multiline): it may keep line breaks and tabs
REVIEW_ML = REVIEW.decode().replace(
    '<camunda:formField id="review_comment" label="審査メモ" type="string">',
    '<camunda:formField id="review_comment" label="審査メモ" type="string"><camunda:properties>'
    '<camunda:property id="multiline" value="true"/></camunda:properties>').encode()
assert REVIEW_ML != REVIEW
FORMULAS = ["=HYPERLINK(\"http://evil.example/\",\"x\")", "+81-3-1234", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd"]


class Site:
    def __init__(self, app: Any, engine: Any, ids: dict[str, int], ref: str, tokens: dict[str, str]) -> None:
        self.app, self.engine, self.ids, self.ref, self.tokens = app, engine, ids, ref, tokens

    def client(self, who: str | None = None) -> Any:
        client = self.app.test_client()
        if who:
            page = client.get("/login").get_data(as_text=True)
            answer = client.post("/login", data={"csrf_token": CSRF.search(page).group(1), "username": who,
                                                 "password": PASSWORD})
            assert answer.status_code == 302, answer.get_data(as_text=True)
        return client

    def api(self, method: str, path: str, who: str = "reviewer1-13", **kwargs: Any) -> Any:
        return self.app.test_client().open(path, method=method,
                                           headers={"Authorization": f"Bearer {self.tokens[who]}"}, **kwargs)

    def task_id(self, key: str) -> str:
        return str(self.engine.tasks(instance_id=self.ids[key])[0]["id"])


@pytest.fixture
def site(engine, clock, tmp_path):  # type: ignore[no-untyped-def]
    from web import create_app
    engine.settings = replace(engine.settings, keyring_path=tmp_path / "keyring.json")
    identity = Identity(clock=clock, hasher=FAST_HASHER)
    vault = Vault(Keyring.load_or_create(engine.settings.keyring_path), clock=engine.now)
    tokens = {}
    with engine.transaction() as s, s.begin():
        for name, tenant, roles in (("reviewer1-13", "13", ["reviewer"]), ("scorer1-13", "13", ["scorer"]),
                                    ("admin1-13", "13", ["admin"]), ("auditor1-13", "13", ["auditor"])):
            user = identity.create_user(s, name, name, tenant, roles, PASSWORD)
            tokens[name] = issue(s, user, "test", clock.now)
        ref = vault.store(s, "13", NUMBER, actor="portal:PSN-1", purpose=REGISTRATION)
    engine.deploy([("review.bpmn", REVIEW_ML)])
    ids = {}
    for n, name in enumerate(FORMULAS + ["山田 太郎"], start=1):
        data = {"applicant_name": name, "reviewDueDate": (clock.now + timedelta(days=14)).isoformat()}
        ids[f"13-{n}"] = engine.start("review", "13", data | ({"vault_ref": ref} if n == 5 else {}),
                                      business_key=f"13-2026-A00000{n}")
    app = create_app(engine=engine, identity=identity, scheduler=False)
    return Site(app, engine, ids, ref, tokens)


def _denials(engine: Any) -> list[AccessLogEntry]:
    with engine.reading() as s:
        return list(s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "denied")
                              .order_by(AccessLogEntry.id)))


# -- 6. CSV formula injection ----------------------------------------------------------------------
def test_the_task_list_csv_makes_formula_cells_text(site):  # type: ignore[no-untyped-def]
    answer = site.client("reviewer1-13").get("/tasks.csv")
    assert answer.status_code == 200
    text = answer.get_data().decode("utf-8-sig")
    import csv
    import io
    rows = list(csv.reader(io.StringIO(text)))
    names = {row[4] for row in rows[1:]}
    assert names == {"'" + f for f in FORMULAS} | {"山田 太郎"}, names
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_the_access_log_csv_makes_formula_cells_text(site, engine):  # type: ignore[no-untyped-def]
    from handlers.vault import access_log
    with engine.transaction() as s, s.begin():  # a purpose typed by a person: it is kept as typed in the log
        access_log.record(s, at=engine.now(), vault_ref=site.ref, tenant="13", actor="=cmd|' /C calc'!A0",
                          purpose="@SUM(1+1)", action="denied", detail="-2+3")
    answer = site.client("auditor1-13").get("/audit/log.csv?from=2026-03-01&to=2026-04-30")
    assert answer.status_code == 200
    text = answer.get_data().decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in text and "'@SUM(1+1)" in text and "'-2+3" in text
    assert not re.search(r"(^|,)[=+\-@]", text, re.MULTILINE)


# -- 8 and 17 at the API's edge: lone surrogates and control characters in JSON ----------------------
@pytest.mark.parametrize("bad", ["\\ud800", "\\udfff", "\\u0000", "\\u202e", "\\u001b"])
def test_refused_characters_in_a_json_body_are_a_400(site, engine, clock, handlers, bad):  # type: ignore[no-untyped-def]
    from tests.conftest import deploy_fixture
    handlers.register("test.remote", lambda ctx, data: (_ for _ in ()).throw(TimeoutError("down")), "remote")
    deploy_fixture(engine, "remote.bpmn")
    engine.start("remote", "13")
    for _ in range(6):
        engine.run_jobs("w")
        clock.advance(seconds=40)
    [incident] = engine.incidents(tenant="13")
    task = site.task_id("13-1")
    site.api("POST", f"/api/v1/tasks/{task}/claim")
    cases = [
        ("/api/v1/messages", f'{{"name": "fee_paid", "key": "13-2026-A000001", "data": {{"x": "a{bad}b"}}}}'),
        ("/api/v1/messages", f'{{"name": "fee{bad}", "key": "13-2026-A000001"}}'),
        (f"/api/v1/tasks/{task}/complete", f'{{"data": {{"review_comment": "ok{bad}"}}}}'),
        (f"/api/v1/incidents/{incident['id']}/resolve", f'{{"note": "done{bad}"}}'),
        ("/api/v1/applications", f'{{"applicant_name": "山田{bad}太郎"}}'),
    ]
    for path, body in cases:
        who = "admin1-13" if "incidents" in path or "applications" in path else "reviewer1-13"
        answer = site.api("POST", path, who=who, data=body.encode(), content_type="application/json")
        assert answer.status_code == 400, (path, body, answer.get_data(as_text=True))
        assert answer.get_json()["field"] in ("data", "name", "note", "applicant_name"), answer.get_json()
    assert site.engine.tasks(instance_id=site.ids["13-1"])[0]["status"] == "open"
    assert engine.incidents(tenant="13")[0]["status"] == "open"


def test_line_breaks_and_tabs_still_pass_the_edge(site):  # type: ignore[no-untyped-def]
    task = site.task_id("13-1")
    site.api("POST", f"/api/v1/tasks/{task}/claim")
    answer = site.api("POST", f"/api/v1/tasks/{task}/complete",
                      json={"data": {"decision": "approve", "experience_years": 3,
                                     "review_comment": "line one\r\nline two\tand a tab"}})
    assert answer.status_code == 200, answer.get_json()
    assert site.engine.instance(site.ids["13-1"])["variables"]["review_comment"] == "line one\r\nline two\tand a tab"


# -- 9. CRLF in the language link -----------------------------------------------------------------
@pytest.mark.parametrize("target", ["/%0d%0aSet-Cookie:%20x=1", "/tasks%0aX-Injected:%201", "/%0d", "/%09//evil.example",
                                    "/%00", "/%E2%80%AE"])
def test_a_line_break_in_the_language_links_target_goes_home(site, target):  # type: ignore[no-untyped-def]
    answer = site.app.test_client().get(f"/lang/en?next={target}")
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert "\r" not in location and "\n" not in location and "X-Injected" not in answer.headers
    assert location in ("/", "http://localhost/"), location
    assert "kentei_lang=en" in answer.headers.get("Set-Cookie", "")


def test_an_ordinary_target_is_kept(site):  # type: ignore[no-untyped-def]
    answer = site.app.test_client().get("/lang/en?next=/tasks%3Fq%3D%E5%B1%B1%E7%94%B0")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/tasks?q=%E5%B1%B1%E7%94%B0")


# -- 10. ids beyond 64 bits ------------------------------------------------------------------------
@pytest.mark.parametrize("huge", HUGE)
def test_ids_beyond_64_bits_are_not_found(site, huge):  # type: ignore[no-untyped-def]
    admin = site.client("admin1-13")
    csrf = CSRF.search(admin.get("/account/tokens").get_data(as_text=True)).group(1)
    for method, path in (("GET", f"/instances/{huge}"), ("GET", f"/instances/{huge}/diagram.bpmn"),
                         ("POST", f"/instances/{huge}/reveal"), ("GET", f"/admin/users/{huge}"),
                         ("POST", f"/admin/users/{huge}/tokens/1/revoke"), ("POST", f"/admin/users/1/tokens/{huge}/revoke"),
                         ("POST", f"/account/tokens/{huge}/revoke"), ("GET", f"/admin/incidents/{huge}")):
        answer = admin.open(path, method=method, data={"csrf_token": csrf, "purpose": "identity_check"})
        assert answer.status_code == 404, (path, answer.status_code)
    for method, path in (("GET", f"/api/v1/instances/{huge}"), ("GET", f"/api/v1/instances/{huge}/history"),
                         ("POST", f"/api/v1/incidents/{huge}/retry"), ("POST", f"/api/v1/incidents/{huge}/resolve")):
        answer = site.api(method, path, who="admin1-13", json={"note": "x"})
        assert answer.status_code == 404 and answer.get_json()["error"], (path, answer.status_code)


def test_the_engine_queries_answer_not_found_for_huge_ids(site, engine):  # type: ignore[no-untyped-def]
    from engine.errors import NotFound
    for huge in (0, -1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30):
        with pytest.raises(NotFound):
            engine.instance(huge)
        assert engine.history(huge) == [] and engine.verify_history(huge) == []
        assert engine.tasks(instance_id=huge) == []


# -- 12, 13. refused and impossible reveals -------------------------------------------------------
def test_every_refused_reveal_writes_a_committed_denial(site, engine):  # type: ignore[no-untyped-def]
    instance = f"/instances/{site.ids['13-5']}"
    scorer = site.client("scorer1-13")  # a role that does not work with the number
    csrf = CSRF.search(scorer.get(instance).get_data(as_text=True)).group(1)
    assert scorer.post(f"{instance}/reveal", data={"csrf_token": csrf, "purpose": "identity_check"}).status_code == 404
    reviewer = site.client("reviewer1-13")
    csrf = CSRF.search(reviewer.get(instance).get_data(as_text=True)).group(1)
    assert reviewer.post(f"{instance}/reveal", data={"csrf_token": csrf}).status_code == 422
    assert reviewer.post(f"{instance}/reveal", data={"csrf_token": csrf, "purpose": "curiosity"}).status_code == 422
    denied = [(d.actor, d.purpose, d.detail, d.vault_ref) for d in _denials(engine)]
    assert denied == [("staff:scorer1-13", "identity_check", "role", site.ref),
                      ("staff:reviewer1-13", "", "purpose", site.ref),
                      ("staff:reviewer1-13", "curiosity", "purpose", site.ref)], denied
    shown = reviewer.post(f"{instance}/reveal", data={"csrf_token": csrf, "purpose": "identity_check"})
    assert shown.status_code == 200 and NUMBER in shown.get_data(as_text=True)
    assert len(_denials(engine)) == 3


def test_revealing_an_erased_number_says_so_and_keeps_the_denial(site, engine):  # type: ignore[no-untyped-def]
    vault = Vault(Keyring.load_or_create(engine.settings.keyring_path), clock=engine.now)
    with engine.transaction() as s, s.begin():
        assert vault.delete(s, site.ref, "13", actor="retention", reason=DELETION)
    reviewer = site.client("reviewer1-13")
    instance = f"/instances/{site.ids['13-5']}"
    csrf = CSRF.search(reviewer.get(instance).get_data(as_text=True)).group(1)
    answer = reviewer.post(f"{instance}/reveal", data={"csrf_token": csrf, "purpose": "identity_check"})
    assert answer.status_code == 410, answer.status_code
    page = answer.get_data(as_text=True)
    assert "この個人番号は削除されています" in page and NUMBER not in page
    denied = [(d.actor, d.purpose, d.detail) for d in _denials(engine)]
    assert denied == [("staff:reviewer1-13", "identity_check", "deleted")], denied
    english = site.client("reviewer1-13")
    english.set_cookie("kentei_lang", "en")
    csrf = CSRF.search(english.get(instance).get_data(as_text=True)).group(1)
    page = english.post(f"{instance}/reveal", data={"csrf_token": csrf, "purpose": "identity_check"})
    assert page.status_code == 410 and "has been erased" in page.get_data(as_text=True)


# -- 17. control characters in task forms and staff names -----------------------------------------
@pytest.mark.parametrize("bad", ["\x00", "\u202e", "\x1b", "\u2066"])
def test_a_task_form_refuses_control_characters(site, bad):  # type: ignore[no-untyped-def]
    reviewer = site.client("reviewer1-13")
    task = f"/tasks/{site.task_id('13-1')}"
    csrf = CSRF.search(reviewer.get(task).get_data(as_text=True)).group(1)
    reviewer.post(f"{task}/claim", data={"csrf_token": csrf})
    answer = reviewer.post(f"{task}/complete", data={"csrf_token": csrf, "decision": "approve",
                                                     "experience_years": "3", "review_comment": f"ok{bad}ok"})
    assert answer.status_code == 422
    assert "使えない文字" in answer.get_data(as_text=True)
    assert site.engine.tasks(instance_id=site.ids["13-1"])[0]["status"] == "open"


def test_the_engine_refuses_control_characters_in_a_form_value(engine):  # type: ignore[no-untyped-def]
    from engine.errors import FormInvalid
    from engine.forms import validate_form
    fields = [{"id": "name", "type": "string", "constraints": {}, "properties": {}},
              {"id": "note", "type": "string", "constraints": {}, "properties": {"multiline": "true"}}]
    for values, field in (({"name": "a\x00b"}, "name"), ({"name": "a\nb"}, "name"), ({"name": "a\tb"}, "name"),
                          ({"note": "a\x00b"}, "note"), ({"note": "a\u202eb"}, "note"), ({"name": "\ud800"}, "name")):
        with pytest.raises(FormInvalid) as err:
            validate_form(fields, values, {})
        assert field in err.value.errors and "control characters" in err.value.errors[field]
    assert validate_form(fields, {"name": "山田 太郎", "note": "one\r\ntwo\tthree"}, {}) == \
        {"name": "山田 太郎", "note": "one\r\ntwo\tthree"}


@pytest.mark.parametrize("bad", ["山田\x00太郎", "山田\u202e太郎", "山田\n太郎", "\u200f山田"])
def test_a_staff_name_with_control_characters_is_refused(site, engine, clock, bad):  # type: ignore[no-untyped-def]
    identity = Identity(clock=clock, hasher=FAST_HASHER)
    with pytest.raises(IdentityError), engine.transaction() as s, s.begin():
        identity.create_user(s, "someone-13", bad, "13", ["reviewer"], PASSWORD)
    admin = site.client("admin1-13")
    csrf = CSRF.search(admin.get("/admin/users").get_data(as_text=True)).group(1)
    answer = admin.post("/admin/users", data={"csrf_token": csrf, "username": "someone-13", "display_name": bad,
                                             "roles": "reviewer", "password": PASSWORD})
    assert answer.status_code == 422 and "使えない文字" in answer.get_data(as_text=True)


# -- 18. the BPMN download ------------------------------------------------------------------------
def test_the_diagram_is_a_download_never_a_document(site):  # type: ignore[no-untyped-def]
    answer = site.client("reviewer1-13").get(f"/instances/{site.ids['13-1']}/diagram.bpmn")
    assert answer.status_code == 200 and answer.get_data().startswith(b"<?xml")
    assert answer.headers["Content-Disposition"].startswith("attachment")
    assert answer.mimetype in ("application/octet-stream", "text/plain")
    assert "xml" not in answer.headers["Content-Type"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


# -- 20. no-store on every API answer -------------------------------------------------------------
def test_every_api_answer_is_no_store(site):  # type: ignore[no-untyped-def]
    answers = [site.api("GET", "/api/v1/tasks"), site.api("GET", f"/api/v1/instances/{site.ids['13-5']}"),
               site.api("GET", f"/api/v1/instances/{site.ids['13-5']}/history"),
               site.api("GET", "/api/v1/instances/999999"), site.api("GET", "/api/v1/nothing-here"),
               site.app.test_client().get("/api/v1/tasks"), site.app.test_client().get("/api/v1/openapi.json"),
               site.api("POST", "/api/v1/messages", data=b"{", content_type="application/json")]
    for answer in answers:
        assert answer.headers.get("Cache-Control") == "no-store", (answer.request.path, answer.status_code)
        assert answer.mimetype == "application/json"
    pages = [site.client("reviewer1-13").get(p) for p in ("/", f"/instances/{site.ids['13-5']}", "/tasks.csv")]
    assert all(p.headers.get("Cache-Control") == "no-store" for p in pages)


# -- 21. /healthz ---------------------------------------------------------------------------------
def test_healthz_tells_an_anonymous_caller_only_the_status(site):  # type: ignore[no-untyped-def]
    import os
    import socket
    answer = site.app.test_client().get("/healthz")
    assert answer.status_code == 200 and answer.get_json() == {"status": "ok"}
    text = answer.get_data(as_text=True)
    assert str(os.getpid()) not in text and socket.gethostname() not in text
    for who in ("reviewer1-13", "admin1-13"):  # a staff token is not anonymous, but only an admin's sees more
        detail = site.api("GET", "/healthz", who=who).get_json()
        assert ("pid" in detail) == (who == "admin1-13"), detail
    assert site.api("GET", "/healthz", who="admin1-13").get_json()["pid"] == os.getpid()
    bogus = site.app.test_client().get("/healthz", headers={"Authorization": "Bearer nonsense"})
    assert bogus.get_json() == {"status": "ok"}


def test_a_page_number_in_other_digits_is_the_first_page(site):  # type: ignore[no-untyped-def]
    auditor = site.client("auditor1-13")
    for page in ("%C2%B2", "%EF%BC%92", "%D9%A3"):  # ², full-width 2, Arabic-Indic 3: isdigit() but not ASCII
        assert auditor.get(f"/audit/?page={page}").status_code == 200
