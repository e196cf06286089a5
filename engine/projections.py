"""Keep the query tables (human tasks, timers, subscriptions, jobs) in step with the workflow.

The instance row remembers what the projections held after the last step
(`waits`), so each step writes only the difference and reads nothing.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from engine import wakeup
from engine.bpmn.async_points import KIND, AsyncPoint, retry_plan
from engine.bpmn.mapping_specs import business_key_of, local_variables
from engine.candidate_users import candidate_users
from engine.errors import StepFailed
from engine.expr import EvaluationError, ExpressionError, compile_expression, parse_datetime, parse_duration
from engine.instance import Waits
from engine.step import Step

INSERT_TASK = ("INSERT INTO human_task (id, instance_id, tenant, element_id, name, candidate_groups, candidate_users, "
               "assignee, due_at, follow_up_at, status, created_at, variables) VALUES (:id, :instance_id, :tenant, "
               ":element_id, :name, :candidate_groups, :candidate_users, :assignee, :due_at, :follow_up_at, 'open', "
               ":now, JSON(:variables))")
CANCEL_TASK = "UPDATE human_task SET status = 'cancelled', completed_at = :now WHERE id = :id AND status = 'open'"
INSERT_TIMER = ("INSERT INTO timer (id, instance_id, element_id, due_at, status) "
                "VALUES (:id, :instance_id, :element_id, :due_at, 'waiting')")
MOVE_TIMER = "UPDATE timer SET due_at = :due_at, status = 'waiting' WHERE id = :id"
DELETE_TIMER = "DELETE FROM timer WHERE id = :id"
INSERT_SUBSCRIPTION = ("INSERT INTO message_subscription (instance_id, task_id, element_id, message_name, "
                       "correlation_key) VALUES (:instance_id, :task_id, :element_id, :name, :key)")
DELETE_SUBSCRIPTION = "DELETE FROM message_subscription WHERE task_id = :task_id AND message_name = :name"
INSERT_SIGNAL = ("INSERT INTO signal_subscription (instance_id, tenant, task_id, element_id, signal_name) "
                 "VALUES (:instance_id, :tenant, :task_id, :element_id, :name)")
DELETE_SIGNAL = "DELETE FROM signal_subscription WHERE task_id = :task_id AND signal_name = :name"
INSERT_JOB = ("INSERT INTO external_job (instance_id, task_id, element_id, topic, kind, status, attempts, "
              "max_attempts, retry_cycle, next_run_at, created_at, payload, properties) VALUES (:instance_id, "
              ":task_id, :element_id, :topic, :kind, 'pending', 0, :max_attempts, :retry_cycle, :now, :now, "
              "JSON(:payload), JSON(:properties))")
CANCEL_JOB = "UPDATE external_job SET status = 'cancelled' WHERE task_id = :task_id AND status IN ('pending', 'locked')"


def snapshot(waits: Waits) -> dict[str, Any]:
    """What the instance row stores in `waits`."""
    return {"u": sorted(waits.user_tasks), "t": {k: v.isoformat() for k, v in waits.timers.items()},
            "m": waits.messages, "j": sorted(waits.jobs), "s": waits.signals}


def sync(step: Step, waits: Waits, old: dict[str, Any], tz: Any, max_attempts: int) -> dict[str, Any]:
    """Write the difference between the old snapshot and the new waits; return the new snapshot."""
    fast = step.sql
    conn, row, now = step.conn, step.row, fast.ts(step.now)
    new = snapshot(waits)
    old_u, new_u = set(old.get("u", ())), set(new["u"])
    rows = []
    for t in sorted(new_u - old_u):
        try:
            found = step.assignments.get(t) or assignment(waits.user_tasks[t], tz, step.now)
            rows.append(_human_task(fast, row, waits.user_tasks[t], now, found))
        except StepFailed:  # its incident is open (the kernel's run found it); a retry opens the task
            new["u"].remove(t)
    fast.run(conn, INSERT_TASK, rows)
    gone = old_u - new_u - set(step.completed_user_tasks)
    fast.run(conn, CANCEL_TASK, [{"id": t, "now": now} for t in sorted(gone)])
    old_t, new_t = old.get("t", {}), new["t"]
    fast.run(conn, INSERT_TIMER, [
        {"id": t, "instance_id": row.id, "element_id": step.workflow_task(t).task_spec.bpmn_id,
         "due_at": fast.ts(waits.timers[t])} for t in new_t if t not in old_t])
    fast.run(conn, MOVE_TIMER, [{"id": t, "due_at": fast.ts(waits.timers[t])}
                                for t, due in new_t.items() if t in old_t and old_t[t] != due])
    fast.run(conn, DELETE_TIMER, [{"id": t} for t in old_t if t not in new_t])
    old_m, new_m = old.get("m", {}), new["m"]
    subscribe = []
    for key, name in new_m.items():
        if key not in old_m:
            task = step.workflow_task(key.split("|", 1)[0])
            subscribe.append({"instance_id": row.id, "task_id": str(task.id), "element_id": task.task_spec.bpmn_id,
                              "name": name, "key": correlation_key(task, row.business_key)})
    fast.run(conn, INSERT_SUBSCRIPTION, subscribe)
    fast.run(conn, DELETE_SUBSCRIPTION, [dict(zip(("task_id", "name"), k.split("|", 1))) for k in old_m
                                         if k not in new_m])
    old_s, new_s = old.get("s", {}), new["s"]
    fast.run(conn, INSERT_SIGNAL, [
        {"instance_id": row.id, "tenant": row.tenant, "task_id": key.split("|", 1)[0], "name": name,
         "element_id": step.workflow_task(key.split("|", 1)[0]).task_spec.bpmn_id}
        for key, name in new_s.items() if key not in old_s])
    fast.run(conn, DELETE_SIGNAL, [dict(zip(("task_id", "name"), k.split("|", 1))) for k in old_s if k not in new_s])
    old_j, new_j = set(old.get("j", ())), set(new["j"])
    jobs = [_job(fast, row, t, waits.jobs[t], now, max_attempts, step.handlers) for t in sorted(new_j - old_j)]
    fast.run(conn, INSERT_JOB, jobs)
    outside = {j["topic"] for j in jobs if j["kind"] == "outside"}
    if outside:  # outside workers' long polls wake once this commits
        wakeup.changed(conn, fast.pg, outside)
    fast.run(conn, CANCEL_JOB, [{"task_id": t} for t in sorted(old_j - new_j - step.finished_jobs)])
    return new


def _job(fast: Any, row: Any, task_id: str, task: Any, now: Any, max_attempts: int, handlers: Any) -> dict[str, Any]:
    """An external_job row: a remote service task's work (kind outside: for outside workers), or a save point's
    continuation (kind async)."""
    spec = task.task_spec
    if isinstance(spec, AsyncPoint):
        element, topic, kind, cycle, payload, properties = spec.element, "", KIND, spec.retry_cycle, {}, None
    else:
        ext = spec.extensions
        element, topic, cycle = spec.bpmn_id, ext["topic"], ext.get("failedJobRetryTimeCycle")
        kind = "outside" if handlers.outside(topic) else "external"
        payload, properties = json_safe(task.data), ext.get("properties") or None
    return {"instance_id": row.id, "task_id": task_id, "element_id": element, "topic": topic, "kind": kind,
            "max_attempts": retry_plan(cycle)[0] if cycle else max_attempts, "retry_cycle": cycle or None,
            "now": now, "payload": fast.js(payload), "properties": fast.js(properties)}


def _human_task(fast: Any, row: Any, task: Any, now: Any, found: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(task.id), "instance_id": row.id, "tenant": row.tenant, "element_id": task.task_spec.bpmn_id,
        "name": task.task_spec.bpmn_name, "candidate_groups": found["candidateGroups"],
        "candidate_users": found["candidateUsers"], "assignee": found["assignee"], "now": now,
        "due_at": fast.ts(found["dueDate"]), "follow_up_at": fast.ts(found["followUpDate"]),
        "variables": fast.js(json_safe(local_variables(task)) or None),
    }


def assignment(task: Any, tz: Any, now: datetime) -> dict[str, Any]:
    """A user task's camunda:assignee, candidateGroups, candidateUsers, dueDate and followUpDate on its
    variables. An expression that fails is a StepFailed at the task: the step that reached it is rolled
    back to its action and an incident opened (Camunda 7 rolls the creating transaction back)."""
    ext, data = task.task_spec.extensions, task.data
    readers = {"assignee": lambda e: _text(e, data), "candidateGroups": lambda e: _text(e, data),
               "candidateUsers": lambda e: candidate_users(e, data),
               "dueDate": lambda e: _date(e, data, tz, now), "followUpDate": lambda e: _date(e, data, tz, now)}
    found: dict[str, Any] = {}
    for attr, read in readers.items():
        try:
            found[attr] = read(ext.get(attr))
        except (EvaluationError, ExpressionError, ValueError) as exc:
            raise StepFailed(task.task_spec.bpmn_id, f"camunda:{attr}: {exc}") from None
    return found


def _text(expr: str | None, data: dict[str, Any]) -> str | None:
    if not expr:
        return None
    value = compile_expression(expr).evaluate(data)
    if isinstance(value, (list, tuple)):
        value = ",".join(str(v) for v in value)
    return None if value in (None, "") else str(value)


def _date(expr: str | None, data: dict[str, Any], tz: Any, now: datetime) -> datetime | None:
    """A date-time, or an ISO 8601 period from now (the task's creation), as Camunda 7 reads a due date."""
    value = _text(expr, data)
    if not value:
        return None
    if value.strip().upper().startswith("P"):
        return parse_duration(value).add_to(now.astimezone(tz))
    return parse_datetime(value, tz)


def correlation_key(task: Any, business_key: str | None) -> str | None:
    """The key a message wait subscribes with: camunda:property correlationKey, else the business key (of the
    called process, inside a call activity: engine/bpmn/mapping_specs.py)."""
    expr = task.task_spec.extensions.get("properties", {}).get("correlationKey")
    return _text(expr, task.data) if expr else business_key_of(task, business_key)


def json_safe(data: dict[str, Any]) -> dict[str, Any]:
    """Plain JSON values only (dates become ISO text)."""
    return orjson.loads(orjson.dumps(data, default=str))
