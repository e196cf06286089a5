"""A user task's input parameters in its form (engine.inbox.visible_task), on both databases.

Camunda 7's Tasklist shows a task's form with the variables the task sees, its local ones (input
parameters) over the process's; a form field named like an input parameter is set on that local
variable when the task is completed, and so ends with the task (tests/conformance/mappings/).
"""
from __future__ import annotations

from engine.inbox import Viewer, visible_task

R13 = Viewer("reviewer1-13", "13", frozenset({"reviewer"}))
DIAGRAM = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="t">
  <bpmn:process id="mapped_form" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="review" camunda:candidateGroups="reviewer">
      <bpmn:extensionElements>
        <camunda:formData><camunda:formField id="comment" label="Comment" type="string"/></camunda:formData>
        <camunda:inputOutput>
          <camunda:inputParameter name="comment">${previous}</camunda:inputParameter>
          <camunda:inputParameter name="hint">see ${previous}</camunda:inputParameter>
          <camunda:outputParameter name="last_comment">${comment}</camunda:outputParameter>
        </camunda:inputOutput>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def test_the_form_shows_the_tasks_input_parameters(engine):  # type: ignore[no-untyped-def]
    engine.deploy([("mapped_form.bpmn", DIAGRAM)])
    iid = engine.start("mapped_form", "13", {"previous": "last time"}, business_key="13-2026-A000001")
    task = engine.tasks(instance_id=iid)[0]["id"]
    shown = visible_task(engine, R13, task)["variables"]
    assert shown["comment"] == "last time" and shown["hint"] == "see last time" and shown["previous"] == "last time"
    engine.complete_task(task, "reviewer1-13", {"comment": "this time"})
    variables = engine.instance(iid)["variables"]
    assert variables["last_comment"] == "this time"  # the output parameter read the local, updated by the form
    assert "comment" not in variables and "hint" not in variables  # both local: they ended with the task
