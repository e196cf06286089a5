"""/engine-rest POST /message (Camunda's correlation, kentei's sender rules and buffer) and POST /signal."""
from __future__ import annotations

from tests.integration.engine_rest.runtime_bpmn import ALARM, APPLY, PAYMENT, REVIEW, deploy

R = "/engine-rest"
NO_MATCH = "Cannot correlate message 'paid': No process definition or execution matches the parameters"


def start(rest, key, who="admin1-13", **body):  # type: ignore[no-untyped-def]
    response = rest("POST", f"{R}/process-definition/key/{key}/start", who=who, json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["id"]


def status(rest, iid):  # type: ignore[no-untyped-def]
    return rest.engine.instance(int(iid))["status"]


def message(rest, who="payment1-13", **body):  # type: ignore[no-untyped-def]
    return rest("POST", f"{R}/message", who=who, json=body)


def test_message_correlates_as_camunda_with_the_senders_rules(rest):  # type: ignore[no-untyped-def]
    deploy(rest.engine, "13", ("payment.bpmn", PAYMENT), ("apply.bpmn", APPLY))
    deploy(rest.engine, "27", ("payment.bpmn", PAYMENT))
    p1 = start(rest, "payment", businessKey="13-P1")
    p2 = start(rest, "payment", businessKey="13-P2", variables={"ref": {"value": "R2"}, "n": {"value": 2}})
    theirs = start(rest, "payment", who="admin1-27", businessKey="27-P1")
    # by business key, with a variable the element allows: 204, the instance runs on with it
    done = message(rest, messageName="paid", businessKey="13-P1", processVariables={"amount": {"value": 100, "type": "Long"}},
                   localCorrelationKeys={}, processVariablesLocal={})
    assert done.status_code == 204 and status(rest, p1) == "completed"
    assert rest.engine.instance(int(p1))["variables"]["amount"] == 100
    # by correlation keys (equality on process variables), with the result
    got = message(rest, messageName="paid", correlationKeys={"ref": {"value": "R2", "type": "String"}},
                  resultEnabled=True, variablesInResultEnabled=True)
    assert got.status_code == 200
    [result] = got.get_json()
    assert result["resultType"] == "Execution" and result["processInstance"] is None
    assert result["execution"]["processInstanceId"] == p2 and result["execution"]["ended"] is True
    assert result["execution"]["tenantId"] == "13" and result["execution"]["id"]
    assert result["variables"]["n"] == {"type": "Integer", "value": 2, "valueInfo": {}}
    # nothing waits any more: Camunda's 400; 27's instance is never reached from 13
    missing = message(rest, messageName="paid", businessKey="13-P1")
    assert missing.status_code == 400 and missing.get_json() == {"type": "RestException", "message": NO_MATCH, "code": 0}
    assert message(rest, messageName="paid", processInstanceId=theirs).status_code == 400
    assert message(rest, messageName="paid", tenantId="27").status_code == 400
    assert message(rest, messageName="paid", businessKey="27-P1", who="payment1-13").status_code == 400
    assert status(rest, theirs) == "running"
    # several waiting: one is asked for, so 400; all=true reaches each
    a, b = start(rest, "payment", businessKey="13-A"), start(rest, "payment", businessKey="13-B")
    several = message(rest, messageName="paid")
    assert several.status_code == 400 and "ENGINE-13031" in several.get_json()["message"]
    every = message(rest, messageName="paid", all=True, resultEnabled=True)
    assert every.status_code == 200 and [r["execution"]["processInstanceId"] for r in every.get_json()] == [a, b]
    assert status(rest, a) == status(rest, b) == "completed"
    # a message start event: the process starts, with the business key and variables
    started = message(rest, who="admin1-13", messageName="apply", businessKey="13-S1",
                      processVariables={"who": {"value": "Sato"}}, resultEnabled=True).get_json()
    assert [r["resultType"] for r in started] == ["ProcessDefinition"] and started[0]["execution"] is None
    instance = started[0]["processInstance"]
    assert instance["definitionKey"] == "applying" and instance["businessKey"] == "13-S1" and instance["tenantId"] == "13"
    assert rest.engine.instance(int(instance["id"]))["variables"]["who"] == "Sato"


def test_message_rules_roles_and_bad_input(rest):  # type: ignore[no-untyped-def]
    deploy(rest.engine, "13", ("payment.bpmn", PAYMENT))
    iid = start(rest, "payment", businessKey="13-P1")
    assert message(rest, who="reviewer1-13", messageName="paid", businessKey="13-P1").status_code == 403
    not_allowed = message(rest, messageName="paid", businessKey="13-P1", processVariables={"passed": {"value": True}})
    assert not_allowed.status_code == 400 and "passed" in not_allowed.get_json()["message"]
    nobody = message(rest, messageName="unknown", businessKey="13-P1")
    assert nobody.status_code == 400 and nobody.get_json()["type"] == "RestException"
    analyst = message(rest, who="analyst1-13", messageName="paid", resultEnabled=True, variablesInResultEnabled=True)
    assert analyst.status_code == 403
    for bad in ({}, {"messageName": ""}, {"messageName": 5}, {"messageName": "paid", "tenantId": "13", "withoutTenantId": True},
                {"messageName": "paid", "localCorrelationKeys": {"a": {"value": 1}}},
                {"messageName": "paid", "processVariablesLocal": {"a": {"value": 1}}},
                {"messageName": "paid", "all": "yes"}, {"messageName": "paid", "correlationKeys": [1]},
                {"messageName": "paid", "processVariables": {"amount": {"value": "x", "type": "Integer"}}}):
        refused = message(rest, **bad)
        assert refused.status_code == 400 and refused.get_json()["message"], bad
    assert message(rest, who=None, messageName="paid").status_code == 401
    assert status(rest, iid) == "running"  # nothing of the refused ones reached it


def test_a_message_for_a_running_instance_not_yet_waiting_is_buffered(rest):  # type: ignore[no-untyped-def]
    deploy(rest.engine, "13", ("review.bpmn", REVIEW))
    iid = start(rest, "review", businessKey="13-R1")
    early = message(rest, messageName="paid", businessKey="13-R1", processVariables={"amount": {"value": 7}},
                    resultEnabled=True)
    assert early.status_code == 200 and early.get_json() == []  # kept, reached no one yet
    task = rest.engine.tasks(instance_id=int(iid))[0]
    rest.engine.complete_task(task["id"], "reviewer1-13", {})
    assert status(rest, iid) == "completed" and rest.engine.instance(int(iid))["variables"]["amount"] == 7
    # a key no running instance has is not kept
    assert message(rest, messageName="paid", businessKey="13-R9").status_code == 400


def test_signal_reaches_the_callers_prefecture_only(rest):  # type: ignore[no-untyped-def]
    deploy(rest.engine, "13", ("alarm.bpmn", ALARM))
    deploy(rest.engine, "27", ("alarm.bpmn", ALARM))
    a, b = start(rest, "alarmed"), start(rest, "alarmed")
    theirs = start(rest, "alarmed", who="admin1-27")
    signal = f"{R}/signal"
    assert rest("POST", signal, who="reviewer1-13", json={"name": "alarm"}).status_code == 403
    assert rest("POST", signal, json={"name": "alarm", "tenantId": "27"}).status_code == 204
    assert rest("POST", signal, json={"name": "alarm", "withoutTenantId": True}).status_code == 204
    assert status(rest, a) == status(rest, b) == status(rest, theirs) == "running"
    tree = rest("GET", f"{R}/process-instance/{a}/activity-instances").get_json()
    [catch] = tree["childActivityInstances"]
    assert catch["activityType"] == "intermediateSignalCatch"
    execution = catch["executionIds"][0]
    assert rest("POST", signal, json={"name": "other", "executionId": execution}).status_code == 400
    assert rest("POST", signal, who="admin1-27", json={"name": "alarm", "executionId": execution}).status_code == 404
    one = rest("POST", signal, json={"name": "alarm", "executionId": execution,
                                     "variables": {"level": {"value": 3, "type": "Integer"}}})
    assert one.status_code == 204 and status(rest, a) == "completed" and status(rest, b) == "running"
    assert rest.engine.instance(int(a))["variables"]["level"] == 3
    assert rest("POST", signal, json={"name": "alarm", "variables": {}}).status_code == 204
    assert status(rest, b) == "completed" and status(rest, theirs) == "running"
    for bad in ({}, {"name": ""}, {"name": "alarm", "tenantId": "13", "withoutTenantId": True},
                {"name": "alarm", "variables": {"x": {"value": "y", "type": "Double"}}}):
        assert rest("POST", signal, json=bad).status_code == 400, bad
