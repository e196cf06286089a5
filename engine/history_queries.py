"""Camunda 7's history of activities and variables, rebuilt from kentei's history and projections.

Activity instances come from three sources: user tasks from human_task (created, completed or
cancelled, by whom); remote service tasks from external_job (created; ended by the next event of that
element); every other element from its `step` history event (engine/step.py did_run), which is written
when the element completes. A step event does not say when the element began: an element that ran
within one operation began when it ended; one that waited (a receive task, a catch or boundary event)
is dated from the instance's operation before the one that completed it, which is exact on a path
without parallel branches. What still waits (timers, message and signal waits) is an unfinished entry.
Variables are the instance's current values (kentei keeps no variable history).
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine.instance_queries import element, waits

if TYPE_CHECKING:
    from engine.kernel import Kernel

WAITING_TYPES = ("receiveTask", "intermediateTimer", "intermediateMessageCatch", "intermediateSignalCatch",
                 "intermediateConditional", "intermediateCatchEvent", "eventBasedGateway")
EVENTS = ("SELECT id, instance_id, at, kind, element_id, detail FROM history_event WHERE instance_id = :i ORDER BY id")
TASKS = ("SELECT id, element_id, name, status, created_at, completed_at, completed_by, assignee FROM human_task "
         "WHERE instance_id = :i ORDER BY created_at, id")
JOBS = ("SELECT task_id, element_id, status, created_at FROM external_job WHERE instance_id = :i AND kind <> 'async' "
        "ORDER BY id")


def activities(engine: Kernel, instance: dict[str, Any]) -> list[dict[str, Any]]:
    """The activity instances of one instance (a row of engine/instance_queries.instances), by start."""
    fast, iid, definition = engine.fast, instance["id"], instance["definition_id"]
    out: list[dict[str, Any]] = []
    with engine.read() as conn:
        events = [(i, fast.read_ts(at), kind, el) for i, _, at, kind, el, _ in fast.run(conn, EVENTS, {"i": iid}).all()]
        tasks = fast.run(conn, TASKS, {"i": iid}).all()
        jobs = fast.run(conn, JOBS, {"i": iid}).all()
        known: dict[str, tuple[str, str | None]] = {}

        def kind_of(element_id: str) -> tuple[str, str | None]:
            if element_id not in known:
                known[element_id] = element(engine, conn, definition, element_id)
            return known[element_id]

        def add(ident: str, element_id: str, start: datetime | None, end: datetime | None, execution: str,
                **extra: Any) -> None:
            activity_type, name = kind_of(element_id)
            out.append({"id": ident, "activity_id": element_id, "activity_name": name, "activity_type": activity_type,
                        "execution_id": execution, "start": start, "end": end, "task_id": None, "assignee": None,
                        "canceled": False, **extra})

        with_jobs = {element_id for _, element_id, _, _ in jobs}  # their entries come from external_job below
        previous: datetime | None = instance["started_at"]
        current: datetime | None = None
        for event_id, at, kind, element_id in events:
            if at != current:
                previous, current = current or previous, at
            if kind != "step" or not element_id:
                continue
            activity_type, _ = kind_of(element_id)
            if activity_type == "userTask" or element_id in with_jobs:
                continue  # from human_task or external_job below (a service task's step is its start, not its run)
            waited = activity_type in WAITING_TYPES or activity_type.startswith("boundary")
            add(f"{element_id}:{event_id}", element_id, previous if waited else at, at, str(iid))
        for task_id, element_id, _name, status, created, completed, by, assignee in tasks:
            add(f"{element_id}:{task_id}", element_id, fast.read_ts(created), fast.read_ts(completed), task_id,
                task_id=task_id, assignee=by or assignee, canceled=status == "cancelled")
        for task_id, element_id, status, created in jobs:
            start = fast.read_ts(created)
            end = None
            if status in ("done", "cancelled"):
                end = next((at for _, at, kind, el in events if el == element_id and start is not None
                            and at >= start and kind not in ("incident", "retried", "step")), None)
            add(f"{element_id}:{task_id}", element_id, start, end, task_id, canceled=status == "cancelled")
        if instance["status"] == "running":
            last = events[-1][1] if events else instance["started_at"]
            for wait in waits(engine, iid):
                if wait.kind in ("timer", "message", "signal"):
                    add(f"{wait.element_id}:{wait.task_id}", wait.element_id, last, None, wait.task_id)
    out.sort(key=lambda a: (a["start"] is None, a["start"].timestamp() if a["start"] else 0.0))  # stable: run order
    return out


def start_activities(engine: Kernel, instance_ids: list[int]) -> dict[int, str]:
    """The start event each instance began at (its first `step` event)."""
    found: dict[int, str] = {}
    if not instance_ids:
        return found
    names = {f"i{n}": v for n, v in enumerate(instance_ids)}
    with engine.read() as conn:
        rows = engine.fast.run(conn, "SELECT instance_id, element_id FROM history_event WHERE kind = 'step' AND "
                                     f"instance_id IN ({', '.join(':' + n for n in names)}) ORDER BY id", names).all()
    for iid, element_id in rows:
        found.setdefault(iid, element_id)
    return found
