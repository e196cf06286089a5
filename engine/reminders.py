"""Overdue user tasks: flagged in the task data, and reminded once per period through notify.task_reminder.

A task is overdue once its camunda:dueDate has passed. Each reminder is claimed in its own
transaction (a conditional update of `reminded_at`, so two workers never remind one task
twice in a period), then handed to the notification handler outside any transaction; if
that fails the claim is undone and the next pass tries again.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from handlers.base import HandlerContext

if TYPE_CHECKING:
    from engine.runtime import Engine

TOPIC = "notify.task_reminder"
log = logging.getLogger("kentei.reminders")

DUE = ("SELECT t.id FROM human_task t WHERE t.status = 'open' AND t.due_at <= :now "
       "AND (t.reminded_at IS NULL OR t.reminded_at <= :cut) ORDER BY t.due_at LIMIT :limit")
CLAIM = ("UPDATE human_task SET reminded_at = :now, reminders = reminders + 1 WHERE id = :id AND status = 'open' "
         "AND due_at <= :now AND (reminded_at IS NULL OR reminded_at <= :cut)")
READ = ("SELECT t.instance_id, t.tenant, t.element_id, t.name, t.candidate_groups, t.assignee, t.due_at, "
        "t.reminders, i.business_key, t.candidate_users FROM human_task t JOIN process_instance i ON i.id = t.instance_id "
        "WHERE t.id = :id")


def remind_overdue(engine: "Engine", limit: int = 200) -> int:
    """Send the reminders due now; returns how many were sent."""
    registration = engine.handlers.get(TOPIC)
    if registration is None:
        return 0  # no notification adapter configured: overdue tasks are only flagged
    fast, now = engine.fast, engine.now()
    cut = now - timedelta(seconds=engine.settings.reminder_period_seconds)
    params = {"now": fast.ts(now), "cut": fast.ts(cut), "limit": limit}
    with engine.read() as conn:
        due = [r[0] for r in fast.run(conn, DUE, params)]
    sent = 0
    for task_id in due:
        with engine.unit() as conn:
            claimed = fast.run(conn, CLAIM, {**params, "id": task_id}).rowcount == 1
            row = fast.run(conn, READ, {"id": task_id}).first() if claimed else None
        if row is None:
            continue  # another worker reminded it, or it was completed meanwhile
        instance_id, tenant, element_id, name, groups, assignee, due_at, count, business_key, users = row
        ctx = HandlerContext(topic=TOPIC, instance_id=instance_id, tenant=tenant, business_key=business_key,
                             element_id=element_id, idempotency_key=f"reminder:{task_id}:{count}", now=now)
        data = {"task_id": task_id, "task_name": name, "element_id": element_id, "candidate_groups": groups,
                "candidate_users": users, "assignee": assignee, "due_at": fast.read_ts(due_at).isoformat(), "reminders": count}
        try:
            registration.handler(ctx, data)
            sent += 1
        except Exception as exc:  # undo the claim: the next pass tries this reminder again
            log.warning("reminder for task %s failed: %s", task_id, exc)
            with engine.unit() as conn:
                fast.run(conn, "UPDATE human_task SET reminded_at = NULL, reminders = reminders - 1 "
                               "WHERE id = :id AND reminders = :n", {"id": task_id, "n": count})
    return sent
