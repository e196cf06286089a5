"""Compensation: compensation boundary handlers and compensate throw and end events.

The run-time side is in compensation_specs.py. Here: the parsers and the serializer entries.

- `boundaryEvent` + `compensateEventDefinition` becomes a CompensationBoundaryEvent that names its
  handler (the activity its `bpmn:association` points at, `isForCompensation="true"`).
- `intermediateThrowEvent` / `endEvent` + `compensateEventDefinition` becomes a compensate throw event.
  Parsing one also gives each compensation handler of its scope (nested embedded subprocesses included)
  a spec of its own, `<process>:<handler>` (start, the handler, end), and gives the throw's scope a
  CompensationRun spec per handler that runs it as a sub-workflow.

The parser mixins defer to the next class for every other event, so a family that overrides the same
tags can be composed with them (`type(name, (CompensationThrowParser, TheirParser), {})`).
"""
from __future__ import annotations

from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.event_parsers import (
    BoundaryEventParser,
    EndEventParser,
    IntermediateThrowEventParser,
)
from SpiffWorkflow.bpmn.parser.util import first
from SpiffWorkflow.bpmn.serializer.default.task_spec import (
    BoundaryEventConverter,
    EventConverter,
    SubWorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.helpers.spec import EventDefinitionConverter
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.defaults import (
    BoundaryEvent,
    EndEvent,
    IntermediateThrowEvent,
)

from engine.bpmn.compensation_specs import (
    CompensateEndEvent,
    CompensateEventDefinition,
    CompensateThrowEvent,
    CompensationBoundaryEvent,
    CompensationRun,
    run_spec_name,
)
from engine.bpmn.dialect_base import DialectMixin

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
COMPENSATE = "./bpmn:compensateEventDefinition"


def associated_handler(boundary: etree._Element) -> str | None:
    """The id of the activity a compensation boundary event's association points at."""
    root = boundary.getroottree().getroot()
    for assoc in root.iter(f"{{{BPMN_NS}}}association"):
        if assoc.get("sourceRef") == boundary.get("id"):
            return assoc.get("targetRef")
    return None


class CompensationBoundaryParser(DialectMixin, BoundaryEventParser):
    """A compensation boundary event: it records its activity's completions (never catches)."""

    def create_task(self) -> Any:
        if first(self.xpath(COMPENSATE)) is None:
            return super().create_task()
        definition = CompensateEventDefinition(description="Compensation")
        return CompensationBoundaryEvent(self.spec, self.bpmn_id, event_definition=definition,
                                         handler=associated_handler(self.node),
                                         attached_to=self.node.get("attachedToRef"), **self.bpmn_attributes)


class _CompensationThrow:
    """A compensate throw: builds its scope's handler runs, then the event itself."""

    node: Any
    spec: Any
    bpmn_id: str
    process_parser: Any
    bpmn_attributes: dict[str, Any]
    xpath: Any
    END = False

    def create_task(self) -> Any:
        found = first(self.xpath(COMPENSATE))
        if found is None:
            return super().create_task()  # type: ignore[misc]
        definition = CompensateEventDefinition(found.get("activityRef"),
                                               found.get("waitForCompletion", "true") == "true",
                                               description="Compensation")
        cls = CompensateEndEvent if self.END else CompensateThrowEvent
        task = cls(self.spec, self.bpmn_id, event_definition=definition, **self.bpmn_attributes)
        if self.END:
            task.connect(self.spec.end)
        add_runs(self.process_parser, self.spec)
        return task


class CompensationThrowParser(_CompensationThrow, DialectMixin, IntermediateThrowEventParser):
    """intermediateThrowEvent: a compensate throw, or whatever the next parser makes of it."""


class CompensationEndParser(_CompensationThrow, DialectMixin, EndEventParser):
    """endEvent: a compensation end event, or whatever the next parser makes of it."""

    END = True


def add_runs(process_parser: Any, scope_spec: Any) -> None:
    """Give the scope's spec a CompensationRun for every handler its throw events may run."""
    scope = process_parser.node
    for boundary in scope.xpath(".//bpmn:boundaryEvent[bpmn:compensateEventDefinition]",
                                namespaces=process_parser.nsmap):
        handler_id = associated_handler(boundary)
        handler = process_parser.get_node_by_id(handler_id) if handler_id else None
        if handler is None or run_spec_name(handler_id) in scope_spec.task_specs:
            continue
        CompensationRun(scope_spec, run_spec_name(handler_id), handler_spec(process_parser, handler))


class _HandlerSpecParser:
    """Stands in the BpmnParser's process parsers for a handler's spec, so subprocess lookups find it."""

    process_executable = False

    def __init__(self, name: str, spec: BpmnProcessSpec) -> None:
        self.bpmn_id = name
        self.spec = spec

    def get_spec(self) -> BpmnProcessSpec:
        return self.spec


def handler_spec(process_parser: Any, handler: etree._Element) -> str:
    """Parse a compensation handler into a spec of its own (once per parser); return the spec's name."""
    process = next(a for a in handler.iterancestors(f"{{{BPMN_NS}}}process"))
    name = f"{process.get('id')}:{handler.get('id')}"
    parsers = process_parser.parser.process_parsers
    if name in parsers:
        return name
    spec = BpmnProcessSpec(name=name, description=handler.get("name") or handler.get("id"),
                           filename=process_parser.filename)
    saved, process_parser.spec = process_parser.spec, spec
    try:
        entry = process_parser.parse_node(handler)
    finally:
        process_parser.spec = saved
    spec.start.connect(entry)
    entry.connect(spec.end)
    parsers[name] = _HandlerSpecParser(name, spec)
    return name


class CompensateEventDefinitionConverter(EventDefinitionConverter):
    def to_dict(self, event_definition: Any) -> dict[str, Any]:
        dct = super().to_dict(event_definition)
        dct["activity_ref"] = event_definition.activity_ref
        dct["wait_for_completion"] = event_definition.wait_for_completion
        return dct


class CompensationBoundaryConverter(BoundaryEventConverter):
    def to_dict(self, spec: Any) -> dict[str, Any]:
        dct = super().to_dict(spec)
        dct["handler"] = spec.handler
        dct["attached_to"] = spec.attached_to
        return dct


PARSERS: dict[str, tuple[type, type]] = {
    "boundaryEvent": (CompensationBoundaryParser, BoundaryEvent),
    "intermediateThrowEvent": (CompensationThrowParser, IntermediateThrowEvent),
    "endEvent": (CompensationEndParser, EndEvent),
}
CONVERTERS: dict[type, type] = {
    CompensateEventDefinition: CompensateEventDefinitionConverter,
    CompensationBoundaryEvent: CompensationBoundaryConverter,
    CompensateThrowEvent: EventConverter,
    CompensateEndEvent: EventConverter,
    CompensationRun: SubWorkflowConverter,
}
