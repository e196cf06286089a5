"""What every kentei parser shares: camunda:* read into `spec.extensions`, clock-aware timers, mappings."""
from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.parser.util import first
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from engine.bpmn import multi_instance
from engine.bpmn.extensions import task_extensions
from engine.bpmn.mapping_parser import MappingsParserMixin
from engine.bpmn.timers import ClockCycle, ClockDuration, ClockTimeDate


class DialectMixin(MappingsParserMixin):
    """Reads camunda:* into `spec.extensions`, builds clock-aware timers, reads variable mappings."""

    node: Any

    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        return task_extensions(node if node is not None else self.node)

    def _add_multiinstance_task(self, loop_characteristics: Any) -> None:
        multi_instance.add_multi_instance(self, loop_characteristics)
        self.keep_mappings_inside()

    def _add_loop_task(self, loop_characteristics: Any) -> None:
        multi_instance.add_standard_loop(self, loop_characteristics)
        self.keep_mappings_inside()

    def parse_timer_event(self, event: Any) -> Any:
        name = self.node.get("name", self.node.get("id"))
        description = self.get_event_description(event)  # type: ignore[attr-defined]
        for tag, cls in (("timeDate", ClockTimeDate), ("timeDuration", ClockDuration), ("timeCycle", ClockCycle)):
            node = first(self.xpath(f".//bpmn:{tag}"))  # type: ignore[attr-defined]
            if node is not None:
                return cls(name, (node.text or "").strip(), description=description)
        raise ValidationException("the timer has no timeDate, timeDuration or timeCycle",
                                  node=self.node, file_name=self.filename)  # type: ignore[attr-defined]


def with_dialect(parser_cls: type) -> type:
    """A SpiffWorkflow parser class with the dialect mixed in."""
    return type(f"Kentei{parser_cls.__name__}", (DialectMixin, parser_cls), {})
