"""Namespaces shared by every prefecture: message ids, deployments (versions, decisions, schedules), who may
send which message. Issue 10, findings 1–3: each test here failed on b7b102b."""
from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.db.models import ReceivedMessage
from engine.errors import NotFound
from engine.identity import Identity, IdentityError
from engine.identity.passwords import FAST_HASHER
from engine.identity.tokens import issue
from tests.conftest import fixture_bytes

PASSWORD = "Sakura-2026-haru"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

# a review, then the fee: the payment gateway's message, declared on the element that catches it
FEE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://kentei.test">
  <bpmn:process id="fee" name="{name}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="review" camunda:candidateGroups="reviewer"/>
    <bpmn:receiveTask id="await_fee" messageRef="m_fee"><bpmn:extensionElements><camunda:properties>
      <camunda:property name="correlationKey" value="${{application_id}}"/>
      <camunda:property name="messageSenders" value="payment"/>
      <camunda:property name="messageVariables" value="fee_paid_amount,fee_paid_on"/>
    </camunda:properties></bpmn:extensionElements></bpmn:receiveTask>
    <bpmn:receiveTask id="await_correction" messageRef="m_corr"><bpmn:extensionElements><camunda:properties>
      <camunda:property name="correlationKey" value="${{application_id}}"/>
      <camunda:property name="messageSenders" value="portal"/>
      <camunda:property name="messageVariables" value="experience_years"/>
    </camunda:properties></bpmn:extensionElements></bpmn:receiveTask>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="await_fee"/>
    <bpmn:sequenceFlow id="f3" sourceRef="await_fee" targetRef="await_correction"/>
    <bpmn:sequenceFlow id="f4" sourceRef="await_correction" targetRef="end"/>
  </bpmn:process>
  <bpmn:message id="m_fee" name="fee_paid"/>
  <bpmn:message id="m_corr" name="correction_submitted"/>
</bpmn:definitions>"""

ACCOUNTS = (("reviewer1-13", "13", ["reviewer"]), ("auditor1-13", "13", ["auditor"]),
            ("payment1-13", "13", ["payment"]), ("payment1-27", "27", ["payment"]),
            ("admin1-13", "13", ["admin"]), ("admin1-27", "27", ["admin"]), ("reviewer1-27", "27", ["reviewer"]))


def fee_bpmn(name: str = "手数料") -> bytes:
    return FEE.format(name=name).encode()


class Site:
    """The web app on the test engine, with one account and token per role of 13 and 27."""

    def __init__(self, engine: Any, clock: Any, tmp_path: Any) -> None:
        from web import create_app
        engine.settings = replace(engine.settings, keyring_path=tmp_path / "keyring.json")
        self.engine, self.clock = engine, clock
        self.identity = Identity(clock=clock, hasher=FAST_HASHER)
        self.tokens: dict[str, str] = {}
        with engine.transaction() as s, s.begin():
            for name, tenant, roles in ACCOUNTS:
                user = self.identity.create_user(s, name, name, tenant, roles, PASSWORD)
                self.tokens[name] = issue(s, user, "test", clock.now)
            self.identity.create_user(s, "operator1", "operator1", "13", ["admin", "operator"], PASSWORD)
        self.app = create_app(engine=engine, identity=self.identity, scheduler=False)
        self.api_client = self.app.test_client()

    def api(self, method: str, path: str, who: str, **kwargs: Any) -> Any:
        return self.api_client.open(path, method=method, headers={"Authorization": f"Bearer {self.tokens[who]}"},
                                    **kwargs)

    def send(self, who: str, name: str, key: str, data: dict[str, Any] | None = None,
             message_id: str | None = None) -> Any:
        body: dict[str, Any] = {"name": name, "key": key, "data": data or {}}
        if message_id:
            body["id"] = message_id
        return self.api("POST", "/api/v1/messages", who, json=body)

    def browser(self, who: str) -> Any:
        client = self.app.test_client()
        page = client.get("/login").get_data(as_text=True)
        client.post("/login", data={"csrf_token": CSRF.search(page).group(1), "username": who, "password": PASSWORD})
        return client

    def upload(self, client: Any, files: list[tuple[str, bytes]], **form: str) -> Any:
        page = client.get("/admin/deployments").get_data(as_text=True)
        return client.post("/admin/deployments", content_type="multipart/form-data", data={
            "csrf_token": CSRF.search(page).group(1), "action": "deploy", **form,
            "files": [(io.BytesIO(content), name) for name, content in files]})


@pytest.fixture
def site(engine, clock, tmp_path):  # type: ignore[no-untyped-def]
    return Site(engine, clock, tmp_path)


def _waiting_for_fee(site: Site, tenant: str, number: int) -> tuple[int, str]:
    """An instance of `fee` past its review, waiting for the fee: (instance id, 申請受付ID)."""
    app_id = f"{tenant}-2026-A{number:06d}"
    iid = site.engine.start("fee", tenant, {"application_id": app_id})
    [task] = site.engine.tasks(instance_id=iid)
    site.engine.complete_task(task["id"], f"reviewer1-{tenant}", {})
    return iid, app_id


def _messages(engine: Any) -> int:
    with engine.transaction() as s:
        return int(s.scalar(select(func.count()).select_from(ReceivedMessage)) or 0)


# -- 1. message ids are a prefecture's own --------------------------------------------------------------

def test_a_message_id_of_another_prefecture_is_not_seen_and_does_not_block_it(site):  # type: ignore[no-untyped-def]
    site.engine.deploy([("fee.bpmn", fee_bpmn())])
    iid13, key13 = _waiting_for_fee(site, "13", 1)
    iid27, key27 = _waiting_for_fee(site, "27", 56)
    # 13 uses the id 27's gateway will use (they are predictable): it is 13's own id, applied in 13
    first = site.send("payment1-13", "fee_paid", key13, {"fee_paid_amount": 3100}, message_id="PAY-27-2026-A000056")
    assert first.get_json() == {"status": "delivered", "instance_id": iid13, "message_id": "PAY-27-2026-A000056"}
    # 27's real payment with that id is delivered, not dropped as a duplicate
    real = site.send("payment1-27", "fee_paid", key27, {"fee_paid_amount": 3100}, message_id="PAY-27-2026-A000056")
    assert real.status_code == 200, real.get_json()
    assert real.get_json() == {"status": "delivered", "instance_id": iid27, "message_id": "PAY-27-2026-A000056"}
    # a repeat within 27 is a duplicate naming 27's instance; from 13 it never names 27's
    again = site.send("payment1-27", "fee_paid", key27, {"fee_paid_amount": 3100}, message_id="PAY-27-2026-A000056")
    assert again.get_json()["status"] == "duplicate" and again.get_json()["instance_id"] == iid27
    probe = site.send("payment1-13", "fee_paid", key13, {"fee_paid_amount": 3100}, message_id="PAY-27-2026-A000056")
    assert probe.get_json()["instance_id"] == iid13


def test_a_message_reaches_only_its_own_prefecture(engine, clock):  # type: ignore[no-untyped-def]
    engine.deploy([("fee.bpmn", fee_bpmn())])
    iid = engine.start("fee", "27", {"application_id": "SHARED-KEY"})
    engine.complete_task(engine.tasks(instance_id=iid)[0]["id"], "r", {})
    # a trusted caller naming prefecture 13 does not reach 27's instance with the same key
    assert engine.correlate("fee_paid", "SHARED-KEY", {}, message_id="M", tenant="13")["status"] == "buffered"
    assert engine.instance(iid)["status"] == "running" and engine.tasks(instance_id=iid) == []
    assert engine.correlate("fee_paid", "SHARED-KEY", {}, message_id="M", tenant="27")["status"] == "delivered"


# -- 3. who may send which message, with which variables --------------------------------------------------

@pytest.mark.parametrize("who", ["auditor1-13", "reviewer1-13", "admin1-13"])
def test_only_the_declared_senders_may_send_a_message(site, who):  # type: ignore[no-untyped-def]
    site.engine.deploy([("fee.bpmn", fee_bpmn())])
    iid, key = _waiting_for_fee(site, "13", 1)
    refused = site.send(who, "fee_paid", key, {"fee_paid_amount": 0})
    assert refused.status_code == 403 and "payment" in refused.get_json()["error"]
    assert _messages(site.engine) == 0 and site.engine.instance(iid)["variables"].get("fee_paid_amount") is None


def test_a_message_sets_only_its_declared_variables(site):  # type: ignore[no-untyped-def]
    site.engine.deploy([("fee.bpmn", fee_bpmn())])
    iid, key = _waiting_for_fee(site, "13", 1)
    for field in ("applicant_name", "pseudonym_id", "examDate"):
        refused = site.send("payment1-13", "fee_paid", key, {"fee_paid_amount": 3100, field: "x"})
        assert refused.status_code == 400 and refused.get_json()["field"] == f"data.{field}"
    assert _messages(site.engine) == 0
    variables = site.engine.instance(iid)["variables"]
    assert "applicant_name" not in variables and "fee_paid_amount" not in variables
    ok = site.send("payment1-13", "fee_paid", key, {"fee_paid_amount": 3100, "fee_paid_on": "2026-04-02"})
    assert ok.get_json()["status"] == "delivered"
    assert site.engine.instance(iid)["variables"]["fee_paid_amount"] == 3100


def test_no_fee_is_buffered_for_an_application_that_does_not_exist(site):  # type: ignore[no-untyped-def]
    site.engine.deploy([("fee.bpmn", fee_bpmn())])
    _waiting_for_fee(site, "13", 76)
    refused = site.send("payment1-13", "fee_paid", "13-2026-A000077", {"fee_paid_amount": 0}, message_id="P77")
    assert refused.status_code == 404 and _messages(site.engine) == 0
    # the next application, started later, waits for its fee as it should
    iid, key = _waiting_for_fee(site, "13", 77)
    assert site.engine.tasks(instance_id=iid) == [] and site.engine.instance(iid)["status"] == "running"
    assert "fee_paid_amount" not in site.engine.instance(iid)["variables"]


def test_a_fee_paid_early_for_a_running_application_is_kept_for_it(site):  # type: ignore[no-untyped-def]
    site.engine.deploy([("fee.bpmn", fee_bpmn())])
    iid = site.engine.start("fee", "13", {"application_id": "13-2026-A000005"})  # still in review
    early = site.send("payment1-13", "fee_paid", "13-2026-A000005", {"fee_paid_amount": 3100}, message_id="P5")
    assert early.status_code == 202 and early.get_json()["status"] == "buffered"
    site.engine.complete_task(site.engine.tasks(instance_id=iid)[0]["id"], "reviewer1-13", {})
    assert site.engine.instance(iid)["variables"]["fee_paid_amount"] == 3100  # it went on to the correction wait


def test_a_correction_comes_only_from_the_portal(site):  # type: ignore[no-untyped-def]
    site.engine.deploy([("fee.bpmn", fee_bpmn())])
    _iid, key = _waiting_for_fee(site, "13", 1)
    for who in ("payment1-13", "reviewer1-13", "admin1-13"):
        assert site.send(who, "correction_submitted", key, {"experience_years": 9}).status_code == 403


def test_an_undeclared_message_is_not_accepted_from_outside(site):  # type: ignore[no-untyped-def]
    site.engine.deploy([("payment.bpmn", fixture_bytes("payment.bpmn")), ("fee.bpmn", fee_bpmn())])
    refused = site.send("payment1-13", "appeal", "13-2026-A000001", {})
    assert refused.status_code == 404 and _messages(site.engine) == 0


# -- 2. deployments belong to a prefecture, or are shared -----------------------------------------------------

def test_a_prefectures_deployment_is_its_own(site):  # type: ignore[no-untyped-def]
    site.engine.deploy([("fee.bpmn", fee_bpmn("共通"))])  # the operator's shared v1
    response = site.upload(site.browser("admin1-27"), [("fee.bpmn", fee_bpmn("大阪府版"))])
    assert response.status_code == 200
    response = site.upload(site.browser("admin1-13"), [("fee.bpmn", fee_bpmn("東京都版"))])
    assert response.status_code == 200
    for t in ("13", "27", "01"):
        site.engine.start("fee", t, {"application_id": f"{t}-x"})
    definitions = {}
    with site.engine.transaction() as s:
        from engine.db.models import ProcessDefinition, ProcessInstance
        for t in ("13", "27", "01"):
            row = s.execute(select(ProcessDefinition.name, ProcessDefinition.tenant).join(
                ProcessInstance, ProcessInstance.definition_id == ProcessDefinition.id).where(
                ProcessInstance.tenant == t)).one()
            definitions[t] = tuple(row)
    assert definitions == {"13": ("東京都版", "13"), "27": ("大阪府版", "27"), "01": ("共通", "")}
    # 27's deploy page and API list show its own and the shared versions only, and no admin of 13
    page = site.browser("admin1-27").get("/admin/deployments").get_data(as_text=True)
    assert "大阪府版" in page and "共通" in page and "東京都版" not in page and "admin1-13" not in page
    listed = site.api("GET", "/api/v1/deployments", "reviewer1-27").get_json()["processes"]
    assert sorted((d["name"], d["tenant"], d["version"]) for d in listed) == [("共通", None, 1), ("大阪府版", "27", 1)]
    assert all(d["deployed_by"] in (None, "admin1-27") for d in listed)
    assert [d["name"] for d in listed if d["current"]] == ["大阪府版"]


def test_a_prefectures_admin_cannot_deploy_shared_the_operator_can(site):  # type: ignore[no-untyped-def]
    refused = site.upload(site.browser("admin1-13"), [("fee.bpmn", fee_bpmn("共通?"))], scope="shared")
    assert refused.status_code == 403
    with pytest.raises(NotFound):
        site.engine.start("fee", "27")
    done = site.upload(site.browser("operator1"), [("fee.bpmn", fee_bpmn("共通"))], scope="shared")
    assert done.status_code == 200
    iid = site.engine.start("fee", "27", {"application_id": "27-x"})
    assert site.engine.instance(iid)["status"] == "running"
    assert site.api("GET", "/api/v1/deployments", "reviewer1-27").get_json()["processes"][0]["tenant"] is None


def test_the_operator_role_is_given_on_the_command_line_only(site):  # type: ignore[no-untyped-def]
    with site.engine.transaction() as s, s.begin():
        from engine.identity import StaffUser
        admin = s.scalar(select(StaffUser).where(StaffUser.username == "admin1-13"))
        with pytest.raises(IdentityError):
            site.identity.change_user(s, admin, ["admin", "operator"], actor="admin1-13")
        with pytest.raises(IdentityError):
            site.identity.create_user(s, "op2", "op2", "13", ["operator"], PASSWORD, actor="admin1-13")
        site.identity.change_user(s, admin, ["admin", "operator"], actor="cli")
        assert "operator" in admin.role_set


def test_versions_count_per_prefecture_and_validation_sees_no_other_prefecture(engine):  # type: ignore[no-untyped-def]
    engine.deploy([("pass_mark.dmn", fixture_bytes("pass_mark.dmn"))], tenant="13")
    from engine.validation import ValidationFailed
    decide = fixture_bytes("decide.bpmn")
    with pytest.raises(ValidationFailed, match="pass_mark"):  # 27 does not see 13's decision
        engine.deploy([("decide.bpmn", decide)], tenant="27")
    engine.deploy([("decide.bpmn", decide)], tenant="13")
    report = engine.deploy([("decide.bpmn", decide)], tenant="13")
    assert report.unchanged == ["decide.bpmn"]
    shared = engine.deploy([("pass_mark.dmn", fixture_bytes("pass_mark.dmn")), ("decide.bpmn", decide)])
    assert shared.processes == ["decide v1", "notice v1"]  # the shared line counts its own versions


def test_a_decision_binds_to_the_prefectures_own_version_else_the_shared_one(engine):  # type: ignore[no-untyped-def]
    dmn = fixture_bytes("pass_mark.dmn")
    engine.deploy([("pass_mark.dmn", dmn), ("decide.bpmn", fixture_bytes("decide.bpmn"))])
    strict = dmn.replace(b"&gt;= 65", b"&gt;= 80").replace(b"&lt; 65", b"&lt; 80")
    engine.deploy([("pass_mark.dmn", strict)], tenant="13")
    outcome = {t: engine.instance(engine.start("decide", t, {"written": 70, "practical": 70}))["variables"]["result"]
               for t in ("13", "27")}
    assert outcome == {"13": "fail", "27": "pass"}  # one output column: the value itself, as in Camunda


START = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://kentei.test">
  <bpmn:process id="resync" isExecutable="true">
    <bpmn:startEvent id="monthly"><bpmn:timerEventDefinition><bpmn:timeCycle>R/2026-04-02T09:00/P1D</bpmn:timeCycle>
    </bpmn:timerEventDefinition></bpmn:startEvent>
    <bpmn:userTask id="look" name="{name}"/>
    <bpmn:sequenceFlow id="f1" sourceRef="monthly" targetRef="look"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_a_shared_schedule_starts_for_prefectures_without_their_own(engine, clock):  # type: ignore[no-untyped-def]
    engine.settings = replace(engine.settings, tenants=("13", "27", "01"))
    engine.deploy([("resync.bpmn", START.format(name="共通").encode())])
    engine.deploy([("resync.bpmn", START.format(name="東京都版").encode())], tenant="13")
    clock.advance(days=1, hours=10)
    assert engine.fire_due_timers() == 3
    started = sorted((t["tenant"], t["name"]) for t in engine.tasks())
    assert started == [("01", "共通"), ("13", "東京都版"), ("27", "共通")]
    assert {t["tenant"] for t in engine.start_timers()} == {None, "13"}
    clock.advance(days=1)
    assert engine.fire_due_timers() == 3  # and again the next day: once each, no doubles


def test_the_admin_pages_neither_give_nor_take_the_operator_role(site):  # type: ignore[no-untyped-def]
    from engine.identity import StaffUser
    client = site.browser("admin1-13")
    with site.engine.transaction() as s:
        ids = {u.username: u.id for u in s.scalars(select(StaffUser))}
    page = client.get(f"/admin/users/{ids['operator1']}").get_data(as_text=True)
    assert 'value="operator"' not in page and 'value="payment"' in page

    def change(user: str, *roles: str) -> Any:
        path = f"/admin/users/{ids[user]}"
        token = CSRF.search(client.get(path).get_data(as_text=True)).group(1)
        return client.post(path, data={"csrf_token": token, "active": "on", "roles": list(roles)})
    assert change("operator1", "admin", "reviewer").status_code == 302  # operator1 keeps the operator role
    assert change("reviewer1-13", "reviewer", "operator").status_code == 422
    with site.engine.transaction() as s:
        roles = {u.username: u.role_set for u in s.scalars(select(StaffUser))}
    assert roles["operator1"] == {"admin", "reviewer", "operator"} and roles["reviewer1-13"] == {"reviewer"}


OTHER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="o" targetNamespace="http://kentei.test">
  <bpmn:process id="other" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:receiveTask id="lenient" messageRef="m_fee"><bpmn:extensionElements><camunda:properties>
      <camunda:property name="correlationKey" value="${application_id}"/>
      <camunda:property name="messageSenders" value="reviewer,payment"/>
      <camunda:property name="messageVariables" value="applicant_name,fee_paid_amount"/>
    </camunda:properties></bpmn:extensionElements></bpmn:receiveTask>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="lenient"/>
    <bpmn:sequenceFlow id="f2" sourceRef="lenient" targetRef="end"/>
  </bpmn:process>
  <bpmn:message id="m_fee" name="fee_paid"/>
</bpmn:definitions>"""


def test_the_element_a_message_reaches_decides_not_a_laxer_one_elsewhere(site):  # type: ignore[no-untyped-def]
    site.engine.deploy([("fee.bpmn", fee_bpmn()), ("other.bpmn", OTHER.encode())])
    iid, key = _waiting_for_fee(site, "13", 5)
    # another process lets reviewers send fee_paid and set applicant_name: not to the fee's element
    refused = site.send("reviewer1-13", "fee_paid", key, {"applicant_name": "X"})
    assert refused.status_code == 403
    refused = site.send("payment1-13", "fee_paid", key, {"fee_paid_amount": 1, "applicant_name": "X"})
    assert refused.status_code == 400 and refused.get_json()["field"] == "data.applicant_name"
    assert "applicant_name" not in site.engine.instance(iid)["variables"] and _messages(site.engine) == 0
    # a buffered message must suit every element that could take it: the fee's too
    early = site.engine.start("fee", "13", {"application_id": "13-2026-A000006"})
    assert site.send("reviewer1-13", "fee_paid", "13-2026-A000006", {"applicant_name": "X"}).status_code == 403
    ok = site.send("payment1-13", "fee_paid", "13-2026-A000006", {"fee_paid_amount": 3100})
    assert ok.status_code == 202 and site.engine.instance(early)["status"] == "running"


GATEWAY = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="g" targetNamespace="http://kentei.test">
  <bpmn:process id="either" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:eventBasedGateway id="which"/>
    <bpmn:intermediateCatchEvent id="paid"><bpmn:extensionElements><camunda:properties>
      <camunda:property name="messageSenders" value="payment"/>
      <camunda:property name="messageVariables" value="fee_paid_amount"/>
    </camunda:properties></bpmn:extensionElements><bpmn:messageEventDefinition messageRef="m_fee"/></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="late"><bpmn:timerEventDefinition><bpmn:timeDuration>P14D</bpmn:timeDuration>
    </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end_paid"/><bpmn:endEvent id="end_late"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="which"/>
    <bpmn:sequenceFlow id="f2" sourceRef="which" targetRef="paid"/>
    <bpmn:sequenceFlow id="f3" sourceRef="which" targetRef="late"/>
    <bpmn:sequenceFlow id="f4" sourceRef="paid" targetRef="end_paid"/>
    <bpmn:sequenceFlow id="f5" sourceRef="late" targetRef="end_late"/>
  </bpmn:process>
  <bpmn:message id="m_fee" name="fee_paid"/>
</bpmn:definitions>"""


def test_declarations_on_a_catch_after_an_event_based_gateway_hold(site):  # type: ignore[no-untyped-def]
    site.engine.deploy([("either.bpmn", GATEWAY.encode())])
    iid = site.engine.start("either", "13", business_key="13-2026-A000009")
    assert site.send("reviewer1-13", "fee_paid", "13-2026-A000009", {"fee_paid_amount": 1}).status_code == 403
    done = site.send("payment1-13", "fee_paid", "13-2026-A000009", {"fee_paid_amount": 3100})
    assert done.status_code == 200 and done.get_json()["instance_id"] == iid
    assert site.engine.instance(iid)["status"] == "completed"


def test_an_unknown_names_failure_shows_only_its_network_to_every_prefecture(site):  # type: ignore[no-untyped-def]
    with site.engine.transaction() as s, s.begin():
        site.identity.sign_in(s, "somebody", "wrong", remote_addr="198.51.100.23")  # no prefecture suffix
        site.identity.sign_in(s, "reviewer9-27", "wrong", remote_addr="203.0.113.7")  # 27's naming: 27's only
    with site.engine.transaction() as s:
        seen = [(r.username, r.remote_addr) for r in site.identity.login_history(s, "13") if r.outcome != "success"]
    assert seen == [("s…", "198.51.*.*")]
