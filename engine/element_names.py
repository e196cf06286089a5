"""What a process definition calls its parts, for pages that speak to people: the process name, each
element's bpmn:name (else its id), which element catches a message, and the form fields of its user tasks.

Read from the definition's spec, restored once per version and cached by the repository; no instance's
workflow is ever loaded.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.errors import NotFound

if TYPE_CHECKING:
    from engine.kernel import Kernel


@dataclass(frozen=True)
class ProcessText:
    """The names of one process definition."""

    key: str
    name: str  # bpmn:name of the process, else its key
    elements: dict[str, str] = field(default_factory=dict)  # element id -> bpmn:name, else the id
    messages: dict[str, str] = field(default_factory=dict)  # message name -> the element that catches it
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)  # form field id -> the first field of that id

    def element(self, element_id: str | None) -> str:
        """The element's name; "" for no element, the id itself for one the spec does not know."""
        if not element_id:
            return ""
        return self.elements.get(element_id) or element_id


def of_definition(engine: "Kernel", definition_id: int) -> ProcessText:
    """The names of a deployed process definition (NotFound if there is none of that id)."""
    from engine.db.models import ProcessDefinition
    with engine.reading() as session:
        row = session.get(ProcessDefinition, definition_id)
        if row is None:
            raise NotFound(f"process definition {definition_id} does not exist")
        key, name = row.key, row.name
    with engine.read() as conn:
        spec, subs = engine.repository.spec(conn, definition_id)
    text = ProcessText(key=key, name=(name or getattr(spec, "description", None) or key).strip() or key)
    for one in (spec, *subs.values()):
        for task_spec in one.task_specs.values():
            _add(text, task_spec)
    return text


def of_instance(engine: "Kernel", instance_id: int) -> ProcessText:
    """The names of the definition an instance runs (one indexed read of its definition id, no workflow)."""
    from engine.db.models import ProcessInstance
    from engine.queries import is_row_id
    if not is_row_id(instance_id):
        raise NotFound(f"process instance {instance_id} does not exist")
    with engine.reading() as session:
        row = session.get(ProcessInstance, instance_id)
        if row is None:
            raise NotFound(f"process instance {instance_id} does not exist")
        definition_id = row.definition_id
    return of_definition(engine, definition_id)


def _add(text: ProcessText, task_spec: Any) -> None:
    element_id = getattr(task_spec, "bpmn_id", None)
    if not element_id:  # SpiffWorkflow's own specs (Start, End, joins) are no diagram elements
        return
    name = (getattr(task_spec, "bpmn_name", None) or "").strip()
    text.elements.setdefault(element_id, name or element_id)
    event = getattr(task_spec, "event_definition", None)
    message = getattr(event, "name", None)
    if message and type(event).__name__.endswith("MessageEventDefinition"):
        text.messages.setdefault(message, name or element_id)
    extensions = getattr(task_spec, "extensions", None) or {}
    for form_field in extensions.get("form", []) or []:
        if isinstance(form_field, dict) and form_field.get("id"):
            text.fields.setdefault(form_field["id"], form_field)
