"""Runtime statistics of process definitions, as Camunda 7's /statistics endpoints give them, counted from the
projection tables of one prefecture's running instances (never by loading a workflow).

Where an instance waits: an open user task, a waiting timer, a pending or locked external job (a save point's
continuation too), a message or signal subscription, an incident of a failed step. A boundary event's or an
event subprocess's timer and subscriptions are not places an instance is at (Camunda has no execution there).
Failed jobs: jobs and timers in an incident. Incident types: failedExternalTask for an outside worker's task,
failedJob for everything else.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import distinct, func, select, union_all

from engine import definitions
from engine.db.models import (
    ExternalJob, HumanTask, Incident, MessageSubscription, ProcessInstance, SignalSubscription, Timer,
)

if TYPE_CHECKING:
    from engine.kernel import Kernel

NOT_A_PLACE = {"boundaryEvent", "startEvent"}


def _running(definition_rows: list[int], tenant: str) -> Any:
    return select(ProcessInstance.id).where(ProcessInstance.definition_id.in_(definition_rows),
                                            ProcessInstance.tenant == tenant, ProcessInstance.status == "running")


def _incident_type(kind: str | None) -> str:
    return "failedExternalTask" if kind == "outside" else "failedJob"


def activities(engine: "Kernel", item: dict[str, Any], tenant: str, failed_jobs: bool, incidents: bool,
               incident_type: str | None) -> list[dict[str, Any]]:
    """Per element of one definition: instances there, failed jobs (when asked) and open incidents by type
    (when asked, or of one type); elements where nothing is are left out."""
    facts = definitions.facts_for(engine, item["file_id"])
    with engine.reading() as session:
        running = _running([item["row"]], tenant)
        places: Counter[str] = Counter()
        failed: Counter[str] = Counter()
        for (element, n) in session.execute(select(HumanTask.element_id, func.count()).where(
                HumanTask.instance_id.in_(running), HumanTask.status == "open").group_by(HumanTask.element_id)):
            places[element] += n
        for element, status, n in session.execute(select(ExternalJob.element_id, ExternalJob.status, func.count())
                                                  .where(ExternalJob.instance_id.in_(running),
                                                         ExternalJob.status.in_(("pending", "locked", "incident")))
                                                  .group_by(ExternalJob.element_id, ExternalJob.status)):
            places[element] += n
            if status == "incident":
                failed[element] += n
        # a waiting token is counted once, however many timers and subscriptions it has (an event-based
        # gateway waits for a message and a timer at once: one instance at the gateway, as in Camunda)
        tokens = union_all(
            select(Timer.element_id.label("element"), Timer.id.label("token")).where(
                Timer.instance_id.in_(running), Timer.status.in_(("waiting", "incident"))),
            select(MessageSubscription.element_id, MessageSubscription.task_id).where(
                MessageSubscription.instance_id.in_(running)),
            select(SignalSubscription.element_id, SignalSubscription.task_id).where(
                SignalSubscription.instance_id.in_(running))).subquery()
        for element, n in session.execute(select(tokens.c.element, func.count(distinct(tokens.c.token)))
                                          .group_by(tokens.c.element)):
            if facts.tags.get(element) not in NOT_A_PLACE:
                places[element] += n
        for element, n in session.execute(select(Timer.element_id, func.count()).where(
                Timer.instance_id.in_(running), Timer.status == "incident").group_by(Timer.element_id)):
            if facts.tags.get(element) not in NOT_A_PLACE:
                failed[element] += n
        by_type: dict[str, Counter[str]] = defaultdict(Counter)
        for element, kind, job_kind, n in session.execute(
                select(Incident.element_id, Incident.kind, ExternalJob.kind, func.count())
                .outerjoin(ExternalJob, ExternalJob.id == Incident.job_id)
                .where(Incident.instance_id.in_(running), Incident.status == "open")
                .group_by(Incident.element_id, Incident.kind, ExternalJob.kind)):
            if element is None:
                continue
            if kind == "step_failed":
                places[element] += n
            by_type[element][_incident_type(job_kind)] += n
    out = []
    for element in sorted(set(places) | set(by_type) | set(failed)):
        shown = _incidents(by_type.get(element, Counter()), incidents, incident_type)
        if not places[element] and not shown and not (failed_jobs and failed[element]):
            continue
        out.append({"id": element, "instances": places[element], "failed_jobs": failed[element] if failed_jobs else 0,
                    "incidents": shown})
    return out


def _incidents(counts: Counter[str], wanted: bool, of_type: str | None) -> list[dict[str, Any]]:
    if of_type is not None:
        return [{"incidentType": of_type, "incidentCount": counts[of_type]}] if counts.get(of_type) else []
    return [{"incidentType": t, "incidentCount": n} for t, n in sorted(counts.items())] if wanted else []


def per_definition(engine: "Kernel", items: list[dict[str, Any]], tenant: str, failed_jobs: bool, incidents: bool,
                   incident_type: str | None) -> list[dict[str, Any]]:
    """Per definition: its running instances in the prefecture, failed jobs and incidents as asked."""
    rows = [i["row"] for i in items]
    instances: Counter[int] = Counter()
    failed: Counter[int] = Counter()
    by_type: dict[int, Counter[str]] = defaultdict(Counter)
    if rows:
        with engine.reading() as session:
            running = _running(rows, tenant)
            for definition, n in session.execute(select(ProcessInstance.definition_id, func.count())
                                                 .where(ProcessInstance.id.in_(running))
                                                 .group_by(ProcessInstance.definition_id)):
                instances[definition] = n
            for model in (ExternalJob, Timer):
                for definition, n in session.execute(
                        select(ProcessInstance.definition_id, func.count()).join(
                            model, model.instance_id == ProcessInstance.id)
                        .where(ProcessInstance.id.in_(running), model.status == "incident")
                        .group_by(ProcessInstance.definition_id)):
                    failed[definition] += n
            for definition, job_kind, n in session.execute(
                    select(ProcessInstance.definition_id, ExternalJob.kind, func.count())
                    .join(Incident, Incident.instance_id == ProcessInstance.id)
                    .outerjoin(ExternalJob, ExternalJob.id == Incident.job_id)
                    .where(ProcessInstance.id.in_(running), Incident.status == "open")
                    .group_by(ProcessInstance.definition_id, ExternalJob.kind)):
                by_type[definition][_incident_type(job_kind)] += n
    return [{"item": i, "instances": instances[i["row"]], "failed_jobs": failed[i["row"]] if failed_jobs else 0,
             "incidents": _incidents(by_type.get(i["row"], Counter()), incidents, incident_type)} for i in items]
