"""/engine-rest/process-definition and /decision-definition: lists and filters, by id and key, XML, statistics,
evaluate; prefecture isolation; pycamunda reading every DTO strictly."""
from __future__ import annotations

import pytest

from tests.integration.engine_rest.test_deployments import DMN, HEAD, bpmn, deploy

WAITS = (HEAD + '''  <bpmn:message id="m" name="documents_arrived"/>
  <bpmn:process id="waits" name="待ち" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:parallelGateway id="split"/>
    <bpmn:userTask id="review" name="審査" camunda:candidateGroups="reviewer"/>
    <bpmn:boundaryEvent id="overdue" attachedToRef="review" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:serviceTask id="outside" camunda:type="external" camunda:topic="ext.work"/>
    <bpmn:intermediateCatchEvent id="docs"><bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="e1"/><bpmn:endEvent id="e2"/><bpmn:endEvent id="e4"/>
    <bpmn:endEvent id="e5"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split"/>
    <bpmn:sequenceFlow id="f1" sourceRef="split" targetRef="review"/>
    <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="outside"/>
    <bpmn:sequenceFlow id="f4" sourceRef="split" targetRef="docs"/>
    <bpmn:sequenceFlow id="f5" sourceRef="review" targetRef="e1"/>
    <bpmn:sequenceFlow id="f6" sourceRef="outside" targetRef="e2"/>
    <bpmn:sequenceFlow id="f8" sourceRef="docs" targetRef="e4"/>
    <bpmn:sequenceFlow id="f9" sourceRef="overdue" targetRef="e5"/>
  </bpmn:process>
  <bpmn:process id="boomer" isExecutable="true">
    <bpmn:startEvent id="b_start"/>
    <bpmn:serviceTask id="boom" camunda:type="external" camunda:topic="boom"/>
    <bpmn:endEvent id="b_end"/>
    <bpmn:sequenceFlow id="b1" sourceRef="b_start" targetRef="boom"/>
    <bpmn:sequenceFlow id="b2" sourceRef="boom" targetRef="b_end"/>
  </bpmn:process>
</bpmn:definitions>''').encode()

OVERLAP = DMN.replace(b'<text>&lt; 65</text>', b'<text>&gt;= 0</text>')


def _prepare(rest):  # type: ignore[no-untyped-def]
    def explode(ctx, data):  # type: ignore[no-untyped-def]
        raise RuntimeError("the registry is down")
    rest.engine.handlers.register("boom", explode)
    rest.engine.handlers.serve_outside(("ext.*",))


def test_process_definitions_list_filters_key_xml_and_isolation(rest):  # type: ignore[no-untyped-def]
    v1 = deploy(rest, [("leave.bpmn", bpmn(attrs='camunda:versionTag="t1"'))], deployment_name="l").get_json()
    v2 = deploy(rest, [("leave.bpmn", bpmn(group="scorer"))], deployment_name="l").get_json()
    mine = deploy(rest, [("own.bpmn", bpmn("own_only", attrs='camunda:isStartableInTasklist="false"'))]).get_json()
    deploy(rest, [("leave.bpmn", bpmn())], who="admin1-27")  # 27's own leave
    rest.engine.deploy([("leave.bpmn", bpmn())])  # shared leave v1
    old, new = next(iter(v1["deployedProcessDefinitions"])), next(iter(v2["deployedProcessDefinitions"]))

    def ids(query="", who="analyst1-13"):  # type: ignore[no-untyped-def]
        got = rest("GET", f"/engine-rest/process-definition{query}", who=who)
        assert got.status_code == 200, got.get_json()
        return [(d["key"], d["version"], d["tenantId"]) for d in got.get_json()]
    assert ids("?sortBy=version&sortOrder=asc&key=leave") == [("leave", 1, None), ("leave", 1, "13"), ("leave", 2, "13")]
    assert ids("?latestVersion=true&sortBy=tenantId&sortOrder=desc") == [("leave", 2, "13"), ("own_only", 1, "13"),
                                                                         ("leave", 1, None)]
    assert sorted(ids("?latestVersion=true")) == [("leave", 1, None), ("leave", 2, "13"), ("own_only", 1, "13")]
    assert ids(f"?processDefinitionId={old}") == [("leave", 1, "13")]
    assert ids("?versionTag=t1&latestVersion=true") == []  # v1 is not the newest
    assert len(ids(f"?processDefinitionIdIn={old},{new}")) == 2
    assert ids("?keyLike=own%25") == [("own_only", 1, "13")] and ids("?keysIn=own_only,nope") == [("own_only", 1, "13")]
    assert ids("?versionTag=t1") == [("leave", 1, "13")] and ids("?startableInTasklist=false") == [("own_only", 1, "13")]
    assert ids("?withoutTenantId=true") == [("leave", 1, None)] and ids("?tenantIdIn=27") == []
    assert sorted(ids("?tenantIdIn=13&includeProcessDefinitionsWithoutTenantId=true&key=leave"), key=str) == [
        ("leave", 1, "13"), ("leave", 1, None), ("leave", 2, "13")]
    assert ids(f"?deploymentId={mine['id']}") == [("own_only", 1, "13")] and ids("?suspended=true") == []
    assert ids("?nameLike=%25own%25") == [("own_only", 1, "13")] and ids("?version=2") == [("leave", 2, "13")]
    assert ids("?sortBy=id&sortOrder=asc&maxResults=1") == [ids("?sortBy=id&sortOrder=asc")[0]]
    assert sorted(ids(who="admin1-27"), key=str) == [("leave", 1, "27"), ("leave", 1, None)]  # nothing of 13's own
    assert rest("GET", "/engine-rest/process-definition/count?key=leave").get_json() == {"count": 3}
    assert rest("GET", "/engine-rest/process-definition/count?key=leave", who="admin1-27").get_json() == {"count": 2}
    for bad in ("?version=x", "?latestVersion=maybe", "?sortBy=key", "?sortBy=bogus&sortOrder=asc", "?maxResults=1e9"):
        got = rest("GET", f"/engine-rest/process-definition{bad}")
        assert got.status_code == 400 and got.get_json()["type"] == "InvalidRequestException", bad
    # by id, by key, XML
    assert rest("GET", f"/engine-rest/process-definition/{old}").get_json()["versionTag"] == "t1"
    assert rest("GET", f"/engine-rest/process-definition/{old}", who="admin1-27").status_code == 404
    row = old.rsplit(":", 1)[1]
    assert rest("GET", f"/engine-rest/process-definition/own_only:1:{row}").status_code == 404  # key must match
    for junk in ("nope", "a:b:c", "x:1:99999999999", "x:1:-3", "%00"):
        assert rest("GET", f"/engine-rest/process-definition/{junk}").status_code in (400, 404)
    assert rest("GET", "/engine-rest/process-definition/key/leave").get_json()["id"] == new
    shared = rest("GET", "/engine-rest/process-definition/key/leave/tenant-id/13", who="admin1-27")
    assert shared.status_code == 404
    assert rest("GET", "/engine-rest/process-definition/key/own_only", who="admin1-27").get_json()["message"] == \
        "No matching process definition with key: own_only and no tenant-id"
    theirs = rest("GET", "/engine-rest/process-definition/key/leave", who="admin1-27").get_json()
    assert theirs["tenantId"] == "27"
    rest.engine.deploy([("lonely.bpmn", bpmn("lonely"))])
    assert rest("GET", "/engine-rest/process-definition/key/lonely").get_json()["tenantId"] is None
    xml = rest("GET", f"/engine-rest/process-definition/{old}/xml").get_json()
    assert xml["id"] == old and xml["bpmn20Xml"] == bpmn(attrs='camunda:versionTag="t1"').decode()
    assert rest("GET", "/engine-rest/process-definition/key/leave/xml").get_json()["id"] == new
    assert rest("GET", "/engine-rest/process-definition/key/leave/tenant-id/27/xml", who="admin1-27").status_code == 200


def test_statistics_count_one_prefecture_from_the_projections(rest):  # type: ignore[no-untyped-def]
    _prepare(rest)
    rest.engine.deploy([("waits.bpmn", WAITS)])  # shared: both prefectures run it
    for tenant in ("13", "13", "27"):
        rest.engine.start("waits", tenant)
        rest.engine.start("boomer", tenant)
    got = rest("GET", "/engine-rest/process-definition/key/waits/statistics?incidents=true&failedJobs=true",
               who="analyst1-13")
    assert got.status_code == 200
    by_id = {r["id"]: r for r in got.get_json()}
    assert set(by_id) == {"review", "outside", "docs"}  # the boundary timer is no place an instance is at
    assert by_id["review"] == {"@class": "org.camunda.bpm.engine.rest.dto.repository.ActivityStatisticsResultDto",
                               "id": "review", "instances": 2, "failedJobs": 0, "incidents": []}
    assert by_id["outside"]["instances"] == 2 and by_id["docs"]["instances"] == 2
    boom = rest("GET", "/engine-rest/process-definition/key/boomer/statistics?incidents=true").get_json()
    assert boom == [{"@class": by_id["review"]["@class"], "id": "boom", "instances": 2, "failedJobs": 0,
                     "incidents": [{"incidentType": "failedJob", "incidentCount": 2}]}]
    plain = {r["id"]: r for r in rest("GET", "/engine-rest/process-definition/key/boomer/statistics").get_json()}
    assert plain["boom"]["incidents"] == [] and plain["boom"]["instances"] == 2
    typed = {r["id"]: r for r in rest("GET", "/engine-rest/process-definition/key/boomer/statistics"
                                             "?incidentsForType=failedJob").get_json()}
    assert typed["boom"]["incidents"] == [{"incidentType": "failedJob", "incidentCount": 2}]
    assert rest("GET", "/engine-rest/process-definition/key/waits/statistics?incidents=true"
                       "&incidentsForType=failedJob").status_code == 400
    theirs = {r["id"]: r["instances"] for r in rest("GET", "/engine-rest/process-definition/key/waits/statistics",
                                                    who="analyst1-27").get_json()}
    assert theirs == {"review": 1, "outside": 1, "docs": 1}
    per = rest("GET", "/engine-rest/process-definition/statistics?incidents=true", who="analyst1-13").get_json()
    waits, boomer = ([r for r in per if r["definition"]["key"] == k][0] for k in ("waits", "boomer"))
    assert waits["@class"].endswith("ProcessDefinitionStatisticsResultDto") and waits["instances"] == 2
    assert waits["incidents"] == [] and waits["id"] == waits["definition"]["id"]
    assert boomer["incidents"] == [{"incidentType": "failedJob", "incidentCount": 2}] and boomer["instances"] == 2
    deploy(rest, [("own.bpmn", bpmn("own_only"))])
    assert "own_only" not in [r["definition"]["key"] for r in rest("GET", "/engine-rest/process-definition/statistics",
                                                                   who="admin1-27").get_json()]


def test_decision_definitions_list_get_xml_and_evaluate(rest):  # type: ignore[no-untyped-def]
    made = deploy(rest, [("pass.dmn", DMN)], who="analyst1-13").get_json()
    (ident,) = made["deployedDecisionDefinitions"]
    rest.engine.deploy([("overlap.dmn", OVERLAP.replace(b'id="pass_mark"', b'id="overlap"'))])
    listed = rest("GET", "/engine-rest/decision-definition?sortBy=key&sortOrder=desc", who="analyst1-13").get_json()
    assert [(d["key"], d["tenantId"]) for d in listed] == [("pass_mark", "13"), ("overlap", None)]
    assert rest("GET", "/engine-rest/decision-definition", who="analyst1-27").get_json()[0]["key"] == "overlap"
    assert rest("GET", "/engine-rest/decision-definition/count?keyLike=pass%25").get_json() == {"count": 1}
    assert rest("GET", "/engine-rest/decision-definition?versionTag=2026&sortBy=key&sortOrder=desc").get_json()[0]["id"] == ident
    assert rest("GET", "/engine-rest/decision-definition?decisionRequirementsDefinitionKey=x").get_json() == []
    assert rest("GET", f"/engine-rest/decision-definition/{ident}").get_json()["historyTimeToLive"] == 30
    assert rest("GET", f"/engine-rest/decision-definition/{ident}", who="admin1-27").status_code == 404
    assert rest("GET", "/engine-rest/decision-definition/key/pass_mark", who="admin1-27").get_json()["message"] == \
        "No matching decision definition with key: pass_mark and no tenant-id"
    assert rest("GET", f"/engine-rest/decision-definition/{ident}/xml").get_json() == {"id": ident,
                                                                                        "dmnXml": DMN.decode()}
    result = rest("POST", "/engine-rest/decision-definition/key/pass_mark/evaluate", who="analyst1-13",
                  json={"variables": {"written": {"value": 70, "type": "Integer"}}})
    assert result.status_code == 200
    assert result.get_json() == [{"outcome": {"type": "String", "value": "pass", "valueInfo": {}}}]
    by_id = rest("POST", f"/engine-rest/decision-definition/{ident}/evaluate",
                 json={"variables": {"written": {"value": 10}}}).get_json()
    assert by_id == [{"outcome": {"type": "String", "value": "fail", "valueInfo": {}}}]
    failing = rest("POST", "/engine-rest/decision-definition/key/overlap/evaluate",
                   json={"variables": {"written": {"value": 70, "type": "Integer"}}})
    assert failing.status_code == 500 and failing.get_json()["type"] == "RestException"
    assert failing.get_json()["message"].startswith("Cannot evaluate decision overlap:1:")
    for bad in ({"variables": {"written": {"value": "x", "type": "Integer"}}}, {"variables": [1]},
                {"variables": {"written": {"value": 1, "type": "Nope"}}}):
        got = rest("POST", "/engine-rest/decision-definition/key/pass_mark/evaluate", json=bad)
        assert got.status_code == 400, bad
    assert rest("POST", "/engine-rest/decision-definition/key/pass_mark/evaluate", data=b"{",
                content_type="application/json").status_code == 400
    assert rest("POST", "/engine-rest/decision-definition/key/nope/evaluate", json={}).status_code == 404


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_pycamunda_reads_every_dto_strictly(rest_server, tmp_path):  # type: ignore[no-untyped-def]
    import pycamunda.decisiondef
    import pycamunda.deployment
    import pycamunda.processdef
    import requests

    session = requests.Session()
    auth = requests.auth.HTTPBasicAuth("analyst1-13", "Sakura-2026-haru")
    url = rest_server.base
    diagram = tmp_path / "leave.bpmn"
    diagram.write_bytes(bpmn(attrs='camunda:versionTag="v7"'))
    table = tmp_path / "pass.dmn"
    table.write_bytes(DMN)
    create = pycamunda.deployment.Create(url, name="leave", source="pycamunda", enable_duplicate_filtering=True)
    create.auth = auth
    with diagram.open("rb") as one, table.open("rb") as two:
        create.add_resource(one)
        create.add_resource(two)
        made = create()
    (definition,) = made.deployed_process_definitions.values()
    assert definition.key == "leave" and definition.version_tag == "v7" and made.tenant_id == "13"
    listing = pycamunda.deployment.GetList(url, name="leave")
    listing.session, listing.auth = session, auth
    assert [d.id_ for d in listing()] == [made.id_]
    resources = pycamunda.deployment.GetResources(url, id_=made.id_)
    resources.session, resources.auth = session, auth
    assert sorted(r.name for r in resources()) == ["leave.bpmn", "pass.dmn"]
    for request in (pycamunda.processdef.GetList(url, key="leave", latest_version=True),
                    pycamunda.processdef.Get(url, id_=definition.id_), pycamunda.processdef.Get(url, key="leave"),
                    pycamunda.processdef.GetXML(url, id_=definition.id_),
                    pycamunda.processdef.GetActivityInstanceStats(url, id_=definition.id_, failed_jobs=True,
                                                                        incidents=True),
                    pycamunda.processdef.GetProcessInstanceStats(url, failed_jobs=True, incidents=True),
                    pycamunda.decisiondef.GetList(url, key="pass_mark"), pycamunda.decisiondef.Get(url, key="pass_mark"),
                    pycamunda.decisiondef.GetXML(url, key="pass_mark"),
                    pycamunda.decisiondef.Evaluate(url, key="pass_mark")):
        request.session, request.auth = session, auth
        if isinstance(request, pycamunda.decisiondef.Evaluate):
            request.add_variable("written", 80, "Integer")
        got = request()
        assert got is not None or isinstance(got, list)
    evaluate = pycamunda.decisiondef.Evaluate(url, key="pass_mark")
    evaluate.session, evaluate.auth = session, auth
    evaluate.add_variable("written", 80, "Integer")
    assert evaluate()[0]["outcome"].value == "pass"
