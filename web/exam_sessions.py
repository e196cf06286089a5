"""Exam sessions and venues (試験日程・試験場): the administrators' page, the fill of each session, CSV import.

Everything is the signed-in admin's prefecture only: another prefecture's session or venue is a 404. A change
that moves seats (venue, rooms, address, dates) reissues the 受検票 of those seats: after the commit, each
application gets the message exam_ticket_changed (handlers/registry/sessions.py).
"""
from __future__ import annotations

from typing import Any, Mapping

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from handlers.registry.models import ExamSession, ExamVenue
from handlers.registry.seating import rooms_of
from handlers.registry.sessions import (GRADES, ROUNDS, SESSION_FIELDS, Problem, Refused, announce, fill,
                                        rooms_text, save_session, save_venue, stale_tickets, unplaced)
from handlers.registry.sessions_csv import HEADER, import_sessions

from .auth import engine, role_required

bp = Blueprint("exam_sessions", __name__, url_prefix="/admin/sessions")
admin_only = role_required("admin")
MAX_CSV = 2 * 1024 * 1024
LABELS = {
    "code": _l("試験日程コード"), "fiscal_year": _l("年度"), "round": _l("期別"), "trade_code": _l("職種コード"),
    "trade_name": _l("職種名"), "task_code": _l("作業コード"), "task_name": _l("作業名"), "grade": _l("等級"),
    "written_date": _l("学科試験日"), "practical_start": _l("実技試験開始日"), "practical_end": _l("実技試験終了日"),
    "announcement_date": _l("合格発表日"), "capacity": _l("定員"), "venue": _l("試験場"), "name": _l("試験場名"),
    "address": _l("所在地"), "rooms": _l("試験室と座席数"), "venue_name": _l("試験場名"),
    "venue_address": _l("所在地"), "header": _l("見出し行"), "file": _l("ファイル"), "row": _l("行"),
}
TEXTS = {
    "required": _l("入力してください。"), "text": _l("1行で、長すぎない文字で入力してください。"),
    "date": _l("日付は 2026-07-05 の形で入力してください。"), "number": _l("範囲内の整数を入力してください。"),
    "code": _l("半角英数字・ハイフン・下線で入力してください。"), "duplicate": _l("同じものがすでに登録されています。"),
    "choice": _l("一覧から選んでください。"), "repeated": _l("同じ試験日程コードがファイルの前の行にあります。"), "rooms": _l("試験室は「第1教室:30;第2教室:24」の形で入力してください。"),
    "too_small": _l("座席数の合計が、この試験場の試験日程の定員より少なくなります。"),
    "no_exam": _l("学科試験日か実技試験期間のどちらかが必要です。"), "period": _l("実技試験期間の終わりが始まりより前です。"),
    "announcement": _l("合格発表日は試験の後の日にしてください。"), "venue": _l("試験場を選んでください。"),
    "over_seats": _l("定員が試験場の座席数を超えています。"), "below_assigned": _l("すでに割り当てた座席数より少なくできません。"),
    "seated": _l("座席を割り当て済みのため、年度・期別・職種・作業・等級は変えられません。"),
    "header": _l("見出し行が決められた列と違います。"), "width": _l("列の数が見出し行と違います。"),
    "encoding": _l("UTF-8 のファイルではありません。"), "empty": _l("ファイルが空です。"),
    "no_rows": _l("見出し行だけで、試験日程の行がありません。"), "too_long": _l("行が多すぎます。"),
}


def _messages(problems: list[Problem]) -> list[str]:
    """Each problem in the page's language: where (line, field) and what."""
    out = []
    for p in problems:
        where = str(LABELS.get(p.field, p.field))
        text = str(TEXTS.get(p.code, p.message))
        out.append(_("%(line)s行目 %(field)s: %(text)s", line=p.line, field=where, text=text) if p.line
                   else _("%(field)s: %(text)s", field=where, text=text))
    return out


def _reissue(tenant: str) -> None:
    """After a commit: tell each application whose 受検票 changed (a resend is ignored as a duplicate)."""
    with engine().reading() as s:
        stale = stale_tickets(s, tenant)
    sent = announce(engine().correlate, tenant, stale)
    if sent:
        flash(_("試験場・座席の変わった %(count)s 件の受検票を再交付します。", count=sent), "info")


def _page(form: Mapping[str, Any] | None = None, errors: list[str] | None = None, status: int = 200) -> Any:
    tenant = current_user.tenant
    with engine().reading() as s:
        rows = fill(s, tenant)
        venues = [(v, rooms_text(rooms_of(s, v.id))) for v in
                  s.scalars(select(ExamVenue).where(ExamVenue.tenant == tenant).order_by(ExamVenue.name))]
        waiting = unplaced(s, tenant)
    return render_template("admin_sessions.html", rows=rows, venues=venues, unplaced=waiting, form=form or {},
                           errors=errors or [], grades=GRADES, rounds=ROUNDS, header=",".join(HEADER)), status


def _own_session(session_id: int, s: Any) -> ExamSession:
    found = s.get(ExamSession, session_id)
    if found is None or found.tenant != current_user.tenant:
        abort(404)
    return found


def _own_venue(venue_id: int, s: Any) -> ExamVenue:
    found = s.get(ExamVenue, venue_id)
    if found is None or found.tenant != current_user.tenant:
        abort(404)
    return found


def _venue_of(s: Any, form: Mapping[str, str]) -> ExamVenue | None:
    raw = form.get("venue", "")
    found = s.get(ExamVenue, int(raw)) if raw.isdigit() else None
    return found if found is not None and found.tenant == current_user.tenant else None


@bp.get("/")
@admin_only
def index() -> Any:
    return _page()


@bp.post("/")
@admin_only
def add_session() -> Any:
    try:
        with engine().transaction() as s, s.begin():
            made = save_session(s, current_user.tenant, request.form, _venue_of(s, request.form))
            code = made.code
    except Refused as refused:
        return _page(request.form, _messages(refused.problems), 400)
    flash(_("試験日程 %(code)s を登録しました。", code=code), "info")
    return redirect(url_for("exam_sessions.index"))


@bp.route("/<int:session_id>", methods=["GET", "POST"])
@admin_only
def edit_session(session_id: int) -> Any:
    errors: list[str] = []
    form: Mapping[str, Any] = {}
    if request.method == "POST":
        try:
            with engine().transaction() as s, s.begin():
                target = _own_session(session_id, s)
                save_session(s, current_user.tenant, request.form, _venue_of(s, request.form), target)
        except Refused as refused:
            errors, form = _messages(refused.problems), request.form
        else:
            flash(_("試験日程を変更しました。"), "info")
            _reissue(current_user.tenant)
            return redirect(url_for("exam_sessions.edit_session", session_id=session_id))
    with engine().reading() as s:
        target = _own_session(session_id, s)
        current = {k: "" if getattr(target, k) is None else str(getattr(target, k)) for k in SESSION_FIELDS}
        current["venue"] = str(target.venue_id)
        venues = list(s.scalars(select(ExamVenue).where(ExamVenue.tenant == current_user.tenant)
                                .order_by(ExamVenue.name)))
        row = next(r for r in fill(s, current_user.tenant) if r["session"].id == session_id)
    return render_template("admin_sessions_edit.html", target=target, row=row, form=form or current, errors=errors,
                           venues=venues, grades=GRADES, rounds=ROUNDS), 400 if errors else 200


@bp.post("/venues")
@admin_only
def add_venue() -> Any:
    try:
        with engine().transaction() as s, s.begin():
            save_venue(s, current_user.tenant, request.form)
    except Refused as refused:
        return _page({f"venue_{k}": v for k, v in request.form.items()}, _messages(refused.problems), 400)
    flash(_("試験場 %(name)s を登録しました。", name=request.form.get("name", "")), "info")
    return redirect(url_for("exam_sessions.index"))


@bp.route("/venues/<int:venue_id>", methods=["GET", "POST"])
@admin_only
def edit_venue(venue_id: int) -> Any:
    errors: list[str] = []
    form: Mapping[str, Any] = {}
    if request.method == "POST":
        try:
            with engine().transaction() as s, s.begin():
                save_venue(s, current_user.tenant, request.form, _own_venue(venue_id, s))
        except Refused as refused:
            errors, form = _messages(refused.problems), request.form
        else:
            flash(_("試験場を変更しました。"), "info")
            _reissue(current_user.tenant)
            return redirect(url_for("exam_sessions.edit_venue", venue_id=venue_id))
    with engine().reading() as s:
        venue = _own_venue(venue_id, s)
        current = {"name": venue.name, "address": venue.address, "rooms": rooms_text(rooms_of(s, venue.id))}
    return render_template("admin_sessions_venue.html", venue=venue, form=form or current, errors=errors), \
        400 if errors else 200


@bp.post("/import")
@admin_only
def import_csv() -> Any:
    upload = request.files.get("file")
    raw = upload.read(MAX_CSV + 1) if upload is not None else b""
    if not raw:
        return _page(errors=[_("CSV ファイルを選んでください。")], status=400)
    if len(raw) > MAX_CSV:
        return _page(errors=[_("ファイルが大きすぎます（2 MB まで）。")], status=400)
    try:
        with engine().transaction() as s, s.begin():
            done = import_sessions(s, current_user.tenant, raw)
    except Refused as refused:  # the transaction rolled back: nothing of the file was saved
        return _page(errors=[_("何も登録していません。")] + _messages(refused.problems), status=400)
    flash(_("試験日程を %(added)s 件登録し、%(changed)s 件変更しました（試験場の登録 %(venues)s 件）。",
            added=done.sessions_added, changed=done.sessions_changed, venues=done.venues_added), "info")
    _reissue(current_user.tenant)
    return redirect(url_for("exam_sessions.index"))
