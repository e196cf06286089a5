"""One engine operation's view of the world: its connection, the instance, and the history it writes."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from engine.bpmn.mapping_specs import business_key_of
from engine.bpmn.multi_instance import is_body
from engine.dmn import DecisionError
from engine.errors import NotFound, StepFailed
from handlers.base import BpmnError, HandlerContext, HandlerRegistry

if TYPE_CHECKING:
    from engine.db.fast import FastSql, InstanceRow
    from engine.repository import Repository


MAX_TURNS = 1000  # one element run this often in one operation (outside a multi-instance or loop): an endless loop
MAX_CALL_DEPTH = 32  # call activities (and embedded subprocesses) within one another


@dataclass
class Step:
    """Serves service tasks and decisions while the workflow runs inside one transaction."""

    conn: Connection
    row: "InstanceRow"
    handlers: HandlerRegistry
    repository: "Repository"
    sql: "FastSql"
    now: datetime
    actor: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    bpmn_errors: list[tuple[Any, BpmnError]] = field(default_factory=list)
    completed_user_tasks: dict[str, str | None] = field(default_factory=dict)  # task id -> by
    finished_jobs: set[str] = field(default_factory=set)
    taken_messages: list[tuple[str, str]] = field(default_factory=list)  # buffered (tenant, id)s delivered here
    # an async continuation's step: a failure rolls the whole transaction back to the save point
    # (StepFailed is raised) instead of keeping the action and opening an incident at once
    fail_whole: bool = False
    signals_thrown: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # for other instances
    instance: Any = None
    turns: dict[str, int] = field(default_factory=dict)  # element -> times run in this operation
    assignments: dict[str, dict[str, Any]] = field(default_factory=dict)  # new user task id -> its assignee etc.
    _handler_session: Session | None = None

    def workflow_task(self, task_id: str) -> Any:
        """A task of the running workflow by id."""
        return self.instance.task(task_id)

    @property
    def handler_session(self) -> Session:
        """The session local handlers write through: a savepoint in the step's transaction,
        opened by the first local handler of a run and closed by end_run()."""
        if self._handler_session is None:
            self._handler_session = Session(bind=self.conn, join_transaction_mode="create_savepoint",
                                            autoflush=False, expire_on_commit=False)
        return self._handler_session

    def end_run(self, ok: bool) -> None:
        """Keep (flush, release) or undo the local handlers' writes of the run that just ended."""
        session, self._handler_session = self._handler_session, None
        if session is not None:
            if ok:
                session.commit()
            else:
                session.rollback()
            session.close()

    def record(self, kind: str, element_id: str | None = None, detail: Any = None, actor: str | None = None) -> None:
        """Queue a history event; it is written with the step's state, in the same transaction."""
        self.history.append({"instance_id": self.row.id, "tenant": self.row.tenant, "at": self.now, "kind": kind,
                             "element_id": element_id, "actor": actor, "detail": detail})

    def did_run(self, task: Any) -> None:
        """Called after each engine step: one history event per BPMN element run.

        A run that never reaches a wait state (a loop of gateways, a call activity that calls itself
        without end) is stopped here and becomes an incident, instead of holding the instance forever.
        """
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if bpmn_id is not None and not isinstance(getattr(task.parent, "task_spec", None), LoopTask):
            turns = self.turns[bpmn_id] = self.turns.get(bpmn_id, 0) + 1
            if turns > MAX_TURNS:
                raise StepFailed(bpmn_id, f"the element ran {MAX_TURNS} times in one step without a wait state; "
                                          "a loop in the diagram has no task, event or condition that ends it")
        if getattr(task.workflow, "depth", 0) > MAX_CALL_DEPTH:
            raise StepFailed(bpmn_id, f"call activities are nested more than {MAX_CALL_DEPTH} deep; a process "
                                      "that calls itself needs a condition that ends the recursion")
        if bpmn_id is not None:
            # a multi-instance body or loop is no element of its own: its inner instances are the steps
            kind = "loop_body" if is_body(task.task_spec) else "step"
            self.record(kind, bpmn_id, {"type": type(task.task_spec).__name__, "state": task.state})

    def run_service(self, task: Any, topic: str) -> bool | None:
        registration = self.handlers.get(topic)
        if registration is None and self.handlers.outside(topic):
            return None  # STARTED: an external task for outside workers (fetchAndLock)
        if registration is None:
            raise WorkflowTaskException(f"no handler is registered for topic '{topic}'", task=task)
        if registration.kind == "remote":
            return None  # STARTED: the projections turn it into an external job
        ctx = HandlerContext(topic=topic, instance_id=self.row.id, tenant=self.row.tenant,
                             business_key=business_key_of(task, self.row.business_key),
                             element_id=task.task_spec.bpmn_id,
                             idempotency_key=f"{self.row.id}:{task.id}", session=self.handler_session,
                             properties=task.task_spec.extensions.get("properties", {}), now=self.now)
        try:
            result = registration.handler(ctx, MappingProxyType(task.data))
        except BpmnError as err:
            self.bpmn_errors.append((task, err))
            return None
        except Exception as exc:  # the handler's failure becomes this step's failure, with its message
            raise WorkflowTaskException(f"{topic} failed: {type(exc).__name__}: {exc}", task=task) from exc
        if result:
            task.data.update(result)
        return True

    def evaluate_decision(self, task: Any, decision_ref: str, mapping: str) -> Any:
        try:
            decision, graph = self.repository.decision(self.sql, self.conn, decision_ref, self.row.tenant)
            result = decision.evaluate(task.data, graph)
            value = result.mapped(mapping)
        except (DecisionError, NotFound) as exc:
            raise WorkflowTaskException(str(exc), task=task, exception=exc) from None
        self.record("decision", task.task_spec.bpmn_id, {"decision": decision_ref, "rules": result.matched_rule_ids})
        return value
