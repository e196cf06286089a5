"""Camunda Modeler's deploy and start, replayed byte for byte over real HTTP (CAMUNDA-REST.md §1): the probe
without credentials (the literal `Authorization: undefined`), with Basic, /version, the multipart deploy as
Electron's fetch sends it, the well-known links, the ▶ start; then the same deploy unchanged, a changed one
and a refused one."""
from __future__ import annotations

import base64

import pytest
import requests

from tests.integration.engine_rest.conftest import PASSWORD
from tests.integration.engine_rest.test_deployments import BROKEN, FORM, bpmn

BOUNDARY = "----WebKitFormBoundaryq8T0gHfFJ4mYk2Lc"


def multipart(diagram_name: str, diagram: bytes, attachments: list[tuple[str, bytes]], name: str,
              tenant: str | None = None) -> bytes:
    """The body Chromium's FormData makes of the Modeler's deploy: fields in the Modeler's order, the diagram
    as a Blob of type text/xml, each attachment as a Blob without a type."""
    def field(key: str, value: str) -> bytes:
        return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{key}\"\r\n\r\n{value}\r\n").encode()

    def part(filename: str, content: bytes, media: str) -> bytes:
        return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{filename}\"; filename=\"{filename}\"\r\n"
                f"Content-Type: {media}\r\n\r\n").encode() + content + b"\r\n"
    out = field("deployment-name", name) + field("deployment-source", "Camunda Modeler") \
        + field("enable-duplicate-filtering", "true")
    if tenant is not None:
        out += field("tenant-id", tenant)
    out += part(diagram_name, diagram, "text/xml")
    for filename, content in attachments:
        out += part(filename, content, "application/octet-stream")
    return out + f"--{BOUNDARY}--\r\n".encode()


def headers(auth: str | None) -> dict[str, str]:
    found = {"accept": "application/json", "Origin": "null",
             "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) camunda-modeler/5.50.1 "
                           "Chrome/138.0.7204.251 Electron/37.6.0 Safari/537.36"}
    found["Authorization"] = "undefined" if auth is None else auth
    return found


def deploy(server, diagram: bytes, attachments=(), auth=None):  # type: ignore[no-untyped-def]
    sent = headers(auth) | {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    return requests.post(f"{server.base}/deployment/create", data=multipart("diagram_1.bpmn", diagram,
                                                                            list(attachments), "diagram_1"),
                         headers=sent, timeout=5)


def start(server, definition_id: str, auth: str):  # type: ignore[no-untyped-def]
    """The ▶ button: POST /process-definition/{id}/start (helper D's endpoint); if it is not there yet, the id is
    checked with GET /process-definition/{id}."""
    got = requests.post(f"{server.base}/process-definition/{definition_id}/start", timeout=5,
                        json={"businessKey": None, "variables": {}}, headers=headers(auth))
    if got.status_code == 404 and got.json()["message"].startswith("No resource at"):
        got = requests.get(f"{server.base}/process-definition/{definition_id}", headers=headers(auth), timeout=5)
        assert got.status_code == 200 and got.json()["id"] == definition_id
        return None
    assert got.status_code == 200, got.text
    assert got.json()["definitionId"] == definition_id
    return got.json()["id"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_modelers_deploy_and_start_replayed(rest_server):  # type: ignore[no-untyped-def]
    basic = "Basic " + base64.b64encode(f"analyst1-13:{PASSWORD}".encode()).decode()
    probe = f"{rest_server.base}/deployment?maxResults=0"
    # 1. the dialog opens: no credentials yet → 401 shows the credential fields
    first = requests.get(probe, headers=headers(None), timeout=5)
    assert first.status_code == 401 and first.headers["Content-Type"] == "application/json"
    assert first.headers["Access-Control-Allow-Origin"] == "null"
    # 2. on submit, with credentials
    second = requests.get(probe, headers=headers(basic), timeout=5)
    assert second.status_code == 200 and second.json() == [] and second.headers["Content-Type"] == "application/json"
    # 3. the version, for telemetry
    assert requests.get(f"{rest_server.base}/version", headers=headers(basic), timeout=5).json()["version"] == "7.24.0"
    # 4. the deploy, with a form attached
    made = deploy(rest_server, bpmn("diagram_1"), [("leave.form", FORM)], auth=basic)
    assert made.status_code == 200, made.text
    assert made.headers["Content-Type"] == "application/json"
    body = made.json()
    assert body["name"] == "diagram_1" and body["source"] == "Camunda Modeler" and body["tenantId"] == "13"
    stored = list(body["deployedProcessDefinitions"].values())[0]  # what the Modeler keeps per file
    assert stored["key"] == "diagram_1" and stored["version"] == 1
    resources = requests.get(f"{rest_server.base}/deployment/{body['id']}/resources", headers=headers(basic),
                             timeout=5).json()
    assert sorted(r["name"] for r in resources) == ["diagram_1.bpmn", "leave.form"]
    # 5. the well-known links (no auth)
    links = requests.get(f"{rest_server.url}/.well-known/camunda-automation-platform/webapps", timeout=5)
    assert links.status_code == 200 and "cockpitUrl" in links.json()
    # ▶ start instance
    start(rest_server, stored["id"], basic)
    # the same deploy again: the same deployment, no definitions; the stored id still starts
    again = deploy(rest_server, bpmn("diagram_1"), [("leave.form", FORM)], auth=basic).json()
    assert again["id"] == body["id"] and again["deploymentTime"] == body["deploymentTime"]
    assert again["deployedProcessDefinitions"] is None and again["deployedDecisionDefinitions"] is None
    start(rest_server, stored["id"], basic)
    # a changed diagram: a new version, a new id; the old one stays valid
    changed = deploy(rest_server, bpmn("diagram_1", group="scorer"), [("leave.form", FORM)], auth=basic).json()
    newer = list(changed["deployedProcessDefinitions"].values())[0]
    assert changed["id"] != body["id"] and newer["version"] == 2 and newer["id"] != stored["id"]
    start(rest_server, newer["id"], basic)
    start(rest_server, stored["id"], basic)
    # a refused diagram: 400 ParseException naming the element in `message`, the only field the Modeler shows
    refused = deploy(rest_server, BROKEN, auth=basic)
    assert refused.status_code == 400 and refused.headers["Content-Type"] == "application/json"
    error = refused.json()
    assert error["type"] == "ParseException"
    assert error["message"].startswith("ENGINE-09005 Could not parse BPMN process. Errors: \n* ")
    assert "| resource diagram_1.bpmn | element call_nobody '誰も呼ばない' | line 5 | column 5" in error["message"]
    assert error["details"]["diagram_1.bpmn"]["errors"][0]["elementIds"] == ["call_nobody"]
    # the deploy without credentials, as the Modeler sends it before they are entered
    assert deploy(rest_server, bpmn("diagram_1")).status_code == 401
    # a reviewer may not deploy: the Modeler says "This user is not permitted to deploy"
    reviewer = "Basic " + base64.b64encode(f"reviewer1-13:{PASSWORD}".encode()).decode()
    assert requests.get(probe, headers=headers(reviewer), timeout=5).status_code == 200
    assert deploy(rest_server, bpmn("diagram_1"), auth=reviewer).status_code == 403
