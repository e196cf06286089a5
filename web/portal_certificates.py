"""The applicant's certificate requests in the portal (再交付, 合格証明書 in Japanese or English).

The signed-in applicant asks for a reissue of the 合格証書 or a 合格証明書 for one of their own passes, sees the
request's status and fee and, once issued, the PDF. Identity: the portal's sign-in (the OpenID Connect provider
where マイナポータル's identity confirmation sits) has verified the applicant; the registry step checks again
that the pass is the signed-in applicant's (workflows/certificate_request.bpmn). Anyone else's pass or request
is a 404.
"""
from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine.errors import Conflict, NotFound
from handlers.documents import NotIssued
from handlers.documents.requests import RequestNotFound, build_request, find
from handlers.registry.models import Application, CertificateRequest, Passer

from .certificate_requests import PROCESS, _copies, _variables, field_errors, labels
from .documents import _pdf
from .portal import _mine, applicant_required, engine
from .portal_session import me

bp = Blueprint("portal_certificates", __name__, url_prefix="/portal")
TOKEN = "portal_certificate_token"  # one request per form: a double click does not file twice


def _own_pass(application_no: str) -> tuple[Any, Any, Passer]:
    """The signed-in applicant's application with a registered pass (or 404)."""
    with engine().reading() as s:
        found = _mine(s, me(), application_no)
        if not found:
            abort(404)
        app, person = found[0]
        passer = s.scalar(select(Passer).where(Passer.application_id == app.id, Passer.tenant == app.tenant))
        if passer is None:
            abort(404)
        return app, person, passer


def _page(app: Any, person: Any, passer: Passer, values: dict[str, Any], errors: dict[str, str],
          status: int = 200) -> Any:
    token = session.get(TOKEN) or uuid.uuid4().hex
    session[TOKEN] = token
    with engine().reading() as s:
        requests = s.scalars(select(CertificateRequest).where(CertificateRequest.application_id == app.id,
                                                              CertificateRequest.tenant == app.tenant)
                             .order_by(CertificateRequest.id.desc())).all()
    return render_template("portal_certificates.html", app=app, person=person, passer=passer, requests=requests,
                           values=values, errors=errors, token=token, **labels()), status


@bp.get("/applications/<application_no>/certificates")
@applicant_required
def requests_page(application_no: str) -> Any:
    app, person, passer = _own_pass(application_no)
    return _page(app, person, passer, {"request_kind": "certificate_of_pass", "language": "ja",
                                       "medium": "electronic", "copies": "1"}, {})


@bp.post("/applications/<application_no>/certificates")
@applicant_required
def file_request(application_no: str) -> Any:
    app, person, passer = _own_pass(application_no)
    if not request.form.get("token") or request.form.get("token") != session.get(TOKEN):
        flash(_("この申請はすでに送信されています。下の一覧で確認してください。"), "error")
        return redirect(url_for("portal_certificates.requests_page", application_no=application_no))
    kind = request.form.get("request_kind") or ""
    data: dict[str, Any] = {
        "channel": "portal", "application_id": app.application_no, "pseudonym_id": me(), "request_kind": kind,
        "language": "ja" if kind == "reissue" else request.form.get("language") or "ja",
        "medium": request.form.get("medium") or "", "copies": _copies(request.form.get("copies")),
        "reason": (request.form.get("reason") or None) if kind == "reissue" else None,
        "note": (request.form.get("note") or "").strip(), "requested_by": f"portal:{me()}"}
    errors = field_errors(data)
    if passer.revoked_on is not None:
        errors["request_kind"] = _("合格が取り消されているため、証明書等は交付できません。")
    if errors:
        flash(_("入力内容を確認してください。"), "error")
        return _page(app, person, passer, dict(request.form), errors, 422)
    try:
        iid = engine().start(PROCESS, app.tenant, data, business_key=f"portal-cert-{uuid.uuid4()}",
                             actor=f"portal:{me()}")
    except (NotFound, Conflict):
        current_app.logger.exception("portal: the certificate request process could not start")
        return render_template("portal_error.html", title=_("ただいま申請を受け付けられません"),
                               message=_("時間をおいてもう一度お試しください。")), 503
    session.pop(TOKEN, None)
    request_no = (engine().instance(iid)["variables"] or {}).get("request_no")
    if not request_no:
        return render_template("portal_error.html", title=_("申請を受け付けました（番号は発行待ち）"),
                               message=_("交付申請番号の発行が遅れています。発行されるとこの合格の申請一覧に表示されます。")), 202
    return redirect(url_for("portal_certificates.request_page", request_no=request_no))


def _own_request(request_no: str) -> CertificateRequest:
    with engine().reading() as s:
        try:
            return find(s, request_no, pseudonym_id=me())
        except RequestNotFound:
            abort(404)


@bp.get("/certificates/<request_no>")
@applicant_required
def request_page(request_no: str) -> Any:
    row = _own_request(request_no)
    with engine().reading() as s:
        app = s.get(Application, row.application_id)
    return render_template("portal_certificate.html", row=row, app=app, v=_variables(row), **labels())


@bp.get("/certificates/<request_no>/document.pdf")
@applicant_required
def document(request_no: str) -> Any:
    try:
        with engine().reading() as s:
            pdf = build_request(s, request_no, pseudonym_id=me())
    except (RequestNotFound, NotIssued):
        abort(404)
    return _pdf(pdf)
