"""The browser modeler's pages and JSON endpoints (web/modeler.py) through the Flask test client: who sees them,
validation problems by element, a deploy as a new version, scoping to the prefecture, CSRF, the comparison."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select

from engine.db.models import DeployedFile, ProcessDefinition, ProcessInstance
from engine.identity import Identity
from engine.identity.passwords import FAST_HASHER
from handlers.base import HandlerRegistry

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
PASSWORD = "Kentei-test-2026"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
META = re.compile(r'name="csrf-token" content="([^"]+)"')
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
OWN_27 = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://kentei.test">
  <bpmn:process id="naniwa_only" name="浪速だけの手続" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="look" camunda:candidateGroups="reviewer"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="look"/>
    <bpmn:sequenceFlow id="f2" sourceRef="look" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def _topics() -> set[str]:
    found = set()
    for path in WORKFLOWS.glob("*.bpmn"):
        found |= {v for el in etree.parse(str(path)).iter() if isinstance(el.tag, str) and (v := el.get(CAMUNDA + "topic"))}
    return found


@pytest.fixture
def handlers() -> HandlerRegistry:
    registry = HandlerRegistry()
    for topic in sorted(_topics()):
        registry.register(topic, lambda ctx, data: None, "local")
    return registry


@pytest.fixture
def app(engine, clock):  # type: ignore[no-untyped-def]
    from web import create_app
    identity = Identity(clock=clock, hasher=FAST_HASHER)
    with engine.transaction() as s, s.begin():
        for name, tenant, roles in (("admin1-13", "13", ["admin"]), ("analyst1-13", "13", ["analyst"]),
                                    ("reviewer1-13", "13", ["reviewer"]), ("operator1-13", "13", ["admin", "operator"]),
                                    ("analyst1-27", "27", ["analyst"])):
            identity.create_user(s, name, name, tenant, roles, PASSWORD)
    engine.deploy([(p.name, p.read_bytes()) for p in sorted(WORKFLOWS.glob("*.*")) if p.suffix in (".bpmn", ".dmn")],
                  actor="deployer-kanda")
    engine.deploy([("naniwa_only.bpmn", OWN_27.encode())], tenant="27", actor="admin1-27")
    return create_app(engine=engine, identity=identity, scheduler=False)


def _client(app: Any, user: str) -> Any:
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    assert client.post("/login", data={"csrf_token": token, "username": user, "password": PASSWORD}).status_code == 302
    return client


def _file_id(engine: Any, name: str, tenant: str = "") -> int:
    with engine.reading() as s:
        return s.scalars(select(DeployedFile.id).where(DeployedFile.name == name, DeployedFile.tenant == tenant)
                         .order_by(DeployedFile.version.desc())).first()


def _post(client: Any, path: str, body: dict[str, Any], page: str = "/admin/modeler/new") -> Any:
    token = META.search(client.get(page).get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    return client.post(path, json=body, headers={"X-CSRFToken": token})


def test_admins_and_analysts_see_the_modeler_and_nobody_else(app, engine) -> None:  # type: ignore[no-untyped-def]
    application = _file_id(engine, "application.bpmn")
    for user in ("admin1-13", "analyst1-13"):
        client = _client(app, user)
        listing = client.get("/admin/modeler")
        text = listing.get_data(as_text=True)
        assert listing.status_code == 200 and "application.bpmn" in text and "pass_decision.dmn" in text
        assert "naniwa_only" not in text  # 27's own
        assert "admin1-27" not in text and "deployer-kanda" not in text  # no deployer names (analysts see none)
        page = client.get(f"/admin/modeler/files/{application}")
        assert page.status_code == 200 and "camunda-platform-modeler" in page.get_data(as_text=True)
        xml = client.get(f"/admin/modeler/files/{application}/xml?download=1")
        assert xml.status_code == 200 and xml.data == (WORKFLOWS / "application.bpmn").read_bytes()
        assert "attachment" in xml.headers["Content-Disposition"]
        assert client.get("/admin/modeler/new?kind=dmn").status_code == 200
        assert b'isExecutable="true"' in client.get("/admin/modeler/template").data
    assert 'id="modeler-link"' in _client(app, "admin1-13").get("/admin/incidents").get_data(as_text=True)
    reviewer = _client(app, "reviewer1-13")
    for path in ("/admin/modeler", f"/admin/modeler/files/{application}", "/admin/modeler/new",
                 f"/admin/modeler/files/{application}/xml"):
        assert reviewer.get(path).status_code == 404, path
    assert app.test_client().get("/admin/modeler").status_code == 302  # to the sign-in


def test_another_prefectures_own_file_is_not_found(app, engine) -> None:  # type: ignore[no-untyped-def]
    theirs, shared = _file_id(engine, "naniwa_only.bpmn", "27"), _file_id(engine, "application.bpmn")
    client = _client(app, "analyst1-13")
    ghost = client.get("/admin/modeler/files/987654321")
    for path in (f"/admin/modeler/files/{theirs}", f"/admin/modeler/files/{theirs}/xml",
                 f"/admin/modeler/files/{theirs}/compare/{shared}", f"/admin/modeler/files/{shared}/compare/{theirs}"):
        answer = client.get(path)
        assert answer.status_code == 404 and "naniwa" not in answer.get_data(as_text=True), path
    assert ghost.status_code == 404
    assert _client(app, "analyst1-27").get(f"/admin/modeler/files/{theirs}").status_code == 200


def test_validate_lists_problems_by_element_and_none_for_the_real_process(app) -> None:  # type: ignore[no-untyped-def]
    client = _client(app, "analyst1-13")
    good = (WORKFLOWS / "application.bpmn").read_text()
    clean = _post(client, "/admin/modeler/validate", {"name": "application.bpmn", "xml": good})
    assert clean.status_code == 200 and clean.get_json() == {"problems": []}
    bad = good.replace('camunda:topic="notify.pass_notice"', 'camunda:topic="no.such.topic"')
    answer = _post(client, "/admin/modeler/validate", {"name": "application.bpmn", "xml": bad})
    problems = answer.get_json()["problems"]
    assert answer.status_code == 200 and [p["element_id"] for p in problems] == ["send_pass_notice"]
    assert problems[0]["file"] == "application.bpmn" and "no.such.topic" in problems[0]["original"]
    assert re.search(r"[ぁ-んァ-ン一-龥]", problems[0]["message"]), problems[0]  # the sentence in Japanese
    for junk in ("<bpmn:definitions", "\ud800<a/>", "<a>\x00</a>", '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'):
        broken = _post(client, "/admin/modeler/validate", {"name": "x.bpmn", "xml": junk})
        assert broken.status_code == 200 and broken.get_json()["problems"][0]["element_id"] == "-", junk
    for body, field in (({"name": "../etc/x.bpmn", "xml": good}, "name"), ({"name": "a.txt", "xml": good}, "name"),
                        ({"name": "a.bpmn", "xml": ""}, "xml"), ({"name": "a.bpmn", "xml": 5}, "xml"),
                        ({"name": "a.bpmn", "xml": good, "scope": "everywhere"}, "scope"), ({}, "name")):
        refused = _post(client, "/admin/modeler/validate", body)
        assert refused.status_code == 400 and refused.get_json()["field"] == field, body


def test_deploy_makes_a_new_version_for_the_prefecture(app, engine) -> None:  # type: ignore[no-untyped-def]
    client = _client(app, "analyst1-13")
    xml = (WORKFLOWS / "application.bpmn").read_text().replace(
        'id="paper_entry_check" name="紙申請の入力確認" camunda:candidateGroups="reviewer"',
        'id="paper_entry_check" name="紙申請の入力確認" camunda:candidateGroups="approver"')
    done = _post(client, "/admin/modeler/deploy", {"name": "application.bpmn", "xml": xml})
    body = done.get_json()
    assert done.status_code == 200 and body["processes"] == ["application v1"] and body["version"] == 1
    assert body["url"] == f"/admin/modeler/files/{body['file_id']}"
    with engine.reading() as s:
        assert s.get(DeployedFile, body["file_id"]).tenant == "13"
    again = _post(client, "/admin/modeler/deploy", {"name": "application.bpmn", "xml": xml}).get_json()
    assert again["deployed"] == [] and again["unchanged"] == ["application.bpmn"]
    iid = engine.start("application", "13", {"channel": "paper", "application_id": "13-2026-M000001"})
    with engine.reading() as s:
        definition = s.get(ProcessDefinition, s.get(ProcessInstance, iid).definition_id)
        assert (definition.tenant, definition.version) == ("13", 1)
    [task] = engine.tasks(instance_id=iid)
    assert task["element_id"] == "paper_entry_check" and "approver" in task["candidate_groups"]
    refused = _post(client, "/admin/modeler/deploy", {"name": "application.bpmn",
                                                      "xml": xml.replace("notify.pass_notice", "no.such.topic")})
    assert refused.status_code == 422 and refused.get_json()["problems"][0]["element_id"] == "send_pass_notice"
    # shared: the operator only
    shared = {"name": "extra.bpmn", "xml": OWN_27.replace("naniwa_only", "edo_extra"), "scope": "shared"}
    assert _post(client, "/admin/modeler/deploy", shared).status_code == 403
    operator = _client(app, "operator1-13")
    assert _post(operator, "/admin/modeler/deploy", shared).status_code == 200
    assert _file_id(engine, "extra.bpmn") is not None


def test_posts_need_the_csrf_token(app) -> None:  # type: ignore[no-untyped-def]
    client = _client(app, "admin1-13")
    body = {"name": "a.bpmn", "xml": (WORKFLOWS / "application.bpmn").read_text()}
    for path in ("/admin/modeler/validate", "/admin/modeler/deploy"):
        assert client.post(path, json=body).status_code == 400
        assert client.post(path, json=body, headers={"X-CSRFToken": "forged"}).status_code == 400
    assert _client(app, "reviewer1-13").post("/admin/modeler/validate", json=body).status_code in (400, 404)


def test_the_comparison_lists_added_removed_and_changed_elements(app, engine) -> None:  # type: ignore[no-untyped-def]
    client = _client(app, "admin1-13")
    first = OWN_27.replace("naniwa_only", "edo_cmp")
    second = (first.replace('camunda:candidateGroups="reviewer"', 'camunda:candidateGroups="approver"')
              .replace('<bpmn:endEvent id="end"/>', '<bpmn:endEvent id="done"/>').replace('targetRef="end"', 'targetRef="done"'))
    ids = [_post(client, "/admin/modeler/deploy", {"name": "cmp.bpmn", "xml": xml}).get_json()["file_id"]
           for xml in (first, second)]
    page = client.get(f"/admin/modeler/files/{ids[1]}/compare/{ids[0]}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    added, changed, removed = (re.search(rf'id="diff-{part}".*?</section>', text, re.DOTALL).group(0)  # type: ignore[union-attr]
                               for part in ("added", "changed", "removed"))
    assert 'data-id="done"' in added and 'data-id="end"' in removed
    assert 'data-id="look"' in changed and "camunda:candidateGroups" in changed and 'data-id="f2"' in changed
    assert 'data-id="start"' not in text
    listing = client.get("/admin/modeler").get_data(as_text=True)
    assert f"/admin/modeler/files/{ids[1]}/compare/{ids[0]}" in listing


def test_the_modeler_pages_in_english(app, engine) -> None:  # type: ignore[no-untyped-def]
    japanese = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u4e00-\u9fff\uff00-\uffef]")
    client = _client(app, "analyst1-13")
    client.set_cookie("kentei_lang", "en")
    first = OWN_27.replace("naniwa_only", "edo_en").replace("浪速だけの手続", "Edo only")
    ids = [_post(client, "/admin/modeler/deploy", {"name": "en.bpmn", "xml": xml}).get_json()["file_id"]
           for xml in (first, first.replace('"reviewer"', '"approver"'))]
    for path in ("/admin/modeler", f"/admin/modeler/files/{ids[1]}", f"/admin/modeler/files/{ids[1]}/compare/{ids[0]}",
                 "/admin/modeler/new"):
        text = client.get(path).get_data(as_text=True)
        assert "Modeler" in text and not japanese.search(text.replace("日本語", "")), (path, japanese.findall(text))
    bad = (WORKFLOWS / "application.bpmn").read_text().replace("notify.pass_notice", "no.such.topic")
    [problem] = _post(client, "/admin/modeler/validate", {"name": "application.bpmn", "xml": bad}).get_json()["problems"]
    assert problem["message"] == problem["original"] and not japanese.search(problem["message"])
