"""The browser modeler (administration, for admins and analysts): bpmn-js with the Camunda 7 properties panel and
dmn-js open any deployed version the prefecture sees, or a new diagram; the server validates (each problem on its
element), deploys a new version for the prefecture (shared only with the operator role), and compares two versions.

Definitions only: nothing here reads an instance, a variable or a person's name (an analyst sees no personal data).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict
from functools import wraps
from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.deployed_files import earlier, file_of, versions_of, visible_files
from engine.diagram_diff import compare
from engine.errors import NotFound
from engine.identity.roles import ADMIN, ANALYST, OPERATOR
from engine.validation import ValidationFailed

from .auth import engine
from .validation_text import localized

bp = Blueprint("modeler", __name__, url_prefix="/admin/modeler")
MAX_XML = 2 * 1024 * 1024  # as the deployments page's upload
FILE_NAME = re.compile(r"[\w][\w.\- ]{0,99}\.(bpmn|dmn)", re.UNICODE)  # a plain name, no folders

NEW_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="definitions_new" targetNamespace="http://bpmn.io/schema/bpmn" exporter="kentei" modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="7.20.0">
  <bpmn:process id="new_process" name="新しいプロセス" isExecutable="true" camunda:historyTimeToLive="P180D">
    <bpmn:startEvent id="start" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram_new">
    <bpmndi:BPMNPlane id="plane_new" bpmnElement="new_process">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="180" y="160" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""
NEW_DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/" xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" id="definitions_new" name="新しいデシジョン" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="new_decision" name="新しいデシジョン">
    <decisionTable id="table_new" hitPolicy="UNIQUE">
      <input id="input_1" label="入力">
        <inputExpression id="input_1_expr" typeRef="string"><text>value</text></inputExpression>
      </input>
      <output id="output_1" label="結果" name="result" typeRef="string" />
    </decisionTable>
  </decision>
  <dmndi:DMNDI>
    <dmndi:DMNDiagram id="diagram_new">
      <dmndi:DMNShape id="new_decision_di" dmnElementRef="new_decision">
        <dc:Bounds height="80" width="180" x="160" y="100" />
      </dmndi:DMNShape>
    </dmndi:DMNDiagram>
  </dmndi:DMNDI>
</definitions>
"""


def roles_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Pages for any of `roles` of the user's prefecture; to anyone else they do not exist (404)."""
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not set(roles) & set(current_user.roles):
                abort(404)
            return view(*args, **kwargs)
        return wrapper
    return decorate


designers = roles_required(ADMIN, ANALYST)


def _file(file_id: int) -> dict[str, Any]:
    try:
        return file_of(engine(), current_user.tenant, file_id)
    except NotFound:
        abort(404)


@bp.get("")
@designers
def modeler_index() -> Any:
    """The versions the prefecture sees (its own, then the shared), each to open, download or compare."""
    files = visible_files(engine(), current_user.tenant)
    previous: dict[int, int] = {}  # a version → the one it is compared with first (earlier())
    for f in files:
        before = earlier([v for v in files if v["name"] == f["name"]], f) if f["kind"] == "bpmn" else None
        if before:
            previous[f["id"]] = before["id"]
    return render_template("admin_modeler.html", files=files, previous=previous)


@bp.get("/new")
@designers
def modeler_new() -> Any:
    kind = "dmn" if request.args.get("kind") == "dmn" else "bpmn"
    return _editor(kind, f"new_{'decision' if kind == 'dmn' else 'process'}.{kind}", None)


@bp.get("/files/<int:file_id>")
@designers
def modeler_edit(file_id: int) -> Any:
    found = _file(file_id)
    return _editor(found["kind"], found["name"], found)


def _editor(kind: str, name: str, found: dict[str, Any] | None) -> Any:
    source = url_for("modeler.modeler_xml", file_id=found["id"]) if found else url_for(
        "modeler.modeler_template", kind=kind)  # the empty diagram of that kind
    before = earlier(versions_of(engine(), current_user.tenant, found["id"]), found) if found and kind == "bpmn" else None
    return render_template("admin_modeler_edit.html", kind=kind, name=name, found=found, source=source,
                           may_share=OPERATOR in current_user.roles, before=before)


@bp.get("/template")
@designers
def modeler_template() -> Any:
    """The empty diagram a new one starts from: a minimal executable Camunda 7 process, or (?kind=dmn) a table."""
    return Response(NEW_DMN if request.args.get("kind") == "dmn" else NEW_BPMN, mimetype="application/xml")


@bp.get("/files/<int:file_id>/xml")
@designers
def modeler_xml(file_id: int) -> Any:
    """A version's file as deployed; ?download=1 as an attachment under its name."""
    found = _file(file_id)
    response = Response(found["content"], mimetype="application/xml")
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quoted(found['name'])}"
    return response


def _quoted(name: str) -> str:
    from urllib.parse import quote
    return quote(name, safe="")


@bp.get("/files/<int:file_id>/compare/<int:other_id>")
@designers
def modeler_compare(file_id: int, other_id: int) -> Any:
    """Version `file_id` against an earlier `other_id`: elements added, removed and changed, on its diagram."""
    shown, base = _file(file_id), _file(other_id)
    try:
        diff = compare(base["content"], shown["content"])
    except ValidationFailed:
        abort(404)  # a stored file that no longer parses: nothing to compare
    return render_template("admin_modeler_compare.html", shown=shown, base=base, diff=diff,
                           versions=versions_of(engine(), current_user.tenant, file_id))


def _sent() -> tuple[str, bytes, str] | Response:
    """The file of a validate or deploy call: JSON {"name", "xml", "scope"} (a form with the same fields too)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        body = request.form
    name, xml, scope = body.get("name"), body.get("xml"), body.get("scope") or "tenant"
    if not isinstance(name, str) or not FILE_NAME.fullmatch(name):
        return _refused(400, "name", _("ファイル名は英数字などで、.bpmn または .dmn で終えてください（例: application.bpmn）。"))
    if not isinstance(xml, str) or not xml.strip():
        return _refused(400, "xml", _("図が空です。"))
    content = xml.encode("utf-8", "surrogatepass")
    if len(content) > MAX_XML:
        return _refused(413, "xml", _("ファイルが大きすぎます（2 MB まで）。"))
    if scope not in ("tenant", "shared"):
        return _refused(400, "scope", _("デプロイ先を選んでください。"))
    if scope == "shared" and OPERATOR not in current_user.roles:
        return _refused(403, "scope", _("全国共通のデプロイは運用担当だけが行えます。何も保存していません。"))
    return name, content, scope


def _refused(status: int, field: str, message: str) -> Response:
    response = jsonify({"error": message, "field": field, "problems": []})
    response.status_code = status
    return response


def _problems(err: ValidationFailed) -> list[dict[str, str]]:
    return [{**asdict(p), "message": localized(p.message), "original": p.message} for p in err.problems]


@bp.post("/validate")
@designers
def modeler_validate() -> Any:
    """The server's checks on the diagram being edited, against what the prefecture (or shared) sees."""
    sent = _sent()
    if isinstance(sent, Response):
        return sent
    name, content, scope = sent
    try:
        engine().validate([(name, content)], tenant=None if scope == "shared" else current_user.tenant)
    except ValidationFailed as err:
        return jsonify({"problems": _problems(err)})
    return jsonify({"problems": []})


@bp.post("/deploy")
@designers
def modeler_deploy() -> Any:
    """Validate and deploy the diagram as a new version for the prefecture (shared: the operator only)."""
    sent = _sent()
    if isinstance(sent, Response):
        return sent
    name, content, scope = sent
    try:
        report = engine().deploy([(name, content)], actor=current_user.username,
                                 tenant=None if scope == "shared" else current_user.tenant)
    except ValidationFailed as err:
        problems = _problems(err)
        response = jsonify({"error": _("%(n)s 件の問題があります。何も保存していません。", n=len(problems)),
                            "field": "xml", "problems": problems})
        response.status_code = 422
        return response
    newest = next(f for f in visible_files(engine(), current_user.tenant)
                  if f["name"] == name and f["shared"] == (scope == "shared"))
    return jsonify({"deployed": report.deployed, "unchanged": report.unchanged, "processes": report.processes,
                    "decisions": report.decisions, "file_id": newest["id"], "version": newest["version"],
                    "url": url_for("modeler.modeler_edit", file_id=newest["id"]),
                    "message": _("デプロイしました。") if report.deployed else _("変更はありませんでした。")})
