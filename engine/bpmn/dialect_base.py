"""What every kentei parser shares: camunda:* read into `spec.extensions`, clock-aware timers, mappings."""
from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.parser.util import first
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from engine.bpmn import multi_instance, signals
from engine.bpmn.conditions import ScopeConditionalEventDefinition
from engine.bpmn.error_events import parse_error_event
from engine.bpmn.escalation import ScopedEscalationEventDefinition
from engine.bpmn.extensions import task_extensions
from engine.bpmn.flow_split import OutgoingFlowsMixin
from engine.bpmn.mapping_parser import MappingsParserMixin
from engine.bpmn.timers import ClockCycle, ClockDuration, ClockTimeDate


class DialectMixin(MappingsParserMixin, OutgoingFlowsMixin):
    """Reads camunda:* into `spec.extensions`, builds clock-aware timers and error events, reads variable
    mappings, and takes outgoing flows as Camunda 7 does (engine/bpmn/flow_split.py)."""

    node: Any

    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        return signals.topic_extensions(self, task_extensions(node if node is not None else self.node))

    # signals, link events, message throws with a topic: engine/bpmn/signals.py
    def parse_signal_event(self, signal_event: Any) -> Any:
        return signals.signal_definition(self, signal_event)

    def get_event_definition(self, xpaths: list[str]) -> Any:
        link = signals.link_definition(self)
        if link is not None:
            return link
        return super().get_event_definition(signals.event_xpaths(self, xpaths))  # type: ignore[misc]

    def _create_task(self, event_definition: Any, *args: Any, **kwargs: Any) -> Any:
        task = signals.create_event_task(self, event_definition)
        return task if task is not None else super()._create_task(event_definition, *args, **kwargs)  # type: ignore[misc]

    def _add_multiinstance_task(self, loop_characteristics: Any) -> None:
        multi_instance.add_multi_instance(self, loop_characteristics)
        self.keep_mappings_inside(gather=True)

    def _add_loop_task(self, loop_characteristics: Any) -> None:
        multi_instance.add_standard_loop(self, loop_characteristics)
        self.keep_mappings_inside()

    def parse_error_event(self, event: Any) -> Any:
        return parse_error_event(self, event)

    def parse_timer_event(self, event: Any) -> Any:
        name = self.node.get("name", self.node.get("id"))
        description = self.get_event_description(event)  # type: ignore[attr-defined]
        for tag, cls in (("timeDate", ClockTimeDate), ("timeDuration", ClockDuration), ("timeCycle", ClockCycle)):
            node = first(self.xpath(f".//bpmn:{tag}"))  # type: ignore[attr-defined]
            if node is not None:
                return cls(name, (node.text or "").strip(), description=description)
        raise ValidationException("the timer has no timeDate, timeDuration or timeCycle",
                                  node=self.node, file_name=self.filename)  # type: ignore[attr-defined]


    def parse_conditional_event(self, event: Any) -> Any:
        """A condition read against the scope's current variables (engine/bpmn/conditions.py)."""
        expression = first(self.xpath(".//bpmn:condition"))  # type: ignore[attr-defined]
        if expression is None:
            raise ValidationException("the conditional event has no condition",
                                      node=self.node, file_name=self.filename)  # type: ignore[attr-defined]
        return ScopeConditionalEventDefinition((expression.text or "").strip(),
                                               description=self.get_event_description(event))  # type: ignore[attr-defined]


    def parse_escalation_event(self, event: Any) -> Any:
        """An escalation caught by the nearest enclosing handler, or by none (engine/bpmn/escalation.py)."""
        ref = event.get("escalationRef")
        name, code = "None Escalation Event", None
        if ref:
            escalation = self.process_parser.parser.escalations.get(ref)  # type: ignore[attr-defined]
            if escalation is None:
                raise ValidationException(f"escalationRef '{ref}' points at no bpmn:escalation",
                                          node=self.node, file_name=self.filename)  # type: ignore[attr-defined]
            name, code = escalation.get("name"), escalation.get("escalation_code")
        return ScopedEscalationEventDefinition(name, code, description=self.get_event_description(event))  # type: ignore[attr-defined]


def with_dialect(parser_cls: type) -> type:
    """A SpiffWorkflow parser class with the dialect mixed in."""
    return type(f"Kentei{parser_cls.__name__}", (DialectMixin, parser_cls), {})
