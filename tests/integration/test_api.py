"""/api/v1 through Flask's test client: tokens, scoping, every endpoint's errors, and a fuzz of the OpenAPI document."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from engine.identity import Identity, StaffUser
from engine.identity.passwords import FAST_HASHER
from engine.identity.tokens import issue
from tests.browser.test_inbox import REVIEW
from tests.conftest import deploy_fixture


@pytest.fixture
def api(engine, clock, tmp_path, handlers):  # type: ignore[no-untyped-def]
    from web import create_app
    engine.settings = replace(engine.settings, keyring_path=tmp_path / "keyring.json")
    identity = Identity(clock=clock, hasher=FAST_HASHER)
    tokens = {}
    with engine.transaction() as s, s.begin():
        for name, tenant, roles in (("reviewer1-13", "13", ["reviewer"]), ("admin1-13", "13", ["admin"]),
                                    ("reviewer1-27", "27", ["reviewer"]), ("payment1-13", "13", ["payment"])):
            user: StaffUser = identity.create_user(s, name, name, tenant, roles, "Sakura-2026-haru")
            tokens[name] = issue(s, user, "test", clock.now)
    engine.deploy([("review.bpmn", REVIEW)])
    app = create_app(engine=engine, identity=identity, scheduler=False)
    client = app.test_client()

    def call(method: str, path: str, who: str | None = "reviewer1-13", **kwargs):  # type: ignore[no-untyped-def]
        headers = {"Authorization": f"Bearer {tokens[who]}"} if who else {}
        headers |= kwargs.pop("headers", {})
        return client.open(path, method=method, headers=headers, **kwargs)
    return call


def _start(engine, clock, tenant: str = "13", n: int = 1) -> int:  # type: ignore[no-untyped-def]
    return engine.start("review", tenant, {"applicant_name": f"申請 {n}",
                                           "reviewDueDate": (clock.now + timedelta(days=3)).isoformat()},
                        business_key=f"{tenant}-2026-A{n:06d}")


def test_a_task_is_listed_claimed_and_completed_over_the_api(engine, clock, api):  # type: ignore[no-untyped-def]
    iid = _start(engine, clock)
    _start(engine, clock, "27", 2)
    listed = api("GET", "/api/v1/tasks?scope=unassigned&sort=due").get_json()
    assert listed["total"] == 1 and listed["tasks"][0]["instance_id"] == iid
    task_id = listed["tasks"][0]["id"]
    assert api("POST", f"/api/v1/tasks/{task_id}/complete", json={"data": {}}).status_code == 409  # not claimed
    assert api("POST", f"/api/v1/tasks/{task_id}/claim").get_json()["assignee"] == "reviewer1-13"
    bad = api("POST", f"/api/v1/tasks/{task_id}/complete", json={"data": {"experience_years": 99}})
    assert bad.status_code == 422 and bad.get_json()["fields"]["decision"] == "is required"
    assert bad.get_json()["field"] in ("decision", "experience_years")
    done = api("POST", f"/api/v1/tasks/{task_id}/complete",
               json={"data": {"decision": "approve", "experience_years": 4}})
    assert done.status_code == 200 and done.get_json()["instance_id"] == iid
    history = api("GET", f"/api/v1/instances/{iid}/history").get_json()
    assert history["chain_problems"] == [] and any(e["kind"] == "task_completed" for e in history["events"])
    assert api("GET", f"/api/v1/instances/{iid}").get_json()["tasks"][0]["element_id"] == "score_entry"


def test_another_prefecture_gets_404_for_every_object(engine, clock, api):  # type: ignore[no-untyped-def]
    iid = _start(engine, clock)
    task_id = engine.tasks(instance_id=iid)[0]["id"]
    for method, path in (("GET", f"/api/v1/tasks/{task_id}"), ("POST", f"/api/v1/tasks/{task_id}/claim"),
                         ("POST", f"/api/v1/tasks/{task_id}/unclaim"), ("POST", f"/api/v1/tasks/{task_id}/complete"),
                         ("GET", f"/api/v1/instances/{iid}"), ("GET", f"/api/v1/instances/{iid}/history")):
        response = api(method, path, who="reviewer1-27", json={})
        assert response.status_code == 404, (method, path, response.get_json())
    assert api("GET", "/api/v1/tasks", who="reviewer1-27").get_json()["total"] == 0
    message = api("POST", "/api/v1/messages", who="reviewer1-27", json={"name": "fee_paid", "key": "13-2026-A000001"})
    assert message.status_code == 404 and message.get_json()["field"] == "key"


@pytest.mark.parametrize(("method", "path", "body", "status", "field"), [
    ("GET", "/api/v1/tasks?scope=everything", None, 400, "scope"),
    ("GET", "/api/v1/tasks?page=0", None, 400, "page"),
    ("GET", "/api/v1/tasks?per_page=1000", None, 400, "per_page"),
    ("GET", "/api/v1/tasks?sort=id;drop", None, 400, "sort"),
    ("GET", "/api/v1/tasks/nope", None, 404, None),
    ("POST", "/api/v1/tasks/nope/claim", None, 404, None),
    ("GET", "/api/v1/instances/999999", None, 404, None),
    ("GET", "/api/v1/instances/abc", None, 404, None),
    ("POST", "/api/v1/messages", {"key": "13-x"}, 400, "name"),
    ("POST", "/api/v1/messages", {"name": "fee_paid"}, 400, "key"),
    ("POST", "/api/v1/messages", {"name": "fee_paid", "key": "13-x", "data": [1]}, 400, "data"),
    ("POST", "/api/v1/messages", {"name": "fee_paid", "key": "13-x", "id": ""}, 400, "id"),
    ("POST", "/api/v1/messages", [1, 2], 400, "body"),
    ("GET", "/api/v1/incidents?status=closed", None, 400, "status"),
    ("POST", "/api/v1/incidents/5/retry", None, 403, None),
    ("GET", "/api/v1/nothing-here", None, 404, None),
])
def test_bad_input_is_a_json_4xx(api, method, path, body, status, field):  # type: ignore[no-untyped-def]
    response = api(method, path, json=body) if body is not None else api(method, path)
    assert response.status_code == status and response.is_json, response.data
    assert response.get_json()["field"] == field


def test_tokens_are_required_and_checked(api):  # type: ignore[no-untyped-def]
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer kt_not-a-real-token"}):
        response = api("GET", "/api/v1/tasks", who=None, headers=headers)
        assert response.status_code == 401 and response.get_json()["field"] == "Authorization"
    assert api("POST", "/api/v1/messages", data=b"{not json", content_type="application/json").status_code == 400


def test_a_message_is_delivered_or_a_duplicate(engine, clock, api):  # type: ignore[no-untyped-def]
    deploy_fixture(engine, "payment.bpmn")
    iid = engine.start("payment", "13", {"payDeadline": (clock.now + timedelta(days=3)).isoformat()},
                       business_key="13-2026-A000009")
    body = {"name": "fee_paid", "key": "13-2026-A000009", "id": "PAY-1", "data": {"amount": 3100}}
    first = api("POST", "/api/v1/messages", who="payment1-13", json=body)
    assert first.status_code == 200 and first.get_json() == {"status": "delivered", "instance_id": iid,
                                                             "message_id": "PAY-1"}
    again = api("POST", "/api/v1/messages", who="payment1-13", json=body)
    assert again.get_json()["status"] == "duplicate"


def test_incidents_and_their_retry_need_the_admin_role(engine, clock, api, handlers):  # type: ignore[no-untyped-def]
    handlers.register("test.remote", lambda ctx, data: (_ for _ in ()).throw(TimeoutError("down")), "remote")
    deploy_fixture(engine, "remote.bpmn")
    engine.start("remote", "13")
    for _ in range(6):
        engine.run_jobs("w")
        clock.advance(seconds=40)
    [incident] = api("GET", "/api/v1/incidents", who="admin1-13").get_json()["incidents"]
    assert api("GET", "/api/v1/incidents", who="reviewer1-27").get_json()["incidents"] == []
    assert api("POST", f"/api/v1/incidents/{incident['id']}/retry").status_code == 403
    retried = api("POST", f"/api/v1/incidents/{incident['id']}/retry", who="admin1-13")
    assert retried.status_code == 200 and retried.get_json()["outcome"] == "job_rescheduled"


def test_the_openapi_document_names_every_route(api):  # type: ignore[no-untyped-def]
    from flask import current_app  # noqa: F401
    doc = api("GET", "/api/v1/openapi.json", who=None).get_json()
    assert doc["openapi"] == "3.1.0"
    routes = {"/api/v1/tasks", "/api/v1/tasks/{task_id}", "/api/v1/tasks/{task_id}/claim",
              "/api/v1/tasks/{task_id}/unclaim", "/api/v1/tasks/{task_id}/complete",
              "/api/v1/instances/{instance_id}", "/api/v1/instances/{instance_id}/history", "/api/v1/messages", "/api/v1/signals",
              "/api/v1/incidents", "/api/v1/incidents/{incident_id}/retry", "/api/v1/deployments",
              "/api/v1/incidents/{incident_id}/resolve", "/api/v1/applications",
              "/api/v1/applications/{application_id}",
              "/api/v1/openapi.json"}
    assert set(doc["paths"]) == routes
