"""Workflow state to bytes and back, with the process spec kept apart (stored once per version)."""
from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import orjson
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG
from SpiffWorkflow.bpmn.serializer.default.event_definition import (
    TimerConditionalEventDefinitionConverter,
)
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.bpmn import families
from engine.bpmn.specs import (
    DecisionTask,
    ExternalServiceTask,
    PassThroughManualTask,
    PassThroughTask,
)
from engine.bpmn.timers import TIMER_CLASSES

FORMAT = 1
FINISHED = TaskState.FINISHED_MASK


def _registry() -> DefaultRegistry:
    config = dict(DEFAULT_CONFIG)
    config[ExternalServiceTask] = BpmnTaskSpecConverter
    config[DecisionTask] = BpmnTaskSpecConverter
    config[PassThroughTask] = BpmnTaskSpecConverter
    config[PassThroughManualTask] = BpmnTaskSpecConverter
    for cls in TIMER_CLASSES:
        config[cls] = TimerConditionalEventDefinitionConverter
    config.update(families.converters())
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"]))
    return registry


class StateSerializer:
    """Dumps and loads specs and workflow states; a workflow state holds no spec."""

    def __init__(self) -> None:
        self.registry = _registry()
        self._workflow_converter = BpmnWorkflowConverter(BpmnWorkflow, self.registry)
        self._task_typename = self.registry.typenames[Task]

    # -- specs: once per deployed version
    def dump_spec(self, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> bytes:
        """Serialize a process spec and the specs of its subprocesses and call activities."""
        return orjson.dumps({
            "format": FORMAT,
            "spec": self.registry.convert(spec),
            "subprocess_specs": {k: self.registry.convert(v) for k, v in subprocess_specs.items()},
        })

    def load_spec(self, raw: bytes) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
        """Rebuild a process spec (do this once per version and cache it)."""
        dct = orjson.loads(raw)
        subs = {k: self.registry.restore(v) for k, v in dct["subprocess_specs"].items()}
        return self.registry.restore(dct["spec"]), subs

    # -- workflow state: at every wait state
    def dump_state(self, workflow: BpmnWorkflow) -> bytes:
        """Serialize a workflow's tasks and data, without its spec."""
        reg = self.registry
        return orjson.dumps({
            "format": FORMAT,
            "data": reg.convert(reg.clean(workflow.data)),
            "correlations": workflow.correlations,
            "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
            "success": workflow.success,
            "completed": workflow.completed,
            "tasks": self._task_dicts(workflow),
            "root": str(workflow.task_tree.id),
            "subprocesses": {str(k): reg.convert(v) for k, v in workflow.subprocesses.items()},
            "bpmn_events": reg.convert(workflow.bpmn_events),
        }, default=_default)

    def _task_dicts(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        """Each task as the dict SpiffWorkflow's TaskConverter restores.

        Written out here rather than through the registry because this runs for every task at
        every wait state. A finished task's dict is kept on the workflow and reused while it is
        unchanged (same state, state-change time and children), which most tasks are.
        """
        cache: dict[Any, tuple[Any, dict[str, Any]]] = workflow.__dict__.setdefault("_kentei_task_dicts", {})
        names: dict[Any, str] = workflow.__dict__.setdefault("_kentei_task_ids", {})
        out: dict[str, Any] = {}
        for task_id, task in workflow.tasks.items():
            sid = names.get(task_id) or names.setdefault(task_id, str(task_id))
            if task.state & FINISHED:
                key = (task.state, task.last_state_change, tuple(task._children))
                hit = cache.get(task_id)
                if hit is None or hit[0] != key:
                    hit = cache[task_id] = (key, self._task_dict(workflow, task, sid, names))
                out[sid] = hit[1]
            else:
                out[sid] = self._task_dict(workflow, task, sid, names)
        return out

    def _task_dict(self, workflow: BpmnWorkflow, task: Any, sid: str, names: dict[Any, str]) -> dict[str, Any]:
        convert = self.registry.convert
        parent_id = task._parent
        parent = workflow.tasks.get(parent_id) if parent_id is not None else None
        if parent is None:
            data, delta = convert(task.data), {}
        else:
            before, after = parent.data, task.data
            updates = {k: v for k, v in after.items() if k not in before or before[k] != v}
            deletions = [k for k in before if k not in after]
            data, delta = {}, {"updates": convert(updates) if updates else {}, "deletions": deletions}
        return {
            "id": sid,
            "parent": (names.get(parent_id) or names.setdefault(parent_id, str(parent_id))) if parent_id else None,
            "children": [names.get(c) or names.setdefault(c, str(c)) for c in task._children],
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": convert(task.internal_data) if task.internal_data else {},
            "data": data,
            "delta": delta,
            "typename": self._task_typename,
        }

    def load_state(self, raw: bytes, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec],
                   script_engine: Any) -> BpmnWorkflow:
        """Rebuild a workflow on an already restored spec."""
        reg = self.registry
        dct = orjson.loads(raw)
        workflow = BpmnWorkflow(spec, subprocess_specs, deserializing=True, script_engine=script_engine)
        workflow.tasks = {UUID(k): reg.restore(v, workflow=workflow) for k, v in dct["tasks"].items()}
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        workflow.success = dct["success"]
        workflow.completed = dct.get("completed", False)
        workflow.correlations = dct.get("correlations", {})
        if dct["last_task"]:
            workflow.last_task = workflow.tasks.get(UUID(dct["last_task"]))
        workflow.data = reg.restore(dct.get("data", {}))
        self._workflow_converter.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = reg.restore(dct.get("bpmn_events", []))
        return workflow


def data_changed(task: Any) -> None:
    """A finished task's data was changed in place: its kept dict (see `_task_dicts`) is stale."""
    task.workflow.__dict__.get("_kentei_task_dicts", {}).pop(task.id, None)


def _default(obj: Any) -> Any:
    raise TypeError(f"workflow data holds a value that cannot be stored: {type(obj).__name__}")
