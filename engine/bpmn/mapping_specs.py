"""How variable mappings run: input and output parameters around an activity, camunda:in / camunda:out
around a called process, both as Camunda 7 runs them (docs/dialect.md, Variable mappings).

Input and output parameters ride in SpiffWorkflow's own seams for data entering and leaving a task: a
spec's `data_input_associations` are asked to `get()` once the task has inherited its data, and its
`data_output_associations` to `set()` when it completes, before anything after it sees the data.
"""
from __future__ import annotations

from copy import deepcopy
from typing import Any, Mapping

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.defaults import CallActivity

from engine.bpmn.mapping_values import Value, context, evaluate
from engine.expr import EvaluationError
from engine.script_engine import current_step

LOCALS = "kentei_locals"  # internal data: local variables made while the activity ran (camunda:out local="true")
BUSINESS_KEY = "kentei_business_key"  # internal data of a call activity: the called process's business key
NEVER_A_VARIABLE = "\x00camunda:inputOutput"


class InputParameters:
    """camunda:inputParameter: local variables of the activity, each evaluated in the enclosing scope.

    The task's data is the enclosing scope's variables with these on top, so the activity (its handler,
    form, expressions, the tasks inside a subprocess) sees both, the parameters hiding outer namesakes.
    """

    bpmn_id = NEVER_A_VARIABLE  # SpiffWorkflow pops this name from the data on completion: nothing is lost

    def __init__(self, params: list[tuple[str, Value]]) -> None:
        self.params = [(str(n), v) for n, v in params]

    def get(self, my_task: Any) -> None:
        scope = mapping_context(outer_scope(my_task), my_task)
        my_task.data.update({name: deepcopy(_evaluate(value, scope, my_task, f"input parameter '{name}'"))
                             for name, value in self.params})


class OutputParameters:
    """camunda:outputParameter: evaluated in the activity's scope when it completes, written to the enclosing one.

    The activity's local variables (its input parameters, and what camunda:out local="true" brought back)
    end with it: an outer variable of the same name gets its outer value back, any other is dropped.
    Whatever else the activity set (a form's fields, a handler's result) stays, as Camunda 7's
    setVariable leaves it in the enclosing scope.
    """

    def __init__(self, params: list[tuple[str, Value]], local_names: list[str]) -> None:
        self.params = [(str(n), v) for n, v in params]
        self.local_names = list(local_names)

    def set(self, my_task: Any) -> None:
        scope = mapping_context(my_task.data, my_task)
        values = {name: deepcopy(_evaluate(value, scope, my_task, f"output parameter '{name}'"))
                  for name, value in self.params}
        outer = outer_scope(my_task)
        for name in [*self.local_names, *my_task.internal_data.pop(LOCALS, [])]:
            if name in outer:
                my_task.data[name] = deepcopy(outer[name])
            else:
                my_task.data.pop(name, None)
        my_task.data.update(values)


class KenteiCallActivity(CallActivity):
    """callActivity: the called process gets only what camunda:in passes and returns only what camunda:out takes.

    `extensions["call"]` holds {"in": [...], "out": [...], "businessKey": text}; each mapping is
    {"source" | "sourceExpression" | "all": True, "target", "local"}. Without camunda:in nothing is passed,
    without camunda:out nothing comes back (SpiffWorkflow would copy everything both ways).
    """

    def _mappings(self) -> dict[str, Any]:
        return (getattr(self, "extensions", None) or {}).get("call", {})

    def copy_data(self, my_task: Any, subworkflow: Any) -> None:
        start = subworkflow.get_next_task(subworkflow.task_tree, skip_subprocesses=True, spec_name="Start")
        call = self._mappings()
        own = self._local_view(my_task)
        passed = _apply(call.get("in", []), my_task.data, own, my_task)
        start.set_data(**deepcopy(passed))
        key = call.get("businessKey")
        if key is not None:
            value = _evaluate(key, mapping_context(my_task.data, my_task), my_task, "camunda:in businessKey")
            my_task.internal_data[BUSINESS_KEY] = None if value in (None, "") else str(value)
        else:
            my_task.internal_data[BUSINESS_KEY] = None

    def update_data(self, my_task: Any, subworkflow: Any) -> None:
        ended = subworkflow.last_task.data if subworkflow.last_task is not None else {}
        outs = self._mappings().get("out", [])
        shared = [m for m in outs if not m.get("local")]
        own = [m for m in outs if m.get("local")]
        my_task.data.update(deepcopy(_apply(shared, ended, ended, my_task)))
        local_values = _apply(own, ended, ended, my_task)
        my_task.data.update(deepcopy(local_values))
        if local_values and self._is_scope():
            my_task.internal_data[LOCALS] = sorted(set(my_task.internal_data.get(LOCALS, [])) | set(local_values))

    def _is_scope(self) -> bool:
        """With camunda:inputOutput the activity is a scope of its own: its local variables end with it."""
        return any(isinstance(o, OutputParameters) for o in self.data_output_associations)

    def _local_view(self, my_task: Any) -> Mapping[str, Any]:
        """What local="true" reads: the activity's own variables when it is a scope, else the enclosing ones."""
        if not self._is_scope():
            return my_task.data
        names = {n for o in self.data_input_associations if isinstance(o, InputParameters) for n, _ in o.params}
        return {k: v for k, v in my_task.data.items() if k in names}


def _apply(mappings: list[dict[str, Any]], visible: Mapping[str, Any], own: Mapping[str, Any],
           my_task: Any) -> dict[str, Any]:
    """The variables a list of camunda:in or camunda:out mappings produces, read from `visible` (or `own`)."""
    out: dict[str, Any] = {}
    for m in mappings:
        scope = own if m.get("local") else visible
        if m.get("all"):
            out.update(scope)
        elif "sourceExpression" in m:
            out[m["target"]] = _evaluate(m["sourceExpression"], mapping_context(scope, my_task), my_task,
                                         f"the source expression for '{m['target']}'")
        else:
            out[m["target"]] = scope.get(m["source"])
    return out


def local_variables(my_task: Any) -> dict[str, Any]:
    """The task's own variables (what its form shows besides the process's): its input parameters' values and,
    for an instance of a multi-instance activity or loop, `loopCounter`, the element variable and the counters."""
    names = [n for o in getattr(my_task.task_spec, "data_input_associations", ()) if isinstance(o, InputParameters)
             for n, _ in o.params]
    body = my_task.parent.task_spec if my_task.parent is not None else None
    instance_locals = getattr(body, "local_names", None)  # a LoopBody (engine/bpmn/multi_instance.py)
    if callable(instance_locals):
        names += sorted(n for n in instance_locals() if n in my_task.data)
    return {n: my_task.data.get(n) for n in names}


def outer_scope(my_task: Any) -> Mapping[str, Any]:
    """The enclosing scope's variables as the task received them: its parent's data; for an instance of a
    multi-instance activity or loop, the variables as they stand (engine/bpmn/multi_instance.py)."""
    parent = my_task.parent
    if parent is None:
        return {}
    view = getattr(parent.task_spec, "visible", None)
    return view(parent) if callable(view) else parent.data


def business_key_of(my_task: Any, default: str | None) -> str | None:
    """The business key of the process a task runs in: inside a called process, what camunda:in businessKey
    passed (None without it, as in Camunda 7); else the instance's."""
    workflow = my_task.workflow
    top = workflow.top_workflow
    while workflow is not top and workflow.parent_task_id is not None:
        caller = top.get_task_from_id(workflow.parent_task_id)
        if isinstance(caller.task_spec, KenteiCallActivity):
            return caller.internal_data.get(BUSINESS_KEY)
        workflow = caller.workflow
    return default


def mapping_context(data: Mapping[str, Any], my_task: Any) -> Mapping[str, Any]:
    """The variables a mapping expression sees, and `execution` (processBusinessKey, currentActivityId…)."""
    step = current_step.get()
    row = getattr(step, "row", None)
    key = business_key_of(my_task, getattr(row, "business_key", None))
    spec = my_task.task_spec
    return context(data, {"processBusinessKey": key, "businessKey": key,
                          "currentActivityId": getattr(spec, "bpmn_id", None),
                          "currentActivityName": getattr(spec, "bpmn_name", None)})


def _evaluate(value: Value, scope: Mapping[str, Any], my_task: Any, what: str) -> Any:
    try:
        return evaluate(value, scope)
    except EvaluationError as exc:
        raise WorkflowTaskException(f"{what}: {exc}", task=my_task, exception=exc) from None
