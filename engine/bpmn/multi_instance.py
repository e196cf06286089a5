"""Multi-instance (parallel, sequential) and standard loops, run as Camunda 7 runs them.

The parser turns a looping activity into a *body* (Camunda 7's `<id>#multiInstanceBody`) whose
children are the inner instances of the original spec, named `<id> [child]`; both keep the bpmn id.

Variables, Camunda 7's scopes on SpiffWorkflow's copied task data:
- an inner instance sees the process variables as they stand when it starts, plus its locals:
  `loopCounter`, the `camunda:elementVariable`, and the body's `nrOfInstances`,
  `nrOfActiveInstances`, `nrOfCompletedInstances`;
- when it completes, what it added or changed (locals aside) is written to the process variables,
  the later completion winning; the body keeps those writes in `internal_data["written"]` and
  applies them when it ends, so after the activity the locals are gone and a process variable
  that a local shadowed has its old value;
- the completion condition sees the process variables with every write so far, the completed
  instance's locals and the body's counters as they are after that completion.
"""
from __future__ import annotations

from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.mixins import BpmnSpecMixin
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.extensions import C
from engine.bpmn.multi_instance_outputs import set_gathered, take_outputs
from engine.bpmn.task_tree import discard_subprocess, task_exists
from engine.expr import EvaluationError, ExpressionError, compile_condition, compile_expression

COUNTERS = ("nrOfInstances", "nrOfActiveInstances", "nrOfCompletedInstances")
LOOP_COUNTER = "loopCounter"


def _whole_number(value: Any) -> int | None:
    """A number as Camunda 7 reads loopCardinality: a number (truncated) or the text of an integer."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    text = str(value).strip()
    return int(text) if text.lstrip("-").isdigit() else None


def _evaluate(task: Any, text: str, data: dict[str, Any], condition: bool = False) -> Any:
    try:
        return (compile_condition if condition else compile_expression)(text).evaluate(data)
    except (ExpressionError, EvaluationError) as exc:
        raise WorkflowTaskException(f"{text}: {exc}", task=task, exception=exc) from None


class LoopBody(BpmnSpecMixin, LoopTask):
    """What every body shares: inner instances started with a local view, their writes gathered."""

    parallel = False

    def __init__(self, wf_spec: Any, bpmn_id: str, task_spec: str, condition: str | None = None,
                 element_variable: str | None = None, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.task_spec = task_spec
        self.condition = condition
        self.element_variable = element_variable

    def local_names(self) -> set[str]:
        names = {LOOP_COUNTER, *COUNTERS}
        if self.element_variable:
            names.add(self.element_variable)
        return names

    def visible(self, my_task: Any) -> dict[str, Any]:
        """The process variables as they stand: the body's data with the instances' writes so far."""
        return {**my_task.data, **my_task.internal_data.get("written", {})}

    def instances(self, my_task: Any) -> list[Any]:
        return [c for c in my_task.children if c.task_spec.name == self.task_spec]

    def counters(self, my_task: Any) -> dict[str, int]:
        return dict(zip(COUNTERS, my_task.internal_data.get("counters", (0, 0, 0))))

    def start_instance(self, my_task: Any, local: dict[str, Any]) -> None:
        """Add an inner instance that starts from the process variables plus its locals."""
        spec = my_task.workflow.spec.task_specs[self.task_spec]
        if not spec.completed_event.is_connected(self.merge_child):
            spec.completed_event.connect(self.merge_child)
        view = deepcopy(self.visible(my_task))
        view.update(local)
        child = my_task._add_child(spec, TaskState.WAITING)
        child.triggered = True
        # the child copies its parent's data as it starts: let it copy the view, not the body's data
        saved, my_task.data = my_task.data, view
        try:
            spec._update(child)
        finally:
            my_task.data = saved

    def gather(self, my_task: Any, child: Any) -> None:
        """Write what a completed instance added or changed (its locals aside) to the process variables."""
        base = my_task.data if self.parallel else self.visible(my_task)
        written = my_task.internal_data.setdefault("written", {})
        local = self.local_names()
        changes = {k: deepcopy(v) for k, v in child.data.items()
                   if k not in local and (k not in base or base[k] != v)}
        written.update(changes)
        split = my_task.parent
        if changes and split is not None and type(split.task_spec).__name__ == "BoundaryEventSplit":
            # the boundary events copy their data from the split: let them see what was written
            from engine.bpmn.serializer import data_changed
            split.data.update(deepcopy(changes))
            data_changed(split)
            for event in split.children:
                if event is not my_task and not event.has_state(TaskState.FINISHED_MASK):
                    event.data.update(deepcopy(changes))

    def condition_met(self, my_task: Any, child: Any) -> bool:
        if not self.condition:
            return False
        data = self.visible(my_task)
        data.update({k: child.data[k] for k in self.local_names() if k in child.data})
        data.update(self.counters(my_task))
        result = _evaluate(child, self.condition, data, condition=True)
        return bool(result)

    def _run_hook(self, my_task: Any) -> bool:
        my_task.data.update(my_task.internal_data.pop("written", {}))
        return True

    def _on_cancel(self, my_task: Any) -> None:
        """An interrupted body has dropped its running instances: drop their subprocesses and waits too."""
        self.scrub_boundary_path(my_task)
        top = my_task.workflow.top_workflow
        for task_id in list(top.subprocesses):
            if task_id in top.subprocesses and not task_exists(top, task_id):
                discard_subprocess(top, task_id)
        super()._on_cancel(my_task)

    def scrub_boundary_path(self, my_task: Any) -> None:
        """An error thrown inside an instance carries the instance's data (SpiffWorkflow's payload) to
        the boundary event that interrupts the body: take the instance's locals back out of that path."""
        split = my_task.parent
        if split is None or type(split.task_spec).__name__ != "BoundaryEventSplit":
            return
        from engine.bpmn.serializer import data_changed
        local = self.local_names()
        todo = [c for c in split.children if c is not my_task]
        while todo:
            task = todo.pop()
            if task.workflow is not my_task.workflow:
                continue
            touched = False
            for name in local & task.data.keys():
                if name in split.data:
                    task.data[name] = deepcopy(split.data[name])
                else:
                    del task.data[name]
                touched = True
            if touched and task.has_state(TaskState.FINISHED_MASK):
                data_changed(task)
            todo.extend(task.children)


class MultiInstanceBody(LoopBody):
    """multiInstanceLoopCharacteristics: loopCardinality or camunda:collection, completionCondition."""

    def __init__(self, wf_spec: Any, bpmn_id: str, task_spec: str, cardinality: str | None = None,
                 collection: str | None = None, gathered: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, task_spec, **kwargs)
        self.cardinality = cardinality
        self.collection = collection
        # the activity's output parameters: each instance's value, gathered into a list (kentei's; see below)
        self.gathered = list(gathered or [])

    def gather(self, my_task: Any, child: Any) -> None:
        take_outputs(self.gathered, my_task, child)  # before the instance's writes are taken
        super().gather(my_task, child)

    def _run_hook(self, my_task: Any) -> bool:
        done = super()._run_hook(my_task)
        set_gathered(self.gathered, my_task, self.counters(my_task)[COUNTERS[0]])
        return done

    def count(self, my_task: Any) -> int:
        """nrOfInstances: loopCardinality (a number or ${...}) if given, else the collection's size."""
        if self.cardinality is not None:
            value = _evaluate(my_task, self.cardinality, self.visible(my_task))
            number = _whole_number(value)
            if number is None:
                raise WorkflowTaskException(f"loopCardinality '{self.cardinality}' is {value!r}, not a whole number",
                                            task=my_task)
        else:
            number = len(self.items(my_task))
        if number < 0:
            raise WorkflowTaskException(f"loopCardinality '{self.cardinality}' is negative ({number})", task=my_task)
        return number

    def items(self, my_task: Any) -> list[Any]:
        """The collection: a variable's name, or ${...}; it must be a list."""
        data = self.visible(my_task)
        text = self.collection or ""
        value = _evaluate(my_task, text, data) if "{" in text else data.get(text)
        if not isinstance(value, (list, tuple)):
            raise WorkflowTaskException(f"camunda:collection '{text}' is {type(value).__name__}, not a list",
                                        task=my_task)
        return list(value)

    def local_vars(self, my_task: Any, index: int) -> dict[str, Any]:
        local: dict[str, Any] = {LOOP_COUNTER: index, **self.counters(my_task)}
        if self.collection is not None and self.element_variable:
            items = self.items(my_task)
            if index >= len(items):
                raise WorkflowTaskException(f"camunda:collection '{self.collection}' has no element {index}",
                                            task=my_task)
            local[self.element_variable] = deepcopy(items[index])
        return local


class ParallelBody(MultiInstanceBody):
    """All instances start at once; each completion may end the rest (completionCondition)."""

    parallel = True

    def _update_hook(self, my_task: Any) -> bool | None:
        super()._update_hook(my_task)
        number = self.count(my_task)
        if number == 0:
            return True
        my_task.internal_data["counters"] = (number, number, 0)
        my_task._set_state(TaskState.STARTED)
        for index in range(number):
            self.start_instance(my_task, self.local_vars(my_task, index))
        return None

    def merge_child(self, workflow: Any, child: Any) -> None:
        my_task = child.parent
        self.gather(my_task, child)
        total, active, done = my_task.internal_data["counters"]
        my_task.internal_data["counters"] = (total, active - 1, done + 1)
        running = [c for c in self.instances(my_task) if not c.has_state(TaskState.FINISHED_MASK) and c is not child]
        if self.condition_met(my_task, child):
            for other in running:
                other.cancel()
            my_task._set_state(TaskState.READY)
        elif not running:
            my_task._set_state(TaskState.READY)
        else:
            for other in running:  # the body's counters, as the instances still running see them
                other.data.update(self.counters(my_task))


class SequentialBody(MultiInstanceBody):
    """One instance after the other; the collection is read again as each one starts."""

    def _update_hook(self, my_task: Any) -> bool | None:
        super()._update_hook(my_task)
        number = self.count(my_task)
        if number == 0:
            return True
        my_task.internal_data["counters"] = (number, 1, 0)
        my_task._set_state(TaskState.STARTED)
        self.start_instance(my_task, self.local_vars(my_task, 0))
        return None

    def merge_child(self, workflow: Any, child: Any) -> None:
        my_task = child.parent
        self.gather(my_task, child)
        total, active, done = my_task.internal_data["counters"]
        my_task.internal_data["counters"] = (total, active, done + 1)
        if done + 1 >= total or self.condition_met(my_task, child):
            my_task._set_state(TaskState.READY)
        else:
            self.start_instance(my_task, self.local_vars(my_task, done + 1))


class StandardLoop(LoopBody):
    """standardLoopCharacteristics (BPMN 2.0; Camunda 7 has none): repeat while loopCondition holds.

    testBefore evaluates the condition before the first iteration too; loopMaximum caps the iterations.
    The condition sees the process variables and `loopCounter`, the number of iterations done.
    """

    def __init__(self, wf_spec: Any, bpmn_id: str, task_spec: str, maximum: int | None = None,
                 test_before: bool = False, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, task_spec, **kwargs)
        self.maximum = maximum
        self.test_before = test_before

    def local_names(self) -> set[str]:
        return {LOOP_COUNTER}

    def again(self, my_task: Any, done: int) -> bool:
        if self.maximum is not None and done >= self.maximum:
            return False
        if not self.condition:
            return True
        return bool(_evaluate(my_task, self.condition, {**self.visible(my_task), LOOP_COUNTER: done}, condition=True))

    def _update_hook(self, my_task: Any) -> bool | None:
        super()._update_hook(my_task)
        my_task.internal_data["counters"] = (0, 1, 0)
        if self.test_before and not self.again(my_task, 0):
            return True
        my_task._set_state(TaskState.STARTED)
        self.start_instance(my_task, {LOOP_COUNTER: 0})
        return None

    def merge_child(self, workflow: Any, child: Any) -> None:
        my_task = child.parent
        self.gather(my_task, child)
        done = my_task.internal_data["counters"][2] + 1
        my_task.internal_data["counters"] = (0, 1, done)
        if self.again(my_task, done):
            self.start_instance(my_task, {LOOP_COUNTER: done})
        else:
            my_task._set_state(TaskState.READY)


def is_body(spec: Any) -> bool:
    return isinstance(spec, LoopBody)


def process_view(task: Any) -> dict[str, Any] | None:
    """The process variables while `task`, an inner instance, is the last one done; else None."""
    parent = task.parent
    if parent is not None and isinstance(parent.task_spec, LoopBody) and not parent.has_state(TaskState.FINISHED_MASK):
        return parent.task_spec.visible(parent)
    return None


# -- the parser: called from DialectMixin for every activity ---------------------------------------
def _text(parser: Any, path: str) -> str | None:
    found = parser.xpath(path)
    return (found[0].text or "").strip() if found else None


def add_multi_instance(parser: Any, node: Any) -> None:
    """Replace the parsed activity by a parallel or sequential body over it."""
    prefix = "./bpmn:multiInstanceLoopCharacteristics"
    params = {
        "task_spec": "",
        "cardinality": _text(parser, f"{prefix}/bpmn:loopCardinality"),
        "collection": node.get(C + "collection"),
        "element_variable": node.get(C + "elementVariable"),
        "condition": _text(parser, f"{prefix}/bpmn:completionCondition") or None,
    }
    cls = SequentialBody if node.get("isSequential") == "true" else ParallelBody
    _wrap(parser, node, cls, params)


def add_standard_loop(parser: Any, node: Any) -> None:
    """Replace the parsed activity by a standard loop over it."""
    maximum = node.get("loopMaximum")
    params = {
        "task_spec": "",
        "maximum": int(maximum) if maximum not in (None, "") else None,
        "condition": _text(parser, "./bpmn:standardLoopCharacteristics/bpmn:loopCondition") or None,
        "test_before": node.get("testBefore") == "true",
    }
    _wrap(parser, node, StandardLoop, params)


def _wrap(parser: Any, node: Any, cls: type, params: dict[str, Any]) -> None:
    original = parser.spec.task_specs.pop(parser.task.name)
    parser.task = cls(parser.spec, original.name, bpmn_name=original.bpmn_name, description=cls.__name__, **params)
    parser._copy_task_attrs(original, node)
    # the inbox reads a user task's form by element id, which names the body
    form = getattr(original, "extensions", {}).get("form")
    parser.task.extensions = {"form": form} if form else {}


# -- the serializer ----------------------------------------------------------------------------------
class LoopBodyConverter(BpmnTaskSpecConverter):
    """A body's spec: the default attributes and its loop settings."""

    FIELDS = ("task_spec", "condition", "element_variable", "cardinality", "collection", "maximum", "test_before",
              "gathered")

    def to_dict(self, spec: Any) -> dict[str, Any]:
        dct = self.get_default_attributes(spec)
        dct.update({f: getattr(spec, f) for f in self.FIELDS if hasattr(spec, f)})
        return dct

    def from_dict(self, dct: dict[str, Any]) -> Any:
        return self.task_spec_from_dict(dct)


PARSERS: dict[str, tuple[type, type]] = {}
CONVERTERS: dict[type, type] = {cls: LoopBodyConverter for cls in (ParallelBody, SequentialBody, StandardLoop)}
