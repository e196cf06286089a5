"""Issue 11's nine defects ("accepted, then ignored or run wrong"), each pinned by the conformance cases that
show it fixed and, where a case cannot say it, by a direct check. The cases also run in test_conformance.py
on both databases; here they are grouped by item so a reader sees each one answered (SQLite only)."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.config import Settings
from engine.validation.bpmn_rules import Known
from engine.validation.files import check_files
from tests.conformance.driver import load_cases, play

BY_NAME = {c.name: c for c in load_cases(Path(__file__).parent)}
ITEMS: dict[str, list[str]] = {
    "1 output parameters reach the process": ["mappings/service_task_handler", "mappings/io_text_and_expression"],
    "1 camunda:in/out pass variables to and from the called process": [
        "mappings/call_source_target", "mappings/call_variables_all", "mappings/call_no_mappings"],
    "1 asyncBefore/asyncAfter are save points a worker continues from": [
        "async/before_user_task", "async/after_service_outputs", "async/deprecated_async"],
    "2 event subprocesses wait for their trigger, interrupting ones interrupt": [
        "event_subprocesses/error_end_event_catch_all", "event_subprocesses/escalation_interrupting",
        "event_subprocesses/signal_interrupting", "event_subprocesses/conditional_interrupting",
        "event_subprocesses/timer_interrupting", "event_subprocesses/sub_timer_interrupting"],
    "3 interrupting signal, escalation, conditional boundaries cancel the subprocess at once": [
        "boundaries/signal_interrupting", "boundaries/escalation_interrupting", "boundaries/conditional_interrupting"],
    "4 an uncaught error end event is an incident, not completed": [
        "errors/error_end_uncaught_incident", "errors/error_end_no_code_uncaught"],
    "5 signals: caught by the subprocess boundary, across instances, start events": [
        "signals/subprocess_end_to_boundary", "signals/across_instances", "signals/not_across_tenants",
        "signals/start_event"],
    "6 ids Start, End and Root run": [
        "flows/reserved_element_ids", "flows/reserved_element_ids_boundary", "flows/reserved_ids_process_and_subprocess"],
    "7 ioSpecification and data objects deploy and run": [
        "data/io_specification_ignored", "data/data_objects_ignored", "data/data_object_in_subprocess"],
    "8 eventDefinitionRef and token quantities are refused": [
        "flows/event_definition_ref_refused", "flows/token_quantities_refused"],
    "9 a gateway with no true condition: an incident at the gateway": [
        "flows/exclusive_no_true_condition_incident", "flows/inclusive_no_true_condition_incident",
        "flows/implicit_parallel_split"],
}
CASES = [(item, name) for item, names in ITEMS.items() for name in names]


@pytest.mark.parametrize("item, name", CASES, ids=[f"{i.split()[0]}-{n}" for i, n in CASES])
@pytest.mark.parametrize("case_settings", ["sqlite"], indirect=True)
def test_item(item: str, name: str, case_settings: Settings) -> None:
    play(BY_NAME[name], case_settings)


def test_item_4_and_9_cases_expect_an_incident_at_the_element() -> None:
    for name in ITEMS["4 an uncaught error end event is an incident, not completed"] + \
            ITEMS["9 a gateway with no true condition: an incident at the gateway"][:2]:
        expect = BY_NAME[name].spec["expect"]
        assert expect["status"] == "incident" and expect.get("incident_at"), name


def _problems(body: str) -> list[tuple[str, str]]:
    xml = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
           'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">'
           f'<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s"/>{body}<bpmn:endEvent id="e"/>'
           '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/><bpmn:sequenceFlow id="f2" sourceRef="t" '
           'targetRef="e"/></bpmn:process></bpmn:definitions>')
    return [(p.element_id, p.message) for p in check_files([("x.bpmn", xml.encode())], Known())[1]]


@pytest.mark.parametrize("listener", [
    '<camunda:taskListener event="create" delegateExpression="${assign}"/>',
    '<camunda:taskListener event="complete"><camunda:script scriptFormat="javascript">x</camunda:script>'
    '</camunda:taskListener>',
    '<camunda:executionListener event="start" class="org.example.Audit"/>',
    '<camunda:executionListener event="end" expression="${audit.log(execution)}"/>'])
def test_item_1_listeners_are_refused_at_deploy_with_the_reason(listener: str) -> None:
    found = _problems(f'<bpmn:userTask id="t"><bpmn:extensionElements>{listener}</bpmn:extensionElements>'
                      '</bpmn:userTask>')
    assert ("t", "listeners run Java or scripts, which cannot run here; put the work in a service task with a "
                 "topic") in found


def test_item_9_what_the_library_would_trip_on_is_refused_in_a_sentence_of_ours() -> None:
    # an event-based gateway before a task made SpiffWorkflow raise "'PassThroughTask' object has no attribute…"
    found = _problems('<bpmn:eventBasedGateway id="g"/><bpmn:sequenceFlow id="f0" sourceRef="g" targetRef="t"/>'
                      '<bpmn:task id="t"/>')
    assert found == [("g", "an event-based gateway leads only to intermediate catch events and receive tasks, as "
                           "in Camunda 7; its flow 'f0' leads to a task")]
    # several flows out of a task: once "…not supported for tasks of type", now an implicit split that runs
    assert _problems('<bpmn:task id="t"/><bpmn:endEvent id="e2"/><bpmn:sequenceFlow id="f3" sourceRef="t" '
                     'targetRef="e2"/>') == []
