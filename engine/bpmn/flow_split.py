"""The flows leaving an activity or event, as BPMN and Camunda 7 take them.

SpiffWorkflow lets a task have one outgoing flow and ignores a condition on it. Camunda 7 takes
every outgoing flow of an activity whose condition is true or that has none (several: an implicit
parallel split), the `default` flow only when no other is taken, and fails when none can be taken.
Where a node has several outgoing flows or a conditional one, the parser puts a `FlowSplit` after
it that does exactly that. The split is no diagram element (no `bpmn_id`), so it never shows in the
history; a failure in it is reported at the element it follows.
"""
from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.bpmn_task_spec import BpmnTaskSpec
from SpiffWorkflow.bpmn.specs.defaults import ExclusiveGateway, InclusiveGateway
from SpiffWorkflow.util.task import TaskState

SPLIT_SUFFIX = " [flows]"  # no XML id contains a space: the name collides with no element


class FlowSplit(BpmnTaskSpec):
    """Chooses the outgoing flows of `source` when it completes."""

    def __init__(self, wf_spec: Any, name: str, source: str | None = None,
                 flows: list[dict[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(wf_spec, name, **kwargs)
        self.source = source
        self.flows: list[dict[str, Any]] = flows or []  # {"id", "target" (spec name), "condition", "default"}

    def connect_flow(self, flow_id: str, target: Any, condition: str | None, default: bool) -> None:
        self.flows.append({"id": flow_id, "target": target.name, "condition": condition, "default": default})
        self.connect(target)

    def _spec(self, name: str) -> Any:
        return self._wf_spec.task_specs[name]

    def _predict_hook(self, my_task: Any) -> None:
        sure = [self._spec(f["target"]) for f in self.flows if f["condition"] is None and not f["default"]]
        state = TaskState.MAYBE if my_task.state == TaskState.MAYBE else TaskState.LIKELY
        my_task._sync_children(sure, state)
        for f in self.flows:
            maybe = f["condition"] is not None or f["default"]
            if maybe and not any(c.task_spec.name == f["target"] for c in my_task.children):
                my_task._add_child(self._spec(f["target"]), TaskState.MAYBE)

    def _run_hook(self, my_task: Any) -> bool:
        source = my_task.parent if my_task.parent is not None else my_task
        taken = [f for f in self.flows if not f["default"] and self._holds(my_task, source, f)]
        if not taken:
            taken = [f for f in self.flows if f["default"]]
        if not taken:
            raise WorkflowTaskException(
                "no condition on the flows leaving this element is true and it has no default flow, "
                "so the path cannot go on", task=source)
        my_task._sync_children([self._spec(f["target"]) for f in taken], TaskState.FUTURE)
        for child in my_task.children:
            child.task_spec._predict(child, mask=TaskState.FUTURE | TaskState.PREDICTED_MASK)
        return True

    def _holds(self, my_task: Any, source: Any, flow: dict[str, Any]) -> bool:
        if flow["condition"] is None:
            return True
        try:
            return bool(my_task.workflow.script_engine.evaluate(my_task, flow["condition"]))
        except WorkflowTaskException as exc:
            raise WorkflowTaskException(f"the condition of flow '{flow['id']}' could not be evaluated: {exc}",
                                        task=source) from None


class FlowSplitConverter(BpmnTaskSpecConverter):
    """Serializes a FlowSplit's source and flows."""

    def to_dict(self, spec: FlowSplit) -> dict[str, Any]:
        dct = super().to_dict(spec)
        dct["source"] = spec.source
        dct["flows"] = spec.flows
        return dct

    def from_dict(self, dct: dict[str, Any]) -> FlowSplit:
        return self.task_spec_from_dict(dct)


class OutgoingFlowsMixin:
    """For a parser of a node that is no gateway: its outgoing flows go through a FlowSplit when needed."""

    node: Any
    task: Any
    spec: Any
    bpmn_id: str
    process_parser: Any

    def handles_multiple_outgoing(self) -> bool:
        return True

    def connect_outgoing(self, outgoing_task: Any, sequence_flow_node: Any, is_default: bool) -> None:
        if self.node.tag.endswith("Gateway"):
            super().connect_outgoing(outgoing_task, sequence_flow_node, is_default)  # type: ignore[misc]
            return
        condition = self.parse_condition(sequence_flow_node)  # type: ignore[attr-defined]
        condition = condition.strip() if condition and condition.strip() else None
        split = self.__dict__.get("_flow_split")
        if split is None:
            outgoing = self.process_parser.get_outgoing_sequence_flows(self.bpmn_id)
            plain = len(outgoing) == 1 and condition is None and not is_default
            if plain:
                super().connect_outgoing(outgoing_task, sequence_flow_node, is_default)  # type: ignore[misc]
                return
            split = self.__dict__["_flow_split"] = FlowSplit(self.spec, self.task.name + SPLIT_SUFFIX,
                                                             source=self.bpmn_id)
            self.task.connect(split)
        split.connect_flow(sequence_flow_node.get("id"), outgoing_task, condition, is_default)


NO_WAY_ON = ("no condition on the flows leaving this gateway is true and it has no default flow, "
             "so the path cannot go on")


class KenteiExclusiveGateway(ExclusiveGateway):
    """An exclusive gateway whose dead end (no true condition, no default) names the gateway."""

    def _run_hook(self, my_task: Any) -> bool:
        if self.default_task_spec is None and not any(
                c is not None and c._matches(my_task) for c, _ in self.cond_task_specs):
            raise WorkflowTaskException(NO_WAY_ON, task=my_task)
        return bool(super()._run_hook(my_task))


class KenteiInclusiveGateway(InclusiveGateway):
    """An inclusive gateway whose dead end says so in a sentence."""

    def _run_hook(self, my_task: Any) -> bool:
        try:
            return bool(super()._run_hook(my_task))
        except WorkflowTaskException as exc:
            if "No conditions satisfied" in str(exc):
                raise WorkflowTaskException(NO_WAY_ON, task=my_task) from None
            raise
