"""Administration of a prefecture's staff accounts: create, change roles, deactivate, revoke API tokens,
and read the login history. An admin never sees or changes another prefecture's accounts (404)."""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from engine.identity import ROLES, IdentityError, StaffUser
from engine.identity.roles import SYSTEM_ROLES

PREFECTURE_ROLES = tuple(r for r in ROLES if r not in SYSTEM_ROLES)  # what a prefecture's admin may give
from engine.identity import changes as account_changes
from engine.identity.tokens import revoke, tokens_of

from .admin import admin_only, bp
from .auth import ROLE_NAMES, engine
from .identity_text import localized


def _page(errors: list[str], status: int = 200) -> Any:
    with engine().reading() as s:
        staff = s.scalars(select(StaffUser).where(StaffUser.tenant == current_user.tenant)
                          .order_by(StaffUser.username)).all()
        history = current_app.extensions["kentei.identity"].login_history(s, current_user.tenant, limit=50)
        return render_template("admin_users.html", staff=staff, history=history, roles=PREFECTURE_ROLES,
                               role_names=ROLE_NAMES,
                               errors=errors, form=request.form,
                               changes=account_changes.history(s, current_user.tenant, 50)), status


@bp.route("/users", methods=["GET", "POST"])
@admin_only
def users() -> Any:
    if request.method == "GET":
        return _page([])
    identity = current_app.extensions["kentei.identity"]
    try:
        with engine().transaction() as s, s.begin():
            identity.create_user(s, request.form.get("username", ""), request.form.get("display_name", ""),
                                 current_user.tenant, request.form.getlist("roles"), request.form.get("password", ""),
                                 actor=current_user.username, refuse_published=True)
        flash(_("アカウントを作成しました。"), "info")
        return redirect(url_for("admin.users"))
    except IdentityError as err:
        return _page([localized(p) for p in getattr(err, "problems", None) or [str(err)]], 422)


def _member(s: Any, user_id: int) -> StaffUser:
    user = s.get(StaffUser, user_id)
    if user is None or user.tenant != current_user.tenant:
        abort(404)
    return user


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_only
def user(user_id: int) -> Any:
    """One account: its roles, whether it is active, its API tokens."""
    errors: list[str] = []
    if request.method == "POST":
        identity = current_app.extensions["kentei.identity"]
        active = request.form.get("active") == "on"
        if user_id == current_user.id and (not active or "admin" not in request.form.getlist("roles")):
            errors.append(_("自分自身を無効にしたり、自分の管理者の役割を外したりはできません。"))
        else:
            try:
                with engine().transaction() as s, s.begin():
                    member = _member(s, user_id)
                    kept = member.role_set & SYSTEM_ROLES  # the command line's to give or take, not the form's
                    identity.change_user(s, member, [*request.form.getlist("roles"), *kept], active,
                                         actor=current_user.username)
                flash(_("アカウントを変更しました。"), "info")
                return redirect(url_for("admin.user", user_id=user_id))
            except IdentityError as err:
                errors.append(localized(str(err)))
    with engine().reading() as s:
        member = _member(s, user_id)
        return render_template("admin_user.html", member=member, tokens=tokens_of(s, [member.id]),
                               roles=PREFECTURE_ROLES,
                               role_names=ROLE_NAMES, errors=errors), (422 if errors else 200)


@bp.post("/users/<int:user_id>/tokens/<int:token_id>/revoke")
@admin_only
def revoke_user_token(user_id: int, token_id: int) -> Any:
    with engine().transaction() as s, s.begin():
        member = _member(s, user_id)
        done = revoke(s, token_id, [member.id], engine().now(), actor=current_user.username)
    flash(_("トークンを無効にしました。") if done else _("そのトークンはありません。"), "info" if done else "error")
    return redirect(url_for("admin.user", user_id=user_id))
