"""Languages: Japanese first, English second (Flask-Babel). The sources' text is Japanese, the msgid."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from flask import Blueprint, Flask, current_app, has_app_context, redirect, request
from flask_babel import Babel, get_locale

from engine.text_rules import is_clean
from handlers.notify.wareki import wareki

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
    app.add_template_filter(when, "when")
    app.add_template_filter(day, "day")

    @app.context_processor
    def languages() -> dict[str, Any]:
        lang = str(get_locale() or DEFAULT)
        return {"lang": lang, "other_lang": "en" if lang == "ja" else "ja", "lang_next": _here()}


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _zone() -> ZoneInfo:
    engine = current_app.extensions.get("kentei.engine") if has_app_context() else None
    return getattr(engine, "tz", None) or ZoneInfo("Asia/Tokyo")


def _lang() -> str:
    return str(get_locale() or DEFAULT) if has_app_context() else DEFAULT


def when(value: Any, naive_utc: bool = True) -> str:
    """A moment as people read it, in local time (JST): 2027年3月3日 21:39, or 3 March 2027, 21:39 in English.

    Takes a datetime or ISO text; a naive one is UTC (the engine's timestamps) unless naive_utc is False
    (a time a person typed); a date alone is shown as `day`; anything else comes back as text ("" for none)."""
    if value is None or value == "":
        return ""
    if isinstance(value, date) and not isinstance(value, datetime):
        return day(value)
    moment = value
    if isinstance(value, str):
        text = value.strip()
        if _DATE_ONLY.match(text):
            return day(text)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return value
    if not isinstance(moment, datetime):
        return str(value)
    zone = _zone()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC if naive_utc else zone)
    local = moment.astimezone(zone)
    if _lang() == "ja":
        return f"{local.year}年{local.month}月{local.day}日 {local.hour}:{local.minute:02d}"
    return format_datetime(local.replace(tzinfo=None), "d MMMM y, HH:mm", locale="en")


def day(value: Any) -> str:
    """A calendar date: 2026年7月30日（令和8年） in Japanese (the era year as notices print it), 30 July 2026 in
    English (Gregorian only). Takes a date or ISO text; text that is no date comes back unchanged."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            return value
    if not isinstance(value, date):
        return "" if value is None else str(value)
    if _lang() != "ja":
        return format_date(value, "d MMMM y", locale="en")
    text = f"{value.year}年{value.month}月{value.day}日"
    era = wareki(value)
    return f"{text}（{era[:era.index('年') + 1]}）" if not era.startswith(str(value.year)) else text


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
