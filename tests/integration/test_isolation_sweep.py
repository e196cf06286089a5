"""The shared-namespace isolation sweep (issue 10): every identifier a client can name, of prefecture 27, tried
by prefecture 13's staff (signed in), API tokens and applicant through every route of the app that takes one.

The routes come from `app.url_map`, not from a list: a route with a URL variable is called with every one of
27's identifiers of that variable's kind (read from the database, not listed by hand); a route without one is
read as a list (GET), or has probes of the identifiers its form or JSON names (POSTED), or an entry in EXEMPT
that says why not. `test_every_route_is_in_the_sweep` fails for a route that is none of these, and for a table
that the row snapshot cannot place, so a new route or table joins the sweep or says why not.

For each call (tests/support/isolation.Judge): no 500; a refusal (404, or 400/403/409/422; a page's POST may
answer with a redirect and a flash); none of 27's distinctive strings in the answer (names, keys, ids, its own
deployments' names, usernames, message ids, pseudonymous IDs...); no link to 27's objects; the same answer as
for an identifier that exists nowhere (so nothing tells that 27's object exists, nor how many there are); and
every row of 27 the same afterwards (a snapshot of every table after every request). Beyond the rows, what 27's
own people see (its applicant's portal, its staff's lists and pages, its API) is read before and after and must
not change: 13 acting in its own prefecture under 27's names (deploying 27's keys, file names and very bytes,
waiting under 27's 申請受付IDs, filing with 27's request id or for 27's applicant) must change nothing 27 sees.

Everything found is gathered and reported at the end. SQLite for the whole sweep; the searches, lists and
counts, whose SQL differs by database (process variables: json_extract or ->>), again on PostgreSQL.
KENTEI_SWEEP_REPORT=<file> writes the findings in full, and every request with its status to <file>.log.
"""
from __future__ import annotations

import io
import itertools
import json
import os
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from flask import got_request_exception
from sqlalchemy import func, select

from engine.db.models import (
    DecisionDefinition,
    DeployedFile,
    HumanTask,
    Incident,
    MessageSubscription,
    ProcessDefinition,
    ProcessInstance,
)
from engine.deploy import collect
from engine.identity import Identity, StaffUser
from engine.identity.models import ApiToken
from engine.identity.passwords import FAST_HASHER
from engine.identity.tokens import issue
from handlers.catalog import Adapters, default_registry
from handlers.jukinet.simulator import SimulatorServer
from handlers.jukinet.store import ResidentStore
from handlers.national.simulator import serve as serve_national
from handlers.notify.models import PortalMessage
from handlers.registry.models import Applicant, Application, CertificateRequest, DeletionRecord, ExamSession, ExamVenue
from handlers.vault.models import AccessLogEntry
from tests.conftest import fixture_bytes
from tests.support.isolation import CSRF, Answer, Caller, Judge, Probe, Snapshot, build, changed, normalised, q
from tests.support.smtp import SmtpServer
from web.portal_oidc import new_pseudonym

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
PASSWORD = "Sakura-2026-haru"
ROLES = ("reviewer", "scorer", "approver", "admin", "auditor", "payment")
APPLY_TOKEN = re.compile(r'name="token"[^>]*value="([^"]+)"')
REFUSED = frozenset({400, 401, 403, 404, 405, 409, 410, 422})
REDIRECTED = frozenset({302, 303})
PERIOD = "from=2026-01-01&to=2026-12-31"

# -- the processes: shared ones, 27's own, and what 13's admin deploys under 27's names --------------------------

FEE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://kentei.test">
  <bpmn:process id="fee" name="{name}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="{review}" name="{review_name}" camunda:candidateGroups="reviewer"/>
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
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="{review}"/>
    <bpmn:sequenceFlow id="f2" sourceRef="{review}" targetRef="await_fee"/>
    <bpmn:sequenceFlow id="f3" sourceRef="await_fee" targetRef="await_correction"/>
    <bpmn:sequenceFlow id="f4" sourceRef="await_correction" targetRef="end"/>
  </bpmn:process>
  <bpmn:message id="m_fee" name="{message}"/>
  <bpmn:message id="m_corr" name="correction_submitted"/>
</bpmn:definitions>"""

REMOTE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://kentei.test">
  <bpmn:process id="naniwa_remote" name="浪速照会手続" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:serviceTask id="naniwa_lookup" name="浪速照会" camunda:type="external" camunda:topic="naniwa.remote"/>
    <bpmn:userTask id="naniwa_check" name="浪速照会結果の確認" camunda:candidateGroups="reviewer"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="naniwa_lookup"/>
    <bpmn:sequenceFlow id="f2" sourceRef="naniwa_lookup" targetRef="naniwa_check"/>
    <bpmn:sequenceFlow id="f3" sourceRef="naniwa_check" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""

# 13's admin deploys a process under one of 27's own keys (a version line of 13's own)
EDO_SAME_KEY = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://kentei.test">
  <bpmn:process id="{key}" name="江戸の同名手続" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="edo_look" name="江戸の確認" camunda:candidateGroups="reviewer"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="edo_look"/>
    <bpmn:sequenceFlow id="f2" sourceRef="edo_look" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""

# ... validates one that uses 27's own decision
USES_DECISION = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://kentei.test">
  <bpmn:process id="edo_decides" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:businessRuleTask id="judge" camunda:decisionRef="{ref}" camunda:resultVariable="result" camunda:mapDecisionResult="singleEntry"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="judge"/>
    <bpmn:sequenceFlow id="f2" sourceRef="judge" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""

# ... and deploys 13's own version of the application process, whose waits subscribe under 27's 申請受付IDs (a
# correlation key is an expression: a literal names any key), a correction under one that has a real correction
# wait in 27, a fee under one that has none; 13's next filing starts it
EDO_APPLICATION = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://kentei.test">
  <bpmn:process id="application" name="江戸の受検申請" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:parallelGateway id="split"/>
    <bpmn:receiveTask id="edo_correction" messageRef="m_corr"><bpmn:extensionElements><camunda:properties>
      <camunda:property name="correlationKey" value="{correction_key}"/>
      <camunda:property name="messageSenders" value="portal"/>
      <camunda:property name="messageVariables" value="experience_years"/>
    </camunda:properties></bpmn:extensionElements></bpmn:receiveTask>
    <bpmn:receiveTask id="edo_fee" messageRef="m_fee"><bpmn:extensionElements><camunda:properties>
      <camunda:property name="correlationKey" value="{fee_key}"/>
      <camunda:property name="messageSenders" value="payment"/>
      <camunda:property name="messageVariables" value="fee_paid_amount"/>
    </camunda:properties></bpmn:extensionElements></bpmn:receiveTask>
    <bpmn:parallelGateway id="join"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="split"/>
    <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="edo_correction"/>
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="edo_fee"/>
    <bpmn:sequenceFlow id="f4" sourceRef="edo_correction" targetRef="join"/>
    <bpmn:sequenceFlow id="f5" sourceRef="edo_fee" targetRef="join"/>
    <bpmn:sequenceFlow id="f6" sourceRef="join" targetRef="end"/>
  </bpmn:process>
  <bpmn:message id="m_corr" name="correction_submitted"/>
  <bpmn:message id="m_fee" name="fee_paid"/>
</bpmn:definitions>"""


def naniwa_fee(edition: str) -> str:
    """27's own version of the shared key `fee`: its own names, its own message."""
    return FEE.format(name=f"浪速独自手数料手続 {edition}", review="naniwa_review", review_name="浪速独自の審査",
                      message="naniwa_fee_paid")


def naniwa_dmn() -> str:
    return (fixture_bytes("pass_mark.dmn").decode().replace('id="pass_mark"', 'id="naniwa_pass_mark"')
            .replace("合否判定", "浪速合格基準"))


# -- the route plan ----------------------------------------------------------------------------------------------

# a URL variable → the kind of 27's identifiers put in it (World.identifiers reads every one from the database)
VARIABLES = {"instance_id": "instance", "task_id": "task", "incident_id": "incident", "user_id": "user",
             "token_id": "token", "application_no": "application", "application_id": "application",
             "message_id": "notice", "key": "decision", "file_id": "file", "other_id": "file",
             "session_id": "exam_session", "venue_id": "venue", "request_no": "certificate_request"}
# identifiers of each kind that exist nowhere: the oracle's answer is the answer to these
GHOSTS = {"instance": "987654301", "task": "4f0c5b8e-0000-4000-8000-00000000dead", "incident": "987654302",
          "user": "987654303", "token": "987654304", "application": "27-2099-A999999",
          "notice": "5e1d2c3b-0000-4000-8000-00000000beef", "decision": "no_such_decision_27", "file": "987654305",
          "exam_session": "987654306", "venue": "987654307", "certificate_request": "27-2099-C999999"}
# the form or JSON a route's POST takes, to get past its own checks (each one tried)
BODIES: dict[str, list[Any]] = {
    "inbox.complete": [{"decision": "approve", "review_comment": "江戸の審査"}],
    "inbox.delegate_task": [{"colleague": "reviewer2-13"}, {"colleague": "reviewer1-27"}],
    "instances.reveal": [{"purpose": "identity_check"}],
    "admin.resolve": [{"note": "江戸で確認", "variables": '{"juki_outcome": "one_hit"}'}],
    "admin.user": [{"roles": ["reviewer", "admin"], "active": "on"}, {"roles": ["reviewer"]}],
    "portal.correction": [{"experience_years": "9", "schooling": "なし", "prior_pass": "なし",
                           "correction_note": "江戸から"}],
    "api.complete_task": [{"data": {"decision": "approve"}}],
    "api.resolve_incident": [{"note": "江戸で確認", "variables": {"juki_outcome": "one_hit"}}],
}
# GET routes without a URL variable are read as lists by everyone of their audience: with these queries too
LISTS: dict[str, list[str]] = {
    "admin.incidents": ["", "?status=all"], "api.incidents": ["", "?status=all"],
    "api.tasks": ["", "?per_page=200", "?scope=unassigned&sort=due"], "inbox.index": ["", "?scope=unassigned"],
    "audit.index": [f"?{PERIOD}"], "audit.log_csv": [f"?{PERIOD}"],
}
# routes whose form or JSON names identifiers (usernames, keys, message ids, request ids, files, decisions): their
# probes are in Sweep.posted. A POST route without a URL variable must be here or in EXEMPT.
POSTED = {"admin.users", "admin.deployments", "audit.review", "api.message", "api.file_application",
          "certificate_requests.new",
          "inbox.delegate_task", "api.signal", "modeler.modeler_validate", "modeler.modeler_deploy"}
EXEMPT = {
    ("portal_certificates.requests_page", "GET"): "the signed-in applicant's own passes only; another's application, "
                                                  "or one without a pass, is the 404 of one that exists nowhere "
                                                  "(test_certificate_requests.py::test_the_applicant_requests_in_the_portal)",
    ("portal_certificates.document", "GET"): "the signed-in applicant's own issued requests only; anything else is "
                                             "the same 404 (test_certificate_requests.py)",
    ("certificate_requests.document", "GET"): "the prefecture's own issued requests only; another's or one not issued "
                                              "is the same 404 (test_certificate_requests.py::"
                                              "test_staff_enter_a_paper_request_and_see_it_through)",
    ("published.rounds", "GET"): "public by design (合格者受検番号の公表): <tenant> is a 都道府県コード, no object; only "
                                 "announced rounds and their pass counts (tests/integration/test_published_results.py)",
    ("published.round_page", "GET"): "public by design: the 受検番号 of full passes from their 合格発表日 only; a round "
                                     "not announced is the 404 of one that does not exist (test_published_results.py)",
    ("published.round_csv", "GET"): "public by design: the round page as CSV, the same 404 (test_published_results.py)",
    ("auth.login", "POST"): "a sign-in names an account by design; one answer for every failure "
                            "(test_signin_hardening), a lockout per account",
    ("auth.logout", "POST"): "ends the caller's own session; names nothing",
    ("portal.logout", "POST"): "ends the caller's own session; names nothing",
    ("portal.login", "POST"): "the demo sign-in (off here, as in production): a pseudonymous ID signs in by design",
    ("portal.apply", "POST"): "an applicant may apply in any prefecture: a new application, no object named",
    ("account.password", "POST"): "the caller's own password; names nothing",
    ("account.create_token", "POST"): "a token for the caller's own account; names nothing",
    ("i18n.choose", "GET"): "<code> is a language code, no prefecture's object",
    ("static", "GET"): "<filename> is a file of the app's own static folder",
    ("camunda_webapps", "GET"): "Camunda Modeler's link targets (kentei's own page addresses); names nothing",
    ("documents.staff_document", "GET"): "<kind> is a document kind, no object; another prefecture's application is "
                                         "the same 404 as one that exists nowhere (tests/integration/test_documents.py)",
    ("documents.portal_document", "GET"): "the signed-in applicant's own applications only; another's is the 404 of "
                                          "one that exists nowhere (tests/integration/test_documents.py)",
    ("exam_sessions.add_session", "POST"): "a new session of the caller's prefecture; a body naming another "
                                           "prefecture's venue is refused (tests/integration/test_exam_sessions.py)",
    ("exam_sessions.add_venue", "POST"): "a new venue of the caller's prefecture; names no existing object",
    ("exam_sessions.import_csv", "POST"): "imports sessions and venues into the caller's prefecture by name "
                                          "(tests/integration/test_exam_sessions.py)",
    ("camunda_link_repository", "GET"): "a redirect to the caller's own deployments page; names nothing",
    ("camunda_link_instance", "GET"): "a redirect to /instances/<id>, the same for any id; that page is swept",
}
# Camunda 7's REST API (/engine-rest and its aliases) has its own sweep: every route, four roles of 27, no 13 string
# in any answer, nothing of 13 changed (tests/integration/engine_rest/test_isolation.py)
REST_SWEPT = "engine_rest"


def exempt(endpoint: str, method: str) -> bool:
    """A route this sweep leaves out, with its reason in EXEMPT or REST_SWEPT."""
    return (endpoint, method) in EXEMPT or endpoint.split(".", 1)[0].startswith(REST_SWEPT)


def audience(rule: Any) -> str:
    return "api" if rule.rule.startswith("/api/") else "portal" if rule.rule.startswith("/portal") else "page"


def methods(rule: Any) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def plan_problems(app: Any) -> list[str]:
    """Every route of the app is swept or exempt (with the reason); every entry of the plan is a route."""
    problems, seen = [], set()
    for rule in app.url_map.iter_rules():
        for method in methods(rule):
            seen.add((rule.endpoint, method))
            if exempt(rule.endpoint, method):
                continue
            unknown = [v for v in rule.arguments if v not in VARIABLES]
            if unknown:
                problems.append(f"{method} {rule.rule}: no identifiers of 27 for <{'>, <'.join(unknown)}>: add the "
                                "kind to VARIABLES, GHOSTS and World.identifiers, or the route to EXEMPT")
            elif not rule.arguments and method == "POST" and rule.endpoint not in POSTED:
                problems.append(f"POST {rule.rule}: takes no URL identifier: add probes of what its body names to "
                                "Sweep.posted (and the endpoint to POSTED), or the route to EXEMPT with the reason")
    endpoints = {e for e, _m in seen}
    problems += [f"EXEMPT names {e} {m}, which is no route" for e, m in EXEMPT if (e, m) not in seen]
    problems += [f"the plan names {e}, which is no route" for e in set(BODIES) | set(LISTS) | POSTED
                 if e not in endpoints]
    return problems


# -- the databases, and the services the real lifecycle's handlers call -------------------------------------------

@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """SQLite, unless a test asks for PostgreSQL (see the module's docstring)."""
    if getattr(request, "param", "sqlite") == "postgres":
        return request.getfixturevalue("pg_server").create_database(f"sweep{os.getpid()}_{uuid.uuid4().hex[:8]}")
    return f"sqlite:///{tmp_path / 'kentei.db'}"


@pytest.fixture
def services() -> Iterator[dict[str, Any]]:
    juki = SimulatorServer(ResidentStore.seeded(seed=7, count=40)).start()
    national = serve_national("127.0.0.1", 0)
    smtp = SmtpServer()
    yield {"juki": juki, "national": national, "smtp": smtp}
    smtp.stop()
    national.shutdown()
    juki.shutdown()


def _naniwa_unreachable(ctx: Any, data: Any) -> Any:
    raise TimeoutError("浪速照会先に接続できません")


@pytest.fixture
def handlers(settings, services, tmp_path):  # type: ignore[no-untyped-def]
    """The production handlers on the simulators, and 27's own remote topic, which always fails (incidents)."""
    adapters = Adapters(settings.database_url, tmp_path / "keyring.json", services["juki"].url,
                        services["national"].url, "127.0.0.1", services["smtp"].port, "kentei@example.jp")
    registry = default_registry(adapters)
    registry.register("naniwa.remote", _naniwa_unreachable, "remote")
    yield registry
    registry.close()


# -- the world: 27 with objects of every kind, 13 with its callers ------------------------------------------------

class World:
    """Staff and tokens of every role in 13 and 27; shared deployments and 27's own; the real lifecycle with
    filings on the portal and the API, a correction request and its notice, a reveal; 27's own fee process with
    a delivered and a buffered payment; incidents open and resolved; the audit log, its review, a deletion record."""

    def __init__(self, engine: Any, clock: Any, tmp_path: Path, services: dict[str, Any]) -> None:
        from web import create_app
        engine.settings = replace(engine.settings, keyring_path=tmp_path / "keyring.json", portal_demo_signin=True)
        self.engine, self.clock = engine, clock
        self.identity = Identity(clock=clock, hasher=FAST_HASHER)
        self.tokens: dict[str, str] = {}
        self.staff: dict[str, tuple[str, list[str]]] = {}
        self._staff()
        self._deploy()
        self.app = create_app(engine=engine, identity=self.identity, scheduler=False)
        self.errors: list[str] = []
        got_request_exception.connect(self._raised, self.app)
        self.browsers = {name: self.sign_in(name) for name in self.staff if name != "retired1-27"}
        self.people = [r for r in services["juki"].store.residents() if r["status"] == "active"]
        self.p13, self.p27 = new_pseudonym(), new_pseudonym()
        self.applicants = {self.p13: self.portal(self.p13), self.p27: self.portal(self.p27)}
        self._lifecycle()
        self._fees()
        self._sessions()
        self._certificates()
        self._incidents()
        self._audit_and_deletion()
        self.ids27 = self.identifiers()
        self.secrets = self._secrets()
        # the sweep runs as production does: no demo sign-in (whose page lists recent pseudonymous IDs)
        engine.settings = replace(engine.settings, portal_demo_signin=False)

    def _raised(self, sender: Any, exception: BaseException, **extra: Any) -> None:
        self.errors.append(f"{type(exception).__name__}: {exception}")

    def _staff(self) -> None:
        with self.engine.transaction() as s, s.begin():
            for tenant, who in (("13", "江戸"), ("27", "浪速")):
                for n, role in enumerate(ROLES, 1):
                    self._user(s, f"{role}1-{tenant}", f"{who} {role}係{n}", tenant, [role])
                self._user(s, f"reviewer2-{tenant}", f"{who} 審査次郎", tenant, ["reviewer"])
            self._user(s, "operator1-13", "江戸 運用担当", "13", ["admin", "operator"])
            retired = self._user(s, "retired1-27", "浪速 退職者", "27", ["reviewer"])
            self.identity.change_user(s, retired, active=False, actor="admin1-27")
            admin27 = s.scalar(select(StaffUser).where(StaffUser.username == "admin1-27"))
            issue(s, admin27, "浪速の旧連携", self.clock.now, actor="admin1-27")  # and revoked
            s.flush()
            s.scalars(select(ApiToken).where(ApiToken.name == "浪速の旧連携")).one().revoked_at = self.clock.now

    def _user(self, s: Any, name: str, display: str, tenant: str, roles: list[str]) -> StaffUser:
        user = self.identity.create_user(s, name, display, tenant, roles, PASSWORD,
                                         actor="cli" if "operator" in roles else f"admin1-{tenant}")
        self.tokens[name] = issue(s, user, f"{display}の連携", self.clock.now)
        self.staff[name] = (tenant, roles)
        return user

    def _deploy(self) -> None:
        e = self.engine
        e.deploy(collect([WORKFLOWS]))
        e.deploy([("fee.bpmn", FEE.format(name="共通手数料手続", review="review", review_name="手数料の審査",
                                          message="fee_paid").encode())])
        for edition in ("初版", "第二版"):  # 27's own line of the shared key: its own versions 1 and 2
            e.deploy([("naniwa_fee.bpmn", naniwa_fee(edition).encode())], actor="admin1-27", tenant="27")
        e.deploy([("naniwa_remote.bpmn", REMOTE.encode()), ("naniwa_pass_mark.dmn", naniwa_dmn().encode())],
                 actor="admin1-27", tenant="27")

    # sign-ins and requests ------------------------------------------------------------------------------------
    def sign_in(self, name: str) -> Any:
        client = self.app.test_client()
        page = client.get("/login").get_data(as_text=True)
        done = client.post("/login", data={"csrf_token": CSRF.search(page).group(1), "username": name,
                                           "password": PASSWORD})
        assert done.status_code == 302, (name, done.get_data(as_text=True)[:500])
        client.csrf = CSRF.search(client.get("/account/tokens").get_data(as_text=True)).group(1)
        return client

    def portal(self, pseudonym: str) -> Any:
        client = self.app.test_client()
        page = client.get("/portal/login").get_data(as_text=True)
        done = client.post("/portal/login", data={"csrf_token": CSRF.search(page).group(1), "pseudonym": pseudonym})
        assert done.status_code == 302, done.get_data(as_text=True)[:500]
        client.csrf = CSRF.search(client.get("/portal/apply").get_data(as_text=True)).group(1)
        return client

    def api(self, method: str, path: str, who: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        return self.app.test_client().open(path, method=method, headers=headers, **kwargs)

    def page_post(self, who: str, path: str, data: dict[str, Any]) -> Any:
        """A form sent as `who`, its redirect followed (its flash read, so that it shows on no later page)."""
        client = self.browsers[who]
        return client.post(path, data={"csrf_token": client.csrf, **data}, follow_redirects=True)

    def drain(self) -> None:
        for _ in range(30):
            if not self.engine.run_jobs("sweep-worker", limit=20):
                return

    def instance_of(self, application_no: str) -> int:
        with self.engine.reading() as s:
            return int(s.scalar(select(Application.instance_id).where(Application.application_no == application_no)))

    def paper_body(self, person: dict[str, Any], **over: Any) -> dict[str, Any]:
        return {"applicant_name": person["name"], "name_kana": person["name_kana"], "birth_date": person["birth_date"],
                "sex": person["sex"], "address": person["address"], "grade": "2級", "trade_code": "0401",
                "trade_name": "機械加工", "experience_years": 3, "schooling": "なし", "prior_pass": "なし",
                "my_number": person["my_number"]} | over

    def file_on_portal(self, pseudonym: str, person: dict[str, Any], tenant: str) -> str:
        client = self.applicants[pseudonym]
        page = client.get("/portal/apply").get_data(as_text=True)
        form = {**self.paper_body(person), "csrf_token": CSRF.search(page).group(1),
                "token": APPLY_TOKEN.search(page).group(1), "email": f"{pseudonym[-8:]}@example.jp",
                "tenant": tenant, "task_name": "普通旋盤作業", "experience_years": "3"}
        done = client.post("/portal/apply", data=form)
        assert done.status_code == 302 and "/receipt" in done.headers["Location"], done.get_data(as_text=True)[:800]
        return done.headers["Location"].split("/applications/")[1].split("/")[0]

    # the real lifecycle: filings in both prefectures, a correction request (a notice), a reveal ------------------
    def _lifecycle(self) -> None:
        self.person13, self.person13b, self.person27a, self.person27b = self._distinct_people(4)
        self.app13 = self.file_on_portal(self.p13, self.person13, "13")
        self.app27a = self.file_on_portal(self.p27, self.person27a, "27")
        filed = self.api("POST", "/api/v1/applications", "admin1-27", json=self.paper_body(
            self.person27b, id="NANIWA-REQ-0001", channel="online", pseudonym_id=self.p27))
        assert filed.status_code == 201, filed.get_json()
        self.app27b = filed.get_json()["application_id"]
        self.drain()
        iid = self.instance_of(self.app27a)
        [review] = [t["id"] for t in self.engine.tasks(instance_id=iid) if t["element_id"] == "eligibility_review"]
        assert self.api("POST", f"/api/v1/tasks/{review}/claim", "reviewer1-27").status_code == 200
        done = self.page_post("reviewer1-27", f"/tasks/{review}/complete",
                              {"decision": "request_correction", "review_comment": "浪速からの補正依頼です"})
        assert done.history and done.history[0].status_code == 302, done.get_data(as_text=True)[:500]
        self.drain()  # the correction request's notice reaches 27's applicant
        with self.engine.reading() as s:
            assert s.scalar(select(func.count()).select_from(PortalMessage).where(
                PortalMessage.pseudonym_id == self.p27)) >= 1
        shown = self.page_post("reviewer1-27", f"/instances/{self.instance_of(self.app27b)}/reveal",
                               {"purpose": "identity_check"})
        assert shown.status_code == 200 and self.person27b["my_number"] in shown.get_data(as_text=True)

    def _distinct_people(self, n: int) -> list[dict[str, Any]]:
        chosen: list[dict[str, Any]] = []
        for person in self.people:
            if all(person["name"] != p["name"] and person["name_kana"] != p["name_kana"] for p in chosen):
                chosen.append(person)
            if len(chosen) == n:
                return chosen
        raise AssertionError("the simulator has too few distinct residents")

    # 27's exam venue and session (試験場・試験日程), which 13's administrator must not see or change --------------
    def _sessions(self) -> None:
        from datetime import date

        from handlers.registry.sessions import save_session, save_venue
        with self.engine.transaction() as s, s.begin():
            venue = save_venue(s, "27", {"name": "浪速の試験場", "address": "大阪市浪速区難波中1-1",
                                         "rooms": "浪速の第1教室:30"})
            save_session(s, "27", {"code": "NANIWA-2026-1", "fiscal_year": "2026", "round": "前期",
                                   "trade_code": "0401", "trade_name": "機械加工", "grade": "2級",
                                   "written_date": date(2026, 6, 7).isoformat(),
                                   "practical_start": date(2026, 6, 14).isoformat(),
                                   "practical_end": date(2026, 6, 21).isoformat(),
                                   "announcement_date": date(2026, 8, 28).isoformat(), "capacity": "20"}, venue)

    # 27's certificate request (交付申請) for its applicant's application, issued as a PDF --------------------------
    def _certificates(self) -> None:
        with self.engine.transaction() as s, s.begin():
            app = s.scalar(select(Application).where(Application.application_no == self.app27a))
            s.add(CertificateRequest(tenant="27", request_no="27-2026-C000001", pass_no=self.app27a,
                                     application_id=app.id, kind="certificate_of_pass", language="ja",
                                     medium="paper", channel="paper", copies=1, note="浪速の交付申請メモ",
                                     requester_name="浪速 申請者", status="received", requested_at=self.clock.now,
                                     requested_by="reviewer1-27"))

    # 27's own version of the shared fee process: a delivered and a buffered payment, claimed and open reviews ------
    def _fees(self) -> None:
        e = self.engine
        self.fee27 = []
        for n, name in enumerate(("難波 千代", "天満 小春", "道頓堀 浪子"), 1):
            key = f"27-2026-N{n:06d}"
            iid = e.start("fee", "27", {"application_id": key, "applicant_name": name},
                          business_key=f"naniwa-bk-{n:04d}", actor="admin1-27")
            self.fee27.append((iid, key))
        e.complete_task(e.tasks(instance_id=self.fee27[0][0])[0]["id"], "reviewer1-27", {})
        paid = self.api("POST", "/api/v1/messages", "payment1-27", json={
            "name": "naniwa_fee_paid", "key": self.fee27[0][1], "id": "PAY-27-NANIWA-0001",
            "data": {"fee_paid_amount": 3100}})
        assert paid.get_json()["status"] == "delivered", paid.get_json()
        second = e.tasks(instance_id=self.fee27[1][0])[0]["id"]
        assert self.api("POST", f"/api/v1/tasks/{second}/claim", "reviewer1-27").status_code == 200
        early = self.api("POST", "/api/v1/messages", "payment1-27", json={
            "name": "naniwa_fee_paid", "key": self.fee27[1][1], "id": "PAY-27-NANIWA-0002",
            "data": {"fee_paid_amount": 3100}})
        assert early.get_json()["status"] == "buffered", early.get_json()
        assert e.instance(self.fee27[0][0])["variables"]["fee_paid_amount"] == 3100
        # 13's own: a shared fee instance in review (13's key for the message probes, 13's task to delegate)
        self.fee13 = e.start("fee", "13", {"application_id": "13-2026-F000001", "applicant_name": "江戸 次郎"},
                             business_key="edo-bk-0001", actor="admin1-13")

    # incidents of 27's own remote process: one open, one resolved by hand --------------------------------------------
    def _incidents(self) -> None:
        for n in (1, 2):
            self.engine.start("naniwa_remote", "27", {"application_id": f"27-2026-R{n:06d}"},
                              business_key=f"naniwa-remote-{n}", actor="admin1-27")
        for _ in range(6):
            self.engine.run_jobs("sweep-worker", limit=20)
            self.clock.advance(seconds=40)
        self.drain()
        incidents = self.engine.incidents(tenant="27")
        assert len(incidents) == 2, incidents
        done = self.api("POST", f"/api/v1/incidents/{incidents[-1]['id']}/resolve", "admin1-27",
                        json={"note": "浪速の窓口で住民票を確認した"})
        assert done.status_code == 200, done.get_json()

    # a failed sign-in, the 個人番号 audit's review, a deletion record ------------------------------------------------
    def _audit_and_deletion(self) -> None:
        client = self.app.test_client()
        page = client.get("/login").get_data(as_text=True)
        client.post("/login", data={"csrf_token": CSRF.search(page).group(1), "username": "admin1-27",
                                    "password": "wrong-Password-9"})
        done = self.page_post("auditor1-27", "/audit/reviews", {"from": "2026-01-01", "to": "2026-12-31",
                                                               "note": "浪速の監査メモ"})
        assert done.history and done.history[0].status_code == 302
        with self.engine.transaction() as s, s.begin():
            s.add(DeletionRecord(tenant="27", subject="applicant", subject_id=424242,
                                 application_nos="27-2025-A000777", reason="浪速の削除理由",
                                 retention_basis="浪速の保存期間", retention_until=None,
                                 decision_instance_id=self.fee27[2][0], erased="applicant,application",
                                 deleted_at=datetime(2026, 3, 1, tzinfo=timezone.utc)))

    # 27's identifiers, by kind, and its distinctive strings: read from the database ---------------------------------
    def identifiers(self) -> dict[str, list[str]]:
        with self.engine.reading() as s:
            users = [u.id for u in s.scalars(select(StaffUser).where(StaffUser.tenant == "27"))]

            def of(column: Any, *where: Any) -> list[str]:
                return [str(v) for v in s.scalars(select(column).where(*where))]
            return {"instance": of(ProcessInstance.id, ProcessInstance.tenant == "27"),
                    "task": of(HumanTask.id, HumanTask.tenant == "27"),
                    "incident": of(Incident.id, Incident.tenant == "27"),
                    "user": [str(u) for u in users],
                    "token": of(ApiToken.id, ApiToken.user_id.in_(users)),
                    "application": of(Application.application_no, Application.tenant == "27"),
                    "notice": of(PortalMessage.id, PortalMessage.tenant == "27"),
                    "decision": of(DecisionDefinition.key, DecisionDefinition.tenant == "27"),
                    "file": of(DeployedFile.id, DeployedFile.tenant == "27"),
                    "exam_session": of(ExamSession.id, ExamSession.tenant == "27"),
                    "venue": of(ExamVenue.id, ExamVenue.tenant == "27"),
                    "certificate_request": of(CertificateRequest.request_no, CertificateRequest.tenant == "27")}

    def _secrets(self) -> dict[str, str]:
        out: dict[str, str] = {}
        out |= {name: "27's username" for name, (tenant, _r) in self.staff.items() if tenant == "27"}
        with self.engine.reading() as s:
            out |= {u.display_name: "27's staff name" for u in s.scalars(select(StaffUser).where(
                StaffUser.tenant == "27"))}
            out |= {t.name: "27's token name" for t in s.scalars(select(ApiToken).join(
                StaffUser, StaffUser.id == ApiToken.user_id).where(StaffUser.tenant == "27"))}
            for v in s.scalars(select(ExamVenue).where(ExamVenue.tenant == "27")):
                out |= {v.name: "27's venue", v.address: "27's venue's address"}
            out |= {x.code: "27's exam session" for x in s.scalars(select(ExamSession).where(ExamSession.tenant == "27"))}
            for a in s.scalars(select(Applicant).where(Applicant.tenant == "27")):
                out |= {a.name: "27's applicant's name", a.name_kana: "27's applicant's kana",
                        a.address: "27's applicant's address", a.vault_ref: "27's vault reference"}
            for key, variables in s.execute(select(ProcessInstance.business_key, ProcessInstance.variables)
                                            .where(ProcessInstance.tenant == "27")):
                out[key] = "27's business key"
                variables = variables if isinstance(variables, dict) else json.loads(variables or "{}")
                for name in ("application_id", "applicant_name", "vault_ref", "review_comment", "email"):
                    out[str(variables.get(name))] = f"27's {name}"
            out |= {d.name: "the name of 27's own deployment" for d in s.scalars(select(ProcessDefinition).where(
                ProcessDefinition.tenant == "27"))}
        out |= {v: "27's task id" for v in self.ids27["task"]}
        out |= {v: "27's notice id" for v in self.ids27["notice"]}
        out |= {v: "27's 申請受付ID" for v in self.ids27["application"]}
        out |= {self.p27: "27's applicant's pseudonymous ID", "PAY-27-NANIWA-0001": "27's message id",
                "PAY-27-NANIWA-0002": "27's message id", "NANIWA-REQ-0001": "27's API request id",
                "naniwa_remote": "27's own process key", "naniwa_pass_mark": "27's own decision key",
                "浪速合格基準": "27's own decision name", "naniwa_fee_paid": "27's own message name",
                "naniwa_review": "27's own element id", "浪速独自の審査": "27's own task name",
                "浪速照会結果の確認": "27's own task name", "naniwa_fee.bpmn": "27's deployed file",
                "naniwa_remote.bpmn": "27's deployed file", "naniwa.remote": "27's own topic",
                "浪速照会先に接続できません": "27's incident message", "浪速の窓口で住民票を確認した": "27's resolution note",
                "浪速の監査メモ": "27's audit note", "浪速の削除理由": "27's deletion record",
                "27-2025-A000777": "27's deletion record"}
        out = {k: v for k, v in out.items() if k and k != "None"}
        ours = json.dumps([self.person13, self.person13b], ensure_ascii=False)
        clash = [k for k in out if k in ours or len(k) < 4]
        assert not clash, f"27's strings that are not distinctive: {clash}"
        return out


@pytest.fixture
def world(engine, clock, tmp_path, services, handlers) -> World:  # type: ignore[no-untyped-def]
    return World(engine, clock, tmp_path, services)


# -- the probes ---------------------------------------------------------------------------------------------------

class Sweep(Judge):
    """13's callers (each member of staff signed in, each one's API token, 13's applicant) and the probes."""

    def __init__(self, world: World) -> None:
        self.w = world
        callers = {"applicant-13": Caller("applicant-13", "portal", world.applicants[world.p13],
                                          csrf=world.applicants[world.p13].csrf)}
        self.own: dict[str, dict[str, list[str]]] = {}  # each caller's own user and token ids, files it sees
        with world.engine.reading() as s:
            shared = [str(i) for i in s.scalars(select(DeployedFile.id).where(DeployedFile.tenant == ""))]
            for name, (tenant, roles) in world.staff.items():
                if tenant != "13":
                    continue
                callers[name] = Caller(name, "page", world.browsers[name], csrf=world.browsers[name].csrf,
                                       roles=frozenset(roles))
                callers[f"token:{name}"] = Caller(f"token:{name}", "api", world.app.test_client(),
                                                  token=world.tokens[name], roles=frozenset(roles))
                user = s.scalar(select(StaffUser).where(StaffUser.username == name))
                tokens = [str(t.id) for t in s.scalars(select(ApiToken).where(ApiToken.user_id == user.id))]
                self.own[name] = self.own[f"token:{name}"] = {"user": [str(user.id)], "token": tokens, "file": shared}
        super().__init__(callers, world.secrets, world.ids27, Snapshot(world.engine.db, "27"), world.errors)

    def from_url_map(self, lists_only: bool = False) -> Iterator[Probe]:
        """Every route: with 27's identifiers in its URL variables; or read as a list (a GET with none)."""
        for rule in sorted(self.w.app.url_map.iter_rules(), key=lambda r: r.rule):
            for method in methods(rule):
                if exempt(rule.endpoint, method):
                    continue
                who = self.of(audience(rule))
                if not rule.arguments:
                    for query in LISTS.get(rule.endpoint, [""]) if method == "GET" else []:
                        yield Probe(rule.endpoint, "GET", rule.rule + query, callers=who)
                    continue
                if lists_only:
                    continue
                for combo in self._combos(sorted(rule.arguments)):
                    for body in BODIES.get(rule.endpoint, [None]) if method == "POST" else [None]:
                        yield from self._variable_probes(rule, method, combo, body, who)

    def _combos(self, names: list[str]) -> list[dict[str, str | None]]:
        """Each of 27's values of each variable; with several variables, the others the caller's own (None) or
        27's first (for /admin/users/<user_id>/tokens/<token_id>/revoke: 13's user with 27's token, and so on)."""
        ids = self.ids
        if len(names) == 1:
            return [{names[0]: v} for v in ids[VARIABLES[names[0]]]]
        out: list[dict[str, str | None]] = []
        for n in names:
            for v in ids[VARIABLES[n]]:
                out.append({n: v, **{m: None for m in names if m != n}})
                out.append({n: v, **{m: ids[VARIABLES[m]][0] for m in names if m != n}})
        return out

    def _variable_probes(self, rule: Any, method: str, combo: dict[str, str | None], body: Any,
                         who: list[str]) -> Iterator[Probe]:
        allowed = REFUSED if method == "GET" else REFUSED | REDIRECTED
        own_needed = None in combo.values()
        for caller in who if own_needed else [None]:
            real, ghost, values, ghosts = {}, {}, [], []
            for n, v in combo.items():
                if v is None:  # the caller's own
                    mine = self.own.get(caller or "", {}).get(VARIABLES[n])
                    if not mine:
                        break
                    real[n] = ghost[n] = mine[0]
                else:
                    real[n], ghost[n] = v, GHOSTS[VARIABLES[n]]
                    values.append(v)
                    ghosts.append(ghost[n])
            else:
                yield Probe(rule.endpoint, method, build(rule.rule, real), body, values,
                            (build(rule.rule, ghost), body, ghosts), allowed, [caller] if caller else who)

    def from_queries(self) -> Iterator[Probe]:
        """Identifiers in query strings: the inbox's search and filters, its CSV, the API's list; the audit log."""
        w = self.w
        names = [v for v, what in w.secrets.items() if what in ("27's applicant's name", "27's applicant_name")]
        keys = [v for v, what in w.secrets.items() if what in ("27's business key", "27's application_id")]
        searches = [("q", v, "zz-nothing-matches")
                    for v in names + keys + w.ids27["application"] + [w.p27, "PAY-27-NANIWA-0001"]]
        searches += [("process", "naniwa_remote", "zz_no_process")]
        searches += [("task", t, "zz_no_task") for t in ("naniwa_review", "naniwa_check", "naniwa_lookup")]
        for path, who in (("/", self.of("page")), ("/tasks.csv", self.of("page")), ("/api/v1/tasks", self.of("api"))):
            endpoint = {"/": "inbox.index", "/tasks.csv": "inbox.export"}.get(path, "api.tasks")
            for param, value, ghost in searches:
                yield Probe(endpoint, "GET", f"{path}?{param}={q(value)}", None, [value],
                            (f"{path}?{param}={q(ghost)}", None, [ghost]), None, who)
        with w.engine.reading() as s:
            actors = sorted(set(s.scalars(select(AccessLogEntry.actor).where(AccessLogEntry.tenant == "27"))))
        for endpoint, path in (("audit.index", "/audit/"), ("audit.log_csv", "/audit/log.csv")):
            for actor in actors + ["reviewer1-27", "auditor1-27"]:
                yield Probe(endpoint, "GET", f"{path}?{PERIOD}&actor={q(actor)}", None, [actor],
                            (f"{path}?{PERIOD}&actor=zz-nobody", None, ["zz-nobody"]), None, self.of("page"))

    def posted(self, phase: int) -> Iterator[Probe]:
        """What a POST's body names (POSTED). Phase 1 is refused or acts in 13 alone; 2 acts in 13 under 27's names
        (deploys, a filing); 3 files for 27's applicant; 4 waits under 27's keys. 27's views are compared over
        phases 1-2 and over phase 4."""
        w, pages, apis = self.w, self.of("page"), self.of("api")
        paper = w.paper_body(w.person13b)
        if phase == 1:
            # messages: 27's keys (a key names its prefecture: 404); 27's message ids with 13's own key; 27's own
            # message name with 13's own key
            for key, name in itertools.product([w.app27a, w.app27b] + [k for _i, k in w.fee27],
                                               ("fee_paid", "naniwa_fee_paid", "correction_submitted")):
                body = {"name": name, "key": key, "id": "PAY-27-NANIWA-0001", "data": {"fee_paid_amount": 0}}
                yield Probe("api.message", "POST", "/api/v1/messages", body, [key],
                            ("/api/v1/messages", {**body, "key": "27-2099-Z999999"}, ["27-2099-Z999999"]),
                            frozenset({404}), apis)
            for message_id in ("PAY-27-NANIWA-0001", "PAY-27-NANIWA-0002"):
                body = {"name": "fee_paid", "key": "13-2026-F000001", "id": message_id, "data": {"fee_paid_amount": 0}}
                yield Probe("api.message", "POST", "/api/v1/messages", body, [message_id], _fresh_id(body),
                            frozenset({200, 202, 403}), apis)
            body = {"name": "naniwa_fee_paid", "key": "13-2026-F000001", "data": {"fee_paid_amount": 0}}
            yield Probe("api.message", "POST", "/api/v1/messages", body, ["naniwa_fee_paid"],
                        ("/api/v1/messages", {**body, "name": "zz_no_message"}, ["zz_no_message"]), REFUSED, apis)
            # signals: 27's own message names as signal names, sent by 13 (a signal stays in 13: nothing of 27
            # reacts, and the answer is the one for a name that exists nowhere); non-admins are refused
            for name in ("naniwa_fee_paid", "fee_paid"):
                body = {"name": name, "data": {"fee_paid_amount": 0}}
                yield Probe("api.signal", "POST", "/api/v1/signals", body, [name],
                            ("/api/v1/signals", {**body, "name": "zz_no_signal"}, ["zz_no_signal"]),
                            frozenset({200, 403}), apis)
            # 13's own task handed to a member of 27's staff
            [task13] = [t["id"] for t in w.engine.tasks(instance_id=w.fee13)]
            for colleague in ("reviewer1-27", "reviewer2-27", "admin1-27", "retired1-27"):
                yield Probe("inbox.delegate_task", "POST", f"/tasks/{task13}/delegate", {"colleague": colleague},
                            [colleague], (f"/tasks/{task13}/delegate", {"colleague": "zz-nobody"}, ["zz-nobody"]),
                            REFUSED | REDIRECTED, pages)
            # a new account under one of 27's usernames: refused, and 27's account untouched
            for name in [n for n, (t, _r) in w.staff.items() if t == "27"]:
                yield Probe("admin.users", "POST", "/admin/users", {
                    "username": name, "display_name": "江戸 新人", "roles": ["reviewer"],
                    "password": "Edo-new-2026-aki"}, [name], None, frozenset({404, 409, 422}), pages)
            # validating against 27's own decision (13 does not see it); a prefecture's admin deploying shared
            for who in ("admin1-13", "operator1-13"):
                yield self._upload(who, "validate", USES_DECISION.format(ref="naniwa_pass_mark"), "edo_decides.bpmn",
                                   oracle="naniwa_pass_mark", allowed=frozenset({422}))
            yield self._upload("admin1-13", "deploy", EDO_SAME_KEY.format(key="fee"), "edo_fee.bpmn",
                               scope="shared", allowed=frozenset({403}))
            # the same through the browser modeler's endpoints (web/modeler.py, which take a form too)
            for who in ("admin1-13", "operator1-13"):
                body = {"name": "edo_decides.bpmn", "xml": USES_DECISION.format(ref="naniwa_pass_mark")}
                ghost = {**body, "xml": USES_DECISION.format(ref="zz_no_such_name")}
                yield Probe("modeler.modeler_validate", "POST", "/admin/modeler/validate", body, ["naniwa_pass_mark"],
                            ("/admin/modeler/validate", ghost, ["zz_no_such_name"]), frozenset({200}), [who])
                yield Probe("modeler.modeler_deploy", "POST", "/admin/modeler/deploy", body, ["naniwa_pass_mark"],
                            ("/admin/modeler/deploy", ghost, ["zz_no_such_name"]), frozenset({422}), [who])
            yield Probe("modeler.modeler_deploy", "POST", "/admin/modeler/deploy",
                        {"name": "edo_fee.bpmn", "xml": EDO_SAME_KEY.format(key="fee"), "scope": "shared"},
                        allowed=frozenset({403}), callers=["admin1-13"])
            # a paper certificate request naming 27's 申請受付ID: refused by its number alone, as one that exists nowhere
            for number in (w.app27a, w.app27b):
                body = {"pass_no": number, "request_kind": "certificate_of_pass", "language": "ja", "copies": "1",
                        "requester_name": "江戸 太郎", "requester_birth_date": "1990-01-01"}
                yield Probe("certificate_requests.new", "POST", "/certificate-requests/new", body, [number],
                            ("/certificate-requests/new", {**body, "pass_no": "27-2099-A999999"}, ["27-2099-A999999"]),
                            frozenset({404, 422}), pages)
            # the audit review records 13's entries (the count is checked in _counts)
            yield Probe("audit.review", "POST", "/audit/reviews", {"from": "2026-01-01", "to": "2026-12-31",
                                                                   "note": "江戸の監査"}, callers=pages)
        elif phase == 2:
            # the very bytes of 27's own files: 13's own first versions, never "unchanged" (that would say 27 has
            # this file, and leave 13 without it)
            for filename, content, adopted in (
                    ("naniwa_fee.bpmn", naniwa_fee("第二版"), ("浪速独自手数料手続 第二版", "naniwa_review",
                                                             "浪速独自の審査", "naniwa_fee_paid", "naniwa_fee.bpmn")),
                    ("naniwa_pass_mark.dmn", naniwa_dmn(), ("naniwa_pass_mark", "浪速合格基準"))):
                yield self._upload("admin1-13", "deploy", content, filename, allowed=frozenset({200}),
                                   adopts=adopted, expect=_deployed_for_13(w, filename))
            # 13's own versions under 27's key and file names; a filing with 27's request id
            yield self._upload("admin1-13", "deploy", EDO_SAME_KEY.format(key="naniwa_remote"), "naniwa_remote.bpmn",
                               allowed=frozenset({200}), adopts=("naniwa_remote", "naniwa_remote.bpmn"))
            yield self._upload("admin1-13", "deploy", EDO_SAME_KEY.format(key="fee"), "naniwa_fee.bpmn",
                               allowed=frozenset({200}))
            yield Probe("api.file_application", "POST", "/api/v1/applications", {**paper, "id": "NANIWA-REQ-0001"},
                        ["NANIWA-REQ-0001"], None, frozenset({200, 201, 403}), apis)
        elif phase == 3:
            # 13's intake system files online for the person whose portal ID 27 knows: their own new application
            # (it shows in their list, so 27's views are read again after it), and nothing of them from 27
            yield Probe("api.file_application", "POST", "/api/v1/applications",
                        {**paper, "id": "EDO-ONLINE-1", "channel": "online", "pseudonym_id": w.p27}, [w.p27], None,
                        frozenset({201}), ["token:admin1-13"])
        else:
            # correlation keys are one namespace for every prefecture: 13's own application process waits under
            # 27's 申請受付IDs, and 13's next filing starts it (27's views must not change: see _views)
            shadow = EDO_APPLICATION.format(correction_key=w.app27a, fee_key=w.app27b)
            yield self._upload("admin1-13", "deploy", shadow, "edo_application.bpmn", allowed=frozenset({200}))
            yield Probe("api.file_application", "POST", "/api/v1/applications", {**paper, "id": "EDO-SHADOW-1"},
                        allowed=frozenset({201}), callers=["token:admin1-13"])

    def _upload(self, who: str, action: str, xml: str, filename: str, scope: str = "", oracle: str | None = None,
                allowed: frozenset[int] | None = None, adopts: tuple[str, ...] = (), expect: Any = None) -> Probe:
        """A file sent on the deploy page (a new multipart body for each request)."""
        def form(content: str) -> Any:
            return lambda: {"action": action, "files": [(io.BytesIO(content.encode()), filename)],
                            **({"scope": scope} if scope else {})}
        probe = Probe("admin.deployments", "POST", "/admin/deployments", form(xml), [], None, allowed, [who],
                      sent=xml + filename, adopts=adopts, expect=expect)
        if oracle:  # 27's name is as unknown to 13 as one that exists nowhere
            probe.values = [oracle]
            probe.ghost = lambda: ("/admin/deployments", form(xml.replace(oracle, "zz_no_such_name"))(),
                                   ["zz_no_such_name"])
        return probe


def _fresh_id(body: dict[str, Any]) -> Any:
    """The oracle of a message id: the same message with a new id of 13's (a fresh one each time: ids are kept)."""
    def ghost() -> tuple[str, Any, list[str]]:
        new = f"PAY-13-{uuid.uuid4().hex[:12].upper()}"
        return "/api/v1/messages", {**body, "id": new}, [new]
    return ghost


def _deployed_for_13(w: World, filename: str) -> Any:
    def check(answer: Answer) -> str | None:
        with w.engine.reading() as s:
            mine = s.scalar(select(func.count()).select_from(DeployedFile).where(
                DeployedFile.tenant == "13", DeployedFile.name == filename))
        if not mine or "デプロイしました" not in answer.text:
            said = re.search(r'class="flash[^"]*"[^>]*>([^<]*)<', answer.text)
            return (f"the bytes of 27's own {filename} did not deploy for 13 (13 has {mine} such file; the page "
                    f"says {said.group(1) if said else '?'!r})")
        return None
    return check


# -- the tests ----------------------------------------------------------------------------------------------------

def test_every_route_is_in_the_sweep(engine, tmp_path):  # type: ignore[no-untyped-def]
    from web import create_app
    engine.settings = replace(engine.settings, keyring_path=tmp_path / "keyring.json")
    app = create_app(engine=engine, identity=Identity(hasher=FAST_HASHER), scheduler=False)
    assert plan_problems(app) == []
    unplaced = Snapshot(engine.db, "27").unclassified
    assert unplaced == [], f"tables that name no owner: place them in tests/support/isolation.py: {unplaced}"


def test_nothing_of_another_prefecture_through_any_route(world: World) -> None:
    started = time.monotonic()
    _reachable_by_27(world)  # the identifiers are real: 27's own people reach each of them
    views = _views(world)
    sweep = Sweep(world)
    for probe in itertools.chain(sweep.from_url_map(), sweep.from_queries(), sweep.posted(1)):
        sweep.run(probe)
    sweep.failures += _counts(world)
    for probe in sweep.posted(2):
        sweep.run(probe)
    sweep.failures += _compare(views, _views(world))
    sweep.rebase()  # reading 27's views noted its tokens' use
    for probe in sweep.posted(3):
        sweep.run(probe)
    views = _views(world)  # 27's applicant has one more application now, of 13's
    sweep.rebase()
    for probe in sweep.posted(4):
        sweep.run(probe)
    sweep.failures += _compare(views, _views(world))
    sweep.failures += _after(world)
    if os.environ.get("KENTEI_SWEEP_REPORT"):
        report = Path(os.environ["KENTEI_SWEEP_REPORT"])
        report.write_text(sweep.report() + "\n")
        report.with_name(report.name + ".log").write_text("\n".join(sweep.log) + "\n")
    print(f"isolation sweep: {sweep.calls} requests in {time.monotonic() - started:.1f} s")
    if sweep.failures:
        pytest.fail(sweep.report(), pytrace=False)


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_searches_lists_and_counts_on_postgresql(world: World) -> None:
    """The inbox's search and a message's key read process variables with each database's own SQL (json_extract,
    ->>); the lists and counts are SQL too: those probes again on PostgreSQL."""
    sweep = Sweep(world)
    dialect = {"inbox.index", "inbox.export", "api.tasks", "api.message"}  # SQL with json_extract / ->>
    for probe in itertools.chain(sweep.from_url_map(lists_only=True), sweep.from_queries(), sweep.posted(1)):
        if probe.endpoint in dialect:
            sweep.run(probe)
    sweep.failures += _counts(world)
    if sweep.failures:
        pytest.fail(sweep.report(), pytrace=False)


def _reachable_by_27(w: World) -> None:
    """Each GET route with a URL variable answers 200 to one of 27's own callers for each of 27's values (so a 404
    for 13 is the scoping's doing, not a dead identifier). Before the snapshots: a token's use is noted."""
    staff27 = [n for n, (t, _r) in w.staff.items() if t == "27" and n in w.browsers]
    callers: dict[str, list[Any]] = {"page": [w.browsers[n].get for n in staff27],
                                     "api": [_bearer(w, n) for n in staff27],
                                     "portal": [w.applicants[w.p27].get]}
    missing = []
    for rule in w.app.url_map.iter_rules():
        if "GET" not in rule.methods or len(rule.arguments) != 1 or exempt(rule.endpoint, "GET"):
            continue
        [name] = rule.arguments
        for value in w.ids27[VARIABLES[name]]:
            path = build(rule.rule, {name: value})
            if not any(get(path).status_code == 200 for get in callers[audience(rule)]):
                missing.append(path)
    assert not missing, f"27's own people cannot reach these: {missing}"


def _bearer(w: World, name: str) -> Any:
    return lambda path: w.api("GET", path, name)


def _views(w: World) -> dict[str, str]:
    """What 27's own people see of their objects (pages, lists, API answers of each kind): nothing 13 does may
    change it. Read outside the row snapshots (a token's use is noted on its row)."""
    ids, applications = w.identifiers(), w.ids27["application"]
    pages = [("applicant-27", w.applicants[w.p27], ["/portal/", "/portal/notices"]
              + [f"/portal/applications/{n}{end}" for n in applications for end in ("", "/receipt")])]
    pages += [(who, w.browsers[who], paths) for who, paths in (
        ("reviewer1-27", ["/", "/tasks.csv"] + [f"/instances/{i}" for i in ids["instance"]]),
        ("admin1-27", ["/admin/deployments", "/admin/incidents?status=all", "/admin/users"]),
        ("auditor1-27", [f"/audit/?{PERIOD}", "/audit/account-changes", "/audit/deletions"]))]
    out = {}
    for who, client, paths in pages:
        for path in paths:
            r = client.get(path)
            out[f"{who} GET {path}"] = f"{r.status_code} " + normalised(r.get_data(as_text=True), [])
    for path in ["/api/v1/tasks?per_page=200", "/api/v1/deployments", "/api/v1/incidents?status=all"] + [
            f"/api/v1/applications/{n}" for n in applications] + [f"/api/v1/instances/{i}" for i in ids["instance"]]:
        r = w.api("GET", path, "admin1-27")
        out[f"token:admin1-27 GET {path}"] = f"{r.status_code} " + r.get_data(as_text=True)
    return out


def _compare(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return [f"27's own view {view} changed: {changed(before[view], after.get(view, ''))}"
            for view in before if before[view] != after.get(view)]


def _counts(w: World) -> list[str]:
    """Counts and lists that are 13's alone: the API's task totals and the CSV's rows, the incidents, the
    deployments with their instance counts, the audit review's count."""
    found = []
    with w.engine.reading() as s:
        tasks = s.execute(select(HumanTask.candidate_groups, HumanTask.assignee).where(
            HumanTask.tenant == "13", HumanTask.status == "open")).all()
        incidents13 = s.scalar(select(func.count()).select_from(Incident).where(Incident.tenant == "13"))
        instances13 = dict(s.execute(select(ProcessInstance.definition_id, func.count()).where(
            ProcessInstance.tenant == "13").group_by(ProcessInstance.definition_id)).all())
        definitions = {(d.key, d.version, d.tenant or None): d for d in s.scalars(select(ProcessDefinition))}
        log13 = s.scalar(select(func.count()).select_from(AccessLogEntry).where(AccessLogEntry.tenant == "13"))
    for name in [n for n, (t, _r) in w.staff.items() if t == "13"]:
        roles = set(w.staff[name][1])
        expected = sum(1 for groups, assignee in tasks
                       if assignee == name or roles & {g.strip() for g in (groups or "").split(",")})
        total = w.api("GET", "/api/v1/tasks?per_page=200", name).get_json().get("total")
        if total != expected:
            found.append(f"GET /api/v1/tasks as token:{name}: total {total}, 13 has {expected} such tasks")
        rows = len(w.browsers[name].get("/tasks.csv").get_data(as_text=True).strip().splitlines()) - 1
        if rows != expected:
            found.append(f"GET /tasks.csv as {name}: {rows} rows, 13 has {expected} such tasks")
        listed = w.api("GET", "/api/v1/incidents?status=all", name).get_json()["incidents"]
        if len(listed) != incidents13:
            found.append(f"GET /api/v1/incidents?status=all as token:{name}: {len(listed)}, 13 has {incidents13}")
        for d in w.api("GET", "/api/v1/deployments", name).get_json()["processes"]:
            row = definitions.get((d["key"], d["version"], d["tenant"]))
            if row is None or d["tenant"] not in ("13", None) or row.name != d["name"]:
                found.append(f"GET /api/v1/deployments as token:{name}: lists {d['key']} v{d['version']} of "
                             f"{d['tenant']!r} ({d['name']})")
            elif sum(d["instances"].values()) != instances13.get(row.id, 0):
                found.append(f"GET /api/v1/deployments as token:{name}: {d['key']} v{d['version']} counts "
                             f"{d['instances']}, 13 has {instances13.get(row.id, 0)} instances of it")
    auditor = w.browsers["auditor1-13"]
    done = auditor.post("/audit/reviews", data={"csrf_token": auditor.csrf, "from": "2026-01-01", "to": "2026-12-31"},
                        follow_redirects=True)
    counted = re.search(r"の (\d+) 件", done.get_data(as_text=True))
    if counted is None or int(counted.group(1)) != log13:
        found.append(f"POST /audit/reviews as auditor1-13: recorded {counted and counted.group(1)} entries, "
                     f"13's log has {log13}")
    return found


def _after(w: World) -> list[str]:
    """After the sweep: 27 still starts its own versions of the keys 13 deployed too, 27's applicant still answers
    27's correction request, and 13's own version lines count from 1."""
    found = []
    for n, (key, name) in enumerate((("naniwa_remote", "浪速照会手続"), ("fee", "浪速独自手数料手続 第二版"))):
        iid = w.engine.start(key, "27", {"application_id": f"27-2026-Z{n:06d}"})
        with w.engine.reading() as s:
            d = s.get(ProcessDefinition, s.get(ProcessInstance, iid).definition_id)
        if (d.tenant, d.name) != ("27", name):
            found.append(f"after 13 deployed {key}: 27's new instance runs {d.name!r} of {d.tenant!r}, not {name!r}")
    client = w.applicants[w.p27]
    answered = client.post(f"/portal/applications/{w.app27a}/correction", data={
        "csrf_token": client.csrf, "experience_years": "5", "schooling": "なし", "prior_pass": "なし",
        "correction_note": "浪速から補正"})
    iid = w.instance_of(w.app27a)
    with w.engine.reading() as s:
        waiting = s.scalar(select(func.count()).select_from(MessageSubscription).where(
            MessageSubscription.instance_id == iid, MessageSubscription.message_name == "correction_submitted"))
    if answered.status_code != 302 or waiting:
        found.append(f"POST /portal/applications/{w.app27a}/correction as 27's applicant: {answered.status_code}; "
                     f"27's instance {iid} {'still waits for the correction' if waiting else 'got it'}")
    mine = sorted((d["key"], d["version"]) for d in w.api("GET", "/api/v1/deployments", "admin1-13").get_json()[
        "processes"] if d["key"] in ("naniwa_remote", "fee") and d["tenant"] == "13")
    if mine != [("fee", 1), ("fee", 2), ("naniwa_remote", 1)]:  # fee: the copy of 27's file, then 13's own
        found.append(f"13's own versions after its deploys: {mine}")
    return found
