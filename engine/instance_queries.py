"""Process instances as Camunda 7's runtime and history queries see them, scoped to one prefecture.

Read from process_instance and the projection tables only (no workflow is restored); the element
types and names of the activity tree come from the cached spec of the instance's version.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine.bpmn.element_ids import find_spec
from engine.queries import is_row_id

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from engine.kernel import Kernel

COLUMNS = ("i.id, i.definition_id, i.tenant, i.business_key, i.status, i.started_at, i.ended_at, i.started_by, "
           "i.updated_at, d.key, d.version, d.name, d.tenant, f.deployment_id")
NAMES = ("id", "definition_id", "tenant", "business_key", "status", "started_at", "ended_at", "started_by",
         "updated_at", "key", "version", "name", "definition_tenant", "deployment_id")
FROM = ("FROM process_instance i JOIN process_definition d ON d.id = i.definition_id "
        "JOIN deployed_file f ON f.id = d.file_id")
# what an instance waits on, by element: open user tasks, timers, message and signal waits, jobs
WAITING_AT = ("SELECT element_id FROM human_task WHERE instance_id = i.id AND status = 'open' "
              "UNION ALL SELECT element_id FROM timer WHERE instance_id = i.id "
              "UNION ALL SELECT element_id FROM message_subscription WHERE instance_id = i.id "
              "UNION ALL SELECT element_id FROM signal_subscription WHERE instance_id = i.id "
              "UNION ALL SELECT element_id FROM external_job WHERE instance_id = i.id "
              "AND status IN ('pending', 'locked', 'incident')")


@dataclass
class InstanceFilter:
    """Camunda's process-instance (and historic process-instance) query parameters, already checked."""

    ids: list[int] | None = None
    business_key: str | None = None
    business_key_like: str | None = None  # SQL LIKE, as Camunda's (% and _ are the caller's)
    definition_ids: list[int] | None = None  # process_definition rows
    definition_keys: list[str] | None = None
    deployment_id: str | None = None
    statuses: list[str] | None = None  # running | completed | cancelled | error
    with_incident: bool = False
    incident_id: int | None = None
    activity_ids: list[str] | None = None
    started_after: datetime | None = None
    started_before: datetime | None = None
    finished_after: datetime | None = None
    finished_before: datetime | None = None
    started_by: str | None = None
    variables: list[tuple[str, str, Any]] = field(default_factory=list)  # (name, operator, value)
    nothing: bool = False  # a filter no instance can meet (a tenant outside the caller's, a sub process)


def instances(engine: Kernel, tenant: str, flt: InstanceFilter, with_variables: bool = False) -> list[dict[str, Any]]:
    """The prefecture's instances that meet the filter, by id."""
    if flt.nothing or (flt.ids is not None and not flt.ids) or (flt.definition_ids is not None and not flt.definition_ids):
        return []
    where, params = ["i.tenant = :tenant"], {"tenant": tenant}

    def listed(column: str, values: list[Any], prefix: str) -> None:
        names = [f"{prefix}{n}" for n in range(len(values))]
        params.update(dict(zip(names, values)))
        where.append(f"{column} IN ({', '.join(':' + n for n in names)})")

    if flt.ids is not None:
        listed("i.id", flt.ids, "id")
    if flt.definition_ids is not None:
        listed("i.definition_id", flt.definition_ids, "def")
    if flt.definition_keys is not None:
        if not flt.definition_keys:
            return []
        listed("d.key", flt.definition_keys, "key")
    if flt.statuses is not None:
        if not flt.statuses:
            return []
        listed("i.status", flt.statuses, "status")
    if flt.activity_ids:
        listed("w.element_id", flt.activity_ids, "act")
        where[-1] = f"EXISTS (SELECT 1 FROM ({WAITING_AT}) w WHERE {where[-1]})"
    for column, value, test in (("i.business_key", flt.business_key, "="), ("i.business_key", flt.business_key_like, "LIKE"),
                                ("f.deployment_id", flt.deployment_id, "="), ("i.started_by", flt.started_by, "="),
                                ("i.started_at", flt.started_after, ">"), ("i.started_at", flt.started_before, "<"),
                                ("i.ended_at", flt.finished_after, ">"), ("i.ended_at", flt.finished_before, "<")):
        if value is not None:
            name = f"p{len(params)}"
            params[name] = engine.fast.ts(value) if isinstance(value, datetime) else value
            where.append(f"{column} {test} :{name}")
    if flt.with_incident:
        where.append("EXISTS (SELECT 1 FROM incident n WHERE n.instance_id = i.id AND n.status = 'open')")
    if flt.incident_id is not None:
        if not is_row_id(flt.incident_id):
            return []
        params["incident"] = flt.incident_id
        where.append("EXISTS (SELECT 1 FROM incident n WHERE n.instance_id = i.id AND n.id = :incident "
                     "AND n.status = 'open')")
    extra = ", i.variables" if with_variables or flt.variables else ""
    fast = engine.fast
    with engine.read() as conn:
        rows = fast.run(conn, f"SELECT {COLUMNS}{extra} {FROM} WHERE {' AND '.join(where)} ORDER BY i.id",
                        params).all()
    found = []
    for r in rows:
        item = dict(zip(NAMES, r))
        for key in ("started_at", "ended_at", "updated_at"):
            item[key] = fast.read_ts(item[key])
        if extra:
            item["variables"] = fast.read_js(r[len(NAMES)]) or {}
            if not all(matches(item["variables"], *test) for test in flt.variables):
                continue
        found.append(item)
    return found


def instance(engine: Kernel, tenant: str, instance_id: int, statuses: list[str] | None = None,
             with_variables: bool = False) -> dict[str, Any] | None:
    """One instance of the prefecture (None for an unknown id or another prefecture's)."""
    if not is_row_id(instance_id):
        return None
    found = instances(engine, tenant, InstanceFilter(ids=[instance_id], statuses=statuses), with_variables)
    return found[0] if found else None


def same(a: Any, b: Any) -> bool:
    """JSON equality that keeps true apart from 1 (Python's == does not)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return bool(a == b)


def matches(variables: dict[str, Any], name: str, operator: str, value: Any) -> bool:
    """Camunda's variable filter name_op_value: eq neq gt gteq lt lteq like notLike."""
    if name not in variables:
        return False  # as Camunda: a filter on a variable needs the variable
    have = variables[name]
    if operator == "eq":
        if isinstance(value, str) and isinstance(have, bool):  # a query string's "true"
            return value.lower() == str(have).lower()
        if isinstance(value, str) and isinstance(have, (int, float)):
            return _number(value) == have
        return same(have, value)
    if operator == "neq":
        return not matches(variables, name, "eq", value)
    if operator in ("like", "notLike"):
        import fnmatch
        hit = isinstance(have, str) and fnmatch.fnmatchcase(have, str(value).replace("*", "[*]").replace("?", "[?]")
                                                             .replace("%", "*").replace("_", "?"))
        return hit if operator == "like" else not hit
    number = _number(value)
    if isinstance(have, bool) or not isinstance(have, (int, float)) or number is None:
        if isinstance(have, str) and isinstance(value, str):
            have, number = have, value  # type: ignore[assignment]
        else:
            return False
    return {"gt": have > number, "gteq": have >= number, "lt": have < number, "lteq": have <= number}[operator]


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@dataclass
class Wait:
    """One thing an instance waits on: an activity instance of the tree."""

    task_id: str
    element_id: str
    kind: str  # user_task | timer | message | signal | job
    incidents: list[int] = field(default_factory=list)


def waits(engine: Kernel, instance_id: int) -> list[Wait]:
    """What a running instance waits on, one entry per workflow task, in a stable order."""
    fast = engine.fast
    found: dict[str, Wait] = {}
    with engine.read() as conn:
        for kind, sql in (("user_task", "SELECT id, element_id FROM human_task WHERE instance_id = :i AND status = 'open'"),
                          ("job", "SELECT task_id, element_id FROM external_job WHERE instance_id = :i "
                                  "AND status IN ('pending', 'locked', 'incident')"),
                          ("timer", "SELECT id, element_id FROM timer WHERE instance_id = :i"),
                          ("message", "SELECT task_id, element_id FROM message_subscription WHERE instance_id = :i"),
                          ("signal", "SELECT task_id, element_id FROM signal_subscription WHERE instance_id = :i")):
            for task_id, element_id in fast.run(conn, sql, {"i": instance_id}).all():
                found.setdefault(task_id, Wait(task_id, element_id, kind))
        incidents = fast.run(conn, "SELECT n.id, n.element_id, j.task_id FROM incident n LEFT JOIN external_job j "
                                   "ON j.id = n.job_id WHERE n.instance_id = :i AND n.status = 'open' ORDER BY n.id",
                             {"i": instance_id}).all()
    for incident_id, element_id, task_id in incidents:
        target = found.get(task_id) if task_id else next((w for w in found.values() if w.element_id == element_id), None)
        if target is not None:
            target.incidents.append(incident_id)
    return sorted(found.values(), key=lambda w: (w.element_id, w.task_id))


def element(engine: Kernel, conn: Connection, definition_id: int, element_id: str) -> tuple[str, str | None]:
    """(Camunda's activityType, the element's name) of an element of a definition."""
    spec, subs = engine.repository.spec(conn, definition_id)
    for process in (spec, *subs.values()):
        task_spec = find_spec(process, element_id)
        if task_spec is not None:
            return activity_type(task_spec), getattr(task_spec, "bpmn_name", None)
    return "task", None


def elements(engine: Kernel, definition_id: int, element_ids: set[str]) -> dict[str, tuple[str, str | None]]:
    """activityType and name of several elements of a definition."""
    with engine.read() as conn:
        return {e: element(engine, conn, definition_id, e) for e in element_ids}


_EVENTS = {"MessageEventDefinition": "Message", "SignalEventDefinition": "Signal", "KenteiSignal": "Signal",
           "ErrorEventDefinition": "Error", "EscalationEventDefinition": "Escalation",
           "ConditionalEventDefinition": "Conditional", "TerminateEventDefinition": "Terminate",
           "CancelEventDefinition": "Cancel", "CompensateEventDefinition": "Compensation",
           "TimeDateEventDefinition": "Timer", "DurationTimerEventDefinition": "Timer",
           "CycleTimerEventDefinition": "Timer", "LinkEventDefinition": "Link"}
_START = {"Message": "messageStartEvent", "Timer": "startTimerEvent", "Signal": "signalStartEvent",
          "Conditional": "conditionalStartEvent", "Error": "errorStartEvent", "Escalation": "escalationStartEvent",
          "Compensation": "compensationStartEvent"}
_END = {"Error": "errorEndEvent", "Terminate": "terminateEndEvent", "Cancel": "cancelEndEvent",
        "Signal": "signalEndEvent", "Escalation": "escalationEndEvent", "Compensation": "compensationEndEvent",
        "Message": "messageEndEvent"}
_CATCH = {"Timer": "intermediateTimer", "Message": "intermediateMessageCatch", "Signal": "intermediateSignalCatch",
          "Conditional": "intermediateConditional", "Link": "intermediateLinkCatch"}
_THROW = {"Signal": "intermediateSignalThrow", "Escalation": "intermediateEscalationThrowEvent",
          "Compensation": "intermediateCompensationThrowEvent", "Message": "intermediateMessageThrowEvent",
          "Link": "intermediateLinkThrow"}
_BOUNDARY = {"Timer": "boundaryTimer", "Message": "boundaryMessage", "Error": "boundaryError",
             "Signal": "boundarySignal", "Escalation": "boundaryEscalation", "Conditional": "boundaryConditional",
             "Compensation": "compensationBoundaryCatch", "Cancel": "cancelBoundaryCatch"}
_TASKS = (("UserTask", "userTask"), ("MessageEndTask", "messageEndEvent"),
          ("MessageThrowTask", "intermediateMessageThrowEvent"), ("DecisionTask", "businessRuleTask"),
          ("BusinessRuleTask", "businessRuleTask"), ("ServiceTask", "serviceTask"), ("ScriptTask", "scriptTask"),
          ("ReceiveTask", "receiveTask"), ("SendTask", "sendTask"), ("ManualTask", "manualTask"),
          ("TransactionSubprocess", "transaction"), ("CallActivity", "callActivity"), ("SubWorkflowTask", "subProcess"),
          ("EventBasedGateway", "eventBasedGateway"), ("ExclusiveGateway", "exclusiveGateway"),
          ("InclusiveGateway", "inclusiveGateway"), ("ParallelGateway", "parallelGateway"),
          ("LoopTask", "multiInstanceBody"), ("NoneTask", "task"))


def activity_type(task_spec: Any) -> str:
    """Camunda 7's activityType of a task spec (ActivityTypes: userTask, exclusiveGateway, boundaryTimer, …)."""
    names = [c.__name__ for c in type(task_spec).__mro__]
    definition = getattr(task_spec, "event_definition", None)
    kinds = [k for c in type(definition).__mro__ if (k := _EVENTS.get(c.__name__))] if definition is not None else []
    kind = kinds[0] if kinds else None
    if "BoundaryEvent" in names:
        return _BOUNDARY.get(kind or "", "boundaryEvent")
    if "StartEvent" in names:
        return _START.get(kind or "", "startEvent")
    if "EndEvent" in names:
        return _END.get(kind or "", "noneEndEvent")
    if "IntermediateCatchEvent" in names:
        return _CATCH.get(kind or "", "intermediateCatchEvent")
    if "IntermediateThrowEvent" in names:
        return _THROW.get(kind or "", "intermediateNoneThrowEvent")
    for name, camunda in _TASKS:
        if name in names:
            return camunda
    return "task"
