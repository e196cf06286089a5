"""The kernel: lock an instance, operate on it in one transaction, save it with its projections, publish.

The operations (ops_*.py, deploy, queries, start_timers) work on a Kernel; engine/runtime.py puts the
public Engine on top of them.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import contextmanager
from datetime import datetime
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy import Connection, insert, select
from sqlalchemy import Engine as Database
from sqlalchemy.orm import Session

from engine import history, ops_signals
from engine.bpmn.serializer import StateSerializer
from engine.config import Settings
from engine.db.fast import FastSql, InstanceRow
from engine.db.models import Incident
from engine.db.session import session_factory
from engine.errors import Conflict, NotFound, StepFailed
from engine.instance import Instance, Waits
from engine.message_buffer import put_back, take_buffered
from engine.projections import assignment, correlation_key, json_safe, sync
from engine.repository import Repository
from engine.script_engine import Clock, KenteiScriptEngine, current_step, system_clock
from engine.step import Step
from handlers.base import HandlerRegistry

Action = Callable[[Instance, Step], None]
CACHE_SIZE = 1024


class Kernel:
    """Runs deployed processes durably: what every operation is built from."""

    def __init__(self, db: Database, handlers: HandlerRegistry, settings: Settings, clock: Clock = system_clock) -> None:
        self.db = db
        self.Session = session_factory(db)
        self.ReadSession = session_factory(db, read_only=True)
        self.fast = FastSql(db.dialect.name)
        # reads outside a transaction: on PostgreSQL in autocommit (no BEGIN and ROLLBACK round trips; under READ
        # COMMITTED each statement sees its own snapshot either way), on SQLite as before (no write lock)
        self.read_db = db.execution_options(kentei_read=True) if db.dialect.name == "sqlite" else \
            db.execution_options(kentei_read=True, isolation_level="AUTOCOMMIT")
        self.handlers = handlers
        handlers.serve_outside(settings.external_topics)
        self.settings = settings
        self.clock = clock
        self.tz = ZoneInfo(settings.timezone)
        self.serializer = StateSerializer()
        self.repository = Repository(self.serializer)
        self.script_engine = KenteiScriptEngine(lambda: self.clock(), self.tz)
        self._cache: OrderedDict[int, tuple[int, BpmnWorkflow]] = OrderedDict()
        self._cache_lock = threading.Lock()

    def now(self) -> datetime:
        """The engine's time (aware UTC): the injected clock."""
        return self.clock()

    # -- the operation machinery -------------------------------------------------------------
    def lock_instance(self, conn: Connection, instance_id: int, skip_locked: bool = False) -> InstanceRow:
        """Load and lock an instance row for this transaction (FOR UPDATE; SQLite is locked already).

        Every operation locks its instance before any projection row, so no two can deadlock.
        With `skip_locked`, an instance another transaction holds gives None instead of a wait.
        """
        row = self.fast.lock_instance(conn, instance_id, skip_locked)
        if row is None and not skip_locked:
            raise NotFound(f"process instance {instance_id} does not exist")
        return row  # type: ignore[return-value]

    def operate(self, conn: Connection, row: InstanceRow, action: Action, actor: str | None = None,
                fail_whole: bool = False) -> Step:
        """Apply `action`, run the workflow to its next wait state and save; inside the caller's transaction.

        If running on fails (a handler, an expression, a decision), the action alone is kept,
        the instance waits at the failing element and an incident is opened; with `fail_whole`
        (an async continuation) StepFailed is raised instead, for the caller to roll back.
        """
        if row.status != "running":
            raise Conflict(f"process instance {row.id} is {row.status}")
        cached = self._take_cached(row)
        step = Step(conn, row, self.handlers, self.repository, self.fast, self.now(), actor, fail_whole=fail_whole)
        step.instance = Instance(cached) if cached is not None else self._restore(conn, row)
        token = current_step.set(step)
        mark = len(step.history)  # what was recorded before the action; a rewind keeps only that
        try:
            self._apply(action, step)
            waits = self._run_guarded(row, action, step, mark)
            while waits is not None and self._deliver_buffered(step, waits):
                waits = self._run_guarded(row, action, step, mark)
            self._save(step, waits if waits is not None else step.instance.waits())
        finally:
            current_step.reset(token)
        return step

    def publish(self, step: Step) -> None:
        """After commit: keep the workflow object for the next operation on this row version."""
        if step.row.status == "running":
            with self._cache_lock:
                self._cache[step.row.id] = (step.row.row_version, step.instance.workflow)
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        if step.signals_thrown:  # to the prefecture's other instances, now that the throw is committed
            ops_signals.deliver_thrown(self)

    def transaction(self) -> Session:
        """A new ORM session (administration, deployment); use `with engine.transaction() as s, s.begin():`."""
        return self.Session()

    @contextmanager
    def unit(self) -> Iterator[Connection]:
        """One write transaction on a plain connection: what every engine operation runs in."""
        with self.db.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for one query (no write lock on SQLite)."""
        with self.read_db.connect() as conn:
            yield conn

    def reading(self) -> Session:
        """A session for queries only (on SQLite it takes no write lock)."""
        return self.ReadSession()

    def _take_cached(self, row: InstanceRow) -> BpmnWorkflow | None:
        with self._cache_lock:
            entry = self._cache.pop(row.id, None)
        return entry[1] if entry is not None and entry[0] == row.row_version else None

    def _restore(self, conn: Connection, row: InstanceRow) -> Instance:
        spec, subs = self.repository.spec(conn, row.definition_id)
        if not row.state:
            return Instance(BpmnWorkflow(spec, subs, script_engine=self.script_engine))
        return Instance(self.serializer.load_state(row.state, spec, subs, self.script_engine))

    def _apply(self, action: Action, step: Step) -> None:
        try:
            action(step.instance, step)
        except SpiffWorkflowException as exc:
            raise _failed(exc) from None

    def _run_guarded(self, row: InstanceRow, action: Action, step: Step, mark: int) -> Waits | None:
        """Run on and return what the instance waits on; on failure undo the local handlers' writes, rewind to
        the action alone, open an incident and return None.

        A user task the run opened is part of it: an assignee, candidate or due-date expression that fails
        there fails the run. The handlers' savepoint is opened lazily by the first local handler, so a run
        without one costs nothing.
        """
        try:
            self._run_on(step)
            waits = step.instance.waits()
            opened = set((row.waits or {}).get("u", ()))
            for task_id, task in waits.user_tasks.items():
                if task_id not in opened:
                    step.assignments[task_id] = assignment(task, self.tz, step.now)  # the projection reuses it
        except (SpiffWorkflowException, StepFailed) as exc:
            step.end_run(False)
            if step.fail_whole:
                raise _failed(exc) from None
            self._rewind(row, action, step, exc, mark)
            return None
        step.end_run(True)
        return waits

    def _deliver_buffered(self, step: Step, waits: Waits) -> bool:
        """Hand buffered messages to message waits that appeared in this step."""
        old = (step.row.waits or {}).get("m", {})
        delivered = False
        for key, name in waits.messages.items():
            if key in old:
                continue
            task = step.instance.task(key.split("|", 1)[0])
            msg = take_buffered(self, step.conn, name, correlation_key(task, step.row.business_key), step.row.id,
                                step.row.tenant)
            if msg is not None and step.instance.deliver_message(name, msg[1]):
                step.taken_messages.append(msg[0])
                step.record("message", None, {"name": name, "message_id": msg[0][1], "buffered": True})
                delivered = True
        return delivered

    def _run_on(self, step: Step) -> None:
        inst = step.instance
        inst.run_until_wait(step.did_run)
        while step.bpmn_errors:
            task, err = step.bpmn_errors.pop(0)
            element = task.task_spec.bpmn_id
            step.record("bpmn_error", element, {"code": err.code, "message": err.message})
            if not inst.throw_error(task, err.code, err.message, step.did_run):
                raise StepFailed(element, f"BPMN error '{err.code}' ({err.message}) was not caught by an error "
                                          "boundary event")

    def _rewind(self, row: InstanceRow, action: Action, step: Step, exc: Exception, mark: int) -> None:
        failed = _failed(exc)
        del step.history[mark:]  # the action records its own events again below
        step.bpmn_errors.clear()
        for message_id in step.taken_messages:
            put_back(self, step.conn, message_id)
        step.taken_messages.clear()
        step.signals_thrown.clear()
        step.assignments.clear()
        step.instance = self._restore(step.conn, row)
        self._apply(action, step)
        step.record("incident", failed.element_id, {"message": failed.message})
        exists = step.conn.scalar(select(Incident.id).where(
            Incident.instance_id == row.id, Incident.element_id == failed.element_id,
            Incident.status == "open", Incident.kind == "step_failed"))
        if exists is None:
            step.conn.execute(insert(Incident).values(
                instance_id=row.id, tenant=row.tenant, element_id=failed.element_id, kind="step_failed",
                message=failed.message, status="open", created_at=step.now))

    def _save(self, step: Step, waits: Waits) -> None:
        row, inst, fast = step.row, step.instance, self.fast
        row.waits = sync(step, waits, row.waits or {}, self.tz, self.settings.job_max_retries)
        row.state = self.serializer.dump_state(inst.workflow)
        row.row_version += 1
        ended = None
        if inst.completed:
            row.status, ended = "completed", step.now
            step.record("ended")
        conn = step.conn
        if step.signals_thrown:
            ops_signals.save_thrown(self, step)
        if step.history:
            row.history_head = history.append(fast, conn, row.history_head, step.history)
        fast.run(conn, "UPDATE process_instance SET state = :state, waits = JSON(:waits), variables = JSON(:vars), "
                       "row_version = :rv, updated_at = :now, status = :status, ended_at = COALESCE(:ended, ended_at), "
                       "history_head = :head WHERE id = :id",
                 {"state": row.state, "waits": fast.js(row.waits), "vars": fast.js(json_safe(inst.data)),
                  "rv": row.row_version, "now": fast.ts(step.now), "status": row.status, "ended": fast.ts(ended),
                  "head": row.history_head, "id": row.id})


def _failed(exc: Exception) -> StepFailed:
    if isinstance(exc, StepFailed):
        return exc
    task = getattr(exc, "task", None)
    spec = getattr(task, "task_spec", None) or getattr(exc, "task_spec", None)
    element = getattr(spec, "bpmn_id", None)
    message = str(exc.args[0]) if getattr(exc, "args", None) else type(exc).__name__
    cause = getattr(exc, "error_type", None) or getattr(exc, "exception", None)
    if cause is not None and not isinstance(cause, str) and str(cause) not in message:
        message = f"{message}: {cause}"
    return StepFailed(element, message)

