"""Sign-in and sign-out for staff: individual accounts, lockout, login history, sessions kept on the server
(engine.identity): the cookie carries a session id, and signing out or the idle timeout ends the record."""
from __future__ import annotations

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

from engine.identity import StaffUser, portal_sessions
from engine.identity.roles import ADMIN, ANALYST, APPROVER, AUDITOR, OPERATOR, PAYMENT, REVIEWER, SCORER, WORKER
from engine.inbox import Viewer

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("ログインしてください。")
login_manager.localize_callback = str  # flashed as text, in the language of the request that was refused
# the roles of engine/identity/roles.py as people read them (the engine knows no languages)
ROLE_NAMES = {REVIEWER: _l("審査担当"), SCORER: _l("採点担当"), APPROVER: _l("決裁者"), ADMIN: _l("管理者"),
              AUDITOR: _l("監査"), PAYMENT: _l("収納連携"), OPERATOR: _l("運用担当"), ANALYST: _l("業務設計担当"),
              WORKER: _l("外部ワーカー")}


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


SESSION_ID = "sid"  # the Flask session's key for the server-side session's id (engine.identity StaffSession)
PORTAL_SID = "portal_sid"  # the applicant portal's (engine.identity.portal_sessions), in the same cookie
SIGNED_IN_KEYS = ("_user_id", "_fresh", "_id", "_remember", "_remember_seconds", SESSION_ID)  # Flask-Login's, ours


def identity() -> Any:
    return current_app.extensions["kentei.identity"]


def start_session(s: Any, user: StaffUser) -> None:
    """This browser's new session (a sign-in, a password change): a fresh id, whatever the cookie held."""
    session[SESSION_ID] = identity().start_session(s, user, current_app.permanent_session_lifetime)


@login_manager.user_loader
def load_user(user_id: str) -> Staff | None:
    """The account of the request's session, checked on the server at every request: the session record must
    exist (not signed out), have been seen within the idle timeout, and belong to this active account."""
    token = session.get(SESSION_ID)
    with engine().reading() as s:
        live = identity().live_session(s, token, current_app.permanent_session_lifetime)
        row = live.user
        staff = (Staff(row.id, row.username, row.display_name, row.tenant, row.role_set)
                 if row is not None and user_id == str(row.id) else None)
    if staff is None:
        if live.dead or live.user is not None:
            with engine().transaction() as s, s.begin():
                identity().end_session(s, token)
        forget()
    elif live.stale:
        with engine().transaction() as s, s.begin():
            identity().touch_session(s, token)
    return staff


def forget() -> None:
    """Drop the sign-in from the Flask session (what else it holds, e.g. the language's flash, stays)."""
    for key in SIGNED_IN_KEYS:
        session.pop(key, None)


class LoginForm(FlaskForm):
    username = StringField(_l("ユーザー名"), validators=[DataRequired(_l("ユーザー名を入力してください。")),
                                                      Length(max=64)])
    password = PasswordField(_l("パスワード"), validators=[DataRequired(_l("パスワードを入力してください。")),
                                                        Length(max=128)])


# one answer for every failure, whether the name is unknown, the password wrong, the account locked or
# deactivated: the answer (and its time) tells nothing about the account; the login history keeps the reason
FAILED = _l("ログインできませんでした。ユーザー名とパスワードを確かめてください。"
            "続けて失敗するときは、15分待つか管理者に連絡してください。")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    if form.validate_on_submit():
        with engine().transaction() as s, s.begin():
            result = identity().sign_in(s, form.username.data, form.password.data, request.remote_addr)
            user = result.user
            staff = (Staff(user.id, user.username, user.display_name, user.tenant, user.role_set)
                     if result.outcome == "success" else None)
            if staff is not None:
                identity().end_session(s, session.get(SESSION_ID))  # a session this browser had ends
                portal_sessions.end(s, session.get(PORTAL_SID))  # an applicant's too
                session.clear()
                session.permanent = True
                start_session(s, user)
        if staff is not None:
            login_user(staff)
            return redirect(url_for("inbox.index"))
        flash(str(FAILED), "error")
        return render_template("login.html", form=form), 401
    return render_template("login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Any:
    with engine().transaction() as s, s.begin():
        identity().end_session(s, session.get(SESSION_ID))  # ended on the server: no copy of the cookie works
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
