"""Sequence flows and the ends of paths: conditions on flows leaving tasks, implicit splits, uncaught errors, data objects."""
from __future__ import annotations

from SpiffWorkflow.bpmn.serializer.default.process_spec import BpmnProcessSpecConverter

from engine.bpmn.element_ids import KenteiProcessSpec
from engine.bpmn.error_events import KenteiErrorConverter, KenteiErrorEventDefinition

PARSERS: dict[str, tuple[type, type]] = {}
CONVERTERS: dict[type, type] = {
    KenteiProcessSpec: BpmnProcessSpecConverter,
    KenteiErrorEventDefinition: KenteiErrorConverter,
}
