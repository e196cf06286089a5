"""Outside workers' external tasks (Camunda 7's fetchAndLock API): fetch and lock, long polling, the list.

An outside job (external_job of kind `outside`, engine/projections.py) is fetchable while it is `pending`
and due, or `locked` with its lock run out; fetching locks it to a worker for the topic's lockDuration.
Candidates are read first (the filters that need the instance's variables or the diagram run here in
Python), then locked in small batches with FOR UPDATE SKIP LOCKED on PostgreSQL, the availability checked
again under the lock, so two workers never get one task and neither waits for the other.
"""
from __future__ import annotations

import re
import threading
import time
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable

from lxml import etree
from sqlalchemy import and_, func, or_, select, update

from engine import wakeup
from engine.bpmn.mapping_specs import InputParameters
from engine.db.models import DeployedFile, ExternalJob, ProcessDefinition, ProcessInstance
from engine.db.session import utc
from engine.errors import Conflict, NotFound
from engine.external_task_requests import Fetch, Topic  # noqa: F401 — the web layer builds requests from here
from engine.external_task_requests import matching as _matching
from engine.external_task_requests import topic_filter as _topic_filter
from engine.ops_jobs import OUTSIDE, later

if TYPE_CHECKING:
    from engine.kernel import Kernel

J, P, D = ExternalJob, ProcessInstance, ProcessDefinition
CANDIDATES = 500  # due tasks read per page; SQL applies each topic's filters, Python the version tag and variables
PAGES = 20  # pages read per look when the Python filters leave too few (then the next look goes on)
LONGEST_WAIT = 30.0  # a waiting poll looks again at least this often (as Operaton's handler)
ACTIVE = ("pending", "locked", "incident")  # the runtime tasks Camunda lists; done and cancelled ones are gone
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
# per engine (tests run several databases in one process): deployed file id → {process id: versionTag}, and
# (definition id, element id) → the external task's local variable names; both never change once deployed
_caches: weakref.WeakKeyDictionary[Any, dict[Any, Any]] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def _cache(engine: Kernel) -> dict[Any, Any]:
    with _cache_lock:
        return _caches.setdefault(engine.repository, {})


def _columns() -> Any:
    return (select(J.id, J.topic, J.status, J.locked_by, J.lock_expires_at, J.created_at, J.retries, J.last_error,
                   J.error_details, J.priority, J.element_id, J.task_id, J.instance_id, P.business_key, P.tenant,
                   P.definition_id, D.key, D.version, D.file_id)
            .join(P, P.id == J.instance_id).join(D, D.id == P.definition_id)
            .where(J.kind == OUTSIDE, P.status == "running"))


def _available(now: datetime) -> Any:
    return or_(and_(J.status == "pending", J.next_run_at <= now), and_(J.status == "locked", J.lock_expires_at <= now))


def fetch_and_lock(engine: Kernel, tenant: str, request: Fetch,
                   connected: Callable[[], bool] | None = None) -> list[dict[str, Any]]:
    """Lock up to max_tasks matching tasks to the worker; with a timeout, wait (woken by commits) until some
    appear or the time is up, then []. A waiting request holds its server thread (a threaded server); it ends
    with [] when the engine stops or `connected` says the client hung up (engine/wakeup.py checks it while
    waiting), so no task is locked to a worker that is gone."""
    deadline = time.monotonic() + request.timeout_ms / 1000
    wake = wakeup.of(engine) if request.timeout_ms > 0 and request.max_tasks > 0 else None
    while True:
        seen = wake.generation() if wake is not None else 0  # before looking: a commit meanwhile wakes us
        got = _fetch_once(engine, tenant, request)
        left = deadline - time.monotonic()
        if got or wake is None or left <= 0:
            return got
        due = _next_due(engine, tenant, request)
        wait = min(left, LONGEST_WAIT)
        if due is not None:
            wait = min(wait, max(0.005, (due - engine.now()).total_seconds() + 0.005))
        if not wake.wait_or_leave(seen, wait, connected):  # the engine stopped or the client hung up
            return []


def _fetch_once(engine: Kernel, tenant: str, request: Fetch) -> list[dict[str, Any]]:
    if request.max_tasks <= 0:
        return []
    now = engine.now()
    query = _columns().where(P.tenant == tenant, or_(*(_topic_filter(t) for t in request.topics)), _available(now))
    if any(t.process_variables for t in request.topics):
        query = query.add_columns(P.variables)
    order = [J.priority.desc()] if request.use_priority else []
    if request.created_desc is not None:
        order.append(J.created_at.desc() if request.created_desc else J.created_at.asc())
    chosen: list[tuple[Any, Topic]] = []
    with engine.read() as conn:
        for page in range(PAGES):  # one page, unless a version tag or process variables filter most of it out
            rows = conn.execute(query.order_by(*order, J.id).offset(page * CANDIDATES).limit(CANDIDATES)).all()
            chosen += [(row, topic) for row in rows if (topic := _matching(engine, conn, row, request.topics))]
            if len(chosen) >= request.max_tasks or len(rows) < CANDIDATES:
                break
    if not chosen:
        return []
    taken: list[tuple[Any, Topic]] = []
    with engine.unit() as conn:
        pos = 0
        while len(taken) < request.max_tasks and pos < len(chosen):  # a batch as large as what is still wanted
            batch = chosen[pos:pos + request.max_tasks - len(taken)]
            pos += len(batch)
            lock = select(J.id).where(J.id.in_([r.id for r, _ in batch]), _available(now))
            if engine.fast.pg:  # another worker's rows are skipped, never waited for
                lock = lock.with_for_update(skip_locked=True)
            held = set(conn.scalars(lock))
            for row, topic in batch:
                if row.id in held:
                    conn.execute(update(J).where(J.id == row.id).values(
                        status="locked", locked_by=request.worker,
                        lock_expires_at=later(now, topic.lock_ms)))
                    taken.append((row, topic))
        extra = dict((r[0], (r[1], r[2])) for r in conn.execute(
            select(J.id, J.payload, J.properties).where(J.id.in_([r.id for r, _ in taken]))))
        out = []
        for row, topic in taken:
            payload, properties = extra[row.id]
            task = _described(engine, conn, row)
            task.update(workerId=request.worker, lockExpirationTime=later(now, topic.lock_ms),
                        variables=_variables(engine, conn, row, topic, payload or {}),
                        extensionProperties=dict(properties or {}) if topic.extension_properties else {})
            out.append(task)
    return out


def _next_due(engine: Kernel, tenant: str, request: Fetch) -> datetime | None:
    """When the soonest of the topics' waiting tasks becomes fetchable (a retry timeout, a lock running out)."""
    now = engine.now()
    names = sorted({t.name for t in request.topics})
    where = (J.kind == OUTSIDE, J.topic.in_(names), P.tenant == tenant)
    with engine.read() as conn:
        pending = conn.scalar(select(func.min(J.next_run_at)).join(P, P.id == J.instance_id)
                              .where(*where, J.status == "pending", J.next_run_at > now))
        locked = conn.scalar(select(func.min(J.lock_expires_at)).join(P, P.id == J.instance_id)
                             .where(*where, J.status == "locked", J.lock_expires_at > now))
    found = [utc(d) for d in (pending, locked) if d is not None]
    return min(found) if found else None  # type: ignore[type-var]


def _described(engine: Kernel, conn: Any, row: Any) -> dict[str, Any]:
    """What Camunda's ExternalTaskDto says of a task (dates as aware datetimes, the definition as its parts)."""
    return {"id": row.id, "topicName": row.topic, "workerId": row.locked_by,
            "lockExpirationTime": utc(row.lock_expires_at) if row.status == "locked" else None,
            "createTime": utc(row.created_at), "retries": row.retries, "errorMessage": row.last_error,
            "errorDetails": row.error_details, "priority": row.priority or 0, "activityId": row.element_id,
            "executionId": row.task_id, "processInstanceId": row.instance_id, "businessKey": row.business_key,
            "tenantId": row.tenant, "definition": (row.key, row.version, row.definition_id),
            "processDefinitionVersionTag": version_tag(engine, conn, row.file_id, row.key), "suspended": False}


def _variables(engine: Kernel, conn: Any, row: Any, topic: Topic, payload: dict[str, Any]) -> dict[str, Any]:
    values = dict(payload)
    if topic.local:
        names = set(local_names(engine, conn, row.definition_id, row.element_id))
        values = {k: v for k, v in values.items() if k in names}
    if topic.variables is not None:
        values = {k: values[k] for k in topic.variables if k in values}
    return values


def version_tag(engine: Kernel, conn: Any, file_id: int, key: str) -> str | None:
    """camunda:versionTag of process `key` in a deployed file (read once per file)."""
    cache = _cache(engine)
    tags = cache.get(("tags", file_id))
    if tags is None:
        content = conn.scalar(select(DeployedFile.content).where(DeployedFile.id == file_id)) or b""
        tags = {}
        if re.search(rb"versionTag", content):
            try:
                root = etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True))
                for node in root.iter("{*}process"):
                    tags[node.get("id")] = node.get(f"{{{CAMUNDA}}}versionTag")
            except etree.XMLSyntaxError:
                pass
        cache[("tags", file_id)] = tags
    return tags.get(key)  # type: ignore[no-any-return]


def local_names(engine: Kernel, conn: Any, definition_id: int, element_id: str) -> list[str]:
    """The external task's local variables (its input parameters), from the diagram (cached)."""
    cache, key = _cache(engine), ("locals", definition_id, element_id)
    found = cache.get(key)
    if found is None:
        spec, subs = engine.repository.spec(conn, definition_id)
        found = []
        for process in [spec, *subs.values()]:
            for task_spec in process.task_specs.values():
                if getattr(task_spec, "bpmn_id", None) == element_id:
                    found += [n for o in getattr(task_spec, "data_input_associations", ())
                              if isinstance(o, InputParameters) for n, _ in o.params]
        cache[key] = found
    return found  # type: ignore[no-any-return]


# -- the list: GET /external-task ------------------------------------------------------------------------
SORTS = {"id": J.id, "lockExpirationTime": J.lock_expires_at, "processInstanceId": J.instance_id,
         "processDefinitionId": P.definition_id, "processDefinitionKey": D.key, "tenantId": P.tenant,
         "taskPriority": J.priority, "createTime": J.created_at}


@dataclass
class Query:
    """GET /external-task's filters (None: not filtered)."""

    ids: list[int] | None = None
    topic: str | None = None
    worker: str | None = None
    locked: bool | None = None  # True: locked now; False: not locked now
    retries_left: bool | None = None  # True: retries null or > 0; False: retries 0
    lock_after: datetime | None = None
    lock_before: datetime | None = None
    activity_ids: list[str] | None = None
    execution_id: str | None = None
    instance_ids: list[int] | None = None
    definition_id: int | None = None
    tenants: set[str] = field(default_factory=set)
    priority_min: int | None = None
    priority_max: int | None = None
    suspended: bool | None = None
    error_details: bool = False


def listing(engine: Kernel, query: Query, order: list[tuple[str, bool]], first: int = 0, most: int | None = None,
            count: bool = False) -> Any:
    """The tasks (dicts as _described), or how many there are."""
    now = engine.now()
    q = _columns().where(J.status.in_(ACTIVE), P.tenant.in_(sorted(query.tenants)))
    if query.suspended:
        q = q.where(False)  # nothing is suspended in kentei
    conditions = [
        (query.ids, lambda: J.id.in_(query.ids)), (query.topic, lambda: J.topic == query.topic),
        (query.worker, lambda: J.locked_by == query.worker),
        (query.activity_ids, lambda: J.element_id.in_(query.activity_ids)),
        (query.execution_id, lambda: J.task_id == query.execution_id),
        (query.instance_ids, lambda: J.instance_id.in_(query.instance_ids)),
        (query.definition_id, lambda: P.definition_id == query.definition_id),
        (query.lock_after, lambda: and_(J.status == "locked", J.lock_expires_at > query.lock_after)),
        (query.lock_before, lambda: and_(J.status == "locked", J.lock_expires_at < query.lock_before)),
        (query.priority_min, lambda: J.priority >= query.priority_min),
        (query.priority_max, lambda: J.priority <= query.priority_max)]
    for value, condition in conditions:
        if value is not None:
            q = q.where(condition())
    locked_now = and_(J.status == "locked", J.lock_expires_at > now)
    if query.locked is not None:
        q = q.where(locked_now if query.locked else ~locked_now)
    if query.retries_left is not None:
        q = q.where(or_(J.retries.is_(None), J.retries > 0) if query.retries_left else J.retries == 0)
    with engine.read() as conn:
        if count:
            return conn.scalar(select(func.count()).select_from(q.subquery()))
        ordering = [SORTS[name].desc() if desc else SORTS[name].asc() for name, desc in order]
        rows = conn.execute(q.order_by(*ordering, J.id).offset(first).limit(most)).all()
        return [_described(engine, conn, row) for row in rows]


def error_details(engine: Kernel, job_id: int, tenant: str) -> str | None:
    """The errorDetails the worker's last failure sent; NotFound for no such task of the prefecture."""
    with engine.read() as conn:
        row = conn.execute(select(J.error_details).join(P, P.id == J.instance_id).where(
            J.id == job_id, J.kind == OUTSIDE, J.status.in_(ACTIVE), P.tenant == tenant,
            P.status == "running")).first()
    if row is None:
        raise NotFound(f"External task with id {job_id} does not exist")
    return row[0]


# -- finishing: complete and bpmnError run the instance on (failure, locks, retries: ops_jobs.outside_*) ----
class Uncaught(Exception):
    """A worker's BPMN error that no error boundary event or error event subprocess catches."""


def instance_of(engine: Kernel, job_id: int, tenant: str) -> int:
    """The instance of a live outside task of the prefecture; NotFound otherwise (another's is not found)."""
    with engine.read() as conn:
        found = conn.scalar(select(J.instance_id).join(P, P.id == J.instance_id).where(
            J.id == job_id, J.kind == OUTSIDE, J.status.in_(ACTIVE), P.tenant == tenant,
            P.status == "running"))
    if found is None:
        raise NotFound(f"External task with id {job_id} does not exist")
    return int(found)


def complete(engine: Kernel, job_id: int, tenant: str, worker: str, variables: dict[str, Any],
             local: dict[str, Any]) -> None:
    """The worker's result: `variables` to the process (as a remote handler's result), `local` to the task's own
    scope, where its output mappings read them and they end with it; the instance runs on."""
    from engine.bpmn.mapping_specs import LOCALS, OutputParameters

    def act(inst: Any, step: Any, task: Any, held: Any) -> None:
        if local and any(isinstance(o, OutputParameters) for o in task.task_spec.data_output_associations):
            task.data.update(local)
            task.internal_data[LOCALS] = sorted(set(task.internal_data.get(LOCALS, [])) | set(local))
        inst.complete_started(task, dict(variables))
        step.record("job_completed", held[3], {"job": job_id, "topic": held[4], "worker": worker,
                                               "fields": sorted(variables)})
    _finish(engine, job_id, tenant, worker, f"External Task {job_id} cannot be completed", act)


def bpmn_error(engine: Kernel, job_id: int, tenant: str, worker: str, code: str, message: str | None,
               variables: dict[str, Any]) -> None:
    """Throw the worker's BPMN error at the task, with `variables` set first; uncaught: an incident (kentei's
    rule for an uncaught error, where Camunda 7 ends the execution)."""
    from SpiffWorkflow.bpmn.util import BpmnEvent

    from engine.bpmn.error_events import KenteiErrorEventDefinition

    def act(inst: Any, step: Any, task: Any, held: Any) -> None:
        if not inst.catches_error(task, code):
            raise Uncaught(f"BPMN error '{code}' ({message or code}) from worker '{worker}' is not caught by an "
                           "error boundary event or an error event subprocess")
        step.record("bpmn_error", held[3], {"code": code, "message": message or code, "worker": worker,
                                            "fields": sorted(variables)})
        # the worker's variables alone are the payload the catching event sets (as Camunda 7: no errorCode or
        # errorMessage variable; camunda:errorCodeVariable / errorMessageVariable get them from the definition)
        inst.workflow.top_workflow.catch(BpmnEvent(KenteiErrorEventDefinition(code, code, message),
                                                   payload=dict(variables), target=task.workflow))
    try:
        _finish(engine, job_id, tenant, worker, f"Bpmn error of External Task {job_id} cannot be reported", act)
    except Uncaught as exc:
        from types import SimpleNamespace

        from engine.ops_jobs import _open_incident
        _open_incident(engine, SimpleNamespace(id=job_id), "step_failed", str(exc), None)  # type: ignore[arg-type]


def _finish(engine: Kernel, job_id: int, tenant: str, worker: str, refusal: str, act: Any) -> None:
    fast = engine.fast
    instance_id = instance_of(engine, job_id, tenant)
    with engine.unit() as conn:
        instance = engine.lock_instance(conn, instance_id)  # the instance first, as every operation
        held = fast.run(conn, "SELECT status, locked_by, task_id, element_id, topic FROM external_job WHERE id = :id"
                        + (" FOR UPDATE" if fast.pg else ""), {"id": job_id}).first()
        if held is None or held[0] not in ACTIVE:
            raise NotFound(f"External task with id {job_id} does not exist")
        if held[1] != worker:
            raise Conflict(f"{refusal} by worker '{worker}'. It is locked by worker '{held[1] or 'null'}'.")

        def action(inst: Any, step: Any) -> None:
            task = inst.task(held[2])
            if task is None:
                raise Conflict(f"the task of external task {job_id} is no longer waiting")
            act(inst, step, task, held)
            step.finished_jobs.add(held[2])
        step = engine.operate(conn, instance, action)
        fast.run(conn, "UPDATE external_job SET status = 'done', locked_by = NULL, lock_expires_at = NULL "
                       "WHERE id = :id", {"id": job_id})
    engine.publish(step)
