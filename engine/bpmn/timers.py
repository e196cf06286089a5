"""Timer event definitions that read the engine's clock, not the wall clock.

SpiffWorkflow's timers call datetime.now() and parse values with the host's
local zone; ours ask the script engine for the time and treat a date without a
zone as Asia/Tokyo (the configured zone).
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from functools import wraps
from typing import Any, Callable

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
)
from SpiffWorkflow.bpmn.util import PendingBpmnEvent

from engine.expr import (
    EvaluationError,
    ExpressionError,
    parse_cycle,
    parse_datetime,
    parse_duration,
)


def _task_errors(method: Callable[..., Any]) -> Callable[..., Any]:
    """A timer value that cannot be computed fails its task (an incident), not the engine."""
    @wraps(method)
    def wrapper(self: Any, my_task: Any) -> Any:
        try:
            return method(self, my_task)
        except (ExpressionError, EvaluationError, ValueError, OverflowError) as exc:
            raise WorkflowTaskException(f"timer value: {exc}", task=my_task) from None
    return wrapper


def _value(my_task: Any, expression: str) -> Any:
    return my_task.workflow.script_engine.evaluate(my_task, expression)


def _to_due(value: Any, tz: Any) -> datetime:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=tz)).astimezone(timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=tz).astimezone(timezone.utc)
    return parse_datetime(str(value), tz)


def due_at(my_task: Any) -> datetime | None:
    """When a waiting timer task is due (None if it has not been evaluated yet)."""
    value = my_task._get_internal_data("event_value")
    if isinstance(value, dict):
        return datetime.fromisoformat(value["next"]) if value.get("cycles", 0) != 0 else None
    return datetime.fromisoformat(value) if value else None


class ClockTimeDate(TimeDateEventDefinition):
    """timeDate: a fixed date-time (or an expression giving one)."""

    @_task_errors
    def has_fired(self, my_task: Any) -> bool:
        engine = my_task.workflow.script_engine
        if my_task._get_internal_data("event_value") is None:
            due = _to_due(_value(my_task, self.expression), engine.tz)
            my_task._set_internal_data(event_value=due.isoformat())
        if due_at(my_task) <= engine.now():
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockDuration(DurationTimerEventDefinition):
    """timeDuration: a period counted from when the timer starts waiting."""

    @_task_errors
    def has_fired(self, my_task: Any) -> bool:
        engine = my_task.workflow.script_engine
        if my_task._get_internal_data("event_value") is None:
            due = parse_duration(str(_value(my_task, self.expression))).add_to(engine.now())
            my_task._set_internal_data(event_value=due.isoformat())
        if due_at(my_task) <= engine.now():
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockCycle(CycleTimerEventDefinition):
    """timeCycle: an ISO 8601 repeating interval (R[n]/[start/]duration[/end]).

    Firings are counted from the first one (origin + k·duration), so monthly
    cycles do not drift (Jan 31, Feb 28, Mar 31).
    """

    @_task_errors
    def cycle_complete(self, my_task: Any) -> bool:
        engine = my_task.workflow.script_engine
        value = my_task._get_internal_data("event_value")
        if value is None:
            text = str(_value(my_task, self.expression))
            cycle = parse_cycle(text, engine.tz)
            origin = cycle.start or cycle.duration.add_to(engine.now().astimezone(engine.tz))
            reps = -1 if cycle.repetitions is None else cycle.repetitions
            value = {"cycles": reps, "next": origin.astimezone(timezone.utc).isoformat(), "text": text,
                     "origin": origin.isoformat(), "fired": 0}
        if value["cycles"] == 0:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
            return False
        ready = False
        if datetime.fromisoformat(value["next"]) <= engine.now():
            cycle = parse_cycle(value["text"], engine.tz)
            value["fired"] += 1
            value["cycles"] -= 1
            following = cycle.duration.times(value["fired"]).add_to(datetime.fromisoformat(value["origin"]))
            if cycle.end is not None and following > cycle.end:
                value["cycles"] = 0
            value["next"] = following.astimezone(timezone.utc).isoformat()
            ready = True
        my_task._set_internal_data(event_value=value)
        return ready

    def details(self, my_task: Any) -> PendingBpmnEvent:
        due = due_at(my_task)
        return PendingBpmnEvent(self.name, self.__class__.__name__, due.isoformat() if due else None)


TIMER_CLASSES = (ClockTimeDate, ClockDuration, ClockCycle)
__all__ = ["ClockTimeDate", "ClockDuration", "ClockCycle", "TIMER_CLASSES", "due_at"]
