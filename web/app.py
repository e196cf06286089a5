"""The app factory: settings, engine, security, sign-in, blueprints, the embedded scheduler."""
from __future__ import annotations

import os
from datetime import UTC
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.routing import IntegerConverter, Map

from engine.bootstrap import bootstrap
from engine.config import Settings
from engine.identity import Identity
from engine.identity.tokens import holder
from engine.queries import ROW_ID_MAX
from engine.text_rules import SENTENCE, bad_character
from handlers.catalog import Adapters, default_registry

from . import (  # noqa: F401
    account,
    engine_rest,
    admin,
    admin_users,
    api,
    audit,
    auth,
    certificate_requests,
    decisions,
    i18n,
    inbox,
    instances,
    documents,
    egov_packages,
    exam_sessions,
    modeler,
    portal,
    portal_certificates,
    published,
)
from .scheduling import embed_scheduler
from .security import harden

csrf = CSRFProtect()


class RowId(IntegerConverter):
    """<int:…> in every route: a database row id, 1 to ROW_ID_MAX (engine.queries); anything else is a 404
    before the view runs (a larger number would overflow the database driver: a 500)."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int = 1, max: int = ROW_ID_MAX,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def create_app(settings: Settings | None = None, engine: Any = None, reloader_child: bool | None = None,
               identity: Identity | None = None, scheduler: bool = True) -> Flask:
    """Build the web app over `engine` (or one from `settings`/the environment)."""
    if engine is None:
        s = settings or Settings.from_env()
        adapters = Adapters(s.database_url, s.keyring_path, s.jukinet_url, s.national_url, s.smtp_host,
                            s.smtp_port, s.mail_from, s.staff_mail, s.egov_url)
        engine = bootstrap(s, handlers=default_registry(adapters), migrate=False)
    app = Flask(__name__)
    app.url_map.converters["int"] = RowId  # before any route is added: every <int:…> in the app is a row id
    harden(app, engine.settings.keyring_path.parent / "secret_key", engine.settings.https, engine.settings.proxies)
    app.extensions["kentei.engine"] = engine
    app.extensions["kentei.identity"] = identity or Identity(clock=engine.now)
    i18n.install(app)
    csrf.init_app(app)
    auth.login_manager.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(inbox.bp)
    app.register_blueprint(instances.bp)
    app.register_blueprint(admin.bp)  # admin_users' routes are on it too
    app.register_blueprint(modeler.bp)
    app.register_blueprint(exam_sessions.bp)
    app.register_blueprint(egov_packages.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(portal.bp)
    app.register_blueprint(portal_certificates.bp)
    app.register_blueprint(certificate_requests.bp)
    app.register_blueprint(published.bp)
    api.register(app)
    engine_rest.register(app)
    app.config["MAX_CONTENT_LENGTH"] = 8 * 1024 * 1024
    app.extensions["kentei.scheduler"] = embed_scheduler(engine, reloader_child) if scheduler else None

    @app.template_filter("roles")
    def role_list(value: Any) -> str:
        """Comma-separated role codes (reviewer,scorer) as people read them, in the page's language."""
        return str(_("・")).join(str(auth.ROLE_NAMES.get(code, code)) for code in str(value or "").split(",") if code)

    @app.template_filter("local")
    def local_time(value: Any) -> str:
        """A UTC timestamp (ISO text or datetime; naive means UTC) as local time: 2026-04-01 09:00."""
        if not value:
            return ""
        from datetime import datetime
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(engine.tz).strftime("%Y-%m-%d %H:%M")

    @app.get("/healthz")
    def healthz() -> Any:
        """Liveness for anyone; for an administrator's API token also this process and whether it runs the
        embedded scheduler (an anonymous caller learns no host name or process id)."""
        if not _admin_token():
            return jsonify({"status": "ok"})
        running = app.extensions["kentei.scheduler"]
        return jsonify({"status": "ok", "pid": os.getpid(), "scheduler": running is not None,
                        "scheduler_name": running.name if running else None})

    def _admin_token() -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return False
        with engine.transaction() as s, s.begin():
            user = holder(s, header[7:].strip(), engine.now())
            return user is not None and "admin" in user.role_set

    @app.errorhandler(CSRFError)
    def csrf_error(err: CSRFError) -> Any:
        return render_template("error.html", title=_("フォームの有効期限が切れました"),
                               message=_("もう一度やり直してください。")), 400

    def error_page(status: int, api_error: str, field: str | None, title: str, message: str) -> Any:
        """JSON {"error", "field"} under /api/, Camunda's {"type", "message", "code"} under /engine-rest (and
        its aliases), the error page elsewhere."""
        if engine_rest.is_rest_path(request.path):
            return engine_rest.core.error_body(status, "InvalidRequestException" if status < 500 else "RestException",
                                               f"{api_error}: {request.path}" if status == 404 else api_error)
        if request.path.startswith("/api/"):
            return jsonify({"error": api_error, "field": field}), status
        return render_template("error.html", title=title, message=message), status

    # routes that judge such text themselves: forms that show the error beside the field and keep what was
    # typed (engine/text_rules), the language link (goes home), a reveal (logs its "denied" row), the sign-in
    # (a failure like any other, in the login history)
    CHECKS_ITS_OWN_TEXT = {"portal.apply", "portal.correction", "inbox.complete", "api.complete_task",
                           "admin.users", "admin.user", "i18n.choose", "instances.reveal", "auth.login"}

    @app.before_request
    def refuse_control_characters() -> Any:
        """NUL and other control characters in the address, the query or a form: a 400 before any page or
        query sees them (PostgreSQL cannot even store a NUL). Tab and line breaks stay for text areas;
        each field's own rule (engine/text_rules) is stricter."""
        if request.endpoint in CHECKS_ITS_OWN_TEXT:
            return None
        values = [request.path, *request.args.keys(), *request.args.values()]
        if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values += [*request.form.keys(), *request.form.values()]
        # a form part without a name (Werkzeug gives None) is malformed too
        if any(not isinstance(v, str) or bad_character(v, multiline=True) for v in values):
            return error_page(400, SENTENCE, None, _("入力を確認してください"),
                              _("使えない文字（制御文字や文字の向きを変える記号）が含まれています。"))
        return None

    app.register_error_handler(404, lambda err: error_page(
        404, "not found", None, _("見つかりません"), _("お探しのページはありません。")))
    app.register_error_handler(405, lambda err: error_page(
        405, "method not allowed", None, _("この操作はできません"), _("画面から操作してください。")))
    app.register_error_handler(413, lambda err: error_page(
        413, "the request is too large", "body", _("ファイルが大きすぎます"), _("%(limit)s MB までです。", limit=8)))

    return app
