"""The staff task inbox: list (filters, sort, pages, counts, CSV), task page, claim, unclaim, delegate, complete."""
from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user, login_required

from engine import element_names
from engine.errors import Conflict, Forbidden, FormInvalid, NotFound
from engine.inbox import (
    DUES,
    SCOPES,
    SORTS,
    NotClaimed,
    TaskClosed,
    TaskQuery,
    claim,
    delegate,
    form_of,
    task_page,
    unclaim,
    visible_task,
)
from engine.inbox import complete as complete_claimed

from . import csv_safe
from .auth import colleague, engine
from .form_view import field_label, localized, option_name, readonly_text, shown, submitted

bp = Blueprint("inbox", __name__)
PER_PAGE = 25
CSV_LIMIT = 10_000


def _query(args: Any, per_page: int = PER_PAGE) -> TaskQuery:
    def pick(name: str, allowed: Any, default: str) -> str:
        value = args.get(name, default)
        return value if value in allowed else default
    try:
        page = max(1, min(int(args.get("page", 1)), 100_000))
    except ValueError:
        page = 1
    return TaskQuery(process=args.get("process") or None, element=args.get("task") or None,
                     scope=pick("scope", SCOPES, "all"), due=pick("due", DUES, "any"),
                     q=(args.get("q") or "").strip()[:64] or None, sort=pick("sort", SORTS, "created"),
                     page=page, per_page=per_page)


@bp.get("/")
@login_required
def index() -> Any:
    query = _query(request.args)
    tasks, total = task_page(engine(), current_user.viewer, query)
    pages = max(1, -(-total // query.per_page))
    return render_template("inbox.html", tasks=tasks, total=total, query=query, pages=pages,
                           args={k: v for k, v in request.args.items() if k != "page"})


@bp.get("/tasks.csv")
@login_required
def export() -> Response:
    """The current list (same filters, same prefecture), every page, as CSV."""
    query = _query(request.args, per_page=CSV_LIMIT)
    tasks, _total = task_page(engine(), current_user.viewer, TaskQuery(**{**query.__dict__, "page": 1}))
    header = [_("タスクID"), pgettext("one task", "タスク"), _("プロセス"), _("申請受付ID"), _("氏名"), _("担当"),
              _("期限"), _("期限超過"), _("作成日時")]
    yes = _("はい")
    return csv_safe.download("tasks.csv", header, (
        [t["id"], t["name"], t["process_name"], t["application_id"] or t["business_key"] or "", t["applicant_name"] or "",
         t["assignee"] or "", t["due_at"] or "", yes if t["overdue"] else "", t["created_at"]] for t in tasks))


def _task_or_404(task_id: str) -> dict[str, Any]:
    try:
        return visible_task(engine(), current_user.viewer, task_id)
    except NotFound:
        abort(404)


def _task_page(found: dict[str, Any], fields: list[dict[str, Any]], values: dict[str, Any],
               errors: dict[str, str]) -> str:
    """The task page: its facts, the claim and hand-over actions, and the form — editable for the one who holds
    the open task, read-only (as Camunda Tasklist shows it) for everyone else."""
    editable = found["status"] == "open" and found["assignee"] == current_user.username
    process_name = element_names.of_definition(engine(), found["definition_id"]).name
    return render_template("task.html", task=found, fields=fields, values=values, errors=errors, editable=editable,
                           readonly_text=readonly_text, field_label=field_label, option_name=option_name,
                           process_name=process_name)


@bp.get("/tasks/<task_id>")
@login_required
def task(task_id: str) -> Any:
    found = _task_or_404(task_id)
    fields = form_of(engine(), found)
    return _task_page(found, fields, shown(fields, found["variables"], None), {})


def _assign(task_id: str, change: Any, done: str, refused: str) -> Any:
    """Claim or give back a task of one's own prefecture; a flash says how it went."""
    _task_or_404(task_id)
    try:
        change(engine(), current_user.viewer, task_id)
        flash(done, "info")
    except Conflict:
        flash(refused, "error")
    return redirect(url_for("inbox.task", task_id=task_id))


@bp.post("/tasks/<task_id>/claim")
@login_required
def claim_task(task_id: str) -> Any:
    return _assign(task_id, claim, _("タスクを引き受けました。"), _("このタスクは他の人が担当しています。"))


@bp.post("/tasks/<task_id>/unclaim")
@login_required
def unclaim_task(task_id: str) -> Any:
    return _assign(task_id, unclaim, _("担当を外しました。"), _("あなたの担当ではありません。"))


@bp.post("/tasks/<task_id>/delegate")
@login_required
def delegate_task(task_id: str) -> Any:
    _task_or_404(task_id)
    name = (request.form.get("colleague") or "").strip().lower()
    other = colleague(name) if name else None
    try:
        if other is None or other.tenant != current_user.tenant:
            raise Forbidden("no such colleague")
        delegate(engine(), current_user.viewer, task_id, other.username, other.tenant, other.role_set)
        flash(_("%(name)s さんに回しました。", name=other.display_name), "info")
    except (Forbidden, Conflict):
        flash(_("同じ都道府県で、このタスクの役割を持つ職員にだけ回せます。"), "error")
    return redirect(url_for("inbox.task", task_id=task_id))


@bp.post("/tasks/<task_id>/complete")
@login_required
def complete(task_id: str) -> Any:
    found = _task_or_404(task_id)
    fields = form_of(engine(), found)
    values = submitted(fields, request.form)
    try:
        complete_claimed(engine(), current_user.viewer, task_id, values)
    except TaskClosed:
        flash(_("このタスクはすでに完了しています。"), "error")
        return redirect(url_for("inbox.index"))
    except NotClaimed:
        flash(_("先にタスクを引き受けてください。"), "error")
        return redirect(url_for("inbox.task", task_id=task_id))
    except FormInvalid as err:
        errors = {k: localized(v) for k, v in err.errors.items()}
        flash(_("入力内容を確認してください。"), "error")
        return _task_page(found, fields, shown(fields, found["variables"], values), errors), 422
    except Forbidden as err:
        message = _("四つの目の原則: この案件の前の工程を行った人は、この工程を行えません。") if "four eyes" in str(err) \
            else _("このタスクを完了する権限がありません。")
        flash(message, "error")
        return _task_page(found, fields, shown(fields, found["variables"], values), {}), 403
    except Conflict:
        flash(_("このタスクは他の操作で変更されました。"), "error")
        return redirect(url_for("inbox.index"))
    flash(_("「%(task)s」を完了しました。", task=found["name"]), "info")
    return redirect(url_for("inbox.index"))
