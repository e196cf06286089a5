"""Certificate requests after a pass (再交付, 合格証明書): staff pages for paper requests and the requests' list.

Staff of the prefecture that issued the pass enter a paper request (by 申請受付ID or 技能士番号); the process
(workflows/certificate_request.bpmn) then asks a reviewer for the 本人確認, the 納付書 and the payment, and
issues. Everything is the signed-in user's prefecture only: another prefecture's request is a 404.
"""
from __future__ import annotations

from typing import Any, Mapping

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from engine.errors import Conflict, NotFound
from handlers.documents import NotIssued
from handlers.documents.requests import RequestNotFound, build_request, find
from handlers.registry.certificates import MAX_COPIES, REASONS, check_request, find_pass, other_prefecture
from handlers.registry.models import Application, CertificateRequest, Passer

from .auth import engine
from .documents import _pdf, staff_required

bp = Blueprint("certificate_requests", __name__, url_prefix="/certificate-requests")
PROCESS = "certificate_request"
ENTRY_ROLES = frozenset({"reviewer", "admin"})

# what the pages show for a request's kind, status, reason and refusal, in the page's language
KIND_LABELS = {"reissue": _l("合格証書の再交付"), "certificate_of_pass": _l("合格証明書")}
LANGUAGE_LABELS = {"ja": _l("日本語"), "en": _l("英文")}
MEDIUM_LABELS = {"paper": _l("紙（郵送・窓口）"), "electronic": _l("電子（ポータルでPDF）")}
CHANNEL_LABELS = {"portal": _l("ポータル"), "paper": _l("紙の申請書")}
REASON_LABELS = {"lost": _l("紛失"), "damaged": _l("き損・汚損"), "name_change": _l("氏名の変更")}
STATUS_LABELS = {"received": _l("受付済み"), "fee_due": _l("手数料の納付待ち"), "issued": _l("交付済み"),
                 "refused": _l("不交付"), "lapsed": _l("手数料未納（期限切れ）")}
REFUSAL_LABELS = {
    "unknown_pass": _l("該当する合格者データがありません。"),
    "other_prefecture": _l("他の都道府県が交付した合格です。合格証書を交付した都道府県に申請してください。"),
    "not_own": _l("申請者本人の合格ではありません。"),
    "revoked": _l("合格が取り消されているため、証明書等を交付できません。"),
    "identity": _l("本人確認ができませんでした。"),
    "amount": _l("納付額が手数料額と異なるため、納付額を還付し、交付しません。"),
    "invalid": _l("申請の内容に誤りがあります。"),
}
FIELD_ERRORS = {
    "request_kind": _l("種類を選んでください。"), "language": _l("合格証書の再交付は日本語だけです。"),
    "medium": _l("紙の申請には紙で交付します。"), "reason": _l("再交付の理由を選んでください。"),
    "copies": _l("部数は1〜%(max)s の整数で入力してください（再交付と電子交付は1通）。"),
    "note": _l("400文字以内で入力してください。"), "application_id": _l("申請受付IDか技能士番号を入力してください。"),
    "requester_name": _l("申請書の氏名を入力してください。"),
    "requester_birth_date": _l("申請書の生年月日を 1990-05-01 の形で入力してください。"),
}


def labels() -> dict[str, Any]:
    """For the templates of both sides (staff, portal)."""
    return {"kind_labels": KIND_LABELS, "language_labels": LANGUAGE_LABELS, "medium_labels": MEDIUM_LABELS,
            "channel_labels": CHANNEL_LABELS, "reason_labels": REASON_LABELS, "request_status_labels": STATUS_LABELS,
            "refusal_labels": REFUSAL_LABELS, "reasons": REASONS, "max_copies": MAX_COPIES}


def field_errors(data: Mapping[str, Any]) -> dict[str, str]:
    """check_request's problems, one sentence per field in the page's language."""
    return {field: str(FIELD_ERRORS.get(field, FIELD_ERRORS["request_kind"])) % {"max": MAX_COPIES}
            for field, _sentence in reversed(check_request(data))}


def _copies(value: str | None) -> Any:
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) < 4 else text


def _entry(form: Mapping[str, str]) -> dict[str, Any]:
    """A paper request as typed (the 申請受付ID or the 技能士番号, whichever is given)."""
    number = (form.get("pass_no") or "").strip()
    data: dict[str, Any] = {
        "channel": "paper", "request_kind": form.get("request_kind") or "", "language": form.get("language") or "ja",
        "medium": "paper", "copies": _copies(form.get("copies")), "reason": form.get("reason") or None,
        "note": (form.get("note") or "").strip(), "requester_name": (form.get("requester_name") or "").strip(),
        "requester_birth_date": (form.get("requester_birth_date") or "").strip(),
        "fee_exemption": form.get("fee_exemption") == "on", "requested_by": current_user.username}
    data["application_id" if number.count("-") == 2 and "A" in number else "ginoshi_no"] = number
    return data


def _form(values: Mapping[str, Any], errors: Mapping[str, str], status: int = 200) -> Any:
    return render_template("certificate_request_new.html", values=values, errors=errors, **labels()), status


@bp.get("/")
@staff_required
def index() -> Any:
    tenant = current_user.tenant
    with engine().reading() as s:
        rows = s.execute(select(CertificateRequest, Application.application_no, Passer.ginoshi_no)
                         .outerjoin(Application, Application.id == CertificateRequest.application_id)
                         .outerjoin(Passer, Passer.id == CertificateRequest.passer_id)
                         .where(CertificateRequest.tenant == tenant)
                         .order_by(CertificateRequest.id.desc()).limit(200)).all()
    return render_template("certificate_requests.html", rows=rows, can_enter=bool(ENTRY_ROLES & current_user.roles),
                           **labels())


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new() -> Any:
    if not ENTRY_ROLES & current_user.roles:
        abort(404)
    if request.method == "GET":
        return _form({"request_kind": "certificate_of_pass", "language": "ja", "copies": "1"}, {})
    data = _entry(request.form)
    errors = field_errors(data)
    tenant = current_user.tenant
    if not errors and other_prefecture(tenant, data):
        errors["pass_no"] = str(REFUSAL_LABELS["other_prefecture"])
    elif not errors:
        with engine().reading() as s:
            if find_pass(s, tenant, data) is None:
                errors["pass_no"] = _("この都道府県の合格者データに、この申請受付ID・技能士番号はありません。")
    if "application_id" in errors:
        errors["pass_no"] = errors.pop("application_id")
    if errors:
        flash(_("入力内容を確認してください。"), "error")
        return _form(request.form, errors, 422)
    try:
        iid = engine().start(PROCESS, tenant, data, actor=current_user.username)
    except (NotFound, Conflict):
        current_app.logger.exception("certificate request: the process could not start")
        return render_template("error.html", title=_("ただいま受け付けられません"),
                               message=_("証明書等の交付申請のプロセスが配置されていません。管理者に連絡してください。")), 503
    request_no = (engine().instance(iid)["variables"] or {}).get("request_no")
    if not request_no:  # the registry step did not run (an incident): the instance shows it
        flash(_("申請を受け付けましたが、交付申請番号の発行が遅れています。"), "error")
        return redirect(url_for("instances.page", instance_id=iid))
    flash(_("交付申請 %(no)s を受け付けました。", no=request_no), "info")
    return redirect(url_for("certificate_requests.detail", request_no=request_no))


def _variables(row: CertificateRequest) -> dict[str, Any]:
    """The process data of the request's own instance (fee, deadline), or {}."""
    if row.instance_id is None:
        return {}
    try:
        info = engine().instance(row.instance_id)
    except NotFound:
        return {}
    variables = info.get("variables") or {}
    return variables if variables.get("request_no") == row.request_no else {}


@bp.get("/<request_no>")
@staff_required
def detail(request_no: str) -> Any:
    with engine().reading() as s:
        try:
            row = find(s, request_no, tenant=current_user.tenant)
        except RequestNotFound:
            abort(404)
        app = s.get(Application, row.application_id) if row.application_id else None
        passer = s.get(Passer, row.passer_id) if row.passer_id else None
    return render_template("certificate_request.html", row=row, app=app, passer=passer, v=_variables(row),
                           **labels())


@bp.get("/<request_no>/document.pdf")
@staff_required
def document(request_no: str) -> Any:
    try:
        with engine().reading() as s:
            pdf = build_request(s, request_no, tenant=current_user.tenant)
    except (RequestNotFound, NotIssued):
        abort(404)
    current_app.logger.info("certificate request document %s by %s", request_no, current_user.username)
    return _pdf(pdf)
