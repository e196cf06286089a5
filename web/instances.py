"""The instance page: the process diagram with its progress, the history, the data; revealing the 個人番号.

Revealing the number needs a role that works with it (reviewer, admin), a purpose from the
purpose limit, and writes an access-log row in the same transaction (handlers.vault); the number
is shown in that one response only (no-store) and never stored in the page's data.
"""
from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    render_template,
    request,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from engine import element_names
from engine.errors import NotFound
from engine.inbox import diagram, visible_instance
from engine.text_rules import bad_character
from handlers.vault import CHANGE, DELETION, IDENTITY_CHECK, Erased, VaultError
from handlers.vault import NotFound as VaultNotFound

from . import labels, value_text
from .auth import engine
from .vaults import vault

bp = Blueprint("instances", __name__)
REVEAL_ROLES = frozenset({"reviewer", "admin"})
PURPOSES = {IDENTITY_CHECK: _l("本人確認（住基ネット照会）"), CHANGE: _l("訂正・変更の確認"), DELETION: _l("削除の確認")}

HISTORY_KINDS = {"started": _l("開始"), "task_completed": _l("タスク完了"), "job_completed": _l("外部処理完了"),
                 "timer": _l("タイマー"), "message": _l("メッセージ受信"), "decision": _l("判定表"),
                 "incident": _l("障害"), "retried": _l("再実行"), "incident_resolved": _l("手作業で解決"), "bpmn_error": _l("業務エラー"), "ended": _l("終了"),
                 "signal": _l("シグナル受信"), "async_continued": _l("非同期で継続"), "variables_set": _l("データの変更")}
HIDDEN_KINDS = frozenset({"step", "loop_body"})  # one row per element run: the diagram shows them
ACTORS = {"portal": _l("申請者（ポータル）")}
STATUSES = {"running": _l("進行中"), "completed": _l("完了"), "cancelled": _l("取消")}
# bpmn-js sets style attributes on the SVG it draws: this page alone allows inline styles
DIAGRAM_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "font-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


def _page(instance_id: int, revealed: str | None = None, purpose: str | None = None, status: int = 200) -> Response:
    try:
        info = visible_instance(engine(), current_user.viewer, instance_id)
    except NotFound:
        abort(404)
    markers = {"completed": info["completed_elements"], "active": info["active_elements"],
               "failed": info["failed_elements"]}
    may_reveal = bool(current_user.roles & REVEAL_ROLES) and bool(info["variables"].get("vault_ref"))
    names = element_names.of_instance(engine(), instance_id)
    variables = info["variables"] or {}
    case = variables.get("application_id") or info["business_key"]
    response = Response(render_template(
        "instance.html", info=info, markers=markers, may_reveal=may_reveal, purposes=PURPOSES, revealed=revealed,
        purpose=purpose, process_name=names.name, case=case, status_name=STATUSES.get(info["status"], info["status"]),
        history=history_rows(info["history"], names), data=data_rows(variables, names.fields),
        incidents=[{**i, "element": names.element(i["element_id"])} for i in info["incidents"]],
        waiting=sorted({names.element(e) for e in info["active_elements"] + info["failed_elements"]})), status=status)
    response.headers["Content-Security-Policy"] = DIAGRAM_CSP
    return response


@bp.get("/instances/<int:instance_id>")
@login_required
def page(instance_id: int) -> Response:
    return _page(instance_id)


@bp.post("/instances/<int:instance_id>/reveal")
@login_required
def reveal(instance_id: int) -> Response:
    """個人番号の表示: a role that may, a purpose from the purpose limit, and an access-log row, or nothing.

    Every refusal of a number that exists (a role that may not, no purpose or an unknown one, an erased
    record) is logged as "denied" in a transaction of its own that commits although the reveal fails."""
    try:  # 404 for another prefecture's instance, before anything else
        ref = visible_instance(engine(), current_user.viewer, instance_id)["variables"].get("vault_ref")
    except NotFound:
        abort(404)
    if not ref:
        abort(404)
    # a purpose with characters no field may hold is an unknown purpose, logged without them (a NUL cannot
    # even be stored on PostgreSQL); the edge's refusal of such input leaves this route to log its own
    typed = request.form.get("purpose", "")
    actor, purpose = f"staff:{current_user.username}", "".join(c for c in typed if not bad_character(c))
    if purpose != typed:
        purpose = f"{purpose}?"  # never one of PURPOSES
    if not current_user.roles & REVEAL_ROLES:
        _deny(str(ref), actor, purpose, "role")
        abort(404)
    if purpose not in PURPOSES:
        _deny(str(ref), actor, purpose, "purpose")
        flash(_("表示する目的を選んでください。"), "error")
        return _page(instance_id, status=422)
    failed: VaultError | None = None
    with engine().transaction() as session, session.begin():
        try:
            number = vault().reveal(session, str(ref), current_user.tenant, actor=actor, purpose=purpose)
        except VaultError as err:  # the vault has added its denial row: commit it, then say why
            failed = err
    if isinstance(failed, Erased):
        flash(_("この個人番号は削除されています（保存期間の経過などによる消去）。表示できません。"), "error")
        return _page(instance_id, status=410)
    if failed is not None:
        current_app.logger.error("reveal of %s refused by the vault: %s", ref, type(failed).__name__)
        flash(_("個人番号を表示できませんでした。システム管理者に連絡してください。"), "error")
        return _page(instance_id, status=404 if isinstance(failed, VaultNotFound) else 500)
    return _page(instance_id, revealed=number, purpose=PURPOSES[purpose])


def history_rows(history: list[dict[str, Any]], names: element_names.ProcessText) -> list[dict[str, Any]]:
    """The history as people read it: local times, kinds and element names, who did it, what it set."""
    rows = []
    for h in history:
        if h["kind"] in HIDDEN_KINDS:
            continue
        detail = h.get("detail") if isinstance(h.get("detail"), dict) else {}
        element = names.element(h["element_id"])
        if not element and h["kind"] in ("message", "signal") and detail.get("name"):
            element = names.messages.get(str(detail["name"])) or str(detail["name"])
        rows.append({"at": h["at"], "kind": str(HISTORY_KINDS.get(h["kind"], h["kind"])), "element": element,
                     "actor": str(ACTORS.get(h["actor"], h["actor"] or "")), "detail": _detail(h["kind"], detail, names)})
    return rows


def _detail(kind: str, detail: dict[str, Any], names: element_names.ProcessText) -> str:
    if kind in ("incident", "bpmn_error") and detail.get("message"):
        return str(detail["message"])
    fields = detail.get("fields") or detail.get("set") or []
    if isinstance(fields, list) and fields:
        return str(_("、")).join(labels.label(str(f), names.fields) for f in fields)
    return ""


def data_rows(variables: dict[str, Any], fields: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The data, grouped as a case is worked: a heading row per group, then label and value rows."""
    rows: list[dict[str, Any]] = []
    group = None
    for name in sorted(variables, key=labels.sort_key):
        here = labels.GROUP_OF.get(name, "other")
        if here != group:
            group = here
            rows.append({"group": str(labels.GROUPS[here])})
        rows.append({"name": name, "label": labels.label(name, fields), "cell": value_text.cell(name, variables[name], fields)})
    return rows


def _deny(ref: str, actor: str, purpose: str, detail: str) -> None:
    with engine().transaction() as session, session.begin():
        vault().deny(session, ref, current_user.tenant, actor, purpose, detail)


@bp.get("/instances/<int:instance_id>/diagram.bpmn")
@login_required
def diagram_xml(instance_id: int) -> Response:
    """The BPMN file, as a download (never a document the browser renders: an uploaded file may hold XHTML);
    the instance page's viewer fetches it as text."""
    try:
        xml = diagram(engine(), current_user.viewer, instance_id)
    except NotFound:
        abort(404)
    return Response(xml, mimetype="application/octet-stream",
                    headers={"Content-Disposition": f"attachment; filename=instance-{instance_id}.bpmn",
                             "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})
