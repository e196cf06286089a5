"""The parser's part of variable mappings: camunda:inputOutput becomes the spec's input and output
parameters (engine/bpmn/mapping_specs.py); every kentei parser has it through DialectMixin."""
from __future__ import annotations

from typing import Any

from engine.bpmn.mapping_specs import InputParameters, OutputParameters
from engine.bpmn.mapping_values import has_input_output, parameters


class MappingsParserMixin:
    """Adds camunda:inputParameter / outputParameter to the data a task takes in and gives out."""

    node: Any
    task: Any
    spec: Any

    def parse_incoming_data_references(self) -> list[Any]:
        found: list[Any] = super().parse_incoming_data_references()  # type: ignore[misc]
        params = parameters(self.node, "inputParameter")
        if params:
            found.append(InputParameters(params))
        return found

    def parse_outgoing_data_references(self) -> list[Any]:
        found: list[Any] = super().parse_outgoing_data_references()  # type: ignore[misc]
        if has_input_output(self.node):  # a scope of its own: its local variables end with it
            inputs = [name for name, _ in parameters(self.node, "inputParameter")]
            found.append(OutputParameters(parameters(self.node, "outputParameter"), inputs))
        return found

    def keep_mappings_inside(self, gather: bool = False) -> None:
        """Input parameters run for each instance of a multi-instance activity (each turn of a loop), as in
        Camunda 7: SpiffWorkflow's parser moved the activity's data associations to the body; move them back."""
        body = self.task
        inner = self.spec.task_specs[body.task_spec]
        for attr in ("data_input_associations", "data_output_associations"):
            ours = [o for o in getattr(body, attr) if isinstance(o, (InputParameters, OutputParameters))]
            setattr(body, attr, [o for o in getattr(body, attr) if o not in ours])
            setattr(inner, attr, [*getattr(inner, attr), *ours])
        if gather:  # a multi-instance activity gathers its output parameters (engine/bpmn/multi_instance.py)
            body.gathered = [n for o in inner.data_output_associations if isinstance(o, OutputParameters)
                             for n, _ in o.params]
