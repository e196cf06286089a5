"""pycamunda (PyPI), the strictest Camunda 7 client, against a real kentei server: starts, instances and their
variables, the activity tree, messages, signals, incidents; history through requests (pycamunda has none).
Each .load() indexes every key it knows, so a missing field is a KeyError here."""
from __future__ import annotations

import pycamunda.incident
import pycamunda.message
import pycamunda.processdef
import pycamunda.processinst
import pycamunda.signal
import pytest
import requests
from requests.auth import HTTPBasicAuth

from tests.integration.engine_rest.conftest import PASSWORD
from tests.integration.engine_rest.runtime_bpmn import ALARM, FAILING, PAYMENT, REVIEW, deploy, register_handlers

ADMIN = HTTPBasicAuth("admin1-13", PASSWORD)


def call(request, auth=ADMIN):  # type: ignore[no-untyped-def]
    request.auth = auth
    return request()


def test_pycamunda_starts_lists_reads_and_sets_variables(rest_server):  # type: ignore[no-untyped-def]
    url, engine = rest_server.base, rest_server.rest.engine
    register_handlers(engine.handlers)
    deploy(engine, "13", ("review.bpmn", REVIEW), ("payment.bpmn", PAYMENT), ("alarm.bpmn", ALARM),
           ("failing.bpmn", FAILING))
    start = pycamunda.processdef.StartInstance(url, key="review", business_key="13-PY1", with_variables_in_return=True)
    start.add_variable("amount", 5, "Integer")
    started = call(start)
    assert started.business_key == "13-PY1" and started.tenant_id == "13" and started.variables["amount"].value == 5
    assert started.links[0].href.endswith(f"/process-instance/{started.id_}")
    by_id = call(pycamunda.processdef.StartInstance(url, id_=started.definition_id, business_key="13-PY2"))
    assert by_id.definition_id == started.definition_id
    by_tenant = call(pycamunda.processdef.StartInstance(url, key="payment", tenant_id="13", business_key="13-PY3"))
    assert by_tenant.tenant_id == "13"

    listed = call(pycamunda.processinst.GetList(url, process_definition_key="review", sort_by="business_key",
                                                ascending=False, active=True))
    assert [i.id_ for i in listed] == [by_id.id_, started.id_]
    assert call(pycamunda.processinst.GetList(url, business_key="13-PY3"))[0].id_ == by_tenant.id_
    assert call(pycamunda.processinst.Get(url, started.id_)).definition_id == started.definition_id
    with pytest.raises(pycamunda.NotFound):
        call(pycamunda.processinst.Get(url, "999999"))

    modify = pycamunda.processinst.VariablesModify(url, started.id_, deletions=["gone"])
    modify.add_variable("note", "checked")
    call(modify)
    call(pycamunda.processinst.VariablesUpdate(url, started.id_, "flag", True, "Boolean"))
    variables = call(pycamunda.processinst.VariablesGetList(url, started.id_, deserialize_values=True))
    assert variables["note"].value == "checked" and variables["flag"].value is True and variables["amount"].type_ == "Integer"
    assert call(pycamunda.processinst.VariablesGet(url, started.id_, "note")).value == "checked"
    call(pycamunda.processinst.VariablesDelete(url, started.id_, "flag"))
    assert "flag" not in call(pycamunda.processinst.VariablesGetList(url, started.id_))

    tree = call(pycamunda.processinst.GetActivityInstance(url, started.id_))
    assert tree.activity_id == started.definition_id and tree.child_activity_instances[0].activity_type == "userTask"
    with pytest.raises(pycamunda.BadRequest):  # kentei has no cancellation
        call(pycamunda.processinst.Delete(url, started.id_))
    with pytest.raises(pycamunda.Forbidden):
        call(pycamunda.processinst.GetList(url), auth=HTTPBasicAuth("analyst1-13", PASSWORD))

    # messages: single with the result, then all
    single = pycamunda.message.CorrelateSingle(url, "paid", business_key="13-PY3", result_enabled=True)
    single.add_process_variable("amount", 30, "Integer")
    [result] = call(single, HTTPBasicAuth("payment1-13", PASSWORD))
    assert result.result_type == pycamunda.message.ResultType.execution
    assert result.execution.process_instance_id == by_tenant.id_ and result.execution.tenant_id == "13"
    with pytest.raises(pycamunda.BadRequest):
        call(pycamunda.message.CorrelateSingle(url, "paid", business_key="13-PY3"), HTTPBasicAuth("payment1-13", PASSWORD))
    waiting = [call(pycamunda.processdef.StartInstance(url, key="payment")).id_ for _ in range(2)]
    results = call(pycamunda.message.CorrelateAll(url, "paid", result_enabled=True), HTTPBasicAuth("payment1-13", PASSWORD))
    assert sorted(r.execution.process_instance_id for r in results) == sorted(waiting)

    # signals: to all, and to one execution
    alarmed = [call(pycamunda.processdef.StartInstance(url, key="alarmed")).id_ for _ in range(2)]
    catch = call(pycamunda.processinst.GetActivityInstance(url, alarmed[0])).child_activity_instances[0]
    call(pycamunda.signal.EventSingle(url, "alarm", execution_id=catch.execution_ids[0]))
    assert engine.instance(int(alarmed[0]))["status"] == "completed"
    assert engine.instance(int(alarmed[1]))["status"] == "running"
    call(pycamunda.signal.EventAll(url, "alarm"))
    assert engine.instance(int(alarmed[1]))["status"] == "completed"

    # incidents
    failing = call(pycamunda.processdef.StartInstance(url, key="failing"))
    [incident] = call(pycamunda.incident.GetList(url, process_instance_id=failing.id_))
    assert incident.incident_type == pycamunda.incident.IncidentType.failed_job and incident.activity_id == "boom"
    assert incident.incident_timestamp is not None and incident.tenant_id == "13"
    assert call(pycamunda.incident.Get(url, incident.id_)).id_ == incident.id_
    assert call(pycamunda.incident.GetList(url), HTTPBasicAuth("admin1-27", PASSWORD)) == ()

    # history, which pycamunda lacks: plain requests, every field present
    history = requests.get(f"{url}/history/process-instance", params={"processInstanceId": by_tenant.id_}, auth=ADMIN,
                           timeout=10)
    assert history.status_code == 200 and history.headers["Content-Type"] == "application/json"
    [entry] = history.json()
    assert entry["state"] == "COMPLETED" and entry["businessKey"] == "13-PY3" and entry["startActivityId"] == "start"
    activities = requests.get(f"{url}/history/activity-instance", params={"processInstanceId": by_tenant.id_},
                              auth=ADMIN, timeout=10).json()
    assert [a["activityType"] for a in activities] == ["startEvent", "receiveTask", "noneEndEvent"]
    variables = requests.get(f"{url}/history/variable-instance", params={"processInstanceId": by_tenant.id_},
                             auth=ADMIN, timeout=10).json()
    assert [(v["name"], v["value"]) for v in variables] == [("amount", 30)]
