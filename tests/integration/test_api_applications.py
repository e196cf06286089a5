"""/api/v1/applications (file, read) and /api/v1/incidents/{id}/resolve over the real application.bpmn."""
from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from engine.identity import Identity, StaffUser
from engine.identity.passwords import FAST_HASHER
from engine.identity.tokens import issue
from handlers.registry.models import Application
from handlers.vault import MyNumberRecord

# ruff: noqa: F811 — the lifecycle fixtures are imported by name, and tests take them as arguments
from tests.integration.test_lifecycle import Life, handlers, life, services  # noqa: F401


@pytest.fixture
def call(engine, clock, life: Life, services):  # type: ignore[no-untyped-def]
    from web import create_app
    engine.settings = replace(engine.settings, keyring_path=services["keyring"])
    identity = Identity(clock=clock, hasher=FAST_HASHER)
    tokens = {}
    with engine.transaction() as s, s.begin():
        for name, tenant, roles in (("reviewer1-13", "13", ["reviewer"]), ("scorer1-13", "13", ["scorer"]),
                                    ("admin1-13", "13", ["admin"]), ("reviewer1-27", "27", ["reviewer"])):
            user: StaffUser = identity.create_user(s, name, name, tenant, roles, "Sakura-2026-haru")
            tokens[name] = issue(s, user, "test", clock.now)
    app = create_app(engine=engine, identity=identity, scheduler=False)
    client = app.test_client()

    def send(method: str, path: str, who: str = "reviewer1-13", fresh: bool = False, **kwargs):  # type: ignore[no-untyped-def]
        by = app.test_client() if fresh else client  # fresh: a client of its own, for another thread
        return by.open(path, method=method, headers={"Authorization": f"Bearer {tokens[who]}"}, **kwargs)
    return send


def _paper(life: Life, **over):  # type: ignore[no-untyped-def]
    person = life.residents[90]
    body = {"applicant_name": person["name"], "name_kana": person["name_kana"], "birth_date": person["birth_date"],
            "sex": person["sex"], "address": person["address"], "grade": "2級", "trade_code": "0401",
            "trade_name": "機械加工", "experience_years": 3, "schooling": "なし", "prior_pass": "なし",
            "my_number": person["my_number"]}
    return body | over, person


def test_a_paper_application_is_filed_once_and_read_back(engine, life, call):  # type: ignore[no-untyped-def]
    body, person = _paper(life, id="PAPER-2026-0001")
    filed = call("POST", "/api/v1/applications", json=body)
    assert filed.status_code == 201, filed.get_json()
    out = filed.get_json()  # a paper form: a person checks the entry before the registry numbers it
    assert (out["status"], out["application_id"], out["open_tasks"]) == ("received", None, ["paper_entry_check"])
    again = call("POST", "/api/v1/applications", json=body)  # the caller retried: nothing filed twice
    assert again.status_code == 200 and again.get_json()["instance_id"] == out["instance_id"]
    assert again.get_json()["status"] == "already_received"
    life.complete(out["instance_id"], "paper_entry_check", "reviewer1", entry_confirmed=True)
    out["application_id"] = engine.instance(out["instance_id"])["variables"]["application_id"]
    assert out["application_id"].startswith("13-")
    variables = engine.instance(out["instance_id"])["variables"]
    assert variables["channel"] == "paper" and "pseudonym_id" not in variables and "my_number" not in variables
    assert person["my_number"] not in str(engine.instance(out["instance_id"]))
    with engine.reading() as s:
        assert len(s.scalars(select(Application)).all()) == 1
        assert len(s.scalars(select(MyNumberRecord)).all()) == 1
    read = call("GET", f"/api/v1/applications/{out['application_id']}", who="scorer1-13").get_json()
    assert read["instance_id"] == out["instance_id"] and read["channel"] == "paper"
    assert read["applicant"]["name"] == person["name"] and person["my_number"] not in str(read)
    assert read["process_status"] == "running" and read["open_tasks"] == ["eligibility_review"]
    assert call("GET", f"/api/v1/applications/{out['application_id']}", who="reviewer1-27").status_code == 404


def test_bad_applications_are_refused_by_field_and_store_nothing(engine, life, call):  # type: ignore[no-untyped-def]
    body, person = _paper(life)
    wrong_digit = person["my_number"][:-1] + str((int(person["my_number"][-1]) + 1) % 10)
    cases = [
        ({**body, "my_number": wrong_digit}, 422, "my_number"),
        ({k: v for k, v in body.items() if k != "applicant_name"}, 422, "applicant_name"),
        ({**body, "birth_date": "1990-13-40"}, 422, "birth_date"),
        ({**body, "experience_years": 99}, 422, "experience_years"),
        ({**body, "experience_years": [3]}, 400, "experience_years"),
        ({**body, "tenant": "27"}, 403, "tenant"),
        ({**body, "channel": "fax"}, 400, "channel"),
        ({**body, "channel": "online"}, 400, "pseudonym_id"),
        ({**body, "pseudonym_id": "paper-13-1"}, 400, "pseudonym_id"),
        ({**body, "id": "a b"}, 400, "id"),
        ({**body, "written_exemption_claimed": "true"}, 400, "written_exemption_claimed"),
        ({**body, "channel": "online", "pseudonym_id": "PSN-cccccccccccccccccccccccccccccccc"}, 403, "pseudonym_id"),  # a reviewer's token
    ]
    for sent, status, field in cases:
        answer = call("POST", "/api/v1/applications", json=sent)
        assert (answer.status_code, answer.get_json()["field"]) == (status, field), (sent, answer.get_json())
        assert wrong_digit not in answer.get_data(as_text=True)
    assert call("POST", "/api/v1/applications", json=body, who="scorer1-13").status_code == 403
    assert call("POST", "/api/v1/applications", data=b"[1]", content_type="application/json").status_code == 400
    deep = call("POST", "/api/v1/applications", data=b"[" * 100_000, content_type="application/json")
    assert deep.status_code == 400 and deep.get_json()["field"] == "body"
    with engine.reading() as s:
        assert s.scalars(select(MyNumberRecord)).all() == [] and s.scalars(select(Application)).all() == []


def test_an_online_application_reaches_the_applicants_inbox(engine, life, call):  # type: ignore[no-untyped-def]
    body, _ = _paper(life, channel="online", pseudonym_id="PSN-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
    out = call("POST", "/api/v1/applications", json=body, who="admin1-13").get_json()
    assert out["status"] == "registered" and out["application_id"].startswith("13-")
    variables = engine.instance(out["instance_id"])["variables"]
    assert variables["channel"] == "online" and variables["pseudonym_id"] == "PSN-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"


def test_an_incident_is_resolved_by_hand_over_the_api(engine, life, call, services):  # type: ignore[no-untyped-def]
    services["juki"].shutdown()  # 住基ネット is down: the identity check fails until an incident opens
    body, _ = _paper(life, channel="online", pseudonym_id="PSN-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")
    out = call("POST", "/api/v1/applications", json=body, who="admin1-13").get_json()
    for _ in range(8):
        life.drain()
        life.clock.advance(minutes=10)
    [incident] = call("GET", "/api/v1/incidents", who="admin1-13").get_json()["incidents"]
    path = f"/api/v1/incidents/{incident['id']}/resolve"
    assert call("POST", path, json={"note": "x"}).status_code == 403  # a reviewer
    assert call("POST", path, who="reviewer1-27", json={"note": "x"}).status_code == 403
    for sent, status, field in (({}, 400, "note"), ({"note": " "}, 422, "note"),
                                ({"note": "ok", "variables": [1]}, 400, "variables")):
        answer = call("POST", path, who="admin1-13", json=sent)
        assert (answer.status_code, answer.get_json()["field"]) == (status, field)
    done = call("POST", path, who="admin1-13",
                json={"note": "窓口で住民票の写しを確認した", "variables": {"juki_outcome": "one_hit", "juki_status": "active"}})
    assert done.status_code == 200 and done.get_json()["outcome"] == "resolved_by_hand"
    assert call("POST", path, who="admin1-13", json={"note": "again"}).status_code == 409
    info = engine.instance(out["instance_id"])
    assert info["variables"]["juki_outcome"] == "one_hit" and [t["element_id"] for t in info["tasks"]] == [
        "eligibility_review"]
    assert call("GET", "/api/v1/incidents", who="admin1-13").get_json()["incidents"] == []
    closed = call("GET", "/api/v1/incidents?status=all", who="admin1-13").get_json()["incidents"]
    assert closed[0]["resolution_note"] == "窓口で住民票の写しを確認した"
    for who in ("reviewer1-13", "scorer1-13"):  # the note may name people: administrators only
        assert call("GET", "/api/v1/incidents?status=all", who=who).get_json()["incidents"][0]["resolution_note"] is None
        instance = call("GET", f"/api/v1/instances/{out['instance_id']}", who=who).get_json()
        assert "窓口" not in str(instance)


def test_the_same_request_id_sent_twice_at_once_files_one_application(engine, life, call):  # type: ignore[no-untyped-def]
    import threading
    body, _ = _paper(life, id="PAPER-RACE-1")
    start, answers = threading.Barrier(2), []

    def send() -> None:
        start.wait()
        answers.append(call("POST", "/api/v1/applications", json=body, fresh=True))
    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(a.status_code for a in answers) == [200, 201], [a.get_json() for a in answers]
    assert len({a.get_json()["instance_id"] for a in answers}) == 1
    with engine.reading() as s:
        assert len(s.scalars(select(MyNumberRecord)).all()) == 1
