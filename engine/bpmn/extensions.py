"""Read Camunda 7 extension attributes and elements into plain, serializable dicts."""
from __future__ import annotations

from typing import Any

from lxml import etree

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
C = "{%s}" % CAMUNDA_NS

# camunda:* attributes we keep on a task spec; others are ignored
TASK_ATTRIBUTES = (
    "type", "topic", "candidateGroups", "candidateUsers", "assignee", "dueDate", "followUpDate",
    "formKey", "decisionRef", "decisionRefBinding", "decisionRefVersion", "resultVariable",
    "mapDecisionResult", "priority", "initiator",
)
FORM_CONSTRAINTS = ("required", "readonly", "minlength", "maxlength", "min", "max")


def camunda_attributes(node: etree._Element) -> dict[str, str]:
    """The camunda:* attributes of a node that the engine uses."""
    return {name: node.get(C + name) for name in TASK_ATTRIBUTES if node.get(C + name) is not None}


def camunda_properties(node: etree._Element) -> dict[str, str]:
    """camunda:properties/camunda:property name → value (direct extension elements only)."""
    props: dict[str, str] = {}
    for ext in node.findall("{*}extensionElements"):
        for prop in ext.findall(f"{C}properties/{C}property"):
            if prop.get("name"):
                props[prop.get("name")] = prop.get("value", "")
    return props


def form_fields(node: etree._Element) -> list[dict[str, Any]]:
    """camunda:formData/camunda:formField as dicts: id, label, type, default, constraints, values."""
    fields: list[dict[str, Any]] = []
    for ext in node.findall("{*}extensionElements"):
        for field in ext.findall(f"{C}formData/{C}formField"):
            item: dict[str, Any] = {
                "id": field.get("id"),
                "label": field.get("label") or field.get("id"),
                "type": field.get("type") or "string",
                "default": field.get("defaultValue"),
                "constraints": {},
                "values": [],
                "properties": {},
            }
            for c in field.findall(f"{C}validation/{C}constraint"):
                item["constraints"][c.get("name")] = c.get("config")
            for v in field.findall(f"{C}value"):
                item["values"].append({"id": v.get("id"), "name": v.get("name") or v.get("id")})
            for p in field.findall(f"{C}properties/{C}property"):
                item["properties"][p.get("id")] = p.get("value")
            fields.append(item)
    return fields


def task_extensions(node: etree._Element) -> dict[str, Any]:
    """Everything of the dialect a task spec carries, in `spec.extensions`."""
    ext: dict[str, Any] = camunda_attributes(node)
    props = camunda_properties(node)
    if props:
        ext["properties"] = props
    fields = form_fields(node)
    if fields:
        ext["form"] = fields
    return ext
