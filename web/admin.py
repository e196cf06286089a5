"""Administration for a prefecture's admins: incidents (retry, resolve by hand) and deployments.

Staff accounts are in admin_users.py.
"""
from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from engine.errors import Conflict, NotFound
from engine.identity.roles import OPERATOR
from engine.inbox import definitions, incident_of
from engine.ops_incidents import ResolutionInvalid
from engine.validation import ValidationFailed

from .auth import engine, role_required
from .validation_text import localized

bp = Blueprint("admin", __name__, url_prefix="/admin")
MAX_UPLOAD = 2 * 1024 * 1024


admin_only = role_required("admin")


@bp.get("/")
@admin_only
def index() -> Any:
    return redirect(url_for("admin.incidents"))


@bp.get("/incidents")
@admin_only
def incidents() -> Any:
    status = request.args.get("status", "open")
    items = engine().incidents(tenant=current_user.tenant, status=None if status == "all" else "open")
    return render_template("admin_incidents.html", incidents=items, status=status)


def _incident(incident_id: int) -> dict[str, Any]:
    try:
        return incident_of(engine(), current_user.viewer, incident_id)
    except NotFound:
        abort(404)


@bp.get("/incidents/<int:incident_id>")
@admin_only
def incident(incident_id: int) -> Any:
    return render_template("admin_incident.html", incident=_incident(incident_id), errors={}, form={})


@bp.post("/incidents/<int:incident_id>/retry")
@admin_only
def retry(incident_id: int) -> Any:
    _incident(incident_id)
    try:
        outcome = engine().retry(incident_id, user=current_user.username)
        flash(_("再実行しました。") if outcome == "step_retried" else _("外部処理を再実行待ちにしました。"), "info")
    except Conflict:
        flash(_("この障害はすでに解決済みです。"), "error")
    except Exception as exc:  # the retried step failed again: a new incident says why
        flash(_("再実行しましたが、再び失敗しました: %(error)s", error=type(exc).__name__), "error")
    return redirect(url_for("admin.incidents"))


@bp.post("/incidents/<int:incident_id>/resolve")
@admin_only
def resolve(incident_id: int) -> Any:
    """Close a failed job's incident without a retry: the work was done outside kentei; a note says what."""
    found = _incident(incident_id)
    errors: dict[str, str] = {}
    raw = (request.form.get("variables") or "").strip()
    variables = None
    if raw:
        try:
            variables = json.loads(raw)
        except (ValueError, RecursionError):
            errors["variables"] = _("JSON のオブジェクトで入力してください（例: {\"juki_outcome\": \"one_hit\"}）。")
    if not errors:
        try:
            engine().resolve(incident_id, current_user.username, request.form.get("note", ""), variables)
            flash(_("障害を解決済みにしました。案件は先に進みます。"), "info")
            return redirect(url_for("admin.incidents"))
        except ResolutionInvalid as err:
            errors[err.field] = (_("何を行ったかを1000文字以内で書いてください。") if err.field == "note"
                                 else _("JSON のオブジェクトで入力してください（例: {\"juki_outcome\": \"one_hit\"}）。"))
        except Conflict as err:
            reason = str(err)
            if "failed step" in reason:
                errors["note"] = _("処理の失敗ではなく工程の失敗です。原因を直してから再実行してください。")
            elif reason.startswith("incident"):
                errors["note"] = _("この障害はすでに解決済みです。")
            else:  # the instance ended or its task is gone
                errors["note"] = _("案件が先に進んだか終わったため、解決できません: %(error)s", error=reason)
    return render_template("admin_incident.html", incident=found, errors=errors, form=request.form), 422


@bp.route("/deployments", methods=["GET", "POST"])
@admin_only
def deployments() -> Any:
    """Deploy for the admin's prefecture; an account with the system-wide operator role may deploy shared."""
    problems, report = [], None
    may_share = OPERATOR in current_user.roles
    if request.method == "POST":
        shared = request.form.get("scope") == "shared"
        if shared and not may_share:
            flash(_("全国共通のデプロイは運用担当だけが行えます。何も保存していません。"), "error")
            return render_template("admin_deployments.html", definitions=definitions(engine(), current_user.tenant),
                                   problems=[], report=None, may_share=False), 403
        tenant = None if shared else current_user.tenant
        files = [(f.filename or "upload.bpmn", f.read(MAX_UPLOAD + 1)) for f in request.files.getlist("files")
                 if f.filename]
        if not files:
            flash(_("BPMN または DMN ファイルを選んでください。"), "error")
        elif any(len(content) > MAX_UPLOAD for _name, content in files):
            flash(_("ファイルが大きすぎます（2 MB まで）。"), "error")
        else:
            try:
                if request.form.get("action") == "validate":
                    engine().validate(files, tenant=tenant)
                    flash(_("問題は見つかりませんでした。"), "info")
                else:
                    report = engine().deploy(files, actor=current_user.username, tenant=tenant)
                    flash(_("デプロイしました。") if report.deployed else _("変更はありませんでした。"), "info")
            except ValidationFailed as err:
                problems = [replace(p, message=localized(p.message)) for p in err.problems]
                flash(_("%(n)s 件の問題があります。何も保存していません。", n=len(problems)), "error")
    status = 422 if problems else 200
    return render_template("admin_deployments.html", definitions=definitions(engine(), current_user.tenant),
                           problems=problems, report=report, may_share=may_share), status
