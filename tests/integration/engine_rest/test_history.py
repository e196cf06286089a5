"""/engine-rest history: process instances, activity instances (from the history events) and variables."""
from __future__ import annotations

from tests.integration.engine_rest.runtime_bpmn import PAYMENT, REVIEW, deploy

R = "/engine-rest"
HPI_KEYS = {"id", "rootProcessInstanceId", "superProcessInstanceId", "superCaseInstanceId", "caseInstanceId",
            "processDefinitionName", "processDefinitionKey", "processDefinitionVersion", "processDefinitionId",
            "businessKey", "startTime", "endTime", "removalTime", "durationInMillis", "startUserId", "startActivityId",
            "deleteReason", "tenantId", "state", "restartedProcessInstanceId"}
HAI_KEYS = {"id", "parentActivityInstanceId", "activityId", "activityName", "activityType", "processDefinitionKey",
            "processDefinitionId", "processInstanceId", "executionId", "taskId", "calledProcessInstanceId",
            "calledCaseInstanceId", "assignee", "startTime", "endTime", "durationInMillis", "canceled", "completeScope",
            "tenantId", "removalTime", "rootProcessInstanceId"}


def start(rest, key, who="admin1-13", **body):  # type: ignore[no-untyped-def]
    response = rest("POST", f"{R}/process-definition/key/{key}/start", who=who, json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["id"]


def test_history_of_instances_activities_and_variables(rest, clock):  # type: ignore[no-untyped-def]
    deploy(rest.engine, "13", ("review.bpmn", REVIEW), ("payment.bpmn", PAYMENT))
    deploy(rest.engine, "27", ("review.bpmn", REVIEW))
    iid = start(rest, "review", businessKey="13-R1", variables={"amount": {"value": 4}})
    clock.advance(minutes=5)
    task = rest.engine.tasks(instance_id=int(iid))[0]
    rest.engine.complete_task(task["id"], "reviewer1-13", {})
    clock.advance(minutes=10)
    rest.engine.correlate("paid", "13-R1", {"amount": 9}, tenant="13")
    open_one = start(rest, "payment", businessKey="13-P1")
    theirs = start(rest, "review", who="admin1-27", businessKey="27-R1")

    listing = rest("GET", f"{R}/history/process-instance?sortBy=instanceId&sortOrder=asc")
    assert listing.status_code == 200
    done, waiting = listing.get_json()
    assert set(done) == HPI_KEYS and done["id"] == iid and done["state"] == "COMPLETED"
    assert done["startTime"] == "2026-04-01T00:00:00.000+0000" and done["endTime"] == "2026-04-01T00:15:00.000+0000"
    assert done["durationInMillis"] == 15 * 60 * 1000 and done["startUserId"] == "admin1-13"
    assert done["startActivityId"] == "start" and done["processDefinitionName"] == "Review an application"
    assert done["processDefinitionVersion"] == 1 and done["removalTime"] is None and done["tenantId"] == "13"
    assert waiting["id"] == open_one and waiting["state"] == "ACTIVE" and waiting["endTime"] is None
    q = f"{R}/history/process-instance"
    assert [i["id"] for i in rest("GET", f"{q}?finished=true").get_json()] == [iid]
    assert [i["id"] for i in rest("GET", f"{q}?unfinished=true").get_json()] == [open_one]
    assert [i["id"] for i in rest("GET", f"{q}?state=COMPLETED").get_json()] == [iid]
    assert [i["id"] for i in rest("GET", f"{q}?processInstanceBusinessKey=13-P1").get_json()] == [open_one]
    assert [i["id"] for i in rest("GET", f"{q}?startedAfter=2026-04-01T00:10:00.000%2B0000").get_json()] == [open_one]
    assert [i["id"] for i in rest("POST", q, json={"processDefinitionKey": "review"}).get_json()] == [iid]
    assert rest("GET", f"{q}/count").get_json() == {"count": 2}
    assert rest("POST", f"{q}/count", json={"completed": True}).get_json() == {"count": 1}
    assert rest("GET", f"{q}/{iid}").get_json() == done
    assert rest("GET", f"{q}?state=BROKEN").status_code == 400
    assert rest("GET", f"{q}?startedAfter=yesterday").status_code == 400

    activities = rest("GET", f"{R}/history/activity-instance?processInstanceId={iid}").get_json()
    assert all(set(a) == HAI_KEYS for a in activities)
    by_id = {a["activityId"]: a for a in activities}
    assert [a["activityId"] for a in activities] == ["start", "gate", "check", "wait_paid", "done"]
    assert by_id["start"]["activityType"] == "startEvent" and by_id["gate"]["activityType"] == "exclusiveGateway"
    assert by_id["check"]["activityType"] == "userTask" and by_id["check"]["taskId"] == task["id"]
    assert by_id["check"]["assignee"] == "reviewer1-13" and by_id["check"]["durationInMillis"] == 5 * 60 * 1000
    assert by_id["check"]["id"] == f"check:{task['id']}" and by_id["check"]["activityName"] == "Check it"
    assert by_id["wait_paid"]["activityType"] == "receiveTask"
    assert by_id["wait_paid"]["startTime"] == "2026-04-01T00:05:00.000+0000"  # the operation before the message
    assert by_id["wait_paid"]["endTime"] == "2026-04-01T00:15:00.000+0000"
    assert by_id["done"]["activityType"] == "noneEndEvent" and by_id["done"]["completeScope"] is True
    a = f"{R}/history/activity-instance"
    assert [x["activityId"] for x in rest("GET", f"{a}?processInstanceId={open_one}&unfinished=true").get_json()] == \
        ["wait_paid"]
    assert rest("GET", f"{a}?processInstanceId={iid}&activityType=userTask").get_json() == [by_id["check"]]
    assert rest("GET", f"{a}/count?processInstanceId={iid}&finished=true").get_json() == {"count": 5}
    assert rest("GET", f"{a}?sortBy=activityId&sortOrder=asc&processInstanceId={iid}").get_json()[0]["activityId"] == "check"
    assert rest("GET", f"{a}?sortBy=activityId").status_code == 400

    variables = rest("GET", f"{R}/history/variable-instance?processInstanceId={iid}").get_json()
    assert [(v["name"], v["type"], v["value"]) for v in variables] == [("amount", "Integer", 9)]
    assert variables[0]["state"] == "CREATED" and variables[0]["processInstanceId"] == iid
    assert {"id", "valueInfo", "executionId", "activityInstanceId", "taskId", "errorMessage", "tenantId", "createTime",
            "removalTime", "caseInstanceId"} <= set(variables[0])
    v = f"{R}/history/variable-instance"
    assert rest("GET", f"{v}?variableNameLike=am%25").get_json() == variables
    assert rest("GET", f"{v}/count?variableName=nope").get_json() == {"count": 0}

    # scoping and roles: 27 sees only its own, counts included; an analyst reads no history
    for path in ("/history/process-instance", "/history/activity-instance", "/history/variable-instance"):
        theirs_only = rest("GET", R + path, who="reviewer1-27").get_json()
        assert {x.get("processInstanceId", x.get("id")) for x in theirs_only} <= {theirs}
        assert rest("GET", f"{R}{path}?processInstanceId={iid}", who="admin1-27").get_json() == []
        assert rest("GET", f"{R}{path}/count?processInstanceId={iid}", who="admin1-27").get_json() == {"count": 0}
        assert rest("GET", R + path, who="analyst1-13").status_code == 403
        assert rest("GET", R + path, who=None).status_code == 401
    assert rest("GET", f"{q}/{iid}", who="admin1-27").status_code == 404
    assert rest("GET", f"{q}/abc").status_code == 404
