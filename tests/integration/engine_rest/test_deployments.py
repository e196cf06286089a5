"""/engine-rest/deployment: create (multipart, duplicate filtering, ParseException), list, get, resources, delete."""
from __future__ import annotations

import io

import pytest

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/'
        'MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://kentei.test/cat">\n')


def bpmn(key: str = "leave", group: str = "reviewer", extra: str = "", attrs: str = "") -> bytes:
    return (HEAD + f'''  <bpmn:process id="{key}" name="休暇申請 {key}" isExecutable="true" {attrs}>
    <bpmn:documentation>申請の流れ</bpmn:documentation>
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="review" name="審査" camunda:candidateGroups="{group}"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>{extra}
  </bpmn:process>
</bpmn:definitions>''').encode()


TWO = (HEAD + '''  <bpmn:process id="second" isExecutable="true"><bpmn:startEvent id="s2"/></bpmn:process>
  <bpmn:process id="first" isExecutable="true"><bpmn:startEvent id="s1"/></bpmn:process>
</bpmn:definitions>''').encode()

BROKEN = (HEAD + '''  <bpmn:process id="broken" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:serviceTask id="call_nobody" name="誰も呼ばない" camunda:type="external" camunda:topic="no.such.topic"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call_nobody"/>
  </bpmn:process>
</bpmn:definitions>''').encode()

DMN = '''<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" xmlns:camunda="http://camunda.org/schema/1.0/dmn"
  id="pm" name="pass" namespace="http://kentei.test/dmn">
  <decision id="pass_mark" name="合否判定" camunda:versionTag="2026" camunda:historyTimeToLive="30">
    <decisionTable id="t" hitPolicy="UNIQUE">
      <input id="in_written" label="学科"><inputExpression id="e1" typeRef="integer"><text>written</text></inputExpression></input>
      <output id="out" name="outcome" typeRef="string"/>
      <rule id="r_pass"><inputEntry id="a1"><text>&gt;= 65</text></inputEntry><outputEntry id="o1"><text>"pass"</text></outputEntry></rule>
      <rule id="r_fail"><inputEntry id="b1"><text>&lt; 65</text></inputEntry><outputEntry id="o2"><text>"fail"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>'''.encode()

FORM = b'{"id": "leave_form", "type": "default", "components": [{"key": "days", "type": "number", "label": "Days"}]}'


def deploy(rest, files, who="admin1-13", **fields):  # type: ignore[no-untyped-def]
    data = {k.replace("_", "-"): v for k, v in fields.items()}
    for name, content in files:
        data[name] = (io.BytesIO(content), name)
    return rest("POST", "/engine-rest/deployment/create", who=who, data=data, content_type="multipart/form-data")


def test_create_gives_the_full_dto_in_document_order_and_stores_forms_as_resources(rest):  # type: ignore[no-untyped-def]
    made = deploy(rest, [("two.bpmn", TWO), ("leave.bpmn", bpmn(attrs='camunda:versionTag="v1" '
                                                                        'camunda:historyTimeToLive="P7D" '
                                                                        'camunda:isStartableInTasklist="false"')),
                         ("pass.dmn", DMN), ("leave.form", FORM), ("notes.txt", b"hello")],
                  deployment_name="leave", deployment_source="test")
    assert made.status_code == 200, made.get_json()
    body = made.get_json()
    assert made.headers["Content-Type"] == "application/json"
    assert set(body) == {"links", "id", "name", "source", "deploymentTime", "tenantId", "deployedProcessDefinitions",
                         "deployedCaseDefinitions", "deployedDecisionDefinitions",
                         "deployedDecisionRequirementsDefinitions"}
    assert body["links"] == [{"method": "GET", "href": f"http://localhost/engine-rest/deployment/{body['id']}",
                              "rel": "self"}]
    assert (body["name"], body["source"], body["tenantId"]) == ("leave", "test", "13")
    assert body["deploymentTime"].endswith("+0000") and body["deployedCaseDefinitions"] is None
    processes = list(body["deployedProcessDefinitions"].values())
    assert [p["key"] for p in processes] == ["second", "first", "leave"]  # document order, file by file
    leave = processes[2]
    assert leave == {"id": leave["id"], "key": "leave", "category": "http://kentei.test/cat", "description": "申請の流れ",
                     "name": "休暇申請 leave", "version": 1, "resource": "leave.bpmn", "deploymentId": body["id"],
                     "diagram": None, "suspended": False, "tenantId": "13", "versionTag": "v1",
                     "historyTimeToLive": 7, "startableInTasklist": False}
    assert leave["id"].startswith("leave:1:")
    (decision,) = body["deployedDecisionDefinitions"].values()
    assert decision == {"id": decision["id"], "key": "pass_mark", "category": "http://kentei.test/dmn", "name": "合否判定",
                        "version": 1, "resource": "pass.dmn", "deploymentId": body["id"], "tenantId": "13",
                        "decisionRequirementsDefinitionId": None, "decisionRequirementsDefinitionKey": None,
                        "historyTimeToLive": 30, "versionTag": "2026"}
    resources = rest("GET", f"/engine-rest/deployment/{body['id']}/resources").get_json()
    assert sorted(r["name"] for r in resources) == ["leave.bpmn", "leave.form", "notes.txt", "pass.dmn", "two.bpmn"]
    form = next(r for r in resources if r["name"] == "leave.form")
    assert form["deploymentId"] == body["id"]
    one = rest("GET", f"/engine-rest/deployment/{body['id']}/resources/{form['id']}")
    assert one.get_json() == form
    data = rest("GET", f"/engine-rest/deployment/{body['id']}/resources/{form['id']}/data")
    assert data.status_code == 200 and data.data == FORM
    from engine.db.models import DeployedFile
    with rest.engine.reading() as s:
        kinds = {f.name: f.kind for f in s.query(DeployedFile)}
    assert kinds == {"two.bpmn": "bpmn", "leave.bpmn": "bpmn", "pass.dmn": "dmn", "leave.form": "form",
                     "notes.txt": "resource"}


def test_duplicate_filtering_and_deploy_changed_only(rest):  # type: ignore[no-untyped-def]
    first = deploy(rest, [("leave.bpmn", bpmn()), ("pass.dmn", DMN)], deployment_name="d",
                   enable_duplicate_filtering="true").get_json()
    old_id = next(iter(first["deployedProcessDefinitions"]))
    same = deploy(rest, [("leave.bpmn", bpmn()), ("pass.dmn", DMN)], deployment_name="d",
                  enable_duplicate_filtering="true").get_json()
    assert same["id"] == first["id"] and same["deploymentTime"] == first["deploymentTime"]
    assert same["deployedProcessDefinitions"] is None and same["deployedDecisionDefinitions"] is None
    # another name (or no filtering) is a new deployment with new versions of everything
    again = deploy(rest, [("leave.bpmn", bpmn())], deployment_name="other", enable_duplicate_filtering="true").get_json()
    assert again["id"] != first["id"] and [p["version"] for p in again["deployedProcessDefinitions"].values()] == [2]
    plain = deploy(rest, [("leave.bpmn", bpmn())], deployment_name="d").get_json()
    assert [p["version"] for p in plain["deployedProcessDefinitions"].values()] == [3]
    # a changed BPMN beside an unchanged DMN: all are deployed, or the changed one only
    changed = deploy(rest, [("leave.bpmn", bpmn(group="scorer")), ("pass.dmn", DMN)], deployment_name="d",
                     enable_duplicate_filtering="true").get_json()
    assert changed["deployedDecisionDefinitions"] is not None
    only = deploy(rest, [("leave.bpmn", bpmn(group="approver")), ("pass.dmn", DMN)], deployment_name="d",
                  enable_duplicate_filtering="true", deploy_changed_only="true").get_json()
    assert only["deployedDecisionDefinitions"] is None and len(only["deployedProcessDefinitions"]) == 1
    names = [r["name"] for r in rest("GET", f"/engine-rest/deployment/{only['id']}/resources").get_json()]
    assert names == ["leave.bpmn"]
    assert rest("GET", f"/engine-rest/process-definition/{old_id}").status_code == 200  # old ids stay valid
    # kentei deploy keeps its way: unchanged files are skipped; what it stores is a deployment too
    report = rest.engine.deploy([("leave.bpmn", bpmn(group="approver"))], actor="cli", tenant="13")
    assert report.deployed == [] and report.deployment_id is None
    report = rest.engine.deploy([("leave.bpmn", bpmn(group="payment"))], actor="cli", tenant="13")
    cli = rest("GET", f"/engine-rest/deployment/{report.deployment_id}").get_json()
    assert (cli["name"], cli["source"]) == ("leave", "kentei")


def test_a_refused_file_is_a_parse_exception_and_nothing_is_stored(rest):  # type: ignore[no-untyped-def]
    before = rest("GET", "/engine-rest/deployment/count").get_json()["count"]
    refused = deploy(rest, [("ok.bpmn", bpmn()), ("broken.bpmn", BROKEN)], deployment_name="x")
    assert refused.status_code == 400
    body = refused.get_json()
    assert body["type"] == "ParseException" and body["code"] == 0
    assert body["message"].startswith("ENGINE-09005 Could not parse BPMN process. Errors: \n* ")
    line = next(ln for ln in body["message"].split("\n* ")[1:] if "call_nobody" in ln)
    assert "| resource broken.bpmn | element call_nobody '誰も呼ばない' | line 5 | column 5" in line
    (error,) = [e for e in body["details"]["broken.bpmn"]["errors"] if e["mainElementId"] == "call_nobody"]
    assert error["line"] == 5 and error["column"] == 5 and error["elementIds"] == ["call_nobody"]
    assert error["mainBpmnElementId"] == "call_nobody" and error["bpmnElementIds"] == ["call_nobody"]
    assert body["details"]["broken.bpmn"]["warnings"] == [] and "ok.bpmn" not in body["details"]
    malformed = deploy(rest, [("bad.bpmn", b"<bpmn:definitions")]).get_json()
    assert malformed["type"] == "ParseException" and malformed["details"]["bad.bpmn"]["errors"][0]["line"] == 1
    assert rest("GET", "/engine-rest/deployment/count").get_json()["count"] == before


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_who_may_deploy_and_bad_input(rest):  # type: ignore[no-untyped-def]
    assert deploy(rest, [("a.bpmn", bpmn())], who="reviewer1-13").status_code == 403
    assert deploy(rest, [("a.bpmn", bpmn())], who="worker1-13").status_code == 403
    assert deploy(rest, [("a.bpmn", bpmn())], who=None).status_code == 401
    other = deploy(rest, [("a.bpmn", bpmn())], who="admin1-13", tenant_id="27")
    assert other.status_code == 403 and other.get_json()["type"] == "AuthorizationException"
    analyst = deploy(rest, [("a.bpmn", bpmn())], who="analyst1-13", tenant_id="13")
    assert analyst.status_code == 200 and analyst.get_json()["tenantId"] == "13"
    from tests.integration.engine_rest.conftest import PASSWORD
    with rest.engine.transaction() as s, s.begin():
        rest.identity.create_user(s, "ops", "ops", "13", ["operator"], PASSWORD)
    shared = deploy(rest, [("s.bpmn", bpmn("s_proc"))], who="ops")
    assert shared.status_code == 200 and shared.get_json()["tenantId"] is None
    assert rest("GET", f"/engine-rest/deployment/{shared.get_json()['id']}", who="reviewer1-27").status_code == 200
    assert deploy(rest, [("s.bpmn", bpmn("s_proc"))], who="ops", tenant_id="13").status_code == 403  # no admin role
    assert rest("DELETE", f"/engine-rest/deployment/{shared.get_json()['id']}", who="admin1-13").status_code == 403
    assert rest("DELETE", f"/engine-rest/deployment/{shared.get_json()['id']}", who="ops").status_code == 204
    none = rest("POST", "/engine-rest/deployment/create", data={"deployment-name": "x"},
                content_type="multipart/form-data")
    assert none.status_code == 400 and none.get_json()["message"] == "No deployment resources contained in the form upload."
    nameless = rest("POST", "/engine-rest/deployment/create", data={"diagram": "<x/>"},
                    content_type="multipart/form-data")
    assert nameless.status_code == 400
    assert nameless.get_json()["message"] == ("No file name found in the deployment resource described by form "
                                              "parameter 'diagram'.")
    assert deploy(rest, [("a.bpmn", bpmn())], enable_duplicate_filtering="maybe").status_code == 400
    assert deploy(rest, [("a.bpmn", bpmn())], deployment_name="x" * 300).status_code == 400
    json_body = rest("POST", "/engine-rest/deployment/create", json={"a": 1})
    assert json_body.status_code == 400 and json_body.headers["Content-Type"] == "application/json"
    got = rest("GET", "/engine-rest/deployment/create")
    assert got.status_code == 405 and got.get_json()["type"] == "RestException"


def test_list_filters_scoping_and_delete(rest):  # type: ignore[no-untyped-def]
    a = deploy(rest, [("a.bpmn", bpmn("a_proc"))], deployment_name="alpha", deployment_source="src").get_json()
    b = deploy(rest, [("b.bpmn", bpmn("b_proc"))], deployment_name="beta").get_json()
    theirs = deploy(rest, [("c.bpmn", bpmn("c_proc"))], who="admin1-27", deployment_name="gamma").get_json()
    shared = rest.engine.deploy([("s.bpmn", bpmn("s_proc"))], actor="ops")  # shared: every prefecture sees it

    def names(query="", who="admin1-13"):  # type: ignore[no-untyped-def]
        got = rest("GET", f"/engine-rest/deployment{query}", who=who)
        assert got.status_code == 200, got.get_json()
        return [d["name"] for d in got.get_json()]
    assert names("?maxResults=0") == []
    assert names("?sortBy=name&sortOrder=asc") == ["alpha", "beta", "s"]
    assert names("?sortBy=name&sortOrder=desc&firstResult=1&maxResults=1") == ["beta"]
    assert names("?nameLike=%25ph%25") == ["alpha"] and names("?source=src") == ["alpha"]
    assert names("?withoutTenantId=true") == ["s"] and names("?tenantIdIn=27") == []
    assert names("?tenantIdIn=13&includeDeploymentsWithoutTenantId=true&sortBy=name&sortOrder=asc") == ["alpha", "beta", "s"]
    assert names("?id=" + theirs["id"]) == [] and sorted(names(who="admin1-27")) == ["gamma", "s"]
    assert len(names("?after=2026-03-31T00:00:00.000%2B0000&before=2026-04-02T00:00:00.000Z")) == 3
    assert rest("GET", "/engine-rest/deployment/count?name=beta").get_json() == {"count": 1}
    assert rest("GET", "/engine-rest/deployment?sortBy=name").status_code == 400
    assert rest("GET", "/engine-rest/deployment?sortBy=nope&sortOrder=asc").status_code == 400
    assert rest("GET", "/engine-rest/deployment?after=yesterday").status_code == 400
    assert rest("GET", "/engine-rest/deployment?maxResults=-1").status_code == 400
    assert rest("GET", "/engine-rest/deployment?maxResults=0", who=None).status_code == 401
    # get and resources: another prefecture's is unknown
    got = rest("GET", f"/engine-rest/deployment/{a['id']}").get_json()
    assert got == {k: a[k] for k in ("links", "id", "name", "source", "deploymentTime", "tenantId")}
    assert rest("GET", f"/engine-rest/deployment/{theirs['id']}").status_code == 404
    assert rest("GET", f"/engine-rest/deployment/{theirs['id']}/resources").status_code == 404
    assert rest("GET", f"/engine-rest/deployment/{a['id']}/resources/999999").status_code == 404
    assert rest("GET", f"/engine-rest/deployment/{a['id']}/resources/x%00y").status_code in (400, 404)
    assert rest("GET", "/engine-rest/deployment/" + "9" * 80).status_code == 404
    # delete: refused while an instance exists (any prefecture), else its definitions go too
    rest.engine.start("b_proc", "13")
    refused = rest("DELETE", f"/engine-rest/deployment/{b['id']}?cascade=true")
    assert refused.status_code == 400 and refused.get_json()["type"] == "BadUserRequestException"
    assert rest("DELETE", f"/engine-rest/deployment/{a['id']}", who="reviewer1-13").status_code == 403
    assert rest("DELETE", f"/engine-rest/deployment/{theirs['id']}").status_code == 404
    shared_id = shared.deployment_id
    assert rest("DELETE", f"/engine-rest/deployment/{shared_id}").status_code == 403  # only an operator
    assert rest("DELETE", f"/engine-rest/deployment/{a['id']}", who="analyst1-13").status_code == 403
    assert rest("DELETE", f"/engine-rest/deployment/{a['id']}", who="admin1-13").status_code == 204
    assert rest("GET", f"/engine-rest/deployment/{a['id']}").status_code == 404
    a_def = next(iter(a["deployedProcessDefinitions"]))
    assert rest("GET", f"/engine-rest/process-definition/{a_def}").status_code == 404
    again = deploy(rest, [("a.bpmn", bpmn("a_proc"))], deployment_name="alpha").get_json()
    (new_def,) = again["deployedProcessDefinitions"]
    assert new_def != a_def and rest("GET", f"/engine-rest/process-definition/{new_def}").status_code == 200
    # deleting the newest deployment and deploying again: the new rows get new ids (no process's cache of the
    # deleted ones can stand for them), and nothing deleted shows in any list
    assert rest("DELETE", f"/engine-rest/deployment/{again['id']}").status_code == 204
    third = deploy(rest, [("a.bpmn", bpmn("a_proc"))], deployment_name="alpha").get_json()
    (third_def,) = third["deployedProcessDefinitions"]
    assert third_def.split(":")[:2] == new_def.split(":")[:2] and third_def != new_def  # version 1 again, a new row
    listed = rest("GET", "/engine-rest/process-definition?key=a_proc").get_json()
    assert [d["id"] for d in listed] == [third_def]
    assert "~" not in rest("GET", "/engine-rest/deployment").get_data(as_text=True)
