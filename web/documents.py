"""Documents as PDF (受検票, 合格通知書, 不合格通知, 合格証書, 合格証明書): staff pages and the applicant's own in the portal.

Staff (審査担当, 決裁者, 管理者) get the documents of their own prefecture's applications; the portal gives the
signed-in applicant the documents of their own applications only. Anything else — another prefecture's or
another applicant's application, a document not issued yet — is a 404 (a JSON body when JSON is asked for).
"""
from __future__ import annotations

from datetime import date
from functools import wraps
from typing import Any, Callable

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.identity.roles import ADMIN, APPROVER, REVIEWER
from handlers.documents import ApplicationNotFound, Document, DocumentError, NotIssued, available, build, load
from handlers.documents.fonts import use_font_dir
from handlers.documents.kinds import KINDS

from .auth import engine
from .portal import applicant_required, portal_context
from .portal_session import me

bp = Blueprint("documents", __name__)
STAFF_ROLES = frozenset({REVIEWER, APPROVER, ADMIN})


@bp.record_once
def _fonts(state: Any) -> None:
    """The fonts' folder from the settings (KENTEI_DOCUMENT_FONT_DIR), once, when the app is built."""
    use_font_dir(state.app.extensions["kentei.engine"].settings.document_font_dir)


def _today() -> date:
    """The prefecture's day (JST): the notices are issued from the 合格発表日 on."""
    eng = engine()
    return eng.now().astimezone(eng.tz).date()


def _pdf(document: Document) -> Response:
    response = Response(document.data, mimetype=document.media_type)
    response.headers["Content-Disposition"] = f'inline; filename="{document.filename}"'
    response.headers["Cache-Control"] = "private, no-store"  # personal data: no shared or disk cache
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _not_found(error: DocumentError, portal: bool) -> Any:
    """404: the reason in JSON when asked for; a page saying so otherwise (never whose application it is)."""
    if _wants_json():
        return jsonify({"error": "not found", "detail": str(error)}), 404
    message = _("この申請には、この書類はまだありません。") if isinstance(error, NotIssued) \
        else _("お探しのページはありません。")
    if portal:
        return render_template("portal_error.html", title=_("見つかりません"), message=message,
                               **portal_context()), 404
    return render_template("error.html", title=_("見つかりません"), message=message), 404


def staff_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Reviewers, approvers and administrators; to anyone else the documents do not exist (404)."""
    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not STAFF_ROLES & current_user.roles:
            abort(404)
        return view(*args, **kwargs)
    return wrapped


@bp.get("/documents/<application_id>/<kind>.pdf")
@staff_required
def staff_document(application_id: str, kind: str) -> Any:
    if kind not in KINDS:
        abort(404)
    try:
        with engine().reading() as s:
            document = build(s, application_id, kind, _today(), tenant=current_user.tenant)
    except (ApplicationNotFound, NotIssued) as exc:
        return _not_found(exc, portal=False)
    current_app.logger.info("document %s of %s by %s", kind, application_id, current_user.username)
    return _pdf(document)


@bp.get("/portal/documents/<application_id>/<kind>.pdf")
@applicant_required
def portal_document(application_id: str, kind: str) -> Any:
    if kind not in KINDS:
        abort(404)
    try:
        with engine().reading() as s:
            document = build(s, application_id, kind, _today(), pseudonym_id=me())
    except (ApplicationNotFound, NotIssued) as exc:
        return _not_found(exc, portal=True)
    return _pdf(document)


def _links(endpoint: str, application_no: str, **scope: Any) -> list[dict[str, str]]:
    """The documents the application has today: [{kind, url}], or [] when it is not in scope."""
    try:
        with engine().reading() as s:
            facts = load(s, application_no, **scope)
    except ApplicationNotFound:
        return []
    return [{"kind": kind, "url": url_for(endpoint, application_id=application_no, kind=kind)}
            for kind in available(facts, _today())]


@bp.app_context_processor
def document_links() -> dict[str, Any]:
    """For templates: `portal_documents(application_no)` (the signed-in applicant's) and
    `staff_documents(application_no)` (for staff of the application's prefecture)."""
    def portal_documents(application_no: str) -> list[dict[str, str]]:
        pseudonym = me()
        return _links("documents.portal_document", application_no, pseudonym_id=pseudonym) if pseudonym else []

    def staff_documents(application_no: str) -> list[dict[str, str]]:
        if not current_user.is_authenticated or not STAFF_ROLES & current_user.roles:
            return []
        return _links("documents.staff_document", application_no, tenant=current_user.tenant)
    return {"portal_documents": portal_documents, "staff_documents": staff_documents}
