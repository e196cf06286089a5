"""The signed-in member of staff's own account: API tokens for their programs, and their password."""
from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.identity import IdentityError, StaffUser
from engine.identity.tokens import issue, revoke, tokens_of

from .auth import engine, start_session
from .identity_text import localized

bp = Blueprint("account", __name__, url_prefix="/account")


def _tokens_page(new_token: str | None = None, errors: list[str] | None = None, status: int = 200) -> Any:
    with engine().reading() as s:
        tokens = tokens_of(s, [current_user.id])
        return render_template("account_tokens.html", tokens=tokens, new_token=new_token, errors=errors or []), status


@bp.get("/tokens")
@login_required
def tokens() -> Any:
    return _tokens_page()


@bp.post("/tokens")
@login_required
def create_token() -> Any:
    """A new token, shown in this one answer only (the database keeps its digest)."""
    name = (request.form.get("name") or "").strip()
    if not name or len(name) > 64:
        return _tokens_page(errors=[_("用途を64文字以内で入力してください（例: 手数料収納システム）。")], status=422)
    with engine().transaction() as s, s.begin():
        user = s.get(StaffUser, current_user.id)
        token = issue(s, user, name, engine().now())
    response = _tokens_page(new_token=token)
    return response


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> Any:
    with engine().transaction() as s, s.begin():
        done = revoke(s, token_id, [current_user.id], engine().now(), actor=current_user.username)
    flash(_("トークンを無効にしました。") if done else _("そのトークンはありません。"), "info" if done else "error")
    return redirect(url_for("account.tokens"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> Any:
    errors: list[str] = []
    if request.method == "POST":
        identity = current_app.extensions["kentei.identity"]
        new, again = request.form.get("new_password", ""), request.form.get("new_password_again", "")
        with engine().transaction() as s, s.begin():
            user = s.get(StaffUser, current_user.id)
            # checked as a sign-in is: logged in the login history, and five failures in a row lock the account
            check = identity.sign_in(s, user.username, request.form.get("current_password", ""), request.remote_addr)
            if check.outcome == "locked" or (check.outcome != "success" and check.locked_until is not None):
                until = check.locked_until.astimezone(engine().tz).strftime("%H:%M") if check.locked_until else ""
                errors.append(_("ログインの失敗が続いたため、%(until)s までロックされています。", until=until))
            elif check.outcome != "success":
                errors.append(_("今のパスワードが違います。"))
            elif new != again:
                errors.append(_("新しいパスワードが2回とも同じになるように入力してください。"))
            else:
                try:
                    identity.set_password(s, user, new)  # every session of the account ends, this one too
                    start_session(s, user)  # this browser goes on, with a new session id; the others end
                except IdentityError as err:
                    errors = [localized(p) for p in getattr(err, "problems", None) or [str(err)]]
        if not errors:
            flash(_("パスワードを変更しました。"), "info")
            return redirect(url_for("inbox.index"))
    return render_template("account_password.html", errors=errors), (422 if errors else 200)
