"""Sequence flows and the ends of paths: conditions on flows leaving tasks, implicit splits, uncaught errors, data objects."""
from __future__ import annotations

from SpiffWorkflow.bpmn.parser.task_parsers import ConditionalGatewayParser
from SpiffWorkflow.bpmn.serializer.default.process_spec import BpmnProcessSpecConverter
from SpiffWorkflow.bpmn.serializer.default.task_spec import (
    ConditionalGatewayConverter,
    ExclusiveGatewayConverter,
)

from engine.bpmn.dialect_base import with_dialect
from engine.bpmn.element_ids import KenteiProcessSpec
from engine.bpmn.error_events import KenteiErrorConverter, KenteiErrorEventDefinition
from engine.bpmn.flow_split import (
    FlowSplit,
    FlowSplitConverter,
    KenteiExclusiveGateway,
    KenteiInclusiveGateway,
)

PARSERS: dict[str, tuple[type, type]] = {
    "exclusiveGateway": (with_dialect(ConditionalGatewayParser), KenteiExclusiveGateway),
    "inclusiveGateway": (with_dialect(ConditionalGatewayParser), KenteiInclusiveGateway),
}
CONVERTERS: dict[type, type] = {
    KenteiProcessSpec: BpmnProcessSpecConverter,
    KenteiErrorEventDefinition: KenteiErrorConverter,
    FlowSplit: FlowSplitConverter,
    KenteiExclusiveGateway: ExclusiveGatewayConverter,
    KenteiInclusiveGateway: ConditionalGatewayConverter,
}
