"""The 個人番号 access log for the prefecture's auditors (監査担当): who stored, looked up, revealed or
deleted a number, or was refused, when and why; a summary; a CSV of the same list; the record that a
period was reviewed; the changes to access; and the deletion records. Auditors change nothing else; other roles get 404."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from engine.identity import changes
from handlers.registry.models import DeletionRecord
from handlers.vault import audit
from handlers.vault.models import ACTIONS
from handlers.vault.purposes import ALLOWED_PURPOSES

from . import csv_safe
from .auth import engine, role_required

bp = Blueprint("audit", __name__, url_prefix="/audit")
ACTION_NAMES = {"store": _l("登録"), "lookup": _l("照合"), "reveal": _l("表示"), "delete": _l("消去"),
                "denied": _l("拒否")}
PURPOSE_NAMES = {"identity_check": _l("本人確認"), "registration": _l("申請登録"), "change": _l("変更"),
                 "deletion": _l("削除")}
DEFAULT_DAYS = 30
CSV_LIMIT = 100_000


auditor_only = role_required("auditor")


def _day(name: str, default: date) -> tuple[date, str | None]:
    raw = (request.values.get(name) or "").strip()
    if not raw:
        return default, None
    try:
        return date.fromisoformat(raw), None
    except ValueError:
        return default, _("日付は 2026-04-01 の形で入力してください。")


def _filter() -> tuple[audit.LogFilter, dict[str, Any], list[str]]:
    """The filter from the query (or form): local days, inclusive; the defaults are the last 30 days."""
    tz = engine().tz
    today = engine().now().astimezone(tz).date()
    errors: list[str] = []
    first, problem = _day("from", today - timedelta(days=DEFAULT_DAYS - 1))
    errors += [problem] if problem else []
    last, problem = _day("to", today)
    errors += [problem] if problem else []
    if last < first:
        errors.append(_("期間の終わりが始まりより前です。"))
        first, last = last, first
    action = request.values.get("action") or None
    purpose = request.values.get("purpose") or None
    if action not in (None, *ACTIONS):
        action = None
    if purpose not in (None, *ALLOWED_PURPOSES):
        purpose = None
    actor = (request.values.get("actor") or "").strip()[:64] or None
    since = datetime.combine(first, time.min, tz)
    until = datetime.combine(last + timedelta(days=1), time.min, tz)
    shown = {"from": first.isoformat(), "to": last.isoformat(), "action": action or "", "purpose": purpose or "",
             "actor": actor or ""}
    return audit.LogFilter(current_user.tenant, since, until, action, purpose, actor), shown, errors


@bp.get("/")
@auditor_only
def index() -> Any:
    f, shown, errors = _filter()
    number = request.args.get("page", "1")
    number_i = int(number) if number.isascii() and number.isdigit() and 0 < int(number) <= 100_000 else 1
    with engine().reading() as s:
        rows, total = audit.page(s, f, number_i)
        counts = audit.summary(s, f)
        done = [{"first": r.period_from.astimezone(engine().tz).date().isoformat(),
                 "last": (r.period_to.astimezone(engine().tz) - timedelta(days=1)).date().isoformat(),
                 "entries": r.entries, "denied": r.denied, "by": r.reviewed_by, "at": r.reviewed_at, "note": r.note}
                for r in audit.reviews(s, current_user.tenant)]
    pages = max(1, (total + 49) // 50)
    return render_template("audit.html", rows=rows, total=total, page=number_i, pages=pages, counts=counts,
                           reviews=done, shown=shown, errors=errors, actions=ACTIONS, purposes=sorted(ALLOWED_PURPOSES),
                           action_names=ACTION_NAMES, purpose_names=PURPOSE_NAMES), (422 if errors else 200)


@bp.get("/log.csv")
@auditor_only
def log_csv() -> Response:
    """The same filtered list as a CSV (UTF-8 with BOM for Excel), this prefecture's rows only."""
    f, _shown, _errors = _filter()
    header = [_("日時"), _("操作"), _("目的"), _("操作者"), _("記録の参照"), _("詳細")]
    with engine().reading() as s:
        rows = [[e.at.astimezone(engine().tz).isoformat(timespec="seconds"), str(ACTION_NAMES.get(e.action, e.action)),
                 e.purpose, e.actor, e.vault_ref or "", e.detail or ""] for e in audit.every(s, f, CSV_LIMIT)]
    return csv_safe.download("my-number-access-log.csv", header, rows)


@bp.post("/reviews")
@auditor_only
def review() -> Any:
    """Record that the auditor has read the period's entries (all of them, whatever the other filters)."""
    f, shown, errors = _filter()
    if errors:
        flash(errors[0], "error")
        return redirect(url_for("audit.index"))
    with engine().transaction() as s, s.begin():
        done = audit.record_review(s, f, current_user.username, engine().now(), request.form.get("note"))
        entries, denied = done.entries, done.denied
    flash(_("%(from)s〜%(to)s の %(n)s 件（拒否 %(denied)s 件）を確認済みとして記録しました。",
            **{"from": shown["from"], "to": shown["to"], "n": entries, "denied": denied}), "info")
    return redirect(url_for("audit.index", **{"from": shown["from"], "to": shown["to"]}))


@bp.get("/deletions")
@auditor_only
def deletions() -> Any:
    """削除記録: what was erased, when, on which decision; no personal data."""
    with engine().reading() as s:
        rows = s.scalars(select(DeletionRecord).where(DeletionRecord.tenant == current_user.tenant)
                         .order_by(DeletionRecord.deleted_at.desc()).limit(500)).all()
        return render_template("audit_deletions.html", rows=rows)


@bp.get("/account-changes")
@auditor_only
def account_changes() -> Any:
    """Who gave or took which access in this prefecture (accounts, roles, tokens, passwords)."""
    with engine().reading() as s:
        rows = changes.history(s, current_user.tenant, 500)
        return render_template("audit_account_changes.html", changes=rows)
