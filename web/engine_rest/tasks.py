"""/task: Camunda 7's task list and count (GET and POST), one task, claim, unclaim, assignee, delegate and
resolve; complete, submit-form, forms, variables and identity links are in task_forms.py.

What a caller sees is exactly what their inbox shows (engine/inbox.py): open tasks of their prefecture
assigned to them, or whose candidate groups hold one of their roles, or that name them a candidate user.
An analyst reads no task (403); worker and payment accounts see none (an empty list, 404 for one).
Any other task, of another prefecture or another role, closed or unknown, is answered exactly as an
unknown id: 404 "No matching task" where Camunda reads, and 404 with Camunda's "Cannot find task" sentence where
Camunda acts (Camunda answers those with a 500; kentei answers no bad input with a 5xx).
"""
from __future__ import annotations

from typing import Any

from flask import current_app

from engine import inbox, task_queries
from engine.errors import Conflict
from engine.inbox import Viewer

from . import wire
from .access import may_read_data, viewer
from .core import RestError, body, bp, no_content, reply
from .task_params import colleague, dto, order_and_page, parse, query_source


def _engine() -> Any:
    return current_app.extensions["kentei.engine"]


def caller() -> tuple[Viewer, bool]:
    """The caller as the inbox sees them (roles that hold no task left out) and whether they hold none at
    all; an analyst (no personal data) is a 403."""
    v = viewer()
    if not may_read_data(v):
        raise RestError(403, f"The user '{v.user}' may not read tasks: the analyst role reads no personal data",
                        "AuthorizationException", userId=v.user, missingAuthorizations=[])
    roles = v.roles - task_queries.NO_TASK_ROLES
    return Viewer(v.user, v.tenant, roles), not roles


def read_task(task_id: str) -> dict[str, Any]:
    """A task the caller sees, or Camunda's 404."""
    v, blind = caller()
    found = None if blind else task_queries.one(_engine(), v, task_id)
    if found is None:
        raise RestError(404, f"No matching task with id {task_id}")
    return found


def acting_task(v: Viewer, blind: bool, task_id: str, admin: bool = False,
                message: str = "Cannot find task with id {id}: task is null",
                type_: str = "NullValueException") -> dict[str, Any]:
    """A task the caller may act on (an admin: any open task of the prefecture), or a 404 with Camunda's sentence."""
    found = None if blind else task_queries.one(_engine(), v, task_id, any_of_prefecture=admin)
    if found is None:
        raise RestError(404, message.format(id=task_id), type_)
    return found


# -- list and count --------------------------------------------------------------------------------
def _listing(source: dict[str, Any], is_body: bool) -> Any:
    v, blind = caller()
    if is_body and source.get("orQueries"):
        raise RestError(400, "orQueries are not supported by kentei: send one query per alternative")
    f = parse(source, v)
    f.nothing |= blind
    order, first, most = order_and_page(source, is_body)
    with_vars = "all" if wire.flag("withTaskVariablesInReturn", source) else \
        "local" if wire.flag("withTaskLocalVariablesInReturn", source) else None
    rows = task_queries.find(_engine(), v, f, order, first, most)
    return reply([dto(t, with_vars) for t in rows])


def _counting(source: dict[str, Any], is_body: bool) -> Any:
    v, blind = caller()
    if is_body and source.get("orQueries"):
        raise RestError(400, "orQueries are not supported by kentei: send one query per alternative")
    f = parse(source, v)
    f.nothing |= blind
    return reply({"count": task_queries.count(_engine(), v, f)})


@bp.get("/task")
def task_list() -> Any:
    return _listing(query_source(), False)


@bp.post("/task")
def task_query() -> Any:
    return _listing(body(), True)


@bp.get("/task/count")
def task_count() -> Any:
    return _counting(query_source(), False)


@bp.post("/task/count")
def task_query_count() -> Any:
    return _counting(body(), True)


@bp.get("/task/<task_id>")
def task_get(task_id: str) -> Any:
    return reply(dto(read_task(task_id)))


# -- who holds it ----------------------------------------------------------------------------------
def _user_id(data: dict[str, Any], required: bool = True) -> str | None:
    user = data.get("userId")
    if user is None and not required:
        return None
    if not isinstance(user, str) or not user or len(user) > 64:
        raise RestError(400, "userId must be a user's id (a text of at most 64 characters)")
    return user


def _already_claimed(task_id: str) -> RestError:
    return RestError(500, f"Task '{task_id}' is already claimed by someone else.", "TaskAlreadyClaimedException")


def _forbidden(v: Viewer, sentence: str) -> RestError:
    return RestError(403, sentence, "AuthorizationException", userId=v.user, missingAuthorizations=[])


def _may_hold(v: Viewer, task: dict[str, Any], user: str) -> None:
    """`user` must be an active colleague of the prefecture with one of the task's candidate groups among
    their roles, or a candidate user of the task (as the inbox's delegation)."""
    found = colleague(user, v.tenant)
    if found is None or not (set(task["candidate_groups"]) & found[1] or user in task["candidate_users"]):
        raise _forbidden(v, f"{user} is not a colleague of this prefecture with the role of task '{task['id']}'")


def _not_someone_elses(v: Viewer, admin: bool, task: dict[str, Any]) -> None:
    if not admin and task["assignee"] not in (None, v.user):
        raise _forbidden(v, f"The task '{task['id']}' is assigned to {task['assignee']}: only they or an admin "
                            "of the prefecture can change that")


def _hold(task: dict[str, Any], assignee: str | None, **delegation: Any) -> None:
    try:
        inbox.set_holders(_engine(), task["id"], task["assignee"], assignee, **delegation)
    except Conflict:
        raise RestError(500, f"Task '{task['id']}' was changed by someone else meanwhile; read it again",
                        "OptimisticLockingException", code=1) from None


@bp.post("/task/<task_id>/claim")
def task_claim(task_id: str) -> Any:
    """Claim for oneself (an unassigned task one is a candidate for); for another user only as the
    prefecture's admin, for a colleague with the task's role."""
    v, blind = caller()
    user = _user_id(body())
    admin = user != v.user
    if admin and "admin" not in v.roles:
        raise _forbidden(v, f"Claiming a task for another user ({user}) needs the admin role")
    task = acting_task(v, blind, task_id, admin=admin)
    if task["assignee"] == user:
        return no_content()
    if task["assignee"] is not None:
        raise _already_claimed(task_id)
    if admin:
        _may_hold(v, task, user)  # type: ignore[arg-type]
    try:
        if admin:
            inbox.set_holders(_engine(), task_id, None, user)
        else:
            inbox.claim(_engine(), v, task_id)
    except Conflict:
        raise _already_claimed(task_id) from None
    return no_content()


@bp.post("/task/<task_id>/unclaim")
def task_unclaim(task_id: str) -> Any:
    """Give back one's task (an admin: anyone's task of the prefecture)."""
    v, blind = caller()
    admin = "admin" in v.roles
    task = acting_task(v, blind, task_id, admin=admin)
    if task["assignee"] is None:
        return no_content()
    _not_someone_elses(v, admin, task)
    _hold(task, None)
    return no_content()


@bp.post("/task/<task_id>/assignee")
def task_set_assignee(task_id: str) -> Any:
    """Set the assignee (null: none) of a task that is unassigned or one's own (an admin: any of the
    prefecture) to a colleague with the task's role."""
    v, blind = caller()
    user = _user_id(body(), required=False)
    admin = "admin" in v.roles
    task = acting_task(v, blind, task_id, admin=admin)
    _not_someone_elses(v, admin, task)
    if user is not None:
        _may_hold(v, task, user)
    if task["assignee"] != user:
        _hold(task, user)
    return no_content()


@bp.post("/task/<task_id>/delegate")
def task_delegate(task_id: str) -> Any:
    """Camunda's delegation: the owner becomes the current assignee (unless there is an owner already), the
    assignee the delegate, and the delegation state PENDING until the delegate resolves it."""
    v, blind = caller()
    user = _user_id(body())
    admin = "admin" in v.roles
    task = acting_task(v, blind, task_id, admin=admin)
    _not_someone_elses(v, admin, task)
    _may_hold(v, task, user)  # type: ignore[arg-type]
    _hold(task, user, owner=task["owner"] or task["assignee"], delegation_state="PENDING", delegation=True)
    return no_content()


@bp.post("/task/<task_id>/resolve")
def task_resolve(task_id: str) -> Any:
    """The delegate hands a PENDING task back: the assignee is the owner again, the state RESOLVED."""
    from .variables import decode
    v, blind = caller()
    variables = decode(body().get("variables"))
    admin = "admin" in v.roles
    task = acting_task(v, blind, task_id, admin=admin)
    if task["delegation_state"] != "PENDING":
        raise RestError(400, f"Cannot resolve task {task_id}: it is not delegated (its delegationState is "
                             f"{task['delegation_state'] or 'null'}, not PENDING)", "BadUserRequestException")
    _not_someone_elses(v, admin, task)
    if variables:
        raise RestError(400, f"Cannot resolve task {task_id} with variables: kentei sets a task's variables "
                             "when it is completed; send them with complete or submit-form")
    _hold(task, task["owner"], owner=task["owner"], delegation_state="RESOLVED", delegation=True)
    return no_content()


from . import task_forms  # noqa: F401  (complete, submit-form, forms, variables, identity links)
