"""The instance page: the process diagram with its progress, the history, the data; revealing the 個人番号.

Revealing the number needs a role that works with it (reviewer, admin), a purpose from the
purpose limit, and writes an access-log row in the same transaction (handlers.vault); the number
is shown in that one response only (no-store) and never stored in the page's data.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from engine.errors import NotFound
from engine.inbox import diagram, visible_instance
from handlers.vault import CHANGE, DELETION, IDENTITY_CHECK

from .auth import engine
from .vaults import vault

bp = Blueprint("instances", __name__)
REVEAL_ROLES = frozenset({"reviewer", "admin"})
PURPOSES = {IDENTITY_CHECK: _l("本人確認（住基ネット照会）"), CHANGE: _l("訂正・変更の確認"), DELETION: _l("削除の確認")}

HISTORY_KINDS = {"started": _l("開始"), "task_completed": _l("タスク完了"), "job_completed": _l("外部処理完了"),
                 "timer": _l("タイマー"), "message": _l("メッセージ受信"), "decision": _l("判定表"),
                 "incident": _l("障害"), "retried": _l("再実行"), "incident_resolved": _l("手作業で解決"), "bpmn_error": _l("業務エラー"), "ended": _l("終了")}
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
    response = Response(render_template("instance.html", info=info, markers=markers, kinds=HISTORY_KINDS,
                                        may_reveal=may_reveal, purposes=PURPOSES, revealed=revealed,
                                        purpose=purpose), status=status)
    response.headers["Content-Security-Policy"] = DIAGRAM_CSP
    return response


@bp.get("/instances/<int:instance_id>")
@login_required
def page(instance_id: int) -> Response:
    return _page(instance_id)


@bp.post("/instances/<int:instance_id>/reveal")
@login_required
def reveal(instance_id: int) -> Response:
    """個人番号の表示: a role that may, a purpose from the purpose limit, and an access-log row, or nothing."""
    try:  # 404 for another prefecture's instance, before anything else
        ref = visible_instance(engine(), current_user.viewer, instance_id)["variables"].get("vault_ref")
    except NotFound:
        abort(404)
    if not ref or not current_user.roles & REVEAL_ROLES:
        abort(404)
    purpose = request.form.get("purpose", "")
    if purpose not in PURPOSES:
        flash(_("表示する目的を選んでください。"), "error")
        return _page(instance_id, status=422)
    with engine().transaction() as session, session.begin():
        number = vault().reveal(session, str(ref), current_user.tenant, actor=f"staff:{current_user.username}",
                                purpose=purpose)
    return _page(instance_id, revealed=number, purpose=PURPOSES[purpose])


@bp.get("/instances/<int:instance_id>/diagram.bpmn")
@login_required
def diagram_xml(instance_id: int) -> Response:
    try:
        xml = diagram(engine(), current_user.viewer, instance_id)
    except NotFound:
        abort(404)
    return Response(xml, mimetype="application/xml")
