"""Variable mappings: camunda:inputOutput, and camunda:in / camunda:out on call activities.

Input and output parameters are read by every parser (engine/bpmn/mapping_parser.py, through
DialectMixin) and run in engine/bpmn/mapping_specs.py; this module registers the call activity that
passes only what camunda:in / camunda:out say, and the serializer entries of all of them.
"""
from __future__ import annotations

from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.task_parsers import CallActivityParser
from SpiffWorkflow.bpmn.serializer.default.task_spec import SubWorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.bpmn_converter import BpmnConverter

from engine.bpmn.dialect_base import DialectMixin
from engine.bpmn.extensions import C
from engine.bpmn.mapping_specs import InputParameters, KenteiCallActivity, OutputParameters


def call_mappings(node: etree._Element) -> dict[str, Any]:
    """camunda:in / camunda:out of a call activity as plain data (the spec's `extensions["call"]`)."""
    found: dict[str, Any] = {"in": [], "out": []}
    for kind in ("in", "out"):
        for m in node.findall(f"{{*}}extensionElements/{C}{kind}"):
            if kind == "in" and m.get("businessKey") is not None:
                found["businessKey"] = m.get("businessKey")
                continue
            item: dict[str, Any] = {"local": (m.get("local") or "").strip() == "true"}
            if (m.get("variables") or "").strip() == "all":
                item["all"] = True
            elif m.get("sourceExpression") is not None:
                item["sourceExpression"], item["target"] = m.get("sourceExpression"), m.get("target")
            else:
                item["source"], item["target"] = m.get("source"), m.get("target")
            found[kind].append(item)
    return found


class KenteiCallActivityParser(DialectMixin, CallActivityParser):
    """Reads camunda:in / camunda:out besides the dialect's other extensions."""

    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        extensions = super().parse_extensions(node)
        extensions["call"] = call_mappings(node if node is not None else self.node)
        return extensions


class ParametersConverter(BpmnConverter):
    """Input / output parameters in a stored spec."""

    def to_dict(self, spec: Any) -> dict[str, Any]:
        dct: dict[str, Any] = {"params": [[n, v] for n, v in spec.params]}
        if isinstance(spec, OutputParameters):
            dct["local_names"] = spec.local_names
        return dct

    def from_dict(self, dct: dict[str, Any]) -> Any:
        params = [(n, v) for n, v in dct["params"]]
        if self.target_class is OutputParameters:
            return OutputParameters(params, dct.get("local_names", []))
        return InputParameters(params)


PARSERS: dict[str, tuple[type, type]] = {"callActivity": (KenteiCallActivityParser, KenteiCallActivity)}
CONVERTERS: dict[type, type] = {
    KenteiCallActivity: SubWorkflowConverter,
    InputParameters: ParametersConverter,
    OutputParameters: ParametersConverter,
}
