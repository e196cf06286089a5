"""Sign-in and sign-out for staff: individual accounts, lockout, login history (engine.identity)."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from engine.identity import StaffUser
from engine.identity.roles import ADMIN, APPROVER, AUDITOR, REVIEWER, SCORER
from engine.inbox import Viewer

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("ログインしてください。")
login_manager.localize_callback = str  # flashed as text, in the language of the request that was refused
# the roles of engine/identity/roles.py as people read them (the engine knows no languages)
ROLE_NAMES = {REVIEWER: _l("審査担当"), SCORER: _l("採点担当"), APPROVER: _l("決裁者"), ADMIN: _l("管理者"),
              AUDITOR: _l("監査")}


@dataclass
class Staff(UserMixin):
    """The signed-in person as the web app knows them."""

    id: int
    username: str
    display_name: str
    tenant: str
    roles: frozenset[str]

    def get_id(self) -> str:
        return str(self.id)

    @property
    def viewer(self) -> Viewer:
        return Viewer(self.username, self.tenant, self.roles)

    @property
    def role_names(self) -> str:
        """The roles in the page's language: 決裁者・審査担当, or Approver, Reviewer."""
        return _("・").join(str(ROLE_NAMES.get(r, r)) for r in sorted(self.roles))  # the list separator


def engine() -> Any:
    return current_app.extensions["kentei.engine"]


@login_manager.user_loader
def load_user(user_id: str) -> Staff | None:
    if not user_id.isdigit():
        return None
    with engine().reading() as s:
        row = s.get(StaffUser, int(user_id))
        if row is None or not row.active:
            return None
        if session.get(PASSWORD_STAMP) != password_stamp(row):
            return None  # the password changed since this session signed in: every other session ends
        return Staff(row.id, row.username, row.display_name, row.tenant, row.role_set)


PASSWORD_STAMP = "pw_at"


def password_stamp(row: StaffUser) -> str:
    """A fingerprint of the account's current password hash (its salt changes with every new password)."""
    return hashlib.sha256(row.password_hash.encode()).hexdigest()[:16]


class LoginForm(FlaskForm):
    username = StringField(_l("ユーザー名"), validators=[DataRequired(_l("ユーザー名を入力してください。")),
                                                      Length(max=64)])
    password = PasswordField(_l("パスワード"), validators=[DataRequired(_l("パスワードを入力してください。")),
                                                        Length(max=128)])


MESSAGES = {"bad_password": _l("ユーザー名またはパスワードが違います。"),
            "unknown_user": _l("ユーザー名またはパスワードが違います。"),
            "inactive": _l("このアカウントは無効です。管理者に連絡してください。")}


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    if form.validate_on_submit():
        identity = current_app.extensions["kentei.identity"]
        with engine().transaction() as s, s.begin():
            result = identity.sign_in(s, form.username.data, form.password.data, request.remote_addr)
            user = result.user
            staff = (Staff(user.id, user.username, user.display_name, user.tenant, user.role_set)
                     if result.outcome == "success" else None)
            stamp = password_stamp(user) if staff is not None else ""
        if staff is not None:
            session.clear()
            session.permanent = True
            session[PASSWORD_STAMP] = stamp
            login_user(staff)
            return redirect(url_for("inbox.index"))
        if result.outcome == "locked" or (result.locked_until is not None):
            until = result.locked_until.astimezone(engine().tz).strftime("%H:%M")
            flash(_("ログインの失敗が続いたため、%(until)s までロックされています。", until=until), "error")
        else:
            flash(str(MESSAGES.get(result.outcome, MESSAGES["bad_password"])), "error")
        return render_template("login.html", form=form), 401
    return render_template("login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Any:
    logout_user()
    session.clear()
    flash(_("ログアウトしました。"), "info")
    return redirect(url_for("auth.login"))


def colleague(username: str) -> StaffUser | None:
    """A staff account by name (for delegation)."""
    with engine().reading() as s:
        return s.scalar(select(StaffUser).where(StaffUser.username == username, StaffUser.active.is_(True)))


__all__ = ["Staff", "bp", "colleague", "current_user", "login_manager"]


def role_required(role: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Pages for one role of the user's prefecture; to anyone else they do not exist (404)."""
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if role not in current_user.roles:
                abort(404)
            return view(*args, **kwargs)
        return wrapper
    return decorate
