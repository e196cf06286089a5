"""Expression evaluation, decisions, service calls and the clock, as the workflow sees them.

SpiffWorkflow calls the script engine for every condition, timer value and
service task; ours evaluates the translated expression language (never Python),
asks the engine's clock for the time and hands service tasks to the step that
is running (see engine.step).
"""
from __future__ import annotations

from collections import ChainMap
from contextvars import ContextVar
from datetime import datetime, timezone, tzinfo
from typing import Any, Callable, Protocol

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from engine.expr import EvaluationError, ExpressionError, compile_expression

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The wall clock, in UTC."""
    return datetime.now(timezone.utc)


class StepServices(Protocol):
    """What the running step offers the workflow: service tasks and decisions."""

    def run_service(self, task: Any, topic: str) -> bool | None: ...

    def evaluate_decision(self, task: Any, decision_ref: str, mapping: str) -> Any: ...


current_step: ContextVar[StepServices | None] = ContextVar("kentei_current_step", default=None)


class KenteiScriptEngine(PythonScriptEngine):
    """Safe expressions, an injectable clock, and service tasks routed to the current step."""

    def __init__(self, clock: Clock, tz: tzinfo, fallback: StepServices | None = None) -> None:
        super().__init__()
        self.clock = clock
        self.tz = tz
        self.fallback = fallback

    def now(self) -> datetime:
        """The engine's time (aware, UTC)."""
        return self.clock()

    def evaluate(self, task: Any, expression: str, external_context: dict[str, Any] | None = None) -> Any:
        data = ChainMap(external_context, task.data) if external_context else task.data
        try:
            return compile_expression(expression).evaluate(data)
        except (ExpressionError, EvaluationError) as exc:
            raise WorkflowTaskException(str(exc), task=task, exception=exc) from None

    def execute(self, task: Any, script: str, external_context: dict[str, Any] | None = None) -> bool:
        # Refused at deploy time; this guards a spec that bypassed validation.
        raise WorkflowTaskException("script tasks are not allowed in kentei", task=task)

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        raise WorkflowTaskException("only camunda:type=\"external\" service tasks are supported", task=task)

    def _services(self, task: Any) -> StepServices:
        step = current_step.get() or self.fallback
        if step is None:
            raise WorkflowTaskException("no engine step is running to serve this task", task=task)
        return step

    def run_service(self, task: Any, topic: str) -> bool | None:
        """Run (local) or enqueue (remote) the handler of an external service task."""
        return self._services(task).run_service(task, topic)

    def evaluate_decision(self, task: Any, decision_ref: str, mapping: str) -> Any:
        """Evaluate a deployed DMN decision on the task's data, its result mapped as camunda:mapDecisionResult says."""
        return self._services(task).evaluate_decision(task, decision_ref, mapping)
