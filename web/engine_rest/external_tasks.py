"""/external-task: what Camunda 7's external-task clients call (JS, Java, Python), for outside workers.

fetchAndLock locks tasks of topics matching KENTEI_EXTERNAL_TOPICS to a worker, and with
asyncResponseTimeout waits until one appears (woken by the commit that created it: engine/wakeup.py) or the
time is up. complete, failure, bpmnError, extendLock, unlock and lock finish or move a task; the list, a task,
its errorDetails and its retries are for operators and workers alike. Only the `worker` role fetches and
finishes; everything is the caller's prefecture's, another's task is not found.
"""
from __future__ import annotations

from typing import Any

from flask import Response, current_app, request

from engine import external_tasks as ext
from engine import ops_jobs

from . import access, wire
from .core import RestError, body, bp, no_content, reply
from .variables import decode, decode_one, encode

LONGEST_POLL = 1_800_000  # ms, Camunda's limit for asyncResponseTimeout
READERS = ("worker", "admin", "auditor", "operator")
RETRIERS = ("worker", "admin", "operator")
MESSAGE_MAX = 666  # Camunda keeps this much of an errorMessage
LONG_MAX = 2**63 - 1


def _engine() -> Any:
    return current_app.extensions["kentei.engine"]


def _int(source: dict[str, Any], name: str, default: int | None = None, low: int = 0, high: int = LONG_MAX) -> int:
    value = source.get(name)
    if value is None:
        if default is None:
            raise RestError(400, f"'{name}' is required")
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RestError(400, f"'{name}' must be a whole number from {low} to {high}, not {str(value)[:40]}")
    return value


def _str(source: dict[str, Any], name: str, required: bool = False, limit: int = 255) -> str | None:
    value = source.get(name)
    if value is None or value == "":
        if required:
            raise RestError(400, f"'{name}' is required")
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise RestError(400, f"'{name}' must be a text of at most {limit} characters")
    return value


def _need(source: dict[str, Any], name: str, limit: int = 255) -> str:
    return _str(source, name, required=True, limit=limit) or ""


def _strings(source: dict[str, Any], name: str) -> list[str] | None:
    value = source.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and len(v) <= 255 for v in value):
        raise RestError(400, f"'{name}' must be a list of texts")
    return value


def _id(ident: str) -> int:
    found = wire.row_id(ident)
    if found is None:
        raise RestError(404, f"External task with id {ident[:64]} does not exist")
    return found


def _topic(raw: Any) -> ext.Topic:
    if not isinstance(raw, dict):
        raise RestError(400, "each entry of 'topics' must be an object with topicName and lockDuration")
    name = _need(raw, "topicName")
    lock = _int(raw, "lockDuration", low=1)  # Camunda: "lockDuration is not greater than 0"
    ids = _strings(raw, "processDefinitionIdIn") or []
    ids += [raw["processDefinitionId"]] if _str(raw, "processDefinitionId") else []
    keys = _strings(raw, "processDefinitionKeyIn") or []
    keys += [raw["processDefinitionKey"]] if _str(raw, "processDefinitionKey") else []
    tenant_ids, without = _strings(raw, "tenantIdIn"), raw.get("withoutTenantId") is True
    filters = raw.get("processVariables")
    filters = {} if filters is None else filters
    if not isinstance(filters, dict):
        raise RestError(400, "'processVariables' must be an object of name → value")
    wanted = {n: decode_one(n, v) if isinstance(v, dict) and "value" in v else v for n, v in filters.items()}
    return ext.Topic(
        name=name, lock_ms=lock, variables=_strings(raw, "variables"), local=raw.get("localVariables") is True,
        business_key=_str(raw, "businessKey"), definition_keys=set(keys) if keys else None,
        definition_ids={r for r in (wire.definition_row(i) for i in ids) if r is not None} if ids else None,
        version_tag=_str(raw, "processDefinitionVersionTag"), process_variables=wanted,
        tenants=access.tenants(tenant_ids, without) if tenant_ids or without else None,
        extension_properties=raw.get("includeExtensionProperties") is True)


def _definition(task: dict[str, Any]) -> tuple[str, str]:
    key, version, row = task.pop("definition")
    return wire.definition_id(key, version, row), key


def _dto(task: dict[str, Any], locked: bool = False) -> dict[str, Any]:
    """ExternalTaskDto (or LockedExternalTaskDto) with every field."""
    definition, key = _definition(task)
    out = {
        "activityId": task["activityId"], "activityInstanceId": f"{task['activityId']}:{task['executionId']}",
        "errorMessage": task["errorMessage"], "executionId": task["executionId"], "id": str(task["id"]),
        "lockExpirationTime": wire.date_out(task["lockExpirationTime"]),
        "createTime": wire.date_out(task["createTime"]),
        "processDefinitionId": definition, "processDefinitionKey": key,
        "processDefinitionVersionTag": task["processDefinitionVersionTag"],
        "processInstanceId": str(task["processInstanceId"]), "retries": task["retries"],
        "suspended": task["suspended"], "workerId": task["workerId"], "topicName": task["topicName"],
        "tenantId": task["tenantId"] or None, "priority": task["priority"], "businessKey": task["businessKey"]}
    if locked:
        out |= {"errorDetails": task["errorDetails"], "variables": encode(task["variables"]),
                "extensionProperties": task["extensionProperties"]}
    return out


@bp.post("/external-task/fetchAndLock")
def external_task_fetch() -> Response:
    v = access.require("worker")
    b = body()
    timeout = b.get("asyncResponseTimeout")
    if timeout is not None and not isinstance(timeout, bool) and isinstance(timeout, int) and timeout > LONGEST_POLL:
        raise RestError(400, "The asynchronous response timeout cannot be set to a value greater than "
                             f"{LONGEST_POLL} milliseconds")
    topics = b.get("topics") or []
    if not isinstance(topics, list) or len(topics) > 100:
        raise RestError(400, "'topics' must be a list of at most 100 topics")
    order = wire.sorting(["createTime"], {"sorting": b.get("sorting")} if isinstance(b.get("sorting"), list) else {})
    fetch = ext.Fetch(worker=_need(b, "workerId", 128),
                      max_tasks=_int(b, "maxTasks", high=1000), topics=[_topic(t) for t in topics],
                      use_priority=b.get("usePriority") is True, created_desc=order[0][1] if order else None,
                      timeout_ms=_int(b, "asyncResponseTimeout", 0, high=LONGEST_POLL))
    if not fetch.topics:
        return reply([])
    found = ext.fetch_and_lock(_engine(), v.tenant, fetch, _connected() if fetch.timeout_ms else None)
    return reply([_dto(t, locked=True) for t in found])


def _connected() -> Any:
    """Whether the client of this request still waits: its socket (werkzeug's or gunicorn's) has not reached its
    end. A worker that hung up mid-poll gets nothing locked to it; None where the socket is not known."""
    import select
    import socket
    import ssl
    sock = request.environ.get("werkzeug.socket") or request.environ.get("gunicorn.socket")
    if not isinstance(sock, socket.socket) or isinstance(sock, ssl.SSLSocket) or not hasattr(select, "poll"):
        return None  # unknown, or TLS in the server itself (no peeking under TLS): wait as before

    def connected() -> bool:
        try:
            watch = select.poll()
            watch.register(sock, select.POLLIN)
            if not watch.poll(0):
                return True  # nothing to read: the client still waits for our answer
            return sock.recv(1, socket.MSG_PEEK) != b""  # b"": it hung up; data (a pipelined request): still there
        except ValueError:
            return True  # a socket that cannot be peeked at: assume the client waits
        except OSError:
            return False  # reset, or closed
    return connected


def _query(source: dict[str, Any] | None) -> ext.Query:
    def ids(name: str) -> list[int] | None:
        found = wire.listed(name, source)
        return None if found is None else [r for r in (wire.row_id(i) for i in found) if r is not None]
    one_id = wire.text("externalTaskId", source)
    task_ids = ids("externalTaskIdIn")
    if one_id is not None:
        task_ids = (task_ids or []) + ([wire.row_id(one_id)] if wire.row_id(one_id) else [0])
    instances = ids("processInstanceIdIn")
    instance = wire.text("processInstanceId", source)
    if instance is not None:
        instances = (instances or []) + [wire.row_id(instance) or 0]
    activities = wire.listed("activityIdIn", source)
    activity = wire.text("activityId", source)
    if activity is not None:
        activities = (activities or []) + [activity]
    locked, not_locked = wire.flag("locked", source), wire.flag("notLocked", source)
    left, none_left = wire.flag("withRetriesLeft", source), wire.flag("noRetriesLeft", source)
    definition = wire.text("processDefinitionId", source)
    query = ext.Query(
        ids=task_ids, topic=wire.text("topicName", source), worker=wire.text("workerId", source),
        locked=True if locked else (False if not_locked else None),
        retries_left=True if left else (False if none_left else None),
        lock_after=wire.when("lockExpirationAfter", source), lock_before=wire.when("lockExpirationBefore", source),
        activity_ids=activities, execution_id=wire.text("executionId", source), instance_ids=instances,
        definition_id=None if definition is None else (wire.definition_row(definition) or 0),
        tenants=access.tenants(wire.listed("tenantIdIn", source), bool(wire.flag("withoutTenantId", source))),
        priority_min=wire.number("priorityHigherThanOrEqual", source, low=-2**31),
        priority_max=wire.number("priorityLowerThanOrEqual", source, low=-2**31),
        suspended=wire.flag("suspended", source))
    if (locked and not_locked) or (left and none_left) or wire.flag("active", source) is False:
        query.ids = []  # asked for both (or for suspended tasks only): none
    return query


@bp.route("/external-task", methods=["GET", "POST"])
def external_task_list() -> Response:
    access.require(*READERS)
    source = body() if request.method == "POST" else None
    query = _query(source)
    order = wire.sorting(ext.SORTS, source)
    first = wire.number("firstResult", source) or 0
    most = wire.number("maxResults", source)
    if source is not None:  # POST /external-task takes firstResult and maxResults in the query string
        first = wire.number("firstResult") or first
        most = wire.number("maxResults") if wire.number("maxResults") is not None else most
    return reply([_dto(t) for t in ext.listing(_engine(), query, order, first, most)])


@bp.route("/external-task/count", methods=["GET", "POST"])
def external_task_count() -> Response:
    access.require(*READERS)
    source = body() if request.method == "POST" else None
    return reply({"count": ext.listing(_engine(), _query(source), [], count=True)})


@bp.get("/external-task/<ident>")
def external_task_get(ident: str) -> Response:
    v = access.require(*READERS)
    found = ext.listing(_engine(), ext.Query(ids=[_id(ident)], tenants={v.tenant}), [])
    if not found:
        raise RestError(404, f"External task with id {ident} does not exist")
    return reply(_dto(found[0]))


@bp.get("/external-task/<ident>/errorDetails")
def external_task_error_details(ident: str) -> Response:
    v = access.require(*READERS)
    details = ext.error_details(_engine(), _id(ident), v.tenant)
    return Response(details or "", status=200, mimetype="text/plain")


@bp.post("/external-task/<ident>/complete")
def external_task_complete(ident: str) -> Response:
    v, b = access.require("worker"), body()
    job = _id(ident)
    ext.complete(_engine(), job, v.tenant, _need(b, "workerId", 128),
                 decode(b.get("variables")), decode(b.get("localVariables"), "localVariables"))
    return no_content()


@bp.post("/external-task/<ident>/failure")
def external_task_failure(ident: str) -> Response:
    v, b = access.require("worker"), body()
    job = _id(ident)
    message = b.get("errorMessage")
    if message is not None and not isinstance(message, str):
        raise RestError(400, "'errorMessage' must be a text")
    details = b.get("errorDetails")
    if details is not None and not isinstance(details, str):
        raise RestError(400, "'errorDetails' must be a text")
    ops_jobs.outside_failure(_engine(), job, v.tenant, _need(b, "workerId", 128),
                             message[:MESSAGE_MAX] if message else None, details,
                             _int(b, "retries", 0, high=2**31 - 1), _int(b, "retryTimeout", 0))
    return no_content()


@bp.post("/external-task/<ident>/bpmnError")
def external_task_bpmn_error(ident: str) -> Response:
    v, b = access.require("worker"), body()
    job = _id(ident)
    message = b.get("errorMessage")
    if message is not None and not isinstance(message, str):
        raise RestError(400, "'errorMessage' must be a text")
    ext.bpmn_error(_engine(), job, v.tenant, _need(b, "workerId", 128),
                   _need(b, "errorCode"), message[:MESSAGE_MAX] if message else None,
                   decode(b.get("variables")))
    return no_content()


@bp.post("/external-task/<ident>/extendLock")
def external_task_extend_lock(ident: str) -> Response:
    v, b = access.require("worker"), body()
    job = _id(ident)
    ops_jobs.outside_lock(_engine(), job, v.tenant, _need(b, "workerId", 128),
                          _int(b, "newDuration", low=1), extend=True)
    return no_content()


@bp.post("/external-task/<ident>/lock")
def external_task_lock(ident: str) -> Response:
    v, b = access.require("worker"), body()
    job = _id(ident)
    ops_jobs.outside_lock(_engine(), job, v.tenant, _need(b, "workerId", 128),
                          _int(b, "lockDuration", low=1))
    return no_content()


@bp.post("/external-task/<ident>/unlock")
def external_task_unlock(ident: str) -> Response:
    v = access.require("worker", "admin", "operator")
    ops_jobs.outside_lock(_engine(), _id(ident), v.tenant, None, 0)
    return no_content()


@bp.put("/external-task/<ident>/retries")
def external_task_retries(ident: str) -> Response:
    v, b = access.require(*RETRIERS), body()
    ops_jobs.outside_retries(_engine(), _id(ident), v.tenant, _int(b, "retries", high=2**31 - 1), v.user)
    return no_content()


@bp.put("/external-task/retries")
def external_task_retries_bulk() -> Response:
    v, b = access.require(*RETRIERS), body()
    retries = _int(b, "retries", high=2**31 - 1)
    ids = [_id(i) for i in _strings(b, "externalTaskIds") or []]
    instances = [r for r in (wire.row_id(i) for i in _strings(b, "processInstanceIds") or []) if r is not None]
    if instances:
        found = ext.listing(_engine(), ext.Query(instance_ids=instances, tenants={v.tenant}), [])
        ids += [t["id"] for t in found]
    if not ids:
        raise RestError(400, "externalTaskIds or processInstanceIds must name at least one external task")
    for job in dict.fromkeys(ids):
        ops_jobs.outside_retries(_engine(), job, v.tenant, retries, v.user)
    return no_content()
