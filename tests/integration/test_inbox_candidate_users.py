"""camunda:candidateUsers in the inbox and /api/v1 (SQLite): a candidate user sees, claims and completes the task
like a member of a candidate group; anyone else gets the same "does not exist" as for a task of others' groups;
the prefecture still bounds everything."""
from __future__ import annotations

from dataclasses import replace

import pytest

from engine.errors import Conflict, Forbidden, NotFound
from engine.identity import Identity
from engine.identity.passwords import FAST_HASHER
from engine.identity.tokens import issue
from engine.inbox import NotClaimed, TaskQuery, Viewer, claim, complete, delegate, task_page, visible_task

BPMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://kentei.test">
  <bpmn:process id="check" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="verify" name="verify" camunda:candidateUsers="${clerks}" camunda:candidateGroups="approver"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="verify"/>
    <bpmn:sequenceFlow id="f2" sourceRef="verify" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""

CLERK = Viewer("clerk_a-13", "13", frozenset({"payment"}))
CLERK_B = Viewer("clerk_b-13", "13", frozenset())
LOOKALIKE = Viewer("clerk_a_13", "13", frozenset({"payment"}))  # unescaped, its `_` would match the `-`
REVIEWER = Viewer("reviewer1-13", "13", frozenset({"reviewer"}))
APPROVER = Viewer("approver1-13", "13", frozenset({"approver"}))


@pytest.fixture
def tasks(engine):  # type: ignore[no-untyped-def]
    engine.deploy([("check.bpmn", BPMN)])
    ids = {}
    for tenant in ("13", "27"):
        iid = engine.start("check", tenant, {"clerks": ["clerk_a-13", "clerk_b-13"]}, business_key=f"{tenant}-K")
        ids[tenant] = engine.tasks(instance_id=iid)[0]["id"]
    return ids


def _count(engine, viewer: Viewer, scope: str = "all") -> int:  # type: ignore[no-untyped-def]
    return task_page(engine, viewer, TaskQuery(scope=scope))[1]


def test_a_candidate_user_sees_claims_and_completes(engine, tasks):  # type: ignore[no-untyped-def]
    rows, total = task_page(engine, CLERK, TaskQuery())
    assert total == 1 and rows[0]["id"] == tasks["13"] and rows[0]["candidate_users"] == "clerk_a-13,clerk_b-13"
    assert rows[0]["candidate_groups"] == "approver"
    assert _count(engine, CLERK, "groups") == _count(engine, CLERK, "unassigned") == 1
    assert _count(engine, CLERK, "mine") == 0
    assert _count(engine, CLERK_B) == _count(engine, APPROVER) == 1  # a candidate user, a member of the group
    assert _count(engine, LOOKALIKE) == _count(engine, REVIEWER) == 0
    for viewer in (LOOKALIKE, REVIEWER):
        for act in (lambda: visible_task(engine, viewer, tasks["13"]), lambda: claim(engine, viewer, tasks["13"])):
            with pytest.raises(NotFound):
                act()
    with pytest.raises(NotFound):  # another prefecture's task, though it names the same ids
        claim(engine, CLERK, tasks["27"])
    with pytest.raises(NotClaimed):
        complete(engine, CLERK, tasks["13"], {})
    claim(engine, CLERK, tasks["13"])
    assert _count(engine, CLERK, "mine") == 1 and _count(engine, CLERK_B, "unassigned") == 0
    assert visible_task(engine, CLERK_B, tasks["13"])["assignee"] == "clerk_a-13"  # seen, as a group member sees it
    with pytest.raises(Conflict):
        claim(engine, CLERK_B, tasks["13"])
    with pytest.raises(NotClaimed):
        complete(engine, CLERK_B, tasks["13"], {})
    with pytest.raises(Forbidden):  # neither a candidate user nor of the group
        delegate(engine, CLERK, tasks["13"], "reviewer1-13", "13", frozenset({"reviewer"}))
    delegate(engine, CLERK, tasks["13"], "clerk_b-13", "13", frozenset())  # a candidate user, no role
    complete(engine, CLERK_B, tasks["13"], {})
    assert engine.instance(engine.tasks(status="completed")[0]["instance_id"])["status"] == "completed"
    assert visible_task(engine, CLERK_B, tasks["13"])["status"] == "completed"


def test_over_the_api(engine, clock, tmp_path, tasks):  # type: ignore[no-untyped-def]
    from web import create_app
    engine.settings = replace(engine.settings, keyring_path=tmp_path / "keyring.json")
    identity = Identity(clock=clock, hasher=FAST_HASHER)
    tokens = {}
    with engine.transaction() as s, s.begin():
        for name, roles in (("clerk_a-13", ["payment"]), ("payment1-13", ["payment"])):
            tokens[name] = issue(s, identity.create_user(s, name, name, "13", roles, "Sakura-2026-haru"), "t", clock.now)
    client = create_app(engine=engine, identity=identity, scheduler=False).test_client()

    def call(method: str, path: str, who: str, **kwargs):  # type: ignore[no-untyped-def]
        return client.open(path, method=method, headers={"Authorization": f"Bearer {tokens[who]}"}, **kwargs)
    listed = call("GET", "/api/v1/tasks?scope=unassigned", "clerk_a-13").get_json()
    assert listed["total"] == 1 and listed["tasks"][0]["id"] == tasks["13"]
    assert listed["tasks"][0]["candidate_users"] == "clerk_a-13,clerk_b-13"
    assert call("GET", "/api/v1/tasks", "payment1-13").get_json()["total"] == 0
    assert call("POST", f"/api/v1/tasks/{tasks['13']}/claim", "payment1-13").status_code == 404
    assert call("POST", f"/api/v1/tasks/{tasks['27']}/claim", "clerk_a-13").status_code == 404
    assert call("GET", f"/api/v1/tasks/{tasks['13']}", "clerk_a-13").get_json()["candidate_users"] \
        == "clerk_a-13,clerk_b-13"
    assert call("POST", f"/api/v1/tasks/{tasks['13']}/claim", "clerk_a-13").get_json()["assignee"] == "clerk_a-13"
    done = call("POST", f"/api/v1/tasks/{tasks['13']}/complete", "clerk_a-13", json={"data": {}})
    assert done.status_code == 200 and done.get_json()["status"] == "completed"


def test_an_overdue_task_reminds_its_candidate_users(engine, handlers, settings, clock):  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import sessionmaker

    from engine import reminders
    from handlers.notify import PortalMessage
    from handlers.notify.staff import StaffReminders
    from handlers.notify.staff import register as register_staff_reminders
    db = create_engine(settings.database_url)
    register_staff_reminders(handlers, StaffReminders(sessionmaker(db), "127.0.0.1", 25, "kentei@example.jp"))
    engine.deploy([("due.bpmn", BPMN.replace(b'camunda:candidateGroups="approver"', b'camunda:dueDate="${due}"')
                    .replace(b'id="check"', b'id="due"'))])
    engine.start("due", "13", {"clerks": "clerk_a-13, clerk_b-13", "due": clock.now.isoformat()})
    assert reminders.remind_overdue(engine) == 1  # no groups, no assignee: the candidate users are reminded
    with sessionmaker(db)() as s:
        keys = sorted(s.scalars(select(PortalMessage.pseudonym_id)).all())
    db.dispose()
    assert keys == ["staff:13:clerk_a-13", "staff:13:clerk_b-13"]
