"""Closing an incident without a retry: the work was done outside kentei, and an administrator says so.

Camunda lets an operator resolve an incident; here that is for a failed external job only (the registry
was updated by hand, the notice was posted on paper). The job's service task completes with the values the
administrator gives (none by default) and the instance runs on. The note says why; it stays on the incident
row (erased with the instance's data), and the history records that it happened, by whom, and which fields
were set, never their values. A failed step that is not a job cannot be skipped: fix the cause and retry.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.db.models import Incident
from engine.errors import Conflict, EngineError, NotFound

if TYPE_CHECKING:
    from engine.instance import Instance
    from engine.kernel import Kernel
    from engine.step import Step

NOTE_MAX = 1000


class ResolutionInvalid(EngineError):
    """The resolution's note or values cannot be used; `field` names which."""

    status = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def resolve(engine: Kernel, incident_id: int, user: str, note: str,
            variables: dict[str, Any] | None = None) -> None:
    """Close an open job incident by hand: the task completes with `variables`, the instance runs on."""
    note = (note or "").strip()
    if not note:
        raise ResolutionInvalid("note", "a note is required: say what was done outside kentei")
    if len(note) > NOTE_MAX:
        raise ResolutionInvalid("note", f"the note is longer than {NOTE_MAX} characters")
    if variables is not None and (not isinstance(variables, dict) or not all(isinstance(k, str) for k in variables)):
        raise ResolutionInvalid("variables", "variables must be an object of name → value")
    values = dict(variables or {})
    with engine.reading() as session:
        incident = session.get(Incident, incident_id)
        if incident is None:
            raise NotFound(f"incident {incident_id} does not exist")
        if incident.status != "open":
            raise Conflict(f"incident {incident_id} is {incident.status}")
        if incident.job_id is None:
            raise Conflict(f"incident {incident_id} is a failed step, not a job: fix the cause and retry it")
        job_id, instance_id = incident.job_id, incident.instance_id

    with engine.unit() as conn:
        instance = engine.lock_instance(conn, instance_id)  # the instance first, as every operation
        fast = engine.fast
        lock = " FOR UPDATE" if fast.pg else ""  # the incident, then the job: the order retry() takes them in
        still = fast.run(conn, "SELECT status FROM incident WHERE id = :id" + lock, {"id": incident_id}).first()
        held = fast.run(conn, "SELECT status, task_id, element_id, topic, result FROM external_job WHERE id = :id"
                        + lock, {"id": job_id}).first()
        if held is None or held[0] != "incident" or still is None or still[0] != "open":
            raise Conflict(f"incident {incident_id} was closed meanwhile")
        task_id, element_id, topic = held[1], held[2], held[3]
        saved = fast.read_js(held[4]) or {}
        values = {**saved, **values}  # the handler ran and only applying its result failed: keep what it said

        def action(inst: Instance, step: Step) -> None:
            task = inst.task(task_id)
            if task is None:
                raise Conflict(f"the task of job {job_id} is no longer waiting")
            inst.complete_started(task, values)
            step.finished_jobs.add(task_id)
            step.record("incident_resolved", element_id,
                        {"incident": incident_id, "job": job_id, "topic": topic, "fields": sorted(values)}, user)

        step = engine.operate(conn, instance, action)
        done = fast.run(conn, "UPDATE external_job SET status = 'done', locked_by = NULL, result = NULL "
                              "WHERE id = :id AND status = 'incident'", {"id": job_id})
        closed = fast.run(conn, "UPDATE incident SET status = 'resolved', resolution = 'by_hand', "
                                "resolution_note = :note, resolved_at = :now, resolved_by = :user, "
                                "next_auto_retry_at = NULL WHERE id = :id AND status = 'open'",
                          {"id": incident_id, "note": note, "now": fast.ts(engine.now()), "user": user})
        if done.rowcount != 1 or closed.rowcount != 1:  # nothing is committed: the unit rolls back
            raise Conflict(f"incident {incident_id} was closed meanwhile")
    engine.publish(step)
