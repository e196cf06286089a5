"""Languages: Japanese first, English second (Flask-Babel). The sources' text is Japanese, the msgid."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, redirect, request
from flask_babel import Babel, get_locale

from engine.text_rules import is_clean

LANGUAGES = ("ja", "en")
DEFAULT = "ja"
COOKIE = "kentei_lang"
CATALOGS = ("translations/staff", "translations/portal")  # under web/; `make translations` keeps them

bp = Blueprint("i18n", __name__)
babel = Babel()


def select_locale() -> str:
    """The language chosen on the page (its own cookie, so sign-in and sign-out keep it), else the browser's
    best match, else Japanese."""
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT) or DEFAULT


def install(app: Flask) -> None:
    """Babel over web/translations; `lang` and `other_lang` in every template."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Tokyo")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join(CATALOGS))
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)

    @app.context_processor
    def languages() -> dict[str, Any]:
        lang = str(get_locale() or DEFAULT)
        return {"lang": lang, "other_lang": "en" if lang == "ja" else "ja", "lang_next": _here()}


def _here() -> str:
    """Where the language link returns to: this page, or for the answer to a form post, the page the form
    was on (a post-only address cannot be opened again)."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    rule = request.url_rule
    if rule is not None and "GET" in (rule.methods or ()):
        return request.path
    came_from = urlsplit(request.referrer or "")
    if came_from.netloc == request.host and came_from.path.startswith("/"):
        return came_from.path + (f"?{came_from.query}" if came_from.query else "")
    return "/"


def _same_site(target: str) -> bool:
    """A path on this site: no scheme or host, no "//", and no control or text-direction character (a CR/LF
    would split the Location header: a 500; browsers drop tabs, so "/<TAB>/x" would be "//x")."""
    if not target.startswith("/") or target.startswith("//") or not is_clean(target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


@bp.get("/lang/<code>")
def choose(code: str) -> Any:
    """Switch the language for this browser and go back where the user was (same site only)."""
    target = request.args.get("next") or "/"
    if not _same_site(target):
        target = "/"
    response = redirect(target)
    if code in LANGUAGES:
        response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=request.is_secure)
    return response
