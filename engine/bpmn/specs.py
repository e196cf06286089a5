"""Task specs the dialect adds: external service tasks and decision (business rule) tasks."""
from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs.defaults import ManualTask, NoneTask, ServiceTask
from SpiffWorkflow.bpmn.specs.mixins import BpmnSpecMixin
from SpiffWorkflow.specs.base import TaskSpec


class ExternalServiceTask(ServiceTask):
    """serviceTask camunda:type="external": runs the handler registered for its topic.

    `extensions['topic']` names the handler; the script engine decides whether it
    runs now (a local handler) or becomes an external job (a remote one).
    """

    def _run_hook(self, my_task: Any) -> bool | None:
        return my_task.workflow.script_engine.run_service(my_task, self.extensions["topic"])


class DecisionTask(BpmnSpecMixin, TaskSpec):
    """businessRuleTask camunda:decisionRef: evaluates a DMN decision into camunda:resultVariable.

    As in Camunda 7 the result is mapped by camunda:mapDecisionResult (default resultList: a list of
    output maps), and without a result variable it is not kept.
    """

    def _run_hook(self, my_task: Any) -> bool:
        ext = self.extensions
        mapping = ext.get("mapDecisionResult") or "resultList"
        result = my_task.workflow.script_engine.evaluate_decision(my_task, ext["decisionRef"], mapping)
        if ext.get("resultVariable"):
            my_task.data[ext["resultVariable"]] = result
        return True


class PassThroughTask(NoneTask):
    """bpmn:task: passes straight through, as in Camunda (SpiffWorkflow waits for a person)."""

    def __init__(self, wf_spec: Any, bpmn_id: str, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = False


class PassThroughManualTask(ManualTask):
    """bpmn:manualTask: work done outside the system; the process does not wait (Camunda semantics)."""

    def __init__(self, wf_spec: Any, bpmn_id: str, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = False
