"""Small diagrams for the runtime, message and history tests of /engine-rest (Camunda 7 attributes)."""
from __future__ import annotations

from typing import Any

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://kentei.test">')

# start → gateway → review (user task) → wait for "paid" (admin or payment may send it, setting amount) → end
REVIEW = (HEAD + '<bpmn:message id="m_paid" name="paid"/>'
          '<bpmn:process id="review" name="Review an application" isExecutable="true">'
          '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gate"/>'
          '<bpmn:exclusiveGateway id="gate"/><bpmn:sequenceFlow id="f2" sourceRef="gate" targetRef="check"/>'
          '<bpmn:userTask id="check" name="Check it" camunda:candidateGroups="reviewer"/>'
          '<bpmn:sequenceFlow id="f3" sourceRef="check" targetRef="wait_paid"/>'
          '<bpmn:receiveTask id="wait_paid" name="Wait for the fee" messageRef="m_paid"><bpmn:extensionElements>'
          '<camunda:properties><camunda:property name="messageSenders" value="admin,payment"/>'
          '<camunda:property name="messageVariables" value="amount"/></camunda:properties>'
          '</bpmn:extensionElements></bpmn:receiveTask>'
          '<bpmn:sequenceFlow id="f4" sourceRef="wait_paid" targetRef="done"/>'
          '<bpmn:endEvent id="done"/></bpmn:process></bpmn:definitions>').encode()

# start → wait for "paid" at once (for correlation without a user task first) → end
PAYMENT = (HEAD + '<bpmn:message id="m_paid" name="paid"/>'
           '<bpmn:process id="payment" name="Payment" isExecutable="true">'
           '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait_paid"/>'
           '<bpmn:receiveTask id="wait_paid" messageRef="m_paid"><bpmn:extensionElements>'
           '<camunda:properties><camunda:property name="messageSenders" value="admin,payment"/>'
           '<camunda:property name="messageVariables" value="amount"/></camunda:properties>'
           '</bpmn:extensionElements></bpmn:receiveTask>'
           '<bpmn:sequenceFlow id="f2" sourceRef="wait_paid" targetRef="done"/>'
           '<bpmn:endEvent id="done"/></bpmn:process></bpmn:definitions>').encode()

# a message start event "apply" (admin may send it) → a user task
APPLY = (HEAD + '<bpmn:message id="m_apply" name="apply"/>'
         '<bpmn:process id="applying" name="Applying" isExecutable="true">'
         '<bpmn:startEvent id="start_apply"><bpmn:extensionElements><camunda:properties>'
         '<camunda:property name="messageSenders" value="admin"/><camunda:property name="messageVariables" value="who"/>'
         '</camunda:properties></bpmn:extensionElements><bpmn:messageEventDefinition messageRef="m_apply"/>'
         '</bpmn:startEvent><bpmn:sequenceFlow id="f1" sourceRef="start_apply" targetRef="look"/>'
         '<bpmn:userTask id="look" camunda:candidateGroups="reviewer"/>'
         '<bpmn:sequenceFlow id="f2" sourceRef="look" targetRef="done"/>'
         '<bpmn:endEvent id="done"/></bpmn:process></bpmn:definitions>').encode()

# start → a local handler that fails (test.boom) → end: the start opens an incident
FAILING = (HEAD + '<bpmn:process id="failing" isExecutable="true">'
           '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="boom"/>'
           '<bpmn:serviceTask id="boom" camunda:type="external" camunda:topic="test.boom"/>'
           '<bpmn:sequenceFlow id="f2" sourceRef="boom" targetRef="done"/>'
           '<bpmn:endEvent id="done"/></bpmn:process></bpmn:definitions>').encode()

# start → a remote handler (test.remote: a job for kentei's workers) → end
REMOTE = (HEAD + '<bpmn:process id="remote" isExecutable="true">'
          '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>'
          '<bpmn:serviceTask id="call" camunda:type="external" camunda:topic="test.remote"/>'
          '<bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="done"/>'
          '<bpmn:endEvent id="done"/></bpmn:process></bpmn:definitions>').encode()

# start → wait for signal "alarm" → end
ALARM = (HEAD + '<bpmn:signal id="s_alarm" name="alarm"/>'
         '<bpmn:process id="alarmed" isExecutable="true">'
         '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="catch"/>'
         '<bpmn:intermediateCatchEvent id="catch"><bpmn:signalEventDefinition signalRef="s_alarm"/>'
         '</bpmn:intermediateCatchEvent><bpmn:sequenceFlow id="f2" sourceRef="catch" targetRef="done"/>'
         '<bpmn:endEvent id="done"/></bpmn:process></bpmn:definitions>').encode()

REMOTE_FAILS = {"now": True}  # test.remote fails while this is true


def register_handlers(handlers: Any) -> None:
    """test.boom fails in the step; test.remote is a remote job that fails while REMOTE_FAILS["now"]."""
    def boom(ctx: Any, data: Any) -> dict[str, Any]:
        raise RuntimeError("the registry is down")

    def remote(ctx: Any, data: Any) -> dict[str, Any]:
        if REMOTE_FAILS["now"]:
            raise RuntimeError("Juki-net timed out")
        return {"looked_up": True}

    if handlers.get("test.boom") is None:
        handlers.register("test.boom", boom, "local")
        handlers.register("test.remote", remote, "remote")


def deploy(engine: Any, tenant: str | None, *files: tuple[str, bytes]) -> Any:
    return engine.deploy(list(files), actor="admin", tenant=tenant)


def definition_id(engine: Any, key: str, tenant: str) -> str:
    """The wire id (key:version:row) of the definition a prefecture (or "" shared) has newest for `key`."""
    from sqlalchemy import select

    from engine.db.models import ProcessDefinition
    with engine.reading() as s:
        d = s.scalars(select(ProcessDefinition).where(ProcessDefinition.key == key, ProcessDefinition.tenant == tenant)
                      .order_by(ProcessDefinition.version.desc())).first()
        return f"{d.key}:{d.version}:{d.id}"
