"""The instance page: the process diagram with its progress, the history, the data; revealing the 個人番号.

Revealing the number needs a role that works with it (reviewer, admin), a purpose from the
purpose limit, and writes an access-log row in the same transaction (handlers.vault); the number
is shown in that one response only (no-store) and never stored in the page's data.
"""
from __future__ import annotations

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

from engine.errors import NotFound
from engine.inbox import diagram, visible_instance
from engine.text_rules import bad_character
from handlers.vault import CHANGE, DELETION, IDENTITY_CHECK, Erased, VaultError
from handlers.vault import NotFound as VaultNotFound

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
