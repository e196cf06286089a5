"""pycamunda (the strictness oracle: its .load() KeyErrors on a missing field) against a real HTTP server:
list, get, claim, unclaim, set assignee, delegate, resolve, form variables, count and complete."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.integration.engine_rest.conftest import PASSWORD
from tests.integration.engine_rest.test_tasks import FLOW


def _session(user: str):  # type: ignore[no-untyped-def]
    import requests
    session = requests.Session()
    session.auth = (user, PASSWORD)
    return session


def _call(request, user: str = "reviewer1-13"):  # type: ignore[no-untyped-def]
    request.session = _session(user)
    return request()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_pycamunda_task_round_trip(rest_server):  # type: ignore[no-untyped-def]
    import pycamunda
    import pycamunda.task

    engine, url = rest_server.rest.engine, rest_server.base
    with engine.transaction() as s, s.begin():
        rest_server.rest.identity.create_user(s, "reviewer2-13", "reviewer2-13", "13", ["reviewer"], PASSWORD)
    engine.deploy([("flow.bpmn", FLOW)])
    due = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    ids = [engine.start("flow", tenant, {"due": due, "amount": n}, business_key=f"{tenant}-{n}")
           for n, tenant in ((1, "13"), (2, "13"), (3, "27"))]

    tasks = _call(pycamunda.task.GetList(url, process_instance_id_in=[str(i) for i in ids], sort_by="created",
                                         ascending=True))
    assert [t.process_instance_id for t in tasks] == [str(ids[0]), str(ids[1])]  # not 27's
    first = tasks[0]
    assert first.task_definition_key == "review" and first.due is not None and first.suspended is False
    assert first.created.tzinfo is not None and first.process_definition_id.startswith("flow:1:")
    got = _call(pycamunda.task.Get(url, id_=first.id_))
    assert got == first
    with pytest.raises(pycamunda.NotFound):
        _call(pycamunda.task.Get(url, id_=first.id_), "reviewer1-27")

    candidates = _call(pycamunda.task.GetList(url, candidate_group="reviewer"))
    assert len(candidates) == 2
    _call(pycamunda.task.Claim(url, id_=first.id_, user_id="reviewer1-13"))
    assert len(_call(pycamunda.task.GetList(url, candidate_group="reviewer"))) == 1
    assert len(_call(pycamunda.task.GetList(url, candidate_group="reviewer", include_assigned_tasks=True))) == 2
    with pytest.raises(pycamunda.NoSuccess) as taken:
        _call(pycamunda.task.Claim(url, id_=first.id_, user_id="reviewer2-13"), "reviewer2-13")
    assert "already claimed" in str(taken.value)
    _call(pycamunda.task.Unclaim(url, id_=first.id_))
    assert _call(pycamunda.task.Get(url, id_=first.id_)).assignee is None
    _call(pycamunda.task.SetAssignee(url, id_=first.id_, user_id="reviewer1-13"))
    _call(pycamunda.task.Delegate(url, id_=first.id_, user_id="reviewer2-13"))
    delegated = _call(pycamunda.task.Get(url, id_=first.id_), "reviewer2-13")
    assert (delegated.owner, delegated.assignee, delegated.delegation_state) == (
        "reviewer1-13", "reviewer2-13", "PENDING")
    assert len(_call(pycamunda.task.GetList(url, owner="reviewer1-13", delegation_state="PENDING"))) == 1
    _call(pycamunda.task.Resolve(url, id_=first.id_), "reviewer2-13")
    resolved = _call(pycamunda.task.Get(url, id_=first.id_))
    assert (resolved.assignee, resolved.delegation_state) == ("reviewer1-13", "RESOLVED")
    links = _call(pycamunda.task.IdentityLinksGetList(url, task_id=first.id_))
    assert {(link.type_, link.user_id, link.group_id) for link in links} == {
        ("candidate", None, "reviewer"), ("assignee", "reviewer1-13", None), ("owner", "reviewer1-13", None)}
    local = _call(pycamunda.task.LocalVariablesGetList(url, task_id=first.id_))
    assert local == {}

    # pycamunda 0.6.1 has no task Count or GetFormVariables: the same session reads them as it would
    session = _session("reviewer1-13")
    assert session.get(f"{url}/task/count", params={"processInstanceIdIn": [str(i) for i in ids]}).json() == {
        "count": 2}
    form = session.get(f"{url}/task/{first.id_}/form-variables").json()
    loaded = {name: pycamunda.variable.Variable.load(value) for name, value in form.items()}
    assert loaded["years"].value == 1 and loaded["years"].type_ == "Long" and loaded["decision"].value is None

    complete = pycamunda.task.Complete(url, id_=first.id_, with_variables_in_return=True)
    complete.add_variable("decision", "approve", "String")
    complete.add_variable("years", 4)
    returned = _call(complete)
    assert returned["decision"].value == "approve" and returned["amount"].value == 1
    with pytest.raises(pycamunda.NoSuccess):
        _call(pycamunda.task.Complete(url, id_=first.id_))
    after = _call(pycamunda.task.GetList(url, process_instance_id=str(ids[0])))
    assert [t.task_definition_key for t in after] == ["check"]
