"""SpiffWorkflow's BPMN parser, taught the Camunda 7 dialect kentei accepts."""
from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.parser.event_parsers import StartEventParser
from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.parser.util import first, full_tag
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition

from engine.bpmn import families
from engine.bpmn.data_elements import without_data
from engine.bpmn.dialect_base import DialectMixin, with_dialect
from engine.bpmn.element_ids import IdSafeProcessParser
from engine.bpmn.event_subprocesses import ScopeProcessParser, in_event_subprocess
from engine.bpmn.extensions import CAMUNDA_NS, task_extensions
from engine.bpmn.specs import (
    DecisionTask,
    ExternalServiceTask,
    PassThroughManualTask,
    PassThroughTask,
)

NSMAP = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "camunda": CAMUNDA_NS,
}


class TimerStartEventParser(DialectMixin, StartEventParser):
    """A timer start event starts instances on its schedule (engine/start_timers.py).

    The instance itself does not wait at it: it is a none start event inside the
    workflow, with the timer kept in `extensions["start_timer"]` for the deployment.
    """

    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        extensions = task_extensions(node if node is not None else self.node)
        if in_event_subprocess(self.node):
            return extensions
        for tag in ("timeDate", "timeDuration", "timeCycle"):
            found = first(self.xpath(f".//bpmn:timerEventDefinition/bpmn:{tag}"))
            if found is not None:
                extensions["start_timer"] = {"kind": tag, "value": (found.text or "").strip()}
        return extensions

    def create_task(self) -> Any:
        if in_event_subprocess(self.node):
            # its trigger waits, and is recorded, in the enclosing scope (engine/bpmn/event_subprocesses.py)
            task = self._create_task(NoneEventDefinition(description="Default"))
            task.bpmn_id = None
            self.spec.start.connect(task)
            return task
        if first(self.xpath(".//bpmn:timerEventDefinition")) is None:
            return super().create_task()
        task = self._create_task(NoneEventDefinition(description="Default"))
        self.spec.start.connect(task)
        return task


def _override_classes() -> dict[str, tuple[type, type]]:
    classes = {tag: (with_dialect(p), s) for tag, (p, s) in BpmnParser.PARSER_CLASSES.items()}
    classes[full_tag("serviceTask")] = (with_dialect(TaskParser), ExternalServiceTask)
    classes[full_tag("sendTask")] = (with_dialect(TaskParser), ExternalServiceTask)
    classes[full_tag("businessRuleTask")] = (with_dialect(TaskParser), DecisionTask)
    classes[full_tag("task")] = (with_dialect(TaskParser), PassThroughTask)
    classes[full_tag("manualTask")] = (with_dialect(TaskParser), PassThroughManualTask)
    classes[full_tag("startEvent")] = (TimerStartEventParser, classes[full_tag("startEvent")][1])
    classes.update({full_tag(tag): pair for tag, pair in families.parsers().items()})
    return classes


class KenteiProcessParser(ScopeProcessParser, IdSafeProcessParser):
    """A process (or embedded subprocess) parser: its event subprocesses wait in it
    (engine/bpmn/event_subprocesses.py), its elements are filed under safe spec names
    (engine/bpmn/element_ids.py), and the construct families finish its spec."""

    def _parse(self) -> None:
        super()._parse()
        families.finish(self.spec)


class KenteiParser(BpmnParser):
    """Parses Camunda Modeler (Camunda 7) BPMN into specs the engine runs."""

    OVERRIDE_PARSER_CLASSES = _override_classes()
    PROCESS_PARSER_CLASS = KenteiProcessParser

    def __init__(self) -> None:
        super().__init__(namespaces=NSMAP)

    def add_bpmn_xml(self, bpmn: Any, filename: str | None = None) -> None:
        super().add_bpmn_xml(without_data(bpmn), filename)
