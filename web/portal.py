"""A small applicant portal standing in for マイナポータル: sign-in through an OpenID Connect provider
(web/portal_oidc.py) or, in the demo only (KENTEI_PORTAL_DEMO_SIGNIN=1), by pseudonymous ID; online
application (the 個人番号 goes to the vault, only its reference to the workflow), my applications with
their status and the correction form, and the notices inbox.

Applicants are not staff: the signed-in pseudonymous ID lives in the session under its own key
(`portal_pseudonym`), never in Flask-Login, and signing in here (or as staff) clears the other.
Every query filters by that pseudonymous ID; anyone else's application or notice is a 404.
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
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
from sqlalchemy import func, select

from engine.db.models import MessageSubscription, ProcessInstance
from engine.errors import Conflict, NotFound
from engine.message_rules import Sender
from handlers.notify.errors import MessageNotFound
from handlers.notify.inbox import inbox, mark_read
from handlers.notify.models import PortalMessage
from handlers.registry.models import Applicant, Application, ExamRecord
from handlers.vault import VaultError

from .portal_forms import (
    GRADES,
    PREFECTURE_NAMES,
    PREFECTURES,
    PRIOR_PASSES,
    SCHOOLING,
    SEXES,
    application_values,
    check_my_number,
    choice_label,
    correction_values,
    start_data,
)
from .portal_session import PSEUDONYM, begin, end, me
from .vaults import file_with_number

bp = Blueprint("portal", __name__, url_prefix="/portal")

APPLY_TOKEN = "portal_apply_token"  # one filing per form: a double click does not file twice
PROCESS = "application"
CORRECTION_MESSAGE = "correction_submitted"
FEE_MESSAGE = "fee_paid"

# What the pages show for an application's status and a notice's kind, in the page's language.
STATUS_LABELS = {
    "received": _l("受付済み（審査中）"), "scheduled": _l("受検票発行済み"), "pass": _l("合格"),
    "partial_written": _l("一部合格（学科）"), "partial_practical": _l("一部合格（実技）"), "fail": _l("不合格"),
    "absent": _l("欠席"), "ineligible": _l("受検資格なし"), "identity_failed": _l("本人確認できず"),
    "lapsed": _l("期限切れ"), "revoked": _l("合格取消"),
}
# results the applicant learns on the 合格発表日 (JST), not when the approver decided them
RESULTS = frozenset({"pass", "partial_written", "partial_practical", "fail", "absent"})
KIND_LABELS = {"admission_ticket": _l("受検票"), "pass_notice": _l("合格通知"), "fail_notice": _l("不合格通知"),
               "partial_pass_notice": _l("一部合格通知"), "correction_request": _l("訂正依頼"),
               "fee_request": _l("手数料納付依頼"), "revocation_notice": _l("合格取消通知"),
               "certificate": _l("合格証書"), "refund_notice": _l("手数料還付のお知らせ")}

BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)


def engine() -> Any:
    return current_app.extensions["kentei.engine"]


def applicant_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if me() is None:
            flash(_("仮名IDでログインしてください。"), "error")
            return redirect(url_for("portal.login"))
        return view(*args, **kwargs)
    return wrapped


@bp.context_processor
def portal_context() -> dict[str, Any]:
    pseudonym = me()
    unread = 0
    if pseudonym is not None:
        with engine().reading() as s:
            unread = s.scalar(select(func.count()).select_from(PortalMessage).where(
                PortalMessage.pseudonym_id == pseudonym, PortalMessage.read_at.is_(None))) or 0
    return {"portal_pseudonym": pseudonym, "unread": unread, "prefecture_names": PREFECTURE_NAMES,
            "portal_demo": engine().settings.portal_demo_signin,
            "status_labels": STATUS_LABELS, "status_of": status_of, "kind_labels": KIND_LABELS, "choice_label": choice_label,
            "schooling_choices": SCHOOLING, "prior_pass_choices": PRIOR_PASSES}


def status_of(app: Application) -> str:
    """The status the applicant sees: a result only from its 合格発表日 (JST) on; before it, the ticket's status."""
    if app.status in RESULTS:
        with engine().reading() as s:
            day = s.scalar(select(ExamRecord.announcement_date).where(ExamRecord.application_id == app.id))
        if day is None or engine().now().astimezone(engine().tz).date() < day:
            return str(STATUS_LABELS["scheduled"])
    return str(STATUS_LABELS.get(app.status, app.status))


@bp.errorhandler(404)
def not_found(err: Any) -> Any:
    return render_template("portal_error.html", title=_("見つかりません"),
                           message=_("お探しのページはありません。")), 404


# -- sign-in ------------------------------------------------------------------------------------
def sign_in(pseudonym: str) -> Any:
    """A new session for the applicant: whatever this browser's session held (a staff sign-in too) ends here."""
    begin(pseudonym)
    flash(_("ログインしました。"), "info")
    return redirect(url_for("portal.index"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    demo = engine().settings.portal_demo_signin
    error = None
    typed = ""
    if request.method == "POST":
        if not demo:  # the demo sign-in is the demo's only: KENTEI_PORTAL_DEMO_SIGNIN=1
            abort(404)
        if request.form.get("new"):
            return sign_in(portal_oidc.new_pseudonym())
        typed = (request.form.get("pseudonym") or "").strip()
        if not typed:
            error = _("仮名IDを入力してください。")
        elif not PSEUDONYM.fullmatch(typed):
            error = _("仮名IDは「PSN-」と32文字の半角英小文字（a〜p）です。")
        else:
            return sign_in(typed)
    return render_template("portal_login.html", error=error, typed=typed, demo=demo,
                           oidc=portal_oidc.configured(), listed=portal_oidc.demo_applicants() if demo else []), \
        (422 if error else 200)


@bp.post("/logout")
def logout() -> Any:
    end()
    flash(_("ログアウトしました。"), "info")
    return redirect(url_for("portal.login"))


# -- my applications ----------------------------------------------------------------------------
def _mine(s: Any, pseudonym: str, application_no: str | None = None) -> list[tuple[Application, Applicant]]:
    """The applicant's applications (all of them, or the one numbered), newest first."""
    query = (select(Application, Applicant).join(Applicant, Application.applicant_id == Applicant.id)
             .where(Applicant.pseudonym_id == pseudonym))
    if application_no is not None:
        query = query.where(Application.application_no == application_no)
    return [tuple(row) for row in s.execute(query.order_by(Application.created_at.desc(), Application.id.desc()))]


def _waits(s: Any, applications: list[Application]) -> dict[str, dict[str, MessageSubscription]]:
    """For each 申請受付ID, the messages its process waits for (補正, 手数料): only waits of instances of the
    application's own prefecture, as the engine correlates them (another prefecture's process may subscribe
    with any key, even one naming this application)."""
    tenant_of = {a.application_no: a.tenant for a in applications}
    if not tenant_of:
        return {}
    rows = s.execute(select(MessageSubscription, ProcessInstance.tenant).join(
        ProcessInstance, ProcessInstance.id == MessageSubscription.instance_id).where(
        MessageSubscription.correlation_key.in_(tenant_of),
        MessageSubscription.message_name.in_((CORRECTION_MESSAGE, FEE_MESSAGE)))).all()
    out: dict[str, dict[str, MessageSubscription]] = {}
    for row, tenant in rows:
        if tenant == tenant_of[row.correlation_key]:
            out.setdefault(row.correlation_key, {})[row.message_name] = row
    return out


def _own_variables(instance_id: int, pseudonym: str, application_no: str) -> dict[str, Any]:
    """The process data of the applicant's own instance (or 404)."""
    try:
        info = engine().instance(instance_id)
    except NotFound:
        abort(404)
    variables = info["variables"] or {}
    if (info["process"] != PROCESS or variables.get("pseudonym_id") != pseudonym
            or variables.get("application_id") != application_no):
        abort(404)
    return variables


def _filed_here(application_no: str, tenant: str, pseudonym: str) -> dict[str, Any] | None:
    """The process data of the application as this portal filed it (corrections included), or None."""
    with engine().reading() as s:
        rows = s.execute(select(ProcessInstance.variables).where(
            ProcessInstance.started_by == f"portal:{pseudonym}", ProcessInstance.tenant == tenant)).all()
    for (variables,) in rows:
        if variables and variables.get("application_id") == application_no \
                and variables.get("pseudonym_id") == pseudonym:
            return variables
    return None


@bp.get("/")
@applicant_required
def index() -> Any:
    pseudonym = me()
    with engine().reading() as s:
        rows = _mine(s, pseudonym)
        waits = _waits(s, [a for a, _person in rows])
    return render_template("portal_applications.html", rows=rows, waits=waits)


def _own_application(application_no: str) -> tuple[Application, Applicant, dict[str, MessageSubscription]]:
    with engine().reading() as s:
        found = _mine(s, me(), application_no)
        if not found:
            abort(404)
        application, applicant = found[0]
        return application, applicant, _waits(s, [application]).get(application_no, {})


@bp.get("/applications/<application_no>")
@applicant_required
def application(application_no: str) -> Any:
    app, person, waits = _own_application(application_no)
    correction = fee = None
    if CORRECTION_MESSAGE in waits:
        variables = _own_variables(waits[CORRECTION_MESSAGE].instance_id, me(), application_no)
        correction = {"comment": variables.get("review_comment") or "",
                      "deadline": variables.get("correction_deadline"),
                      "values": {k: variables.get(k) for k in ("experience_years", "schooling", "prior_pass")}}
    if FEE_MESSAGE in waits:
        variables = _own_variables(waits[FEE_MESSAGE].instance_id, me(), application_no)
        fee = {"amount": variables.get("fee_amount"), "deadline": variables.get("feeDeadline")}
    with engine().reading() as s:
        notices = [m for m in inbox(s, me()) if m["application_id"] == application_no]
    return render_template("portal_application.html", app=app, person=person, correction=correction, fee=fee,
                           notices=notices, errors={}, form=None, now=_current(app, me()))


def _current(app: Application, pseudonym: str) -> dict[str, Any]:
    """受検資格 as the process holds it now: a correction changes the process data, not the registry row."""
    variables = _filed_here(app.application_no, app.tenant, pseudonym) or {}
    return {k: variables.get(k, getattr(app, k)) for k in ("experience_years", "schooling", "prior_pass")}


@bp.post("/applications/<application_no>/correction")
@applicant_required
def correction(application_no: str) -> Any:
    app, person, waits = _own_application(application_no)
    wait = waits.get(CORRECTION_MESSAGE)
    if wait is None:
        flash(_("この申請は補正を受け付けていません（すでに送信済みか、期限を過ぎています）。"), "error")
        return redirect(url_for("portal.application", application_no=application_no))
    variables = _own_variables(wait.instance_id, me(), application_no)
    values, errors = correction_values(request.form)
    if errors:
        flash(_("入力内容を確認してください。"), "error")
        correction_view = {"comment": variables.get("review_comment") or "",
                           "deadline": variables.get("correction_deadline"), "values": values}
        with engine().reading() as s:
            notices = [m for m in inbox(s, me()) if m["application_id"] == application_no]
        return render_template("portal_application.html", app=app, person=person, correction=correction_view,
                               fee=None, notices=notices, errors=errors, form=values, now=_current(app, me())), 422
    payload = {"experience_years": values["experience_years"], "schooling": values["schooling"],
               "prior_pass": values["prior_pass"], "correction_note": values["correction_note"],
               "correction_submitted_by": f"portal:{me()}"}
    # one message per wait: a second click (or a second tab) is a duplicate, never a buffered stray
    outcome = engine().correlate(CORRECTION_MESSAGE, application_no, payload,
                                 message_id=f"portal:{application_no}:correction:{wait.task_id}",
                                 sender=Sender(f"portal:{me()}", app.tenant, frozenset({"portal"})))
    if outcome["status"] == "delivered":
        flash(_("補正を送信しました。審査担当が改めて確認します。"), "info")
    elif outcome["status"] == "duplicate":
        flash(_("この補正はすでに受け付けています。"), "info")
    else:
        flash(_("補正の期限を過ぎたため、受け付けられませんでした。"), "error")
    return redirect(url_for("portal.application", application_no=application_no))


@bp.get("/applications/<application_no>/receipt")
@applicant_required
def receipt(application_no: str) -> Any:
    app, person, _waiting = _own_application(application_no)
    return render_template("portal_receipt.html", app=app, person=person)


# -- filing an application ----------------------------------------------------------------------
def _apply_form(values: Mapping[str, Any], errors: Mapping[str, str], number_cleared: bool, status: int = 200) -> Any:
    token = session.get(APPLY_TOKEN)
    if not token:
        token = session[APPLY_TOKEN] = uuid.uuid4().hex
    return render_template("portal_apply.html", values=values, errors=errors, number_cleared=number_cleared,
                           token=token, prefectures=PREFECTURES, grades=GRADES, schooling=SCHOOLING,
                           prior_passes=PRIOR_PASSES, sexes=SEXES), status


@bp.route("/apply", methods=["GET", "POST"])
@applicant_required
def apply() -> Any:
    if request.method == "GET":
        return _apply_form({"schooling": "なし", "prior_pass": "なし", "experience_years": "0"}, {}, False)
    pseudonym = me()
    if not request.form.get("token") or request.form.get("token") != session.get(APPLY_TOKEN):
        flash(_("この申請はすでに送信されています。申請一覧で確認してください。"), "error")
        return redirect(url_for("portal.index"))
    eng = engine()
    now = eng.now()
    values, errors = application_values(request.form, now.astimezone(eng.tz).date())
    typed_number = request.form.get("my_number") or ""
    digits, number_error = check_my_number(typed_number)
    if number_error:
        errors["my_number"] = number_error
    if errors:
        flash(_("入力内容を確認してください。"), "error")
        return _apply_form(values, errors, number_cleared=bool(typed_number.strip()), status=422)
    assert digits is not None and pseudonym is not None
    business_key = f"portal-{uuid.uuid4()}"
    try:  # the number is stored in the start's transaction: a filing that fails keeps none
        iid = file_with_number(PROCESS, values["tenant"], digits, f"portal:{pseudonym}",
                               lambda ref: start_data(values, ref, pseudonym, now, eng.tz), business_key)
    except VaultError:
        current_app.logger.exception("portal: the vault refused a filing")  # the message never holds the number
        return render_template("portal_error.html", title=_("ただいま申請を受け付けられません"),
                               message=_("時間をおいてもう一度お試しください。")), 503
    except (NotFound, Conflict):
        current_app.logger.exception("portal: the application process could not start")
        return render_template("portal_error.html", title=_("ただいま申請を受け付けられません"),
                               message=_("時間をおいてもう一度お試しください。")), 503
    session.pop(APPLY_TOKEN, None)
    application_no = (eng.instance(iid)["variables"] or {}).get("application_id")
    if not application_no:  # the registry step did not run (an incident): staff see it and retry
        return render_template("portal_error.html", title=_("申請を受け付けました（受付番号は発行待ち）"),
                               message=_("申請受付IDの発行が遅れています。控え番号: %(key)s。"
                                         "発行されると申請一覧に表示されます。", key=business_key)), 202
    return redirect(url_for("portal.receipt", application_no=application_no))


# -- notices ------------------------------------------------------------------------------------
@bp.get("/notices")
@applicant_required
def notices() -> Any:
    with engine().reading() as s:
        messages = inbox(s, me())
    return render_template("portal_notices.html", messages=messages)


def notice_body(html: str) -> str:
    """The <body> of a rendered notice (its own <html>, <head> and <style> stay out of our page).

    Safe to embed: notices are rendered by handlers/notify/render.py with autoescape on, every field
    made plain str first (kinds.check_fields), so no value reaches the HTML unescaped; our CSP
    (script-src 'self', no inline scripts) is a second fence.
    """
    found = BODY.search(html)
    return found.group(1) if found else html


@bp.get("/notices/<message_id>")
@applicant_required
def notice(message_id: str) -> Any:
    try:
        with engine().transaction() as s, s.begin():
            message = mark_read(s, message_id, me(), now=engine().now())
    except MessageNotFound:
        abort(404)
    return render_template("portal_notice.html", message=message, body=notice_body(message["body_html"]))


from . import portal_oidc
