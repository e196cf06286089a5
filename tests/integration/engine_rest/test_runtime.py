"""/engine-rest runtime: starting instances, process instances and their variables and activity tree,
incidents and jobs — semantics, roles, prefecture scoping and bad input."""
from __future__ import annotations

from sqlalchemy import select

from engine.db.models import Incident
from tests.integration.engine_rest.conftest import PASSWORD
from tests.integration.engine_rest.runtime_bpmn import (
    FAILING, PAYMENT, REMOTE, REMOTE_FAILS, REVIEW, definition_id, deploy, register_handlers,
)

R = "/engine-rest"
INSTANCE_KEYS = {"links", "id", "definitionId", "definitionKey", "businessKey", "caseInstanceId", "ended", "suspended",
                 "tenantId"}


def setup(rest):  # type: ignore[no-untyped-def]
    register_handlers(rest.engine.handlers)
    deploy(rest.engine, "13", ("review.bpmn", REVIEW), ("failing.bpmn", FAILING), ("remote.bpmn", REMOTE))
    deploy(rest.engine, None, ("payment.bpmn", PAYMENT))
    deploy(rest.engine, "27", ("review.bpmn", REVIEW))


def start(rest, key="review", who="admin1-13", **body):  # type: ignore[no-untyped-def]
    response = rest("POST", f"{R}/process-definition/key/{key}/start", who=who, json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_start_by_id_key_and_tenant_as_camunda(rest):  # type: ignore[no-untyped-def]
    setup(rest)
    own, shared, other = (definition_id(rest.engine, "review", "13"), definition_id(rest.engine, "payment", ""),
                          definition_id(rest.engine, "review", "27"))
    got = rest("POST", f"{R}/process-definition/{own}/start", json={
        "businessKey": "13-2026-A1", "variables": {"amount": {"value": 5, "type": "Integer"}, "name": {"value": "Sato"}},
        "withVariablesInReturn": True, "startInstructions": [], "skipCustomListeners": False})
    assert got.status_code == 200 and got.headers["Content-Type"] == "application/json"
    body = got.get_json()
    assert set(body) == INSTANCE_KEYS | {"variables"}
    assert body["definitionId"] == own and body["definitionKey"] == "review" and body["tenantId"] == "13"
    assert body["businessKey"] == "13-2026-A1" and body["ended"] is False and body["suspended"] is False
    assert body["links"] == [{"method": "GET", "href": f"http://localhost{R}/process-instance/{body['id']}",
                              "rel": "self"}]
    assert body["variables"]["amount"] == {"type": "Integer", "value": 5, "valueInfo": {}}
    # a shared definition starts for the caller's prefecture; another prefecture's own is not there
    started = rest("POST", f"{R}/process-definition/{shared}/start", json={}).get_json()
    assert started["tenantId"] == "13" and started["definitionId"] == shared
    for wrong in (other, "review:1:999999", "review:9:" + own.rsplit(":", 1)[1], "nonsense", "a:1:99999999999"):
        missing = rest("POST", f"{R}/process-definition/{wrong}/start", json={})
        assert missing.status_code == 404 and missing.get_json()["message"]
    assert start(rest)["definitionId"] == own and "variables" not in start(rest)
    assert rest("POST", f"{R}/process-definition/key/review/tenant-id/13/start", json={}).status_code == 200
    assert rest("POST", f"{R}/process-definition/key/review/tenant-id/27/start", json={}).status_code == 404
    unknown = rest("POST", f"{R}/process-definition/key/nope/start", json={})
    assert unknown.status_code == 404
    assert unknown.get_json()["message"] == "No matching process definition with key: nope and no tenant-id"
    assert rest("POST", f"{R}/process-definition/key/review/submit-form", json={"variables": {}}).status_code == 200
    # 27's admin starts 27's own version
    assert start(rest, who="admin1-27")["definitionId"] == other


def test_start_roles_and_bad_input(rest):  # type: ignore[no-untyped-def]
    setup(rest)
    path = f"{R}/process-definition/key/review/start"
    assert start(rest, who="analyst1-13")["tenantId"] == "13"
    no_data = rest("POST", path, who="analyst1-13", json={"withVariablesInReturn": True})
    assert no_data.status_code == 403 and no_data.get_json()["type"] == "AuthorizationException"
    for who in ("reviewer1-13", "worker1-13", "payment1-13"):
        assert rest("POST", path, who=who, json={}).status_code == 403
    assert rest("POST", path, who=None, json={}).status_code == 401
    for bad in ({"startInstructions": [{"type": "startBeforeActivity", "activityId": "check"}]},
                {"variables": {"n": {"value": "x", "type": "Integer"}}}, {"variables": []},
                {"businessKey": 7}, {"businessKey": "x" * 200}, {"caseInstanceId": "c1"},
                {"withVariablesInReturn": "yes"}, {"variables": {"f": {"value": "AA==", "type": "Bytes"}}}):
        refused = rest("POST", path, json=bad)
        assert refused.status_code == 400 and refused.get_json()["type"] and refused.get_json()["message"], bad
    assert rest("POST", path, data=b"{not json", content_type="application/json").status_code == 400
    assert rest("POST", path, data=b"", content_type="application/json").status_code == 200  # an empty body is {}


def test_a_start_that_fails_opens_an_incident_and_answers_200(rest):  # type: ignore[no-untyped-def]
    setup(rest)
    body = start(rest, key="failing")
    assert body["ended"] is False
    assert rest("GET", f"{R}/process-instance/{body['id']}").status_code == 200
    incidents = rest("GET", f"{R}/incident?processInstanceId={body['id']}").get_json()
    assert len(incidents) == 1 and incidents[0]["incidentType"] == "failedJob"
    assert incidents[0]["activityId"] == "boom" and "registry is down" in incidents[0]["incidentMessage"]


def test_instance_list_filters_count_and_scoping(rest):  # type: ignore[no-untyped-def]
    setup(rest)
    a = start(rest, businessKey="13-A", variables={"amount": {"value": 10}, "flag": {"value": True}})
    b = start(rest, businessKey="13-B", variables={"amount": {"value": 3}})
    c = start(rest, key="payment", businessKey="13-C")
    theirs = start(rest, who="admin1-27", businessKey="27-A")

    def ids(query: str, who: str = "admin1-13", method: str = "GET", json=None) -> list[str]:  # type: ignore[no-untyped-def]
        got = rest(method, f"{R}/process-instance{query}", who=who, json=json)
        assert got.status_code == 200, got.get_json()
        return [i["id"] for i in got.get_json()]

    assert ids("") == [a["id"], b["id"], c["id"]]
    assert all(set(i) == INSTANCE_KEYS for i in rest("GET", f"{R}/process-instance").get_json())
    assert ids("?businessKey=13-A") == [a["id"]] and ids("?businessKeyLike=13-%") == [a["id"], b["id"], c["id"]]
    assert ids("?processDefinitionKey=payment") == [c["id"]]
    assert ids("?processDefinitionKeyIn=payment,review") == [a["id"], b["id"], c["id"]]
    assert ids(f"?processDefinitionId={a['definitionId']}") == [a["id"], b["id"]]
    assert ids("?variables=amount_gt_5") == [a["id"]] and ids("?variables=amount_eq_3") == [b["id"]]
    assert ids("?variables=flag_eq_true,amount_gteq_10") == [a["id"]]
    assert ids("?activityIdIn=check") == [a["id"], b["id"]] and ids("?activityIdIn=wait_paid") == [c["id"]]
    assert ids(f"?processInstanceIds={a['id']},{c['id']},x") == [a["id"], c["id"]]
    assert ids("?sortBy=businessKey&sortOrder=desc") == [c["id"], b["id"], a["id"]]
    assert ids("?firstResult=1&maxResults=1") == [b["id"]]
    assert ids("?tenantIdIn=27") == [] and ids("?withoutTenantId=true") == [] and ids("?suspended=true") == []
    assert ids("?withIncident=true") == [] and ids("?superProcessInstance=1") == [] and ids("?deploymentId=x") == []
    assert ids("?active=true&tenantIdIn=13") == [a["id"], b["id"], c["id"]]
    assert ids("", method="POST", json={"variables": [{"name": "amount", "operator": "lt", "value": 5}],
                                       "sorting": [{"sortBy": "instanceId", "sortOrder": "desc"}]}) == [b["id"]]
    assert rest("GET", f"{R}/process-instance/count?processDefinitionKey=review").get_json() == {"count": 2}
    assert rest("POST", f"{R}/process-instance/count", json={"businessKey": "13-C"}).get_json() == {"count": 1}
    for bad in ("?sortBy=instanceId", "?sortBy=nope&sortOrder=asc", "?variables=amount", "?maxResults=-1",
                "?withIncident=maybe", "?variables=a_zz_1"):
        assert rest("GET", f"{R}/process-instance{bad}").status_code == 400, bad
    # a user of 27 sees nothing of 13; 13 sees nothing of 27
    assert ids("", who="admin1-27") == [theirs["id"]] and ids("?businessKey=13-A", who="reviewer1-27") == []
    assert rest("GET", f"{R}/process-instance/count", who="reviewer1-27").get_json() == {"count": 1}
    for path in (f"/process-instance/{a['id']}", f"/process-instance/{a['id']}/variables",
                 f"/process-instance/{a['id']}/variables/amount", f"/process-instance/{a['id']}/activity-instances"):
        assert rest("GET", R + path, who="admin1-27").status_code == 404
        assert rest("GET", R + path, who="analyst1-13").status_code == 403
    assert rest("GET", f"{R}/process-instance", who="analyst1-13").status_code == 403
    assert rest("GET", f"{R}/process-instance/{theirs['id']}").status_code == 404


def test_instance_get_variables_and_the_activity_tree(rest):  # type: ignore[no-untyped-def]
    setup(rest)
    a = start(rest, businessKey="13-A", variables={"amount": {"value": 10}, "doc": {"value": {"k": [1]}, "type": "Json"}})
    got = rest("GET", f"{R}/process-instance/{a['id']}", who="reviewer1-13").get_json()
    assert got == {k: a[k] for k in INSTANCE_KEYS}
    variables = rest("GET", f"{R}/process-instance/{a['id']}/variables?deserializeValues=false").get_json()
    assert variables["amount"] == {"type": "Integer", "value": 10, "valueInfo": {}}
    assert variables["doc"]["type"] == "Json" and variables["doc"]["value"] == '{"k":[1]}'
    assert rest("GET", f"{R}/process-instance/{a['id']}/variables/amount").get_json()["value"] == 10
    missing = rest("GET", f"{R}/process-instance/{a['id']}/variables/nope")
    assert missing.status_code == 404 and "nope" in missing.get_json()["message"]
    assert rest("GET", f"{R}/process-instance/{a['id']}/variables/amount/data").status_code == 400
    for wrong in ("abc", "0", "99999999999", "-1", "999999"):
        response = rest("GET", f"{R}/process-instance/{wrong}")
        assert response.status_code == 404
        assert response.get_json()["message"] == f"Process instance with id {wrong} does not exist"
    tree = rest("GET", f"{R}/process-instance/{a['id']}/activity-instances").get_json()
    task = rest.engine.tasks(instance_id=int(a["id"]))[0]
    assert tree["id"] == a["id"] and tree["activityId"] == a["definitionId"] and tree["activityType"] == "processDefinition"
    assert tree["parentActivityInstanceId"] is None and tree["name"] == "Review an application"
    [child] = tree["childActivityInstances"]
    assert child["id"] == f"check:{task['id']}" and child["activityType"] == "userTask" and child["name"] == "Check it"
    assert child["executionIds"] == [task["id"]] and child["parentActivityInstanceId"] == a["id"]
    assert child["incidents"] == [] and child["childTransitionInstances"] == []


def test_set_variables_through_an_operation_and_delete_is_refused(rest):  # type: ignore[no-untyped-def]
    setup(rest)
    a = start(rest, variables={"amount": {"value": 10}, "old": {"value": "x"}})
    path = f"{R}/process-instance/{a['id']}/variables"
    done = rest("POST", path, json={"modifications": {"amount": {"value": 12, "type": "Long"}, "note": {"value": "ok"}},
                                    "deletions": ["old"]})
    assert done.status_code == 204
    variables = rest("GET", path).get_json()
    assert variables["amount"]["value"] == 12 and variables["note"]["value"] == "ok" and "old" not in variables
    assert rest("POST", path, who="worker1-13", json={"modifications": {"w": {"value": 1}}, "workerId": "j"}).status_code == 204
    assert rest("PUT", f"{path}/single", json={"value": True, "type": "Boolean"}).status_code == 204
    assert rest("DELETE", f"{path}/note").status_code == 204
    variables = rest("GET", path).get_json()
    assert variables["single"]["value"] is True and variables["w"]["value"] == 1 and "note" not in variables
    events = [e for e in rest.engine.history(int(a["id"])) if e["kind"] == "variables_set"]
    assert events[0]["detail"] == {"set": ["amount", "note"], "deleted": ["old"]} and events[0]["actor"] == "admin1-13"
    assert rest.engine.verify_history(int(a["id"])) == []
    # the task still sees them when it is completed: they reach what comes next
    task = rest.engine.tasks(instance_id=int(a["id"]))[0]
    rest.engine.complete_task(task["id"], "reviewer1-13", {})
    assert rest.engine.instance(int(a["id"]))["variables"]["amount"] == 12
    assert rest("POST", path, who="reviewer1-13", json={"modifications": {}}).status_code == 403
    assert rest("POST", path, who="admin1-27", json={"modifications": {}}).status_code == 404
    for bad in ({"modifications": []}, {"deletions": "old"}, {"modifications": {"x": {"value": "a", "type": "Short"}}}):
        assert rest("POST", path, json=bad).status_code == 400
    refused = rest("DELETE", f"{R}/process-instance/{a['id']}")
    assert refused.status_code == 400 and "cancel" in refused.get_json()["message"]
    assert rest("DELETE", f"{R}/process-instance/{a['id']}", who="reviewer1-13").status_code == 403
    assert rest("DELETE", f"{R}/process-instance/{a['id']}", who="admin1-27").status_code == 404


def _auditor(rest):  # type: ignore[no-untyped-def]
    with rest.engine.transaction() as s, s.begin():
        rest.identity.create_user(s, "auditor1-13", "auditor1-13", "13", ["auditor"], PASSWORD)


def test_incidents_jobs_and_retries(rest, clock):  # type: ignore[no-untyped-def]
    setup(rest)
    _auditor(rest)
    REMOTE_FAILS["now"] = True
    failing = start(rest, key="failing")
    remote = start(rest, key="remote")
    jobs = rest("GET", f"{R}/job?processInstanceId={remote['id']}").get_json()
    assert len(jobs) == 1 and jobs[0]["retries"] == 3 and jobs[0]["exceptionMessage"] is None
    for _ in range(4):
        rest.engine.run_jobs("w1")
        clock.advance(seconds=600)
    incidents = rest("GET", f"{R}/incident?sortBy=incidentId&sortOrder=asc", who="auditor1-13").get_json()
    assert [i["processInstanceId"] for i in incidents] == [failing["id"], remote["id"]]
    job_incident = incidents[1]
    assert set(job_incident) == {"id", "processDefinitionId", "processInstanceId", "executionId", "incidentTimestamp",
                                 "incidentType", "activityId", "failedActivityId", "causeIncidentId",
                                 "rootCauseIncidentId", "configuration", "tenantId", "incidentMessage",
                                 "jobDefinitionId", "annotation"}
    assert job_incident["incidentType"] == "failedJob" and job_incident["configuration"] == jobs[0]["id"]
    assert job_incident["executionId"] == jobs[0]["executionId"] and job_incident["tenantId"] == "13"
    assert job_incident["processDefinitionId"] == remote["definitionId"] and job_incident["activityId"] == "call"
    assert job_incident["incidentTimestamp"].endswith("+0000") and "Juki-net" in job_incident["incidentMessage"]
    assert rest("GET", f"{R}/incident?configuration={jobs[0]['id']}").get_json() == [job_incident]
    assert rest("GET", f"{R}/incident?incidentType=failedExternalTask").get_json() == []
    assert rest("GET", f"{R}/incident/count?activityId=boom").get_json() == {"count": 1}
    assert rest("GET", f"{R}/incident/{job_incident['id']}").get_json() == job_incident
    assert rest("GET", f"{R}/incident?incidentTimestampAfter=2030-01-01T00:00:00.000%2B0000").get_json() == []
    assert rest("GET", f"{R}/process-instance?withIncident=true").get_json()[0]["id"] == failing["id"]
    stuck = rest("GET", f"{R}/job/{jobs[0]['id']}").get_json()
    assert stuck["retries"] == 0 and "Juki-net" in stuck["exceptionMessage"]
    assert [j["id"] for j in rest("GET", f"{R}/job?noRetriesLeft=true&withException=true").get_json()] == [jobs[0]["id"]]
    # other prefectures and roles
    assert rest("GET", f"{R}/incident", who="admin1-27").get_json() == []
    assert rest("GET", f"{R}/incident/count", who="admin1-27").get_json() == {"count": 0}
    assert rest("GET", f"{R}/incident/{job_incident['id']}", who="admin1-27").status_code == 404
    assert rest("GET", f"{R}/job/{jobs[0]['id']}", who="admin1-27").status_code == 404
    assert rest("GET", f"{R}/job/count", who="admin1-27").get_json() == {"count": 0}
    for who in ("reviewer1-13", "analyst1-13", "worker1-13"):
        assert rest("GET", f"{R}/incident", who=who).status_code == 403
    retries = f"{R}/job/{jobs[0]['id']}/retries"
    assert rest("PUT", retries, who="auditor1-13", json={"retries": 1}).status_code == 403
    assert rest("PUT", retries, who="admin1-27", json={"retries": 1}).status_code == 404
    for bad in ({}, {"retries": -1}, {"retries": "2"}, {"retries": True}, {"retries": 2**40}):
        assert rest("PUT", retries, json=bad).status_code == 400
    # retries set: the job runs again as the incident's retry does, and the instance goes on
    REMOTE_FAILS["now"] = False
    assert rest("PUT", retries, json={"retries": 2}).status_code == 204
    assert rest("GET", f"{R}/job/{jobs[0]['id']}").get_json()["retries"] == 3
    assert rest("GET", f"{R}/incident?processInstanceId={remote['id']}").get_json() == []
    rest.engine.run_jobs("w1")
    assert rest.engine.instance(int(remote["id"]))["status"] == "completed"
    assert rest("GET", f"{R}/job/{jobs[0]['id']}").status_code == 404
    with rest.engine.reading() as s:
        assert s.scalar(select(Incident.resolved_by).where(Incident.job_id == int(jobs[0]["id"]))) == "admin1-13"


def test_an_outside_workers_account_reads_no_instance_or_history(rest):  # type: ignore[no-untyped-def]
    """A worker program sees the variables of the tasks it fetches and may set variables; it lists no instance
    and reads no history (personal data of every application)."""
    setup(rest)
    iid = start(rest)["id"]
    for path in ("/process-instance", "/process-instance/count", f"/process-instance/{iid}",
                 f"/process-instance/{iid}/variables", "/history/process-instance", "/history/activity-instance",
                 "/history/variable-instance"):
        got = rest("GET", R + path, who="worker1-13")
        assert got.status_code == 403 and got.get_json()["type"] == "AuthorizationException", path
        assert rest("GET", R + path, who="reviewer1-13").status_code == 200, path
