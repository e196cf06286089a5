"""Jobs: claim with a lease, run, retry with backoff, incident when the attempts run out.

Two kinds share the table and the lease: a remote handler's job (`external`: the handler runs
outside any transaction, then its result is applied in one) and a save point's continuation
(`async`, camunda:asyncBefore / asyncAfter: the instance runs on from the save point in one
transaction, which a failure rolls back whole, to the save point).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import and_, or_, select

from engine import incident_retry, wakeup
from engine.bpmn import async_points
from engine.db.models import ExternalJob, Incident, ProcessInstance, Timer
from engine.db.session import utc
from engine.errors import Conflict, NotFound, StepFailed
from handlers.base import BpmnError, HandlerContext

if TYPE_CHECKING:
    from engine.instance import Instance
    from engine.kernel import Kernel
    from engine.step import Step

log = logging.getLogger("kentei.jobs")
OUTSIDE = "outside"  # external_job.kind of a topic outside workers serve (engine/external_tasks.py), never run here


@dataclass(frozen=True)
class ClaimedJob:
    """A job leased to one worker: what the handler needs, copied out of the transaction."""

    id: int
    instance_id: int
    task_id: str
    element_id: str
    topic: str
    payload: dict[str, Any]
    result: dict[str, Any] | None
    attempts: int
    properties: dict[str, str]
    kind: str = "external"


def claim(engine: Kernel, worker: str, limit: int = 10) -> list[ClaimedJob]:
    """Lease due jobs (or jobs whose lease ran out) to `worker`."""
    now = engine.now()
    with engine.transaction() as session, session.begin():
        query = (select(ExternalJob).where(ExternalJob.kind != OUTSIDE, or_(
            and_(ExternalJob.status == "pending", ExternalJob.next_run_at <= now),
            and_(ExternalJob.status == "locked", ExternalJob.lock_expires_at <= now)))
            .order_by(ExternalJob.next_run_at).limit(limit))
        if engine.fast.pg:
            query = query.with_for_update(skip_locked=True)
        jobs = session.scalars(query).all()
        lease = now + timedelta(seconds=engine.settings.job_lease_seconds)
        claimed = []
        for job in jobs:
            job.status, job.locked_by, job.lock_expires_at = "locked", worker, lease
            # a handler's run counts when it starts; a continuation's when it fails, so that a worker's crash
            # (the lease runs out, another worker takes the job over) costs no attempt, as in Camunda 7
            job.attempts += 0 if job.result is not None or job.kind == async_points.KIND else 1
            claimed.append(ClaimedJob(job.id, job.instance_id, job.task_id, job.element_id, job.topic,
                                      dict(job.payload or {}), job.result, job.attempts, dict(job.properties or {}),
                                      job.kind))
        return claimed


def execute(engine: Kernel, job: ClaimedJob, worker: str) -> str:
    """Run one claimed job's handler and record the outcome; returns done|retry|incident|bpmn_error|lost."""
    if job.kind == async_points.KIND:
        return continue_async(engine, job, worker)
    if job.result is not None:  # the handler ran before; only applying its result failed
        return complete(engine, job, worker, job.result)
    registration = engine.handlers.get(job.topic)
    tenant, business_key = _instance_keys(engine, job.instance_id)
    try:
        if registration is None:
            raise LookupError(f"no handler is registered for topic '{job.topic}'")
        ctx = HandlerContext(topic=job.topic, instance_id=job.instance_id, tenant=tenant, business_key=business_key,
                             element_id=job.element_id, idempotency_key=f"job-{job.id}", now=engine.now(),
                             properties=job.properties)
        result = registration.handler(ctx, job.payload) or {}
    except BpmnError as err:
        return bpmn_error(engine, job, worker, err)
    except Exception as exc:  # any handler failure is retried, then becomes an incident
        log.warning("job %s (%s) failed: %s", job.id, job.topic, exc)
        return fail(engine, job, worker, f"{type(exc).__name__}: {exc}")
    return complete(engine, job, worker, dict(result))


def complete(engine: Kernel, job: ClaimedJob, worker: str, result: dict[str, Any]) -> str:
    """Finish the job's service task with the handler's output and run the instance on."""
    def action(inst: "Instance", step: "Step") -> None:
        task = inst.task(job.task_id)
        if task is None:
            raise Conflict(f"the task of job {job.id} is no longer waiting")
        inst.complete_started(task, result)
        step.finished_jobs.add(job.task_id)
        step.record("job_completed", job.element_id, {"job": job.id, "topic": job.topic, "fields": sorted(result)})
    return _with_job(engine, job, worker, action, "done", result)


def continue_async(engine: Kernel, job: ClaimedJob, worker: str) -> str:
    """Run on from a save point in one transaction; if that fails, roll it back whole and count the attempt."""
    def action(inst: "Instance", step: "Step") -> None:
        task = inst.task(job.task_id)
        if task is None or task.state != TaskState.STARTED or not isinstance(task.task_spec, async_points.AsyncPoint):
            raise Conflict(f"the save point of job {job.id} is no longer waiting")
        inst.complete_started(task, {})
        step.finished_jobs.add(job.task_id)
        step.record("async_continued", job.element_id, {"job": job.id, "at": task.task_spec.kind})
    try:
        return _with_job(engine, job, worker, action, "done", None, fail_whole=True)
    except StepFailed as exc:  # the transaction rolled back: the instance still waits at the save point
        log.warning("async continuation %s at %s failed: %s", job.id, job.element_id, exc)
        return fail(engine, job, worker, f"{exc.element_id or job.element_id}: {exc.message}")


def bpmn_error(engine: Kernel, job: ClaimedJob, worker: str, err: BpmnError) -> str:
    """The handler raised a BPMN error: throw it at the task for an error boundary event."""
    def action(inst: "Instance", step: "Step") -> None:
        task = inst.task(job.task_id)
        if task is None:
            raise Conflict(f"the task of job {job.id} is no longer waiting")
        if not inst.catches_error(task, err.code):
            raise Conflict(f"BPMN error '{err.code}' ({err.message}) is not caught by an error boundary event")
        step.finished_jobs.add(job.task_id)
        step.bpmn_errors.append((task, err))
    return _with_job(engine, job, worker, action, "bpmn_error", None)


def _with_job(engine: Kernel, job: ClaimedJob, worker: str, action: Any, outcome: str,
              result: dict[str, Any] | None, fail_whole: bool = False) -> str:
    try:
        fast = engine.fast
        with engine.unit() as conn:
            instance = engine.lock_instance(conn, job.instance_id)  # instance first, as every operation
            held = fast.run(conn, "SELECT status, locked_by FROM external_job WHERE id = :id",
                            {"id": job.id}).first()
            if held is None or held[0] != "locked" or held[1] != worker:
                return "lost"  # the lease ran out and another worker has it, or it was cancelled
            step = engine.operate(conn, instance, action, fail_whole=fail_whole)
            fast.run(conn, "UPDATE external_job SET status = 'done', locked_by = NULL, result = NULL "
                           "WHERE id = :id", {"id": job.id})
        engine.publish(step)
        return outcome
    except StepFailed as exc:
        if fail_whole:
            raise
        return _open_incident(engine, job, "step_failed", str(exc), result)
    except Conflict as exc:
        return _open_incident(engine, job, "step_failed", str(exc), result)


def fail(engine: Kernel, job: ClaimedJob, worker: str, error: str) -> str:
    """Count a failed attempt: retry later with exponential backoff, or open an incident."""
    with engine.transaction() as session, session.begin():
        row = session.get(ExternalJob, job.id, with_for_update=True)
        if row is None or row.status != "locked" or row.locked_by != worker:
            return "lost"
        row.last_error, row.locked_by = error, None
        if row.kind == async_points.KIND:
            row.attempts += 1
        if row.attempts >= row.max_attempts:
            row.status = "incident"
            what = "the async continuation" if row.kind == async_points.KIND else row.topic
            _add_incident(session, engine, row, "job_failed", f"{what} failed after {row.attempts} attempts: {error}")
            return "incident"
        row.status, row.next_run_at = "pending", _next_run(engine, row)
        return "retry"


def _next_run(engine: Kernel, row: ExternalJob) -> Any:
    """The element's failedJobRetryTimeCycle, else the global exponential backoff."""
    if row.retry_cycle:
        return async_points.retry_due(row.retry_cycle, row.attempts, engine.now())
    return engine.now() + timedelta(seconds=engine.settings.job_backoff_seconds * 2 ** (row.attempts - 1))


def _open_incident(engine: Kernel, job: ClaimedJob, kind: str, message: str, result: dict[str, Any] | None) -> str:
    with engine.transaction() as session, session.begin():
        row = session.get(ExternalJob, job.id, with_for_update=True)
        if row is None:
            return "lost"
        row.status, row.locked_by, row.result, row.last_error = "incident", None, result, message
        _add_incident(session, engine, row, kind, message)
    return "incident"


def _add_incident(session: Any, engine: Kernel, job: ExternalJob, kind: str, message: str) -> None:
    tenant, _ = _instance_keys(engine, job.instance_id, session)
    now = engine.now()
    done, next_try = incident_retry.plan(session, engine, job.id, kind, now)
    session.add(Incident(instance_id=job.instance_id, tenant=tenant, job_id=job.id, element_id=job.element_id,
                         kind=kind, message=message, status="open", created_at=now, auto_retries=done,
                         next_auto_retry_at=next_try))


def _instance_keys(engine: Kernel, instance_id: int, session: Any = None) -> tuple[str, str | None]:
    if session is None:
        with engine.transaction() as s:
            row = s.get(ProcessInstance, instance_id)
            return (row.tenant, row.business_key) if row else ("", None)
    row = session.get(ProcessInstance, instance_id)
    return (row.tenant, row.business_key) if row else ("", None)


def retry(engine: Kernel, incident_id: int, user: str | None = None) -> str:
    """Resume after an incident: the job runs again (attempts reset), or the failed step runs again."""
    with engine.transaction() as session, session.begin():
        incident = session.get(Incident, incident_id)
        if incident is None:
            raise NotFound(f"incident {incident_id} does not exist")
        # the instance first, as every operation locks it (an outside task's retries lock instance, job,
        # incident): two retries of one incident at once wait for each other instead of deadlocking
        session.get(ProcessInstance, incident.instance_id, with_for_update=True)
        session.refresh(incident, with_for_update=True)
        if incident.status != "open":
            raise Conflict(f"incident {incident_id} is {incident.status}")
        incident.status, incident.resolved_at, incident.resolved_by = "resolved", engine.now(), user
        incident.next_auto_retry_at, incident.resolution = None, "retried"
        if incident.job_id is not None:
            job = session.get(ExternalJob, incident.job_id, with_for_update=True)
            job.status, job.attempts, job.next_run_at, job.locked_by = "pending", 0, engine.now(), None
            if job.kind == OUTSIDE:  # fetchable again, with one retry if the worker had left none (as Cockpit)
                job.lock_expires_at, job.retries = None, None if job.retries is None else max(job.retries, 1)
                wakeup.changed(session.connection(), engine.fast.pg, [job.topic])
            return "job_rescheduled"
        session.execute(Timer.__table__.update().where(Timer.instance_id == incident.instance_id,
                                                      Timer.status == "incident").values(status="waiting"))
        instance_id = incident.instance_id
    # a failed step: run the instance on from where it waits
    with engine.unit() as conn:
        row = engine.lock_instance(conn, instance_id)
        step = engine.operate(conn, row, lambda inst, st: st.record("retried", incident.element_id, None, user))
    engine.publish(step)
    return "step_retried"


def run_once(engine: Kernel, worker: str, limit: int = 10) -> dict[str, int]:
    """Claim and execute one batch; returns counts by outcome."""
    counts: dict[str, int] = {}
    for job in claim(engine, worker, limit):
        outcome = execute(engine, job, worker)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


# -- outside workers' tasks (Camunda 7 external tasks, engine/external_tasks.py): failure, locks, retries --
FAILED_EXTERNAL_TASK = "failedExternalTask"  # the incident of a task whose worker left no retries
LONGEST_LOCK_MS = 100 * 366 * 86_400_000  # a worker's Java long of ms (Long.MAX_VALUE: "for ever") stops at a century


def later(now: Any, ms: int) -> Any:
    """`now` plus a worker's lockDuration, newDuration or retryTimeout (ms), never past a date's range."""
    return now + timedelta(milliseconds=min(max(ms, 0), LONGEST_LOCK_MS))


def _outside(session: Any, engine: Kernel, job_id: int, tenant: str) -> ExternalJob:
    """A live outside job of the prefecture, locked with its instance (the instance first); else NotFound."""
    job = session.get(ExternalJob, job_id)
    owner = session.get(ProcessInstance, job.instance_id, with_for_update=True) if job is not None else None
    if job is not None:
        session.refresh(job, with_for_update=True)
    if (job is None or owner is None or job.kind != OUTSIDE or owner.tenant != tenant or owner.status != "running"
            or job.status not in ("pending", "locked", "incident")):
        raise NotFound(f"External task with id {job_id} does not exist")
    return job


def _owned(job: ExternalJob, worker: str, refusal: str) -> None:
    if job.locked_by != worker:
        raise Conflict(f"{refusal} by worker '{worker}'. It is locked by worker '{job.locked_by or 'null'}'.")


def outside_failure(engine: Kernel, job_id: int, tenant: str, worker: str, message: str | None,
                    details: str | None, retries: int, timeout_ms: int) -> None:
    """The worker failed: with retries left the task is fetchable again after `timeout_ms`, else an incident."""
    with engine.transaction() as session, session.begin():
        job = _outside(session, engine, job_id, tenant)
        _owned(job, worker, f"Failure of External Task {job_id} cannot be reported")
        job.last_error, job.error_details, job.retries = message, details, retries
        if retries > 0:
            job.status, job.lock_expires_at = "locked", later(engine.now(), timeout_ms)
            wakeup.changed(session.connection(), engine.fast.pg, [job.topic])
        else:
            job.status, job.locked_by, job.lock_expires_at = "incident", None, None
            _add_incident(session, engine, job, FAILED_EXTERNAL_TASK, message or f"{job.topic} failed")


def outside_retries(engine: Kernel, job_id: int, tenant: str, retries: int, user: str | None) -> None:
    """Set a task's retries: above 0 resolves its incident (fetchable again), 0 opens one."""
    now = engine.now()
    with engine.transaction() as session, session.begin():
        job = _outside(session, engine, job_id, tenant)
        job.retries = retries
        if job.status == "incident" and retries > 0:
            job.status, job.next_run_at, job.locked_by, job.lock_expires_at = "pending", now, None, None
            session.execute(Incident.__table__.update().where(Incident.job_id == job.id, Incident.status == "open")
                            .values(status="resolved", resolution="retried", resolved_at=now, resolved_by=user,
                                    next_auto_retry_at=None))
            wakeup.changed(session.connection(), engine.fast.pg, [job.topic])
        elif job.status != "incident" and retries == 0:
            job.status, job.locked_by, job.lock_expires_at = "incident", None, None
            _add_incident(session, engine, job, FAILED_EXTERNAL_TASK, job.last_error or "the retries were set to 0")


def outside_lock(engine: Kernel, job_id: int, tenant: str, worker: str | None, duration_ms: int,
                 extend: bool = False) -> None:
    """lock (worker, duration), extendLock (extend=True) or unlock (worker None)."""
    now = engine.now()
    with engine.transaction() as session, session.begin():
        job = _outside(session, engine, job_id, tenant)
        held = job.status == "locked" and job.lock_expires_at is not None and utc(job.lock_expires_at) > now
        if worker is None:
            if job.status == "locked":
                job.status, job.next_run_at, job.locked_by, job.lock_expires_at = "pending", now, None, None
                wakeup.changed(session.connection(), engine.fast.pg, [job.topic])
            return
        if extend:
            if job.locked_by != worker and held:
                raise Conflict(f"The lock of the External Task {job_id} cannot be extended by worker '{worker}'")
            if not held or job.locked_by != worker:
                raise Conflict(f"Cannot extend a lock that expired: External Task {job_id} is not locked by "
                               f"worker '{worker}'")
        elif job.status == "incident":
            raise Conflict(f"External Task {job_id} has no retries left: set its retries first")
        elif held and job.locked_by != worker:
            raise Conflict(f"External Task {job_id} is already locked by worker '{job.locked_by}'")
        job.status, job.locked_by = "locked", worker
        job.lock_expires_at = later(now, duration_ms)
