"""Signals, link events and message throw/end events with a topic (escalation: engine/bpmn/event_subprocesses.py).

- A signal (`signalEventDefinition signalRef` -> `bpmn:signal name`) thrown by an intermediate throw
  or end event reaches, at once, every catcher of its instance that waits for that name (intermediate
  catch, boundary events; an interrupting boundary cancels its activity right away, so a signal end
  event inside a subprocess is caught by that subprocess's boundary). Other instances of the
  prefecture and signal start events get it right after the throwing transaction commits
  (engine/ops_signals.py). Variables travel only through `camunda:in` on the definition, as in Camunda 7.
- A link throw event continues at the link catch event of the same name in the same process level.
- A message intermediate throw or end event with `camunda:type="external" camunda:topic` runs the
  topic's handler, as a send task does.

The parser reaches these through the hooks in engine/bpmn/dialect_base.py.
"""
from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.serializer.helpers.spec import EventDefinitionConverter
from SpiffWorkflow.bpmn.specs.event_definitions import (
    MessageEventDefinition,
    SignalEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.extensions import C
from engine.bpmn.specs import ExternalServiceTask
from engine.errors import Conflict
from engine.expr import EvaluationError, ExpressionError, compile_expression
from engine.script_engine import current_step

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SIGNAL_XPATH = ".//bpmn:signalEventDefinition"


class KenteiSignal(SignalEventDefinition):
    """A signal by name; `inputs` are the definition's camunda:in mappings (what the throw passes on)."""

    def __init__(self, name: str, inputs: list[dict[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(name, **kwargs)
        self.inputs = inputs or []

    def throw(self, my_task: Any) -> None:
        try:
            payload = signal_payload(self.inputs, my_task.data)
        except (ExpressionError, EvaluationError) as exc:
            raise WorkflowTaskException(f"camunda:in of signal '{self.name}': {exc}", task=my_task) from None
        catch_signal(my_task.workflow.top_workflow, self.name, payload)
        step = current_step.get()
        if step is not None:  # for the other instances of the prefecture, after commit (engine/ops_signals.py)
            step.signals_thrown.append((self.name, payload))  # type: ignore[attr-defined]


class LinkEventDefinition(NoneEventDefinition):
    """A link throw or catch event: passes straight through (the throw is wired to its catch)."""

    def __init__(self, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.name = name


class MessageThrowTask(ExternalServiceTask):
    """A message intermediate throw event with camunda:type="external": runs its topic's handler."""


class MessageEndTask(ExternalServiceTask):
    """A message end event with camunda:type="external": runs its topic's handler, then ends its path."""


class KenteiSignalConverter(EventDefinitionConverter):
    def to_dict(self, event_definition: KenteiSignal) -> dict[str, Any]:
        dct = super().to_dict(event_definition)
        dct["inputs"] = event_definition.inputs
        return dct


def signal_payload(inputs: list[dict[str, Any]], data: dict[str, Any]) -> dict[str, Any]:
    """What a thrown signal carries: nothing unless camunda:in says (source, sourceExpression, variables="all")."""
    payload: dict[str, Any] = {}
    for mapping in inputs:
        if mapping.get("all"):
            payload.update(data)
        elif mapping.get("expression"):
            payload[mapping["target"]] = compile_expression(mapping["expression"]).evaluate(data)
        elif mapping.get("source") in data:
            payload[mapping.get("target") or mapping["source"]] = data[mapping["source"]]
    return payload


def catch_signal(workflow: Any, name: str, payload: dict[str, Any]) -> int:
    """Hand a signal to every catcher of a workflow waiting for it; interrupting boundaries cancel their activity."""
    event = BpmnEvent(KenteiSignal(name), payload=dict(payload))
    manager = workflow.event_manager
    caught = [t for t in manager.tasks.values() if t.task_spec.catches(t, event)]
    count = manager.catch(event, internal=False)
    for task in caught:
        if isinstance(task.task_spec, BoundaryEvent) and task.task_spec.cancel_activity:
            for sibling in task.parent.children:
                if not isinstance(sibling.task_spec, BoundaryEvent) and not sibling.has_state(TaskState.FINISHED_MASK):
                    _interrupt(workflow.top_workflow, sibling)
    return count


def _interrupt(top: Any, activity: Any) -> None:
    """Cancel an activity now, even while a task inside it is running (the one that threw).

    A cancelled subprocess counts as completed: the throwing task finishing in it must not hand the
    subprocess back to its parent as done (SpiffWorkflow would run it on), so its listeners go.
    """
    activity.cancel()
    for sub in top.subprocesses.values():
        parent = top.get_task_from_id(sub.parent_task_id)
        if parent is not None and parent.state == TaskState.CANCELLED:
            sub.completed_event.disconnect_all()


def start_events_of(spec: Any) -> list[tuple[str, str, str]]:
    """(kind "signal"|"message", name, element id) of a process's signal and message start events."""
    found = []
    for task_spec in spec.task_specs.values():
        definition = getattr(task_spec, "event_definition", None)
        if isinstance(task_spec, StartEvent) and isinstance(definition, KenteiSignal):
            found.append(("signal", definition.name, task_spec.bpmn_id))
        elif isinstance(task_spec, StartEvent) and isinstance(definition, MessageEventDefinition):
            found.append(("message", definition.name, task_spec.bpmn_id))
    return found


def _start_tasks(workflow: Any) -> list[Any]:
    return [t for t in workflow.tasks.values() if isinstance(t.task_spec, StartEvent)]


def start_at(workflow: Any, element_id: str, definition: Any, payload: dict[str, Any]) -> None:
    """Before the first run: the start event `element_id` has caught its event; the other start events never run."""
    for task in _start_tasks(workflow):
        if task.task_spec.bpmn_id == element_id:
            task.task_spec.catch(task, BpmnEvent(task.task_spec.event_definition, payload=dict(payload)))
        else:
            task.cancel()


def start_plain(workflow: Any) -> None:
    """Before the first run of an instance started without an event: Camunda 7's initial start event.

    That is the none start event (SpiffWorkflow runs it and cancels the others), else the only start
    event there is, which then runs as if its signal or message had come, with no variables.
    """
    tasks = _start_tasks(workflow)
    triggered = [t for t in tasks if isinstance(t.task_spec.event_definition, (KenteiSignal, MessageEventDefinition))]
    if not triggered or len(triggered) < len(tasks) and any(
            type(t.task_spec.event_definition) is NoneEventDefinition for t in tasks):
        return
    if len(tasks) == 1:
        start_at(workflow, tasks[0].task_spec.bpmn_id, tasks[0].task_spec.event_definition, {})
        return
    raise Conflict(f"process '{workflow.spec.name}' has no none start event: it starts only by a signal or a "
                   "message to one of its start events")


# -- parser hooks (engine/bpmn/dialect_base.py) ----------------------------------------------------
def signal_definition(parser: Any, node: Any) -> KenteiSignal:
    """A signalEventDefinition: the bpmn:signal's name and the camunda:in mappings."""
    ref = node.get("signalRef")
    name = parser.process_parser.parser.signals.get(ref) if ref else parser.node.get("name")
    if ref and name is None:
        parser.raise_validation_exception("Expected a Signal node", node=node)
    inputs = []
    for mapping in node.findall(f"{BPMN}extensionElements/{C}in"):
        inputs.append({"source": mapping.get("source"), "target": mapping.get("target"),
                       "expression": mapping.get("sourceExpression"), "all": mapping.get("variables") == "all"})
    return KenteiSignal(name, inputs, description=parser.get_event_description(node))


def event_xpaths(parser: Any, xpaths: list[str]) -> list[str]:
    """End events throw signals too (SpiffWorkflow's end event parser leaves them out)."""
    if parser.node.tag == f"{BPMN}endEvent" and SIGNAL_XPATH not in xpaths:
        return [*xpaths, SIGNAL_XPATH]
    return xpaths


def link_definition(parser: Any) -> LinkEventDefinition | None:
    """The node's link event definition, if it has one."""
    link = parser.node.find(f"{BPMN}linkEventDefinition")
    return None if link is None else LinkEventDefinition(link.get("name"), description="Link")


def create_event_task(parser: Any, event_definition: Any) -> Any:
    """The task spec for the dialect's own event kinds, or None for SpiffWorkflow's default."""
    tag = parser.node.tag
    if isinstance(event_definition, LinkEventDefinition):
        task = parser.spec_class(parser.spec, parser.bpmn_id, event_definition=event_definition,
                                 **parser.bpmn_attributes)
        if tag == f"{BPMN}intermediateThrowEvent":
            task.connect(parser.process_parser.parse_node(_link_catch(parser, event_definition.name)))
        return task
    if tag in (f"{BPMN}intermediateThrowEvent", f"{BPMN}endEvent"):
        message = parser.node.find(f"{BPMN}messageEventDefinition")
        if message is not None:
            cls = MessageEndTask if tag == f"{BPMN}endEvent" else MessageThrowTask
            return cls(parser.spec, parser.bpmn_id, **parser.bpmn_attributes)  # the end event parser connects it
    return None


def topic_extensions(parser: Any, extensions: dict[str, Any]) -> dict[str, Any]:
    """A message throw's camunda:type/topic, which Camunda Modeler writes on the messageEventDefinition."""
    if parser.node.tag in (f"{BPMN}intermediateThrowEvent", f"{BPMN}endEvent"):
        message = parser.node.find(f"{BPMN}messageEventDefinition")
        if message is not None:
            for attribute in ("type", "topic"):
                if message.get(C + attribute) is not None:
                    extensions.setdefault(attribute, message.get(C + attribute))
    return extensions


def _link_catch(parser: Any, name: str | None) -> Any:
    for sibling in parser.node.getparent():
        if sibling.tag == f"{BPMN}intermediateCatchEvent":
            link = sibling.find(f"{BPMN}linkEventDefinition")
            if link is not None and link.get("name") == name:
                return sibling
    parser.raise_validation_exception(f"no link catch event named '{name}' in this process level")


PARSERS: dict[str, tuple[type, type]] = {}
CONVERTERS: dict[type, type] = {
    KenteiSignal: KenteiSignalConverter,
    LinkEventDefinition: EventDefinitionConverter,
    MessageThrowTask: BpmnTaskSpecConverter,
    MessageEndTask: BpmnTaskSpecConverter,
}
