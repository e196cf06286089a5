"""Administration for a prefecture's admins: deployments, incidents, staff accounts and the login history."""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from engine.errors import Conflict, NotFound
from engine.identity import ROLES, IdentityError, StaffUser
from engine.inbox import definitions, incident_of
from engine.validation import ValidationFailed

from .auth import ROLE_JA, engine

bp = Blueprint("admin", __name__, url_prefix="/admin")
MAX_UPLOAD = 2 * 1024 * 1024


def admin_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Pages for the admin role; others get 404 (the page does not exist for them)."""
    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if "admin" not in current_user.roles:
            abort(404)
        return view(*args, **kwargs)
    return wrapper


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


@bp.post("/incidents/<int:incident_id>/retry")
@admin_only
def retry(incident_id: int) -> Any:
    try:
        incident_of(engine(), current_user.viewer, incident_id)
        outcome = engine().retry(incident_id, user=current_user.username)
        flash("再実行しました。" if outcome == "step_retried" else "外部処理を再実行待ちにしました。", "info")
    except NotFound:
        abort(404)
    except Conflict:
        flash("この障害はすでに解決済みです。", "error")
    except Exception as exc:  # the retried step failed again: a new incident says why
        flash(f"再実行しましたが、再び失敗しました: {type(exc).__name__}", "error")
    return redirect(url_for("admin.incidents"))


@bp.route("/deployments", methods=["GET", "POST"])
@admin_only
def deployments() -> Any:
    problems, report = [], None
    if request.method == "POST":
        files = [(f.filename or "upload.bpmn", f.read(MAX_UPLOAD + 1)) for f in request.files.getlist("files")
                 if f.filename]
        if not files:
            flash("BPMN または DMN ファイルを選んでください。", "error")
        elif any(len(content) > MAX_UPLOAD for _, content in files):
            flash("ファイルが大きすぎます（2 MB まで）。", "error")
        else:
            try:
                if request.form.get("action") == "validate":
                    engine().validate(files)
                    flash("問題は見つかりませんでした。", "info")
                else:
                    report = engine().deploy(files, actor=current_user.username)
                    flash("デプロイしました。" if report.deployed else "変更はありませんでした。", "info")
            except ValidationFailed as err:
                problems = err.problems
                flash(f"{len(problems)} 件の問題があります。何も保存していません。", "error")
    status = 422 if problems else 200
    return render_template("admin_deployments.html", definitions=definitions(engine(), current_user.tenant),
                           problems=problems, report=report), status


@bp.route("/users", methods=["GET", "POST"])
@admin_only
def users() -> Any:
    errors = []
    if request.method == "POST":
        identity = current_app.extensions["kentei.identity"]
        try:
            with engine().transaction() as s, s.begin():
                identity.create_user(s, request.form.get("username", ""), request.form.get("display_name", ""),
                                     current_user.tenant, request.form.getlist("roles"), request.form.get("password", ""))
            flash("アカウントを作成しました。", "info")
            return redirect(url_for("admin.users"))
        except IdentityError as err:
            errors = getattr(err, "problems", None) or [str(err)]
    with engine().reading() as s:
        staff = s.scalars(select(StaffUser).where(StaffUser.tenant == current_user.tenant)
                          .order_by(StaffUser.username)).all()
        history = current_app.extensions["kentei.identity"].login_history(s, current_user.tenant, limit=50)
        return render_template("admin_users.html", staff=staff, history=history, roles=ROLES, role_ja=ROLE_JA,
                               errors=errors, form=request.form), (422 if errors else 200)
