"""The staff inbox: which open tasks a person may see and work on, and claiming them.

A user sees the open tasks of their own prefecture that are assigned to them, whose
candidate groups include one of their roles, or whose candidate users name them (Camunda 7's
camunda:candidateUsers: a candidate user is treated like a member of a candidate group). Everything here takes the user's prefecture
and roles, so no query can reach another prefecture: a task of prefecture 27 is "not found"
for a user of 13, whatever its id.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from engine.bpmn.element_ids import find_spec
from engine.errors import Conflict, Forbidden, NotFound

if TYPE_CHECKING:
    from engine.runtime import Engine

SORTS = {"created": "t.created_at, t.instance_id, t.id", "-created": "t.created_at DESC, t.instance_id DESC, t.id",
         "due": "t.due_at IS NULL, t.due_at, t.instance_id, t.id",
         "-due": "t.due_at IS NULL, t.due_at DESC, t.instance_id, t.id"}
SCOPES = ("all", "mine", "groups", "unassigned")
DUES = ("any", "overdue", "today", "week")


@dataclass(frozen=True)
class Viewer:
    """Who is looking: their username, prefecture and roles."""

    user: str
    tenant: str
    roles: frozenset[str]


@dataclass(frozen=True)
class TaskQuery:
    """The inbox's filters, sort and page (each checked against its allowed values)."""

    process: str | None = None  # process key
    element: str | None = None  # task definition id
    scope: str = "all"
    due: str = "any"
    q: str | None = None  # 申請受付ID, 受検番号 or part of the applicant's name
    sort: str = "created"
    page: int = 1
    per_page: int = 25


def _group_match(roles: frozenset[str], params: dict[str, Any], prefix: str = "") -> str:
    """SQL: one of the roles is among the task's comma-separated candidate groups."""
    if not roles:
        return "1 = 0"
    parts = []
    for n, role in enumerate(sorted(roles)):
        params[f"{prefix}role{n}"] = f"%,{role},%"
        parts.append(f"(',' || COALESCE(t.candidate_groups, '') || ',') LIKE :{prefix}role{n}")
    return "(" + " OR ".join(parts) + ")"


def _candidate_match(viewer: Viewer, params: dict[str, Any]) -> str:
    """SQL: the viewer is a candidate: one of their roles is a candidate group, or they are a candidate user.

    candidate_users is a comma list like candidate_groups and is tested the same way, on a column of the
    inbox index (ix_human_task_inbox), so the inbox's count and page stay scans of that index alone; a
    side table would add a lookup per open task of the prefecture to the common query. User ids may hold
    `_`, a LIKE wildcard, so the pattern is escaped.
    """
    return candidate_sql(viewer, params)


def candidate_sql(viewer: Viewer, params: dict[str, Any], prefix: str = "", users: bool = True) -> str:
    """_candidate_match with its parameters named after `prefix` (several in one query); `users=False`
    tests the candidate groups only."""
    if not users:
        return _group_match(viewer.roles, params, prefix)
    user = viewer.user.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    params[f"{prefix}candidate_user"] = f"%,{user},%"
    found = f"(',' || COALESCE(t.candidate_users, '') || ',') LIKE :{prefix}candidate_user ESCAPE '\\'"
    return f"({_group_match(viewer.roles, params, prefix)} OR {found})"


def visible_sql(viewer: Viewer, params: dict[str, Any]) -> str:
    """SQL (human_task as t): a task of the viewer's prefecture the inbox shows them, open or not: assigned
    to them or they are a candidate (the /engine-rest task query adds its filters to it)."""
    params |= {"tenant": viewer.tenant, "user": viewer.user}
    return f"t.tenant = :tenant AND (t.assignee = :user OR {_candidate_match(viewer, params)})"


def _where(engine: "Engine", viewer: Viewer, query: TaskQuery, params: dict[str, Any]) -> str:
    fast = engine.fast
    params |= {"tenant": viewer.tenant, "user": viewer.user}
    groups = _candidate_match(viewer, params)
    scope = {"all": f"(t.assignee = :user OR {groups})", "mine": "t.assignee = :user",
             "groups": groups, "unassigned": f"(t.assignee IS NULL AND {groups})"}[query.scope]
    where = ["t.tenant = :tenant", "t.status = 'open'", scope]
    if query.process:
        where.append("d.key = :process")
        params["process"] = query.process
    if query.element:
        where.append("t.element_id = :element")
        params["element"] = query.element
    now = engine.now()
    if query.due != "any":
        limit = {"overdue": now, "today": now + timedelta(days=1), "week": now + timedelta(days=7)}[query.due]
        where.append("t.due_at <= :due_limit")
        params["due_limit"] = fast.ts(limit)
    if query.q:
        name, examinee, number = (_var(fast, v) for v in ("applicant_name", "examinee_no", "application_id"))
        where.append(f"(i.business_key = :q OR {number} = :q OR {examinee} = :q OR {name} LIKE :q_like)")
        params |= {"q": query.q.strip(), "q_like": f"%{query.q.strip()}%"}
    return " AND ".join(where)


def _var(fast: Any, name: str) -> str:
    """SQL for a process variable as text (`name` is one of ours, never user input)."""
    return f"i.variables ->> '{name}'" if fast.pg else f"json_extract(i.variables, '$.{name}')"


FROM = ("FROM human_task t JOIN process_instance i ON i.id = t.instance_id "
        "JOIN process_definition d ON d.id = i.definition_id")


def task_page(engine: "Engine", viewer: Viewer, query: TaskQuery) -> tuple[list[dict[str, Any]], int]:
    """One page of the tasks the viewer may work on, and how many there are in all.

    The count and the page's ids come from human_task alone (its inbox index holds every filter
    and sort column) unless a filter needs the instance; only the page's rows are then joined.
    """
    if query.scope not in SCOPES or query.due not in DUES or query.sort not in SORTS:
        raise Conflict("unknown scope, due or sort")
    fast, params = engine.fast, {}
    where = _where(engine, viewer, query, params)
    source = FROM if (query.process or query.q) else "FROM human_task t"
    page = max(1, query.page)
    with engine.read() as conn:
        total = fast.run(conn, f"SELECT COUNT(*) {source} WHERE {where}", params).scalar_one()
        ids = [r[0] for r in fast.run(conn, f"SELECT t.id {source} WHERE {where} ORDER BY {SORTS[query.sort]} "
                                            "LIMIT :limit OFFSET :offset",
                                      {**params, "limit": query.per_page, "offset": (page - 1) * query.per_page})]
        rows = []
        if ids:
            marks = ", ".join(f":id{n}" for n in range(len(ids)))
            rows = fast.run(conn, f"SELECT t.id, t.name, t.element_id, d.key, d.name, i.business_key, t.instance_id, "
                                  f"t.assignee, t.candidate_groups, t.due_at, t.created_at, t.reminders, "
                                  f"{_var(fast, 'applicant_name')}, {_var(fast, 'application_id')}, "
                                  f"t.candidate_users "
                                  f"{FROM} WHERE t.id IN ({marks})", {f"id{n}": v for n, v in enumerate(ids)}).all()
    order = {task_id: n for n, task_id in enumerate(ids)}
    rows.sort(key=lambda r: order[r[0]])
    now = engine.now()
    out = []
    for r in rows:
        due, created = fast.read_ts(r[9]), fast.read_ts(r[10])
        out.append({"id": r[0], "name": r[1] or r[2], "element_id": r[2], "process": r[3], "process_name": r[4] or r[3],
                    "business_key": r[5], "instance_id": r[6], "assignee": r[7], "candidate_groups": r[8],
                    "due_at": due.isoformat() if due else None, "created_at": created.isoformat(),
                    "overdue": due is not None and due <= now, "reminders": r[11], "applicant_name": r[12],
                    "application_id": r[13], "candidate_users": r[14]})
    return out, int(total)


def visible_task(engine: "Engine", viewer: Viewer, task_id: str) -> dict[str, Any]:
    """An open or closed task of the viewer's prefecture they may see; NotFound otherwise (never Forbidden)."""
    fast, params = engine.fast, {"id": task_id, "tenant": viewer.tenant, "user": viewer.user}
    groups = _candidate_match(viewer, params)
    with engine.read() as conn:
        row = fast.run(conn, "SELECT t.id, t.name, t.element_id, t.status, t.assignee, t.candidate_groups, "
                             "t.due_at, t.instance_id, i.business_key, i.definition_id, d.key, i.variables, "
                             "t.variables, t.candidate_users "
                             f"{FROM} WHERE t.id = :id AND t.tenant = :tenant "
                             f"AND (t.assignee = :user OR t.completed_by = :user OR {groups})", params).first()
    if row is None:
        raise NotFound(f"task {task_id} does not exist")
    due = fast.read_ts(row[6])
    return {"id": row[0], "name": row[1] or row[2], "element_id": row[2], "status": row[3], "assignee": row[4],
            "candidate_groups": row[5], "due_at": due.isoformat() if due else None, "instance_id": row[7],
            "business_key": row[8], "definition_id": row[9], "process": row[10], "candidate_users": row[13],
            "overdue": due is not None and due <= engine.now() and row[3] == "open",
            # the process's variables, and the task's own (input parameters) over them
            "variables": {**(fast.read_js(row[11]) or {}), **(fast.read_js(row[12]) or {})}}


class TaskClosed(Conflict):
    """The task is no longer open."""


class NotClaimed(Conflict):
    """The user must claim the task before completing it."""


def complete(engine: "Engine", viewer: Viewer, task_id: str, data: dict[str, Any]) -> int:
    """Complete a task of one's prefecture that one has claimed (pages and API alike); the instance id."""
    task = visible_task(engine, viewer, task_id)
    if task["status"] != "open":
        raise TaskClosed(f"task {task_id} is {task['status']}")
    if task["assignee"] != viewer.user:
        raise NotClaimed(f"claim task {task_id} before completing it")
    return engine.complete_task(task_id, viewer.user, data)


def form_of(engine: "Engine", task: dict[str, Any]) -> list[dict[str, Any]]:
    """The task's camunda:formData fields, from its process definition's spec (cached per version)."""
    with engine.read() as conn:
        spec, subs = engine.repository.spec(conn, task["definition_id"])
    for s in (spec, *subs.values()):
        found = find_spec(s, task["element_id"])
        if found is not None:
            return list(found.extensions.get("form", []))
    return []


def claim(engine: "Engine", viewer: Viewer, task_id: str) -> None:
    """Take an unassigned task of one's groups (or naming one a candidate user); Conflict if someone has it."""
    task = visible_task(engine, viewer, task_id)
    if task["status"] != "open":
        raise Conflict(f"task {task_id} is {task['status']}")
    _assign(engine, task_id, viewer.user, expected=None)


def unclaim(engine: "Engine", viewer: Viewer, task_id: str) -> None:
    """Give back a task one holds."""
    visible_task(engine, viewer, task_id)
    _assign(engine, task_id, None, expected=viewer.user)


def delegate(engine: "Engine", viewer: Viewer, task_id: str, colleague: str, colleague_tenant: str,
             colleague_roles: frozenset[str]) -> None:
    """Hand a task one holds (or an unassigned one of one's groups) to a colleague of the same prefecture and role
    (or one the task names a candidate user)."""
    task = visible_task(engine, viewer, task_id)
    groups = {g.strip() for g in (task["candidate_groups"] or "").split(",") if g.strip()}
    candidate = colleague in (task["candidate_users"] or "").split(",")
    if colleague_tenant != viewer.tenant or not (groups & colleague_roles or candidate):
        raise Forbidden(f"{colleague} is not a colleague of this prefecture with the task's role")
    _assign(engine, task_id, colleague, expected=task["assignee"])


def _assign(engine: "Engine", task_id: str, user: str | None, expected: str | None) -> None:
    fast = engine.fast
    test = "assignee IS NULL" if expected is None else "assignee = :expected"
    with engine.unit() as conn:
        done = fast.run(conn, f"UPDATE human_task SET assignee = :user WHERE id = :id AND status = 'open' AND {test}",
                        {"user": user, "id": task_id, "expected": expected}).rowcount
    if done != 1:
        raise Conflict(f"task {task_id} is not {'unassigned' if expected is None else 'assigned to ' + expected}")


def set_holders(engine: "Engine", task_id: str, expected: str | None, assignee: str | None,
                owner: str | None = None, delegation_state: str | None = None, delegation: bool = False) -> None:
    """Set an open task's assignee if it is still `expected` (and, with `delegation`, its owner and Camunda
    delegation state: /engine-rest delegate and resolve); Conflict if it changed meanwhile."""
    test = "assignee IS NULL" if expected is None else "assignee = :expected"
    extra = ", owner = :owner, delegation_state = :state" if delegation else ""
    with engine.unit() as conn:
        done = engine.fast.run(conn, f"UPDATE human_task SET assignee = :user{extra} WHERE id = :id "
                                     f"AND status = 'open' AND {test}",
                               {"user": assignee, "id": task_id, "expected": expected, "owner": owner,
                                "state": delegation_state}).rowcount
    if done != 1:
        raise Conflict(f"task {task_id} is not {'unassigned' if expected is None else 'assigned to ' + expected}")


def visible_instance(engine: "Engine", viewer: Viewer, instance_id: int) -> dict[str, Any]:
    """An instance of the viewer's prefecture with what its page shows; NotFound for any other prefecture."""
    info = engine.instance(instance_id)
    if info["tenant"] != viewer.tenant:
        raise NotFound(f"process instance {instance_id} does not exist")
    history = engine.history(instance_id)
    info["history"] = history
    done_kinds = ("step", "task_completed", "job_completed", "timer", "decision")
    info["completed_elements"] = sorted({h["element_id"] for h in history
                                         if h["kind"] in done_kinds and h["element_id"]})
    info["active_elements"] = sorted({t["element_id"] for t in info["tasks"]}
                                     | {t["element_id"] for t in info["timers"] if t["status"] == "waiting"}
                                     | {j["element_id"] for j in info["jobs"] if j["status"] in ("pending", "locked")})
    info["failed_elements"] = sorted({i["element_id"] for i in info["incidents"]
                                      if i["status"] == "open" and i["element_id"]})
    return info


def diagram(engine: "Engine", viewer: Viewer, instance_id: int) -> bytes:
    """The BPMN file the instance runs (its deployed version), for the diagram."""
    from engine.db.models import DeployedFile, ProcessDefinition, ProcessInstance
    with engine.reading() as session:
        row = session.get(ProcessInstance, instance_id)
        if row is None or row.tenant != viewer.tenant:
            raise NotFound(f"process instance {instance_id} does not exist")
        definition = session.get(ProcessDefinition, row.definition_id)
        return bytes(session.get(DeployedFile, definition.file_id).content)


def incident_of(engine: "Engine", viewer: Viewer, incident_id: int) -> dict[str, Any]:
    """An open or resolved incident of the viewer's prefecture; NotFound otherwise."""
    for item in engine.incidents(tenant=viewer.tenant, status=None):
        if item["id"] == incident_id:
            return item
    raise NotFound(f"incident {incident_id} does not exist")


def definitions(engine: "Engine", tenant: str) -> list[dict[str, Any]]:
    """The process versions a prefecture sees: its own and the shared ones, newest first, with its instances.

    Nothing of another prefecture: not its versions, nor its counts, nor who deployed them. A shared
    version names no deployer (the operator) and says which it is with `tenant: null`.
    """
    from sqlalchemy import func, select

    from engine.db.models import SHARED, DeployedFile, ProcessDefinition, ProcessInstance
    with engine.reading() as session:
        counts: dict[int, dict[str, int]] = {}
        for definition_id, status, n in session.execute(
                select(ProcessInstance.definition_id, ProcessInstance.status, func.count())
                .where(ProcessInstance.tenant == tenant).group_by(ProcessInstance.definition_id, ProcessInstance.status)):
            counts.setdefault(definition_id, {})[status] = n
        rows = session.execute(select(ProcessDefinition, DeployedFile.name, DeployedFile.deployed_by)
                               .join(DeployedFile, DeployedFile.id == ProcessDefinition.file_id)
                               .where(ProcessDefinition.tenant.in_((tenant, SHARED)))
                               .order_by(ProcessDefinition.key, ProcessDefinition.tenant.desc(),
                                         ProcessDefinition.version.desc())).all()
        current: dict[str, int] = {}  # what a new instance of the key starts: the prefecture's own newest, else shared
        for d, _name, _by in rows:
            current.setdefault(d.key, d.id)
        return [{"key": d.key, "version": d.version, "name": d.name, "file": name, "tenant": d.tenant or None,
                 "shared": d.tenant == SHARED, "deployed_by": by if d.tenant == tenant else None,
                 "deployed_at": d.deployed_at.isoformat(), "current": current[d.key] == d.id,
                 "instances": counts.get(d.id, {})}
                for d, name, by in rows]
