"""Administration and account pages in English: no Japanese character where every value is ASCII."""
from __future__ import annotations

from typing import Any

from engine.identity.passwords import FAST_HASHER  # noqa: F401 — the site's identity hashes with it

# ruff: noqa: F811 — the staff pages' fixtures are imported by name, and tests take them as arguments
from tests.conftest import deploy_fixture
from tests.integration.test_english_staff import (  # noqa: F401
    JAPANESE,
    LANG_SWITCH,
    PASSWORD,
    Site,
    db_url,
    html,
    post,
    sign_in,
    site,
    token,
)

BROKEN = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://kentei.test">
  <bpmn:process id="broken" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:scriptTask id="calculate" scriptFormat="groovy"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="calculate"/>
  </bpmn:process>
</bpmn:definitions>"""


def _admin_tour(site: Site, client: Any, handlers: Any, clock: Any) -> dict[str, Any]:
    identity = site.app.extensions["kentei.identity"]
    with site.engine.transaction() as s, s.begin():
        identity.create_user(s, "admin1-13", "Admin One", "13", ["admin"], PASSWORD)
    handlers.register("test.remote", lambda ctx, data: (_ for _ in ()).throw(ConnectionRefusedError("down")),
                      "remote")
    deploy_fixture(site.engine, "remote.bpmn")
    site.engine.start("remote", "13")
    for _ in range(6):
        site.engine.run_jobs("w1")
        clock.advance(seconds=40)
    [incident] = site.engine.incidents()
    assert sign_in(client, "admin1-13").status_code == 302
    pages: dict[str, Any] = {"incidents": client.get("/admin/incidents")}
    detail = f"/admin/incidents/{incident['id']}"
    pages["incident"] = client.get(detail)
    pages["resolve-refused"] = post(client, f"{detail}/resolve", {"note": "", "variables": "{oops"}, detail)
    pages["resolve-no-note"] = post(client, f"{detail}/resolve", {"note": "", "variables": ""}, detail)
    pages["deployments"] = client.get("/admin/deployments")
    pages["deploy-refused"] = client.post("/admin/deployments", data={
        "csrf_token": token(client, "/admin/deployments"), "action": "deploy",
        "files": [(__import__("io").BytesIO(BROKEN), "broken.bpmn")]}, content_type="multipart/form-data")
    pages["users"] = client.get("/admin/users")
    pages["user-refused"] = post(client, "/admin/users", {"username": "newcomer", "display_name": "New Comer",
                                                          "roles": "reviewer", "password": "short"}, "/admin/users")
    pages["user-no-name"] = post(client, "/admin/users", {"username": "newcomer", "display_name": " ",
                                                          "roles": "reviewer", "password": PASSWORD}, "/admin/users")
    pages["user"] = client.get("/admin/users/1")
    pages["tokens"] = client.get("/account/tokens")
    pages["token-refused"] = post(client, "/account/tokens", {"name": ""}, "/account/tokens")
    pages["token-made"] = post(client, "/account/tokens", {"name": "fee gateway"}, "/account/tokens")
    pages["password"] = client.get("/account/password")
    pages["password-refused"] = post(client, "/account/password", {"current_password": PASSWORD,
                                                                   "new_password": "short",
                                                                   "new_password_again": "short"},
                                     "/account/password")
    pages["resolved"] = post(client, f"{detail}/resolve", {"note": "checked at the counter",
                                                           "variables": '{"hits": 1}'}, detail)
    pages["incident-after"] = client.get(detail)
    return pages


STATUSES = {"resolve-refused": 422, "resolve-no-note": 422, "deploy-refused": 422, "user-refused": 422,
            "user-no-name": 422, "token-refused": 422, "password-refused": 422, "resolved": 302}


def test_administration_in_english(site, handlers, clock):  # type: ignore[no-untyped-def]
    client = site.client("cookie")
    pages = _admin_tour(site, client, handlers, clock)
    for name, response in pages.items():
        assert response.status_code == STATUSES.get(name, 200), name
        if response.status_code == 302:
            continue
        body = html(response)
        assert '<html lang="en">' in body, name
        stray = JAPANESE.findall(LANG_SWITCH.sub("", body))
        assert not stray, f"{name}: {''.join(stray)!r}"
    expected = {
        "incidents": ["Resolve by hand", "Automatic retries"],
        "resolve-refused": ["Enter a JSON object"], "resolve-no-note": ["Say what was done"],
        "deploy-refused": ["problem(s) found. Nothing was saved."],
        "user-refused": ["at least 12 characters"], "user-no-name": ["Enter the staff member"],
        "tokens": ["API tokens", "No tokens."], "token-refused": ["in at most 64 characters"],
        "token-made": ["Your new token", "kt_"], "password-refused": ["at least 12 characters"],
        "incident-after": ["Resolved by hand (admin1-13", "checked at the counter"],
    }
    for name, needles in expected.items():
        for needle in needles:
            assert needle in html(pages[name]), (name, needle)


def test_administration_in_japanese_by_default(site, handlers, clock):  # type: ignore[no-untyped-def]
    pages = _admin_tour(site, site.client("default"), handlers, clock)
    assert "手作業で解決" in html(pages["incidents"]) and "何を行ったか" in html(pages["resolve-no-note"])
    assert "12文字以上" in html(pages["user-refused"]) and '<html lang="ja">' in html(pages["tokens"])
