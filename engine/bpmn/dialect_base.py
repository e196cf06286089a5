"""What every kentei parser shares: camunda:* read into `spec.extensions`, clock-aware timers."""
from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.parser.util import first
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from engine.bpmn import signals
from engine.bpmn.extensions import task_extensions
from engine.bpmn.timers import ClockCycle, ClockDuration, ClockTimeDate


class DialectMixin:
    """Reads camunda:* into `spec.extensions` and builds clock-aware timers."""

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
