"""Element ids that would collide with the names SpiffWorkflow gives its own task specs.

SpiffWorkflow keys every task spec of a process by name, and names a diagram element's spec by its
id; its own specs are called `Start`, `End`, `Root`, `<process>.EndJoin`, `StartEventSplit`,
`StartEventJoin`, `<id>.BoundaryEventSplit` and `<id>.BoundaryEventJoin`. An element with such an
id would replace one of them (a start event `Start` leaves the process with nothing to run; an end
event `Root` is dropped when the spec is restored). Such an element's spec is named
`<id> [element]` instead — never an XML id (NCName), so it collides with nothing — while its
`bpmn_id`, which the history, inbox and incidents show, stays the analyst's id.
"""
from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.parser.ProcessParser import ProcessParser
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.mixins import BpmnSpecMixin

RESERVED = frozenset({"Start", "End", "Root", "StartEventSplit", "StartEventJoin"})
RESERVED_SUFFIXES = (".EndJoin", ".BoundaryEventSplit", ".BoundaryEventJoin")
SUFFIX = " [element]"


def spec_name(element_id: str) -> str:
    """The task-spec name of the element with this id."""
    if element_id in RESERVED or element_id.endswith(RESERVED_SUFFIXES):
        return element_id + SUFFIX
    return element_id


def find_spec(spec: Any, element_id: str) -> Any:
    """The task spec of a diagram element in a process spec, by the element's id (None if absent)."""
    return spec.task_specs.get(spec_name(element_id))


class KenteiProcessSpec(BpmnProcessSpec):
    """A process spec that files a diagram element under `spec_name(id)`."""

    def _add_notify(self, task_spec: Any) -> None:
        if isinstance(task_spec, BpmnSpecMixin):
            task_spec.name = spec_name(task_spec.name)
        super()._add_notify(task_spec)


class IdSafeProcessParser(ProcessParser):
    """Builds KenteiProcessSpecs and finds already parsed elements under their spec names."""

    def create_spec(self) -> BpmnProcessSpec:
        if not self.process_executable:
            raise ValidationException(f"Process {self.bpmn_id} is not executable.", node=self.node,
                                      file_name=self.filename)
        return KenteiProcessSpec(name=self.bpmn_id, description=self.get_name(), filename=self.filename)

    def parse_node(self, node: Any) -> Any:
        """ProcessParser.parse_node, with the lookup of an element already parsed by its spec name."""
        found = self.spec.task_specs.get(spec_name(node.get("id")))
        if found is not None:
            return found
        node_parser, spec_class = self.parser._get_parser_class(node.tag)
        if not node_parser or not spec_class:
            raise ValidationException("this kind of element is not supported", node=node, file_name=self.filename)
        return node_parser(self, spec_class, node, self.nsmap, lane=self.lane).parse_node()
