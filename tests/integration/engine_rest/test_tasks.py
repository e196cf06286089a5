"""/engine-rest/task: the query against counts worked out by hand, visibility exactly as the inbox, claim,
delegation, four eyes, forms and bad input."""
from __future__ import annotations

from datetime import timedelta

import pytest

FLOW = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://kentei.test">
  <bpmn:process id="flow" name="Flow" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="review" name="Review" camunda:candidateGroups="reviewer" camunda:dueDate="${due}">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="decision" label="Decision" type="enum"><camunda:validation>
          <camunda:constraint name="required"/></camunda:validation>
          <camunda:value id="approve" name="yes"/><camunda:value id="reject" name="no"/></camunda:formField>
        <camunda:formField id="years" label="Years" type="long" defaultValue="1"><camunda:validation>
          <camunda:constraint name="min" config="0"/><camunda:constraint name="max" config="50"/>
          </camunda:validation></camunda:formField>
        <camunda:formField id="checked" label="Checked on" type="date"/>
      </camunda:formData></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:userTask id="check" name="Second check" camunda:candidateGroups="reviewer">
      <bpmn:extensionElements><camunda:properties><camunda:property name="separateFrom" value="review"/>
        </camunda:properties></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="check"/>
    <bpmn:sequenceFlow id="f3" sourceRef="check" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""

MARKS = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="m" targetNamespace="http://kentei.test">
  <bpmn:process id="marks" name="Marks" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="score" name="Score" camunda:candidateGroups="scorer" camunda:candidateUsers="reviewer1-13"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="score"/>
    <bpmn:sequenceFlow id="f2" sourceRef="score" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""

TASK_KEYS = {"id", "name", "assignee", "owner", "created", "lastUpdated", "due", "followUp", "delegationState",
             "description", "executionId", "parentTaskId", "priority", "processDefinitionId", "processInstanceId",
             "caseExecutionId", "caseDefinitionId", "caseInstanceId", "taskDefinitionKey", "suspended", "formKey",
             "camundaFormRef", "operatonFormRef", "tenantId", "taskState"}


@pytest.fixture
def seeded(rest, clock):  # type: ignore[no-untyped-def]
    """Five reviews in 13 (amount 1..5, due in 1..5 days, names a b c d e), two in 27, one score task in 13."""
    engine = rest.engine
    engine.deploy([("flow.bpmn", FLOW), ("marks.bpmn", MARKS)])
    ids = {}
    for n in range(1, 8):
        tenant = "13" if n <= 5 else "27"
        due = (clock.now + timedelta(days=n)).isoformat()
        ids[n] = engine.start("flow", tenant, {"due": due, "amount": n, "who": "abcdefg"[n - 1], "vip": n % 2 == 0},
                              business_key=f"{tenant}-{n:03d}")
        clock.advance(minutes=1)
    ids["marks"] = engine.start("marks", "13", {"amount": 9}, business_key="13-marks")
    tasks = {k: engine.tasks(instance_id=v)[0]["id"] for k, v in ids.items()}
    return ids, tasks


def count(rest, who="reviewer1-13", **params):  # type: ignore[no-untyped-def]
    got = rest("GET", "/engine-rest/task/count", who=who, query_string=params)
    assert got.status_code == 200, got.get_json()
    listed = rest("GET", "/engine-rest/task", who=who, query_string=params)
    assert listed.status_code == 200 and len(listed.get_json()) == got.get_json()["count"]
    return got.get_json()["count"]


def test_filters_match_counts_worked_out_by_hand(rest, seeded):  # type: ignore[no-untyped-def]
    ids, _ = seeded
    assert count(rest) == 6  # five reviews and the score task naming reviewer1-13 a candidate user
    assert count(rest, taskDefinitionKey="review") == 5
    assert count(rest, taskDefinitionKeyIn="review,score") == 6
    assert count(rest, taskDefinitionKeyLike="sc%") == 1
    assert count(rest, processDefinitionKey="marks") == 1
    assert count(rest, processInstanceId=str(ids[2])) == 1
    assert count(rest, processInstanceId=str(ids[6])) == 0  # prefecture 27's
    assert count(rest, processInstanceId="not-an-id") == 0
    assert count(rest, processInstanceIdIn=f"{ids[1]},{ids[3]},{ids[6]}") == 2
    assert count(rest, processInstanceBusinessKey="13-004") == 1
    assert count(rest, processInstanceBusinessKeyLike="13-00%") == 5
    assert count(rest, processInstanceBusinessKeyIn="13-001,13-marks,27-006") == 2
    assert count(rest, name="Review") == 5 and count(rest, nameLike="Sc%") == 1
    assert count(rest, processVariables="amount_gt_2") == 4  # 3, 4, 5 and the score task's 9
    assert count(rest, processVariables="amount_gteq_2,amount_lt_5") == 3
    assert count(rest, processVariables="amount_eq_4") == 1
    assert count(rest, processVariables="amount_neq_4") == 5
    assert count(rest, processVariables="who_like_%c%") == 1
    assert count(rest, processVariables="who_notLike_c") == 4
    assert count(rest, processVariables="vip_eq_true") == 2
    assert count(rest, processVariables="nothing_eq_1") == 0
    assert count(rest, taskVariables="amount_eq_4") == 0  # not the task's own
    assert count(rest, dueBefore="2026-04-03T12:00:00.000+0000") == 2  # due 1 and 2 days after their start
    assert count(rest, dueAfter="2026-04-03T21:00:00+09:00") == 3
    assert count(rest, dueDate="2026-04-03T00:01:00.000+0000") == 1
    assert count(rest, withoutDueDate="true") == 1
    assert count(rest, createdBefore="2026-04-01T00:01:30.000+0000") == 2
    assert count(rest, tenantIdIn="27") == 0 and count(rest, tenantIdIn="13,27") == 6
    assert count(rest, withoutTenantId="true") == 0
    assert count(rest, suspended="true") == 0 and count(rest, active="true") == 6
    assert count(rest, minPriority="50", maxPriority="50") == 6 and count(rest, priority="49") == 0
    assert count(rest, withCandidateUsers="true") == 1 and count(rest, withoutCandidateGroups="true") == 0
    assert count(rest, description="x") == 0
    # POST: the same as JSON, with lists, typed values and a sorting list
    body = {"processVariables": [{"name": "amount", "operator": "lteq", "value": 3}],
            "taskDefinitionKeyIn": ["review"], "sorting": [{"sortBy": "dueDate", "sortOrder": "desc"}],
            "unknownField": {"ignored": True}, "processDefinitionId": None}
    posted = rest("POST", "/engine-rest/task", who="reviewer1-13", json=body)
    assert [t["processInstanceId"] for t in posted.get_json()] == [str(ids[3]), str(ids[2]), str(ids[1])]
    assert rest("POST", "/engine-rest/task/count", json=body, who="reviewer1-13").get_json() == {"count": 3}
    assert rest("POST", "/engine-rest/task?firstResult=1&maxResults=1", json=body,
                who="reviewer1-13").get_json()[0]["processInstanceId"] == str(ids[2])
    string_four = {"processVariables": [{"name": "amount", "operator": "eq", "value": "4"}]}
    assert rest("POST", "/engine-rest/task/count", json=string_four, who="reviewer1-13").get_json()["count"] == 0


def test_list_fields_sorting_paging_and_variables_in_return(rest, seeded):  # type: ignore[no-untyped-def]
    ids, tasks = seeded
    got = rest("GET", "/engine-rest/task?sortBy=dueDate&sortOrder=asc&taskDefinitionKey=review",
               who="reviewer1-13").get_json()
    assert [t["processInstanceId"] for t in got] == [str(ids[n]) for n in range(1, 6)]
    first = got[0]
    assert set(first) == TASK_KEYS
    assert first["id"] == tasks[1] and first["executionId"] == tasks[1] and first["tenantId"] == "13"
    assert first["processDefinitionId"].startswith("flow:1:") and first["taskDefinitionKey"] == "review"
    assert first["created"] == "2026-04-01T00:00:00.000+0000" and first["due"] == "2026-04-02T00:00:00.000+0000"
    assert first["suspended"] is False and first["priority"] == 50 and first["assignee"] is None
    one = rest("GET", f"/engine-rest/task/{tasks[1]}", who="reviewer1-13")
    assert one.status_code == 200 and one.get_json() == first
    page = rest("GET", "/engine-rest/task?sortBy=created&sortOrder=desc&firstResult=1&maxResults=2",
                who="reviewer1-13").get_json()
    assert [t["processInstanceId"] for t in page] == [str(ids[5]), str(ids[4])]
    by_name = rest("GET", "/engine-rest/task?sortBy=name&sortOrder=desc", who="reviewer1-13").get_json()
    assert by_name[0]["name"] == "Score"
    with_vars = rest("GET", f"/engine-rest/task?processInstanceId={ids[2]}&withTaskVariablesInReturn=true",
                     who="reviewer1-13").get_json()[0]
    assert with_vars["variables"]["amount"] == {"type": "Integer", "value": 2, "valueInfo": {}}
    local = rest("GET", f"/engine-rest/task?processInstanceId={ids[2]}&withTaskLocalVariablesInReturn=true",
                 who="reviewer1-13").get_json()[0]
    assert local["variables"] == {}


def test_visibility_is_the_inbox(rest, seeded):  # type: ignore[no-untyped-def]
    ids, tasks = seeded
    other = tasks[6]  # prefecture 27's review
    assert count(rest, who="reviewer1-27") == 2
    assert count(rest, who="scorer1-13") == 1  # the score task, none of the reviews
    assert count(rest, who="scorer1-13", taskDefinitionKey="review") == 0
    assert count(rest, who="approver1-13") == 0 and count(rest, who="admin1-13") == 0
    assert count(rest, who="worker1-13") == 0 and count(rest, who="payment1-13") == 0
    assert count(rest, candidateGroup="scorer") == 0  # a group the caller has not: nothing
    for who, task in (("reviewer1-13", other), ("scorer1-13", tasks[1]), ("worker1-13", tasks[1])):
        for path in ("", "/form-variables", "/variables", "/variables/amount", "/localVariables", "/form",
                     "/identity-links", "/deployed-form"):
            got = rest("GET", f"/engine-rest/task/{task}{path}", who=who)
            assert got.status_code == 404, (who, path)
        assert "No matching task" in rest("GET", f"/engine-rest/task/{task}", who=who).get_json()["message"]
        for action, payload in (("claim", {"userId": who}), ("unclaim", {}), ("assignee", {"userId": who}),
                                ("delegate", {"userId": "reviewer1-13"}), ("resolve", {}), ("complete", {}),
                                ("submit-form", {})):
            got = rest("POST", f"/engine-rest/task/{task}/{action}", who=who, json=payload)
            assert got.status_code == 404 and "Cannot find task" in got.get_json()["message"], (who, action)
    assert count(rest, who="reviewer1-27", processInstanceId=str(ids[1])) == 0
    for path in ("/engine-rest/task", "/engine-rest/task/count", f"/engine-rest/task/{tasks[1]}",
                 f"/engine-rest/task/{tasks[1]}/variables"):
        got = rest("GET", path, who="analyst1-13")
        assert got.status_code == 403 and got.get_json()["type"] == "AuthorizationException"
    assert rest("GET", "/engine-rest/task", who=None).status_code == 401


def test_claim_unclaim_assignee_and_conflicts(rest, seeded):  # type: ignore[no-untyped-def]
    _, tasks = seeded
    with rest.engine.transaction() as s, s.begin():
        rest.identity.create_user(s, "reviewer2-13", "reviewer2-13", "13", ["reviewer"], "Sakura-2026-haru")
    task = tasks[1]
    url = f"/engine-rest/task/{task}"
    assert rest("POST", f"{url}/claim", who="reviewer1-13", json={"userId": "reviewer1-13"}).status_code == 204
    assert rest("POST", f"{url}/claim", who="reviewer1-13", json={"userId": "reviewer1-13"}).status_code == 204
    taken = rest("POST", f"{url}/claim", who="reviewer2-13", json={"userId": "reviewer2-13"})
    assert taken.status_code == 500 and taken.get_json() == {
        "type": "TaskAlreadyClaimedException", "message": f"Task '{task}' is already claimed by someone else.",
        "code": 0}
    assert count(rest, assignee="reviewer1-13") == 1 and count(rest, assigned="true") == 1
    assert count(rest, unassigned="true") == 5 and count(rest, candidateGroup="reviewer") == 4
    assert count(rest, candidateGroup="reviewer", includeAssignedTasks="true") == 5
    assert count(rest, candidateUser="reviewer1-13") == 5  # four reviews and the score task
    for_other = rest("POST", f"/engine-rest/task/{tasks[2]}/claim", who="reviewer1-13", json={"userId": "reviewer2-13"})
    assert for_other.status_code == 403
    assert rest("POST", f"{url}/unclaim", who="reviewer2-13").status_code == 403  # not theirs
    assert rest("POST", f"{url}/assignee", who="reviewer2-13", json={"userId": "reviewer2-13"}).status_code == 403
    assert rest("POST", f"{url}/unclaim", who="reviewer1-13").status_code == 204
    assert rest("GET", url, who="reviewer1-13").get_json()["assignee"] is None
    # an admin assigns for a colleague with the task's role, never for one without it or of another prefecture
    for user, status in (("scorer1-13", 403), ("reviewer1-27", 403), ("nobody", 403), ("reviewer2-13", 204)):
        got = rest("POST", f"{url}/claim", who="admin1-13", json={"userId": user})
        assert got.status_code == status, (user, got.get_json())
    assert rest("GET", url, who="reviewer2-13").get_json()["assignee"] == "reviewer2-13"
    assert rest("POST", f"{url}/assignee", who="reviewer2-13", json={"userId": "reviewer1-13"}).status_code == 204
    assert rest("POST", f"{url}/assignee", who="reviewer1-13", json={"userId": None}).status_code == 204
    assert rest("GET", url, who="reviewer1-13").get_json()["assignee"] is None
    for payload in ({}, {"userId": 5}, {"userId": ""}, {"userId": "x" * 65}):
        assert rest("POST", f"{url}/claim", who="reviewer1-13", json=payload).status_code == 400


def test_delegate_resolve_and_identity_links(rest, seeded):  # type: ignore[no-untyped-def]
    _, tasks = seeded
    with rest.engine.transaction() as s, s.begin():
        rest.identity.create_user(s, "reviewer2-13", "reviewer2-13", "13", ["reviewer"], "Sakura-2026-haru")
    url = f"/engine-rest/task/{tasks[1]}"
    rest("POST", f"{url}/claim", who="reviewer1-13", json={"userId": "reviewer1-13"})
    assert rest("POST", f"{url}/resolve", who="reviewer1-13").status_code == 400  # not delegated
    assert rest("POST", f"{url}/delegate", who="reviewer1-13", json={"userId": "scorer1-13"}).status_code == 403
    assert rest("POST", f"{url}/delegate", who="reviewer1-13", json={"userId": "reviewer2-13"}).status_code == 204
    got = rest("GET", url, who="reviewer2-13").get_json()
    assert (got["owner"], got["assignee"], got["delegationState"]) == ("reviewer1-13", "reviewer2-13", "PENDING")
    assert count(rest, owner="reviewer1-13", delegationState="PENDING") == 1
    links = rest("GET", f"{url}/identity-links", who="reviewer2-13").get_json()
    assert {(link["type"], link["userId"], link["groupId"]) for link in links} == {
        ("candidate", None, "reviewer"), ("assignee", "reviewer2-13", None), ("owner", "reviewer1-13", None)}
    assert rest("GET", f"{url}/identity-links?type=owner", who="reviewer2-13").get_json() == [
        {"userId": "reviewer1-13", "groupId": None, "type": "owner"}]
    with_vars = {"variables": {"x": {"value": 1, "type": "Integer"}}}
    assert rest("POST", f"{url}/resolve", who="reviewer2-13", json=with_vars).status_code == 400
    assert rest("POST", f"{url}/resolve", who="reviewer1-13").status_code == 403  # the delegate resolves
    assert rest("POST", f"{url}/resolve", who="reviewer2-13").status_code == 204
    got = rest("GET", url, who="reviewer1-13").get_json()
    assert (got["owner"], got["assignee"], got["delegationState"]) == ("reviewer1-13", "reviewer1-13", "RESOLVED")
    assert rest("GET", "/engine-rest/task?delegationState=nope", who="reviewer1-13").status_code == 400


def test_complete_with_form_rules_and_four_eyes(rest, seeded):  # type: ignore[no-untyped-def]
    ids, tasks = seeded
    url = f"/engine-rest/task/{tasks[1]}"
    form = rest("GET", f"{url}/form-variables", who="reviewer1-13").get_json()
    assert form == {"decision": {"type": "String", "value": None, "valueInfo": {}},
                    "years": {"type": "Long", "value": 1, "valueInfo": {}},
                    "checked": {"type": "Date", "value": None, "valueInfo": {}}}
    assert list(rest("GET", f"{url}/form-variables?variableNames=years", who="reviewer1-13").get_json()) == ["years"]
    assert rest("GET", f"{url}/form", who="reviewer1-13").get_json() == {
        "key": None, "camundaFormRef": None, "operatonFormRef": None, "contextPath": None}
    assert rest("GET", f"{url}/deployed-form", who="reviewer1-13").status_code == 404
    assert rest("GET", f"{url}/variables/amount", who="reviewer1-13").get_json()["value"] == 1
    assert rest("GET", f"{url}/variables/none", who="reviewer1-13").status_code == 404
    unclaimed = rest("POST", f"{url}/complete", who="reviewer1-13", json={})
    assert unclaimed.status_code == 400 and "claim it first" in unclaimed.get_json()["message"]
    rest("POST", f"{url}/claim", who="reviewer1-13", json={"userId": "reviewer1-13"})
    bad = rest("POST", f"{url}/submit-form", who="reviewer1-13",
               json={"variables": {"years": {"value": 99, "type": "Long"}, "extra": {"value": "x"}}})
    assert bad.status_code == 400
    message = bad.get_json()["message"]
    assert message.startswith(f"Cannot submit task form {tasks[1]}:") and "decision: is required" in message
    assert "years: must be at most 50" in message and "extra: is not a field of this form" in message
    typed = rest("POST", f"{url}/complete", who="reviewer1-13",
                 json={"variables": {"years": {"value": "x", "type": "Long"}}})
    assert typed.status_code == 400 and "Cannot convert value" in typed.get_json()["message"]
    done = rest("POST", f"{url}/submit-form", who="reviewer1-13", json={"withVariablesInReturn": True, "variables": {
        "decision": {"value": "approve", "type": "String"}, "years": {"value": 3, "type": "Integer"},
        "checked": {"value": "2026-04-01T00:00:00.000+0900", "type": "Date"}}})
    assert done.status_code == 200, done.get_json()
    returned = done.get_json()
    assert returned["decision"]["value"] == "approve" and returned["checked"]["value"] == "2026-04-01"
    assert rest("GET", url, who="reviewer1-13").status_code == 404  # completed: no longer a task
    again = rest("POST", f"{url}/complete", who="reviewer1-13", json={})
    assert again.status_code == 404 and again.get_json()["type"] == "RestException"
    second = rest.engine.tasks(instance_id=ids[1])[0]["id"]
    rest("POST", f"/engine-rest/task/{second}/claim", who="reviewer1-13", json={"userId": "reviewer1-13"})
    refused = rest("POST", f"/engine-rest/task/{second}/complete", who="reviewer1-13", json={})
    assert refused.status_code == 403 and "four eyes" in refused.get_json()["message"]
    assert refused.get_json()["type"] == "AuthorizationException"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_bad_input_is_a_4xx_sentence(rest, seeded):  # type: ignore[no-untyped-def]
    for query in ("dueBefore=yesterday", "dueAfter=2026-13-01T00:00:00", "sortBy=created", "sortOrder=asc",
                  "sortBy=nope&sortOrder=asc", "sortBy=created&sortOrder=up", "processVariables=amount_is_3",
                  "processVariables=vip_gt_true", "maxResults=-1", "firstResult=x", "priority=1.5",
                  "assigned=maybe", "processVariables=a\"b_eq_1", "minPriority=99999999999999"):
        got = rest("GET", f"/engine-rest/task?{query}", who="reviewer1-13")
        assert got.status_code == 400, query
        assert got.get_json()["message"] and got.headers["Content-Type"] == "application/json"
    for body in ({"orQueries": [{"name": "x"}]}, {"processVariables": "nope"},
                 {"processVariables": [{"name": "a", "operator": "is", "value": 1}]},
                 {"processVariables": [{"name": "a", "operator": "eq", "value": {"x": 1}}]},
                 {"taskDefinitionKeyIn": [1, 2]}, {"sorting": [{"sortBy": "id"}]}):
        got = rest("POST", "/engine-rest/task", who="reviewer1-13", json=body)
        assert got.status_code == 400, body
    assert rest("POST", "/engine-rest/task", who="reviewer1-13", data="[1]",
                content_type="application/json").status_code == 400
    assert rest("GET", "/engine-rest/task?whatever=1&deserializeValues=false", who="reviewer1-13").status_code == 200
    assert rest("GET", "/engine-rest/task/" + "x" * 300, who="reviewer1-13").status_code == 404
