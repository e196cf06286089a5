"""Camunda 7's task query (GET/POST /engine-rest/task) as SQL over the human_task projection.

Only open tasks of the viewer's prefecture that the inbox would show them (engine/inbox.py visible_sql);
every filter narrows that set, so no parameter can reach another prefecture or another role's tasks.
No workflow is loaded: variable filters read the instance's and the task's `variables` JSON columns.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine.errors import BadInput
from engine.inbox import Viewer, candidate_sql, visible_sql

if TYPE_CHECKING:
    from engine.runtime import Engine

NO_TASK_ROLES = frozenset({"analyst", "worker", "payment"})  # roles whose accounts never see a user task
OPERATORS = {"eq": "=", "neq": "<>", "gt": ">", "gteq": ">=", "lt": "<", "lteq": "<=", "like": "LIKE",
             "notLike": "NOT LIKE"}
SORTS = {"created": "t.created_at", "dueDate": "t.due_at", "followUpDate": "t.follow_up_at",
         "priority": "t.priority", "name": "t.name", "nameCaseInsensitive": "LOWER(t.name)", "assignee": "t.assignee",
         "id": "t.id", "instanceId": "t.instance_id", "executionId": "t.id", "tenantId": "t.tenant",
         "lastUpdated": "t.created_at", "caseInstanceId": None, "caseExecutionId": None, "description": None}
COLUMNS = ("t.id, t.name, t.assignee, t.owner, t.created_at, t.due_at, t.follow_up_at, t.delegation_state, "
           "t.priority, t.instance_id, t.element_id, t.tenant, d.key, d.version, d.id, t.candidate_groups, "
           "t.candidate_users, i.business_key, i.definition_id, i.variables, t.variables")
FROM = ("FROM human_task t JOIN process_instance i ON i.id = t.instance_id "
        "JOIN process_definition d ON d.id = i.definition_id")


@dataclass(frozen=True)
class VarTest:
    """name op value on a JSON variables column; `values` are the (kind, value) readings of the value
    (a query-string value "42" is both the number 42 and the text "42")."""

    name: str
    op: str
    values: tuple[tuple[str, Any], ...]


@dataclass
class TaskFilter:
    """The task query's parameters, already parsed (dates aware, lists of strings)."""

    equal: dict[str, Any] = field(default_factory=dict)  # column → value (t.id, t.assignee, d.key, ...)
    within: dict[str, list[Any]] = field(default_factory=dict)  # column → values (…In)
    like: dict[str, str] = field(default_factory=dict)  # column → LIKE pattern (…Like)
    unlike: dict[str, str] = field(default_factory=dict)  # column → NOT LIKE pattern
    differ: dict[str, Any] = field(default_factory=dict)  # column → value it must not be (nameNotEqual)
    after: dict[str, datetime] = field(default_factory=dict)  # column → strictly later than
    before: dict[str, datetime] = field(default_factory=dict)  # column → strictly earlier than
    at_least: dict[str, int] = field(default_factory=dict)
    at_most: dict[str, int] = field(default_factory=dict)
    present: dict[str, bool] = field(default_factory=dict)  # text column → must be set (True) / empty (False)
    null: dict[str, bool] = field(default_factory=dict)  # column → IS NULL (True) / IS NOT NULL (False)
    on: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)  # column → within [from, to)
    definition: tuple[str, int, int] | None = None  # processDefinitionId: key, version, row
    follow_up_before_or_none: datetime | None = None
    candidate_user: Viewer | None = None  # a user and their roles (candidateUser)
    candidate_groups: list[str] | None = None  # candidateGroup / candidateGroups
    include_assigned: bool = False
    process_variables: list[VarTest] = field(default_factory=list)
    task_variables: list[VarTest] = field(default_factory=list)
    nothing: bool = False  # a parameter no task can match (suspended=true, another tenant, a description)


def _where(engine: Engine, viewer: Viewer, f: TaskFilter, params: dict[str, Any]) -> str:
    fast = engine.fast
    where = [visible_sql(viewer, params), "t.status = 'open'"]
    if f.nothing:
        where.append("1 = 0")
    n = 0

    def p(value: Any) -> str:
        nonlocal n
        n += 1
        params[f"q{n}"] = fast.ts(value) if isinstance(value, datetime) else value
        return f":q{n}"

    for clauses, template in ((f.equal, "{c} = {v}"), (f.like, "{c} LIKE {v}"),
                              (f.unlike, "({c} IS NULL OR {c} NOT LIKE {v})"), (f.differ, "({c} IS NULL OR {c} <> {v})"),
                              (f.after, "{c} > {v}"), (f.before, "{c} < {v}"), (f.at_least, "{c} >= {v}"),
                              (f.at_most, "{c} <= {v}")):
        where += [template.format(c=col, v=p(v)) for col, v in clauses.items()]
    for col, vs in f.within.items():
        where.append(f"{col} IN ({', '.join(p(v) for v in vs)})" if vs else "1 = 0")
    for col, empty in f.null.items():
        where.append(f"{col} IS {'' if empty else 'NOT '}NULL")
    for col, (low, high) in f.on.items():
        where.append(f"{col} >= {p(low)} AND {col} < {p(high)}")
    for col, wanted in f.present.items():
        where.append(f"COALESCE({col}, '') <> ''" if wanted else f"COALESCE({col}, '') = ''")
    if f.definition is not None:
        key, version, row = f.definition
        where.append(f"d.id = {p(row)} AND d.key = {p(key)} AND d.version = {p(version)}")
    if f.follow_up_before_or_none is not None:
        where.append(f"(t.follow_up_at IS NULL OR t.follow_up_at < {p(f.follow_up_before_or_none)})")
    candidate = f.candidate_user is not None or f.candidate_groups is not None
    if f.candidate_user is not None:
        where.append(candidate_sql(f.candidate_user, params, "cu"))
    if f.candidate_groups is not None:
        groups = [g for g in f.candidate_groups if g in viewer.roles]  # a group one is not in gives nothing
        where.append(candidate_sql(Viewer("", viewer.tenant, frozenset(groups)), params, "cg", users=False))
    if candidate and not f.include_assigned:
        where.append("t.assignee IS NULL")
    for column, tests in (("i.variables", f.process_variables), ("t.variables", f.task_variables)):
        for test in tests:
            where.append(_var_test(fast.pg, column, test, p))
    return " AND ".join(where)


def _var_test(pg: bool, column: str, test: VarTest, p: Any) -> str:
    """SQL: the variable exists with a value of one of the readings' kinds and compares as asked."""
    if '"' in test.name or "\\" in test.name:
        raise BadInput(f"the variable name {test.name!r} may not hold quotes or backslashes", "variables")
    op = OPERATORS[test.op]
    if pg:
        ref = f"{column} -> CAST({p(test.name)} AS text)"
        kind_of = f"json_typeof({ref})"
        kinds = {"number": "'number'", "string": "'string'", "null": "'null'"}
        text = f"({column} ->> CAST({p(test.name)} AS text))"
        number = f"CAST({text} AS numeric)"
    else:
        path = p(f'$."{test.name}"')
        kind_of = f"json_type({column}, {path})"
        kinds = {"number": "'integer', 'real'", "string": "'text'", "null": "'null'"}
        text = number = f"json_extract({column}, {path})"
    parts = []
    for kind, value in test.values:
        if kind == "boolean":
            if test.op not in ("eq", "neq"):
                raise BadInput(f"a boolean can only be compared with eq or neq, not {test.op}", "variables")
            word = "true" if value else "false"
            is_bool = f"{kind_of} = 'boolean'" if pg else f"{kind_of} IN ('true', 'false')"
            same = f"{text} = '{word}'" if pg else f"{kind_of} = '{word}'"
            parts.append(f"({is_bool} AND {'NOT ' if test.op == 'neq' else ''}({same}))")
        elif kind == "null":
            if test.op not in ("eq", "neq"):
                raise BadInput(f"null can only be compared with eq or neq, not {test.op}", "variables")
            parts.append(f"{kind_of} {'=' if test.op == 'eq' else '<>'} 'null'")
        elif kind == "number":
            if test.op in ("like", "notLike"):
                continue
            parts.append(f"({kind_of} IN ({kinds['number']}) AND {number} {op} {p(value)})")
        else:
            parts.append(f"({kind_of} IN ({kinds['string']}) AND {text} {op} {p(str(value))})")
    if not parts:
        raise BadInput(f"the operator {test.op} needs a text value", "variables")
    return "(" + " OR ".join(parts) + ")"


def _order(order: list[tuple[str, bool]]) -> str:
    """ORDER BY: empty values first ascending, last descending (as wire.sort_rows); stable by creation and id."""
    parts = []
    for name, desc in order:
        expr = SORTS[name]
        if expr is None:  # a column kentei does not have (always null): every row ties
            continue
        parts.append(f"({expr} IS NOT NULL){' DESC' if desc else ''}, {expr}{' DESC' if desc else ''}")
    return ", ".join(parts + ["t.created_at", "t.instance_id", "t.id"])


def count(engine: Engine, viewer: Viewer, f: TaskFilter) -> int:
    """How many tasks match."""
    params: dict[str, Any] = {}
    where = _where(engine, viewer, f, params)
    with engine.read() as conn:
        return int(engine.fast.run(conn, f"SELECT COUNT(*) {FROM} WHERE {where}", params).scalar_one())


def find(engine: Engine, viewer: Viewer, f: TaskFilter, order: list[tuple[str, bool]], first: int = 0,
         most: int | None = None) -> list[dict[str, Any]]:
    """One page of matching tasks, as dicts (see _row)."""
    params: dict[str, Any] = {"first": first, "most": most if most is not None else 2**31 - 1}
    where = _where(engine, viewer, f, params)
    with engine.read() as conn:
        rows = engine.fast.run(conn, f"SELECT {COLUMNS} {FROM} WHERE {where} ORDER BY {_order(order)} "
                                     "LIMIT :most OFFSET :first", params).all()
    return [_row(engine, r) for r in rows]


def one(engine: Engine, viewer: Viewer, task_id: str, any_of_prefecture: bool = False) -> dict[str, Any] | None:
    """An open task the viewer sees (or, for a prefecture's admin acting for others, any open task of the
    prefecture); None otherwise: unknown, closed, another prefecture's or another role's."""
    if not isinstance(task_id, str) or len(task_id) > 36:
        return None
    params: dict[str, Any] = {"id": task_id, "tenant": viewer.tenant}
    seen = "t.tenant = :tenant" if any_of_prefecture else visible_sql(viewer, params)
    with engine.read() as conn:
        row = engine.fast.run(conn, f"SELECT {COLUMNS} {FROM} WHERE t.id = :id AND t.status = 'open' AND {seen}",
                              params).first()
    return None if row is None else _row(engine, row)


def instance_variables(engine: Engine, instance_id: int) -> dict[str, Any]:
    """An instance's process variables as stored now (after a completion, for withVariablesInReturn)."""
    with engine.read() as conn:
        raw = engine.fast.run(conn, "SELECT variables FROM process_instance WHERE id = :id",
                              {"id": instance_id}).scalar_one()
    return engine.fast.read_js(raw) or {}


def _row(engine: Engine, r: Any) -> dict[str, Any]:
    fast = engine.fast
    return {"id": r[0], "name": r[1], "assignee": r[2], "owner": r[3], "created": fast.read_ts(r[4]),
            "due": fast.read_ts(r[5]), "follow_up": fast.read_ts(r[6]), "delegation_state": r[7],
            "priority": r[8] if r[8] is not None else 50, "instance_id": r[9], "element_id": r[10],
            "tenant": r[11], "process_key": r[12], "process_version": r[13], "definition_row": r[14],
            "candidate_groups": [g.strip() for g in (r[15] or "").split(",") if g.strip()],
            "candidate_users": [u for u in (r[16] or "").split(",") if u], "business_key": r[17],
            "definition_id": r[18], "process_variables": fast.read_js(r[19]) or {},
            "local_variables": fast.read_js(r[20]) or {}}
