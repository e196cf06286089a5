"""Error events as kentei runs them: an error nothing catches is an incident at the element that threw it.

Camunda 7 ends the path quietly when no boundary event or event subprocess catches an error end
event's error; kentei (like Camunda 8) stops there with an incident, so an analyst never sees a
"completed" instance that failed. A catching errorEventDefinition may name variables for the
error's code and message (`camunda:errorCodeVariable`, `camunda:errorMessageVariable`), set as
Camunda 7 sets them: process variables, from the moment the catching event runs.
"""
from __future__ import annotations

from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.serializer.default.event_definition import (
    ErrorEscalationEventDefinitionConverter,
)
from SpiffWorkflow.bpmn.specs.event_definitions import ErrorEventDefinition
from SpiffWorkflow.bpmn.util import BpmnEvent

from engine.bpmn.extensions import CAMUNDA_NS

C = "{%s}" % CAMUNDA_NS
CAUGHT = "kentei_error"  # internal data of the catching task: the error's code and message


class KenteiErrorEventDefinition(ErrorEventDefinition):
    """An error event definition that knows its message and the variables a catcher fills."""

    def __init__(self, name: str, code: str | None = None, message: str | None = None,
                 code_variable: str | None = None, message_variable: str | None = None, **kwargs: Any) -> None:
        super().__init__(name, code, **kwargs)
        self.message = message
        self.code_variable = code_variable
        self.message_variable = message_variable

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ErrorEventDefinition) and self.code in (None, other.code)

    def throw(self, my_task: Any) -> None:
        """Throw the error to the enclosing scopes; an incident here if none of them catches it."""
        message = None
        if self.message is not None:
            message = my_task.workflow.script_engine.evaluate(my_task, self.message)
        thrown = KenteiErrorEventDefinition(self.name, self.code, None if message is None else str(message))
        event = BpmnEvent(thrown, payload=deepcopy(my_task.data), target=my_task.workflow)
        top = my_task.workflow.top_workflow
        top.catch(event)
        if any(e is event for e in top.bpmn_events):
            top.bpmn_events = [e for e in top.bpmn_events if e is not event]
            raise WorkflowTaskException(uncaught_sentence(self.code), task=my_task)

    def catch(self, my_task: Any, event: Any = None) -> None:
        super().catch(my_task, event)
        thrown = event.event_definition
        message = getattr(thrown, "message", None)
        if message is None and isinstance(event.payload, dict):
            message = event.payload.get("errorMessage")
        my_task.internal_data[CAUGHT] = {"code": getattr(thrown, "code", None), "message": message}

    def update_task_data(self, my_task: Any) -> None:
        super().update_task_data(my_task)
        caught = my_task.internal_data.get(CAUGHT)
        if caught is None:
            return
        if self.code_variable:
            my_task.data[self.code_variable] = caught["code"]
        if self.message_variable:
            my_task.data[self.message_variable] = caught["message"]

    def reset(self, my_task: Any) -> None:
        my_task.internal_data.pop(CAUGHT, None)
        super().reset(my_task)


def uncaught_sentence(code: str | None) -> str:
    what = f"the error '{code}'" if code else "an error without an error code"
    return (f"{what} thrown here is caught by no error boundary event or error event subprocess, "
            "so the instance stops here (Camunda 7 would end this path quietly)")


def parse_error_event(parser: Any, definition: Any) -> KenteiErrorEventDefinition:
    """The errorEventDefinition under an event, with its bpmn:error's code and camunda:errorMessage."""
    ref = definition.get("errorRef")
    name, code, message = "None Error Event", None, None
    if ref:
        found = parser.doc_xpath(f".//bpmn:error[@id='{ref}']")
        if not found:
            raise ValidationException(f"errorRef '{ref}' points at no bpmn:error", node=parser.node,
                                      file_name=parser.filename)
        error = found[0]
        name, code, message = error.get("name"), error.get("errorCode"), error.get(C + "errorMessage")
    return KenteiErrorEventDefinition(
        name, code, message, definition.get(C + "errorCodeVariable"), definition.get(C + "errorMessageVariable"),
        description=parser.get_event_description(definition))


class KenteiErrorConverter(ErrorEscalationEventDefinitionConverter):
    """Serializes the error's message and the catcher's variables with the code."""

    def to_dict(self, event_definition: Any) -> dict[str, Any]:
        dct = super().to_dict(event_definition)
        dct.update(message=event_definition.message, code_variable=event_definition.code_variable,
                   message_variable=event_definition.message_variable)
        return dct
