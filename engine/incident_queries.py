"""Open incidents and jobs of a prefecture, as Camunda 7's /incident and /job read them.

A job here is an external_job row kentei's own workers run (a remote handler's work, kind external, or
a save point's continuation, kind async); work for outside workers (kind outside) is an external task.
Incident types: a failed outside job is Camunda's failedExternalTask, every other kind (a job's
retries ran out, a step that could not run) its failedJob.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.errors import Conflict, NotFound
from engine.queries import is_row_id

if TYPE_CHECKING:
    from engine.kernel import Kernel

INCIDENTS = ("SELECT n.id, n.instance_id, n.tenant, n.job_id, n.element_id, n.kind, n.message, n.created_at, j.kind, "
             "j.task_id, i.definition_id, d.key, d.version FROM incident n JOIN process_instance i ON i.id = "
             "n.instance_id JOIN process_definition d ON d.id = i.definition_id LEFT JOIN external_job j ON "
             "j.id = n.job_id WHERE n.tenant = :tenant AND n.status = 'open' ORDER BY n.id")
INCIDENT_NAMES = ("id", "instance_id", "tenant", "job_id", "element_id", "kind", "message", "created_at", "job_kind",
                  "task_id", "definition_id", "key", "version")
JOBS = ("SELECT j.id, j.instance_id, j.task_id, j.element_id, j.kind, j.status, j.attempts, j.max_attempts, "
        "j.next_run_at, j.last_error, j.created_at, j.priority, i.definition_id, d.key, d.version, i.tenant "
        "FROM external_job j JOIN process_instance i ON i.id = j.instance_id JOIN process_definition d "
        "ON d.id = i.definition_id WHERE i.tenant = :tenant AND j.kind <> 'outside' "
        "AND j.status IN ('pending', 'locked', 'incident'){more} ORDER BY j.id")
JOB_NAMES = ("id", "instance_id", "task_id", "element_id", "kind", "status", "attempts", "max_attempts", "next_run_at",
             "last_error", "created_at", "priority", "definition_id", "key", "version", "tenant")


def incident_type(kind: str, job_kind: str | None) -> str:
    """Camunda's incidentType of a kentei incident."""
    return "failedExternalTask" if job_kind == "outside" else "failedJob"


def incidents(engine: Kernel, tenant: str) -> list[dict[str, Any]]:
    """The prefecture's open incidents, oldest first, with their job and definition."""
    fast = engine.fast
    with engine.read() as conn:
        rows = fast.run(conn, INCIDENTS, {"tenant": tenant}).all()
    out = []
    for r in rows:
        item = dict(zip(INCIDENT_NAMES, r))
        item["created_at"] = fast.read_ts(item["created_at"])
        item["type"] = incident_type(item["kind"], item["job_kind"])
        out.append(item)
    return out


def jobs(engine: Kernel, tenant: str, job_id: int | None = None) -> list[dict[str, Any]]:
    """The prefecture's jobs still to run (pending, locked, or waiting on an incident), by id."""
    if job_id is not None and not is_row_id(job_id):
        return []
    fast = engine.fast
    more, params = ("", {"tenant": tenant}) if job_id is None else (" AND j.id = :job", {"tenant": tenant, "job": job_id})
    with engine.read() as conn:
        rows = fast.run(conn, JOBS.format(more=more), params).all()
    out = []
    for r in rows:
        item = dict(zip(JOB_NAMES, r))
        for key in ("next_run_at", "created_at"):
            item[key] = fast.read_ts(item[key])
        item["retries"] = 0 if item["status"] == "incident" else max(item["max_attempts"] - item["attempts"], 0)
        out.append(item)
    return out


def job_incident(engine: Kernel, tenant: str, job_id: int) -> int | None:
    """The open incident of a job of the prefecture (None if it has none); NotFound for an unknown job."""
    if not jobs(engine, tenant, job_id):
        raise NotFound(f"Job with id {job_id} does not exist")
    for item in incidents(engine, tenant):
        if item["job_id"] == job_id:
            return int(item["id"])
    return None


def set_job_retries(engine: Kernel, tenant: str, job_id: int, retries: int, user: str | None) -> str:
    """Camunda's PUT /job/{id}/retries on kentei's jobs: retries above 0 on a job with an open incident resume it
    as the incident's retry does (engine.retry: the attempts start again); 0 leaves the job as it is."""
    incident = job_incident(engine, tenant, job_id)
    if retries == 0:
        return "unchanged"
    if incident is None:
        raise Conflict(f"job {job_id} has no incident: kentei's jobs retry by their own plan, and their retries are "
                       "set only to resume a failed job")
    from engine.ops_jobs import retry
    return retry(engine, incident, user)
