"""The task query's parameters (GET query string or POST JSON body) → engine.task_queries.TaskFilter, and
the TaskDto Camunda answers with."""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import current_app, request

from engine.inbox import Viewer
from engine.task_queries import OPERATORS, SORTS, TaskFilter, VarTest

from . import wire
from .access import tenants
from .core import RestError
from .variables import encode

EQUAL = {"processInstanceBusinessKey": "i.business_key", "processDefinitionKey": "d.key",
         "processDefinitionName": "d.name", "taskDefinitionKey": "t.element_id", "assignee": "t.assignee",
         "owner": "t.owner", "name": "t.name", "taskId": "t.id", "executionId": "t.id"}
WITHIN = {"processInstanceBusinessKeyIn": "i.business_key", "processDefinitionKeyIn": "d.key",
          "taskDefinitionKeyIn": "t.element_id", "assigneeIn": "t.assignee", "taskIdIn": "t.id"}
LIKE = {"processInstanceBusinessKeyLike": "i.business_key", "processDefinitionNameLike": "d.name",
        "taskDefinitionKeyLike": "t.element_id", "assigneeLike": "t.assignee", "nameLike": "t.name"}
DATES = {"due": "t.due_at", "followUp": "t.follow_up_at", "created": "t.created_at"}
NEVER = ("description", "descriptionLike", "parentTaskId", "caseInstanceId", "caseInstanceBusinessKey",
         "caseDefinitionId", "caseDefinitionKey", "caseExecutionId")  # kentei's tasks never have these
EXPRESSION = re.compile(r"^(.+?)_(eq|neq|gteq|gt|lteq|lt|like|notLike)_(.*)$", re.DOTALL)
NUMBER = re.compile(r"-?\d{1,15}(\.\d{1,15})?")


def query_source() -> dict[str, Any]:
    """The query string as a dict; a repeated key (requests sends lists so) is a comma list."""
    return {k: ",".join(vs) for k, vs in request.args.lists()}


def parse(source: dict[str, Any], viewer: Viewer) -> TaskFilter:
    """A TaskFilter from GET's query string (as query_source) or POST's JSON body; 400 for a bad value."""
    f = TaskFilter()
    for name, col in EQUAL.items():
        value = wire.text(name, source)
        if value is not None:
            f.equal[col] = value
    for name, col in WITHIN.items():
        values = wire.listed(name, source)
        if values is not None:
            f.within[col] = values
    for name, col in LIKE.items():
        value = wire.text(name, source)
        if value is not None:
            f.like[col] = value
    unlike, differ = wire.text("nameNotLike", source), wire.text("nameNotEqual", source)
    if unlike is not None:
        f.unlike["t.name"] = unlike
    if differ is not None:
        f.differ["t.name"] = differ
    instance = wire.text("processInstanceId", source)
    if instance is not None:
        f.equal["t.instance_id"] = wire.row_id(instance) or 0
    ids = wire.listed("processInstanceIdIn", source)
    if ids is not None:
        f.within["t.instance_id"] = [n for n in (wire.row_id(i) for i in ids) if n is not None]
    definition = wire.text("processDefinitionId", source)
    if definition is not None:
        f.definition = _definition(definition)
        f.nothing |= f.definition is None
    state = wire.text("delegationState", source)
    if state is not None:
        if state.upper() not in ("PENDING", "RESOLVED"):
            raise RestError(400, f"Valid values for property 'delegationState' are 'PENDING' or 'RESOLVED', "
                                 f"but was '{state}'")
        f.equal["t.delegation_state"] = state.upper()
    _dates(f, source)
    _priority(f, source)
    _flags(f, source)
    _candidates(f, source, viewer)
    f.nothing |= any(wire.arg(n, source) is not None for n in NEVER)
    f.process_variables = variable_tests("processVariables", source)
    f.task_variables = variable_tests("taskVariables", source)
    return f


def _definition(ident: str) -> tuple[str, int, int] | None:
    parts = ident.rsplit(":", 2)
    row = wire.definition_row(ident)
    if len(parts) != 3 or row is None or not parts[1].isdigit() or len(parts[1]) > 9:
        return None
    return parts[0], int(parts[1]), row


def _dates(f: TaskFilter, source: dict[str, Any]) -> None:
    for stem, col in DATES.items():
        exact = wire.when("createdOn" if stem == "created" else f"{stem}Date", source)
        if exact is not None:
            f.on[col] = (exact, exact + timedelta(milliseconds=1))
        for suffix, into in (("Before", f.before), ("After", f.after)):
            moment = wire.when(f"{stem}{suffix}", source)
            if moment is not None:
                into[col] = moment
    moment = wire.when("followUpBeforeOrNotExistent", source)
    if moment is not None:
        f.follow_up_before_or_none = moment
    if wire.flag("withoutDueDate", source):
        f.null["t.due_at"] = True


def _priority(f: TaskFilter, source: dict[str, Any]) -> None:
    for name, into in (("priority", f.equal), ("minPriority", f.at_least), ("maxPriority", f.at_most)):
        value = wire.number(name, source, low=-2**31)
        if value is not None:
            into["t.priority"] = value


def _flags(f: TaskFilter, source: dict[str, Any]) -> None:
    if wire.flag("assigned", source):
        f.null["t.assignee"] = False
    if wire.flag("unassigned", source):
        f.nothing |= f.null.get("t.assignee") is False
        f.null["t.assignee"] = True
    for stem, col in (("CandidateGroups", "t.candidate_groups"), ("CandidateUsers", "t.candidate_users")):
        with_, without = wire.flag(f"with{stem}", source), wire.flag(f"without{stem}", source)
        if with_ and without:
            f.nothing = True
        elif with_ or without:
            f.present[col] = bool(with_)
    if wire.flag("suspended", source):
        f.nothing = True  # kentei suspends no task
    wire.flag("active", source)  # every open task is active: checked, narrows nothing
    shown = tenants(wire.listed("tenantIdIn", source), bool(wire.flag("withoutTenantId", source)))
    if _viewer_tenant() not in shown:  # a task always belongs to its prefecture (tenantId = the prefecture)
        f.nothing = True


def _viewer_tenant() -> str:
    from .access import viewer
    return viewer().tenant


def _candidates(f: TaskFilter, source: dict[str, Any], viewer: Viewer) -> None:
    user = wire.text("candidateUser", source, limit=64)
    if user is not None:
        f.candidate_user = Viewer(user, viewer.tenant, _roles_of(user, viewer))
    group = wire.text("candidateGroup", source)
    groups = wire.listed("candidateGroups", source)
    if group is not None or groups is not None:
        f.candidate_groups = ([group] if group is not None else []) + (groups or [])
        if group is not None and groups is not None:  # both: a task must match each (Camunda refuses both)
            f.candidate_groups = [g for g in groups if g == group]
    f.include_assigned = bool(wire.flag("includeAssignedTasks", source))


def _roles_of(user: str, viewer: Viewer) -> frozenset[str]:
    """A colleague's roles (for candidateUser), the caller's own for themself; nothing for anyone else."""
    if user == viewer.user:
        return viewer.roles
    found = colleague(user, viewer.tenant)
    return found[1] if found is not None else frozenset()


def colleague(username: str, tenant: str) -> tuple[str, frozenset[str]] | None:
    """An active staff account of the prefecture: its name and roles; None otherwise."""
    from sqlalchemy import select

    from engine.identity import StaffUser
    from engine.task_queries import NO_TASK_ROLES
    with current_app.extensions["kentei.engine"].reading() as s:
        user = s.scalar(select(StaffUser).where(StaffUser.username == username, StaffUser.active.is_(True),
                                                StaffUser.tenant == tenant))
        return None if user is None else (user.username, user.role_set - NO_TASK_ROLES)


def variable_tests(name: str, source: dict[str, Any]) -> list[VarTest]:
    """name_op_value[,…] from a query string, or [{name, operator, value}] from a JSON body."""
    raw = source.get(name)
    if raw is None or raw == "" or raw == []:
        return []
    tests = []
    if isinstance(raw, str):
        for expression in raw.split(","):
            found = EXPRESSION.match(expression)
            if found is None:
                raise RestError(400, f"Invalid {name} comparator specified: '{expression[:64]}': expected "
                                     f"name_operator_value with an operator of {', '.join(OPERATORS)}")
            tests.append(VarTest(found[1], found[2], _readings(found[3], from_text=True)))
        return tests
    if not isinstance(raw, list):
        raise RestError(400, f"'{name}' must be a list of {{name, operator, value}}")
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
            raise RestError(400, f"Each of '{name}' needs a name, an operator and a value")
        if item.get("operator") not in OPERATORS:
            raise RestError(400, f"Invalid variable comparator specified: '{str(item.get('operator'))[:32]}'")
        tests.append(VarTest(item["name"][:255], item["operator"], _readings(item.get("value"), from_text=False)))
    return tests


def _readings(value: Any, from_text: bool) -> tuple[tuple[str, Any], ...]:
    """What a compared value may mean: a query-string value is text, and also a number, a boolean or a
    date when it reads as one; a JSON value is what its JSON type says (dates, sent as text, both)."""
    if value is None:
        return (("null", None),)
    if isinstance(value, bool):
        return (("boolean", value),)
    if isinstance(value, (int, float)):
        return (("number", value),)
    if not isinstance(value, str) or len(value) > 4000:
        raise RestError(400, "A variable comparison needs a text, number, boolean or null value")
    out: list[tuple[str, Any]] = [("string", value)]
    if from_text and value in ("true", "false"):
        out.append(("boolean", value == "true"))
    if from_text and NUMBER.fullmatch(value):
        out.append(("number", float(value) if "." in value else int(value)))
    if wire.DATE_IN.match(value):
        tz = current_app.extensions["kentei.engine"].tz
        out.append(("string", wire.date_in(value).astimezone(tz).isoformat()))
    return tuple(out)


def order_and_page(source: dict[str, Any], body: bool) -> tuple[list[tuple[str, bool]], int, int | None]:
    """sortBy/sortOrder (and a body's `sorting`), firstResult, maxResults (the query string, as Camunda's
    POST /task, or the body)."""
    order = wire.sorting(SORTS, source)
    pick = (lambda n: wire.number(n) if wire.arg(n) is not None else wire.number(n, source)) if body \
        else (lambda n: wire.number(n, source))
    return order, pick("firstResult") or 0, pick("maxResults")


def dto(t: dict[str, Any], variables: str | None = None) -> dict[str, Any]:
    """Camunda's TaskDto; `variables` "all" or "local" adds them (withTask[Local]VariablesInReturn)."""
    out = {"id": t["id"], "name": t["name"], "assignee": t["assignee"], "owner": t["owner"],
           "created": wire.date_out(t["created"]), "lastUpdated": None, "due": wire.date_out(t["due"]),
           "followUp": wire.date_out(t["follow_up"]), "delegationState": t["delegation_state"],
           "description": None, "executionId": t["id"], "parentTaskId": None, "priority": t["priority"],
           "processDefinitionId": wire.definition_id(t["process_key"], t["process_version"], t["definition_row"]),
           "processInstanceId": str(t["instance_id"]), "caseExecutionId": None, "caseDefinitionId": None,
           "caseInstanceId": None, "taskDefinitionKey": t["element_id"], "suspended": False, "formKey": None,
           "camundaFormRef": None, "operatonFormRef": None, "tenantId": t["tenant"], "taskState": "Created"}
    if variables == "all":
        out["variables"] = encode({**t["process_variables"], **t["local_variables"]})
    elif variables == "local":
        out["variables"] = encode(t["local_variables"])
    return out
