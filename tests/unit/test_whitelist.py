"""The deploy-time whitelist: nothing unknown passes, each refusal is one sentence at its element."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from engine.validation.whitelist import check_whitelist
from engine.validation.whitelist_table import CAMUNDA_ELEMENTS, CAMUNDA_REFUSED, ELEMENTS

ROOT = Path(__file__).resolve().parents[2]
NS = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
      'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:bioc="http://bpmn.io/schema/bpmn/biocolor/1.0" '
      'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
      'xmlns:modeler="http://camunda.org/schema/modeler/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"')


def problems(body: str, top: str = "") -> list[tuple[str, str]]:
    xml = (f'<bpmn:definitions {NS} id="defs" targetNamespace="t" modeler:executionPlatform="Camunda Platform">{top}'
           f'<bpmn:process id="p" isExecutable="true" camunda:historyTimeToLive="180">'
           f'<bpmn:startEvent id="start"/>{body}</bpmn:process>'
           '<bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="pl" bpmnElement="p"><bpmndi:BPMNShape id="s" '
           'bpmnElement="start" bioc:fill="#fff"><dc:Bounds x="1" y="1" width="1" height="1"/></bpmndi:BPMNShape>'
           '</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>')
    return [(p.element_id, p.message) for p in check_whitelist("f.bpmn", etree.fromstring(xml.encode()))]


def test_what_the_modeler_writes_for_a_plain_diagram_passes() -> None:
    assert problems('<bpmn:userTask id="u" camunda:candidateGroups="reviewer"><bpmn:documentation>x'
                    '</bpmn:documentation></bpmn:userTask>') == []


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "workflows").glob("*.bpmn")))
def test_every_shipped_workflow_passes(name: str) -> None:
    root = etree.fromstring((ROOT / "workflows" / name).read_bytes())
    assert check_whitelist(name, root) == []


def test_an_unknown_bpmn_element_is_refused_at_its_parent() -> None:
    assert problems('<bpmn:userTask id="u"><bpmn:rendering id="r"/></bpmn:userTask>') == [
        ("r", "bpmn:rendering is not part of kentei's dialect; see docs/dialect.md for what runs")]


def test_a_refused_element_is_named_once_with_its_sentence_and_its_children_are_not_judged() -> None:
    found = problems('<bpmn:task id="t"><bpmn:multiInstanceLoopCharacteristics camunda:collection="xs">'
                     '<bpmn:complexBehaviorDefinition><bpmn:condition>x</bpmn:condition><bpmn:event/>'
                     '</bpmn:complexBehaviorDefinition></bpmn:multiInstanceLoopCharacteristics></bpmn:task>')
    assert found == [("t", ELEMENTS["complexBehaviorDefinition"].refused)]


def test_unknown_and_misplaced_attributes_are_refused() -> None:
    assert set(problems('<bpmn:userTask id="u" camunda:topic="x" camunda:noSuch="1" foo="bar"/>')) == {
        ("u", "camunda:topic does not apply to a bpmn:userTask; remove it"),
        ("u", "camunda:noSuch does not apply to a bpmn:userTask; remove it"),
        ("u", "the attribute 'foo' is not supported on a bpmn:userTask")}


def test_refused_camunda_attributes_and_values() -> None:
    assert problems('<bpmn:userTask id="u" camunda:jobPriority="5" camunda:candidateUsers="a"/>') == [
        ("u", CAMUNDA_REFUSED["jobPriority"])]  # candidate users run (engine/inbox.py)
    assert problems('<bpmn:userTask id="u" camunda:candidateUsers="a, ${b}" camunda:candidateGroups="r"/>') == []
    assert problems('<bpmn:serviceTask id="s" camunda:type="external" camunda:topic="t" '
                    'camunda:candidateUsers="a"/>') == [
        ("s", "camunda:candidateUsers does not apply to a bpmn:serviceTask; remove it")]
    assert problems('<bpmn:userTask id="u" camunda:asyncBefore="true" camunda:asyncAfter="false" '
                    'camunda:exclusive="false"/>') == []  # save points: engine/bpmn/async_points.py
    assert problems('<bpmn:task id="t" startQuantity="2"/>')[0][0] == "t"
    assert problems('<bpmn:task id="t" startQuantity="1" completionQuantity="1"/>') == []
    assert problems('<bpmn:subProcess id="s" triggeredByEvent="true"/>') == []  # engine/bpmn/event_subprocesses.py


def test_camunda_extension_elements() -> None:
    assert problems('<bpmn:task id="t"><bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter '
                    'name="a">1</camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements></bpmn:task>'
                    ) == []
    assert problems('<bpmn:task id="t"><bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter '
                    'name="a"><camunda:script scriptFormat="groovy">1</camunda:script></camunda:inputParameter>'
                    '</camunda:inputOutput></bpmn:extensionElements></bpmn:task>') == [("t", CAMUNDA_ELEMENTS["script"])]
    assert problems('<bpmn:task id="t"><bpmn:extensionElements><camunda:in source="a" target="b"/>'
                    '</bpmn:extensionElements></bpmn:task>') == [("t", "camunda:in is not supported on a bpmn:task")]
    assert problems('<bpmn:task id="t"><bpmn:extensionElements><camunda:executionListener event="start" '
                    'class="x.Y"/></bpmn:extensionElements></bpmn:task>') == [("t", CAMUNDA_ELEMENTS["executionListener"])]
    assert problems('<bpmn:task id="t"><bpmn:extensionElements><camunda:formData/></bpmn:extensionElements>'
                    '</bpmn:task>') == [("t", "camunda:formData is not supported on a bpmn:task")]
    assert problems('<bpmn:task id="t"><bpmn:extensionElements><camunda:nope/></bpmn:extensionElements>'
                    '</bpmn:task>') == [("t", "camunda:nope is not supported")]


def test_other_engines_extensions_are_refused_and_harmless_ones_ignored() -> None:
    found = problems('<bpmn:serviceTask id="s" camunda:type="external" camunda:topic="t"><bpmn:extensionElements>'
                     '<zeebe:taskDefinition type="x"/></bpmn:extensionElements></bpmn:serviceTask>')
    assert found == [("s", "this is a Camunda 8 (Zeebe) extension; draw the diagram as a Camunda 7 diagram")]
    assert problems('<bpmn:task id="t"><bpmn:extensionElements><meta:data xmlns:meta="http://example.com/meta"/>'
                    '</bpmn:extensionElements></bpmn:task>') == []


def test_what_a_vendor_extension_holds_is_not_judged() -> None:
    # a Signavio/W4 export: unprefixed children of a foreign element fall into the default (BPMN) namespace
    body = ('<bpmn:task id="t"><bpmn:extensionElements><w4:root xmlns:w4="http://www.w4.eu/graph" '
            'xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><Grid spacing="15"/><bpmn:nope/></w4:root>'
            '</bpmn:extensionElements></bpmn:task>')
    assert problems(body) == []


def test_camunda_async_is_the_old_name_of_async_before() -> None:
    assert problems('<bpmn:userTask id="u" camunda:async="true"/>') == []
    assert problems('<bpmn:intermediateThrowEvent id="e"><bpmn:signalEventDefinition signalRef="s" '
                    'camunda:async="true"/></bpmn:intermediateThrowEvent>') == [
        ("e", "asynchronous signals are not supported yet; remove camunda:async")]


def test_script_conditions_are_refused() -> None:
    flow = ('<bpmn:exclusiveGateway id="g"/><bpmn:sequenceFlow id="f" sourceRef="g" targetRef="start">'
            '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="javascript">x</bpmn:conditionExpression>'
            '</bpmn:sequenceFlow>')
    assert [e for e, _ in problems(flow)] == ["f"]


def test_every_refusal_is_one_sentence() -> None:
    sentences = [r.refused for r in ELEMENTS.values() if r.refused] + list(CAMUNDA_REFUSED.values()) + [
        v for v in CAMUNDA_ELEMENTS.values() if isinstance(v, str)]
    for sentence in sentences:
        assert "\n" not in sentence and len(sentence) > 20 and not sentence.endswith((".", " of", " type"))


def test_activiti_extensions_read_as_camunda_ones_as_camunda_7_reads_them() -> None:
    from engine.validation.bpmn_rules import Known
    from engine.validation.files import check_files
    xml = (f'<bpmn:definitions {NS} xmlns:activiti="http://activiti.org/bpmn" id="d" targetNamespace="t">'
           '<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s"/>'
           '<bpmn:userTask id="u" activiti:candidateGroups="reviewer" activiti:fooBar="x"><bpmn:extensionElements>'
           '<activiti:formData><activiti:formField id="ok" type="boolean"/></activiti:formData>'
           '</bpmn:extensionElements></bpmn:userTask><bpmn:endEvent id="e"/>'
           '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="u"/><bpmn:sequenceFlow id="f2" sourceRef="u" '
           'targetRef="e"/></bpmn:process></bpmn:definitions>')
    checked, found = check_files([("a.bpmn", xml.encode())], Known())
    assert [(p.element_id, p.message) for p in found] == [("u", "camunda:fooBar does not apply to a bpmn:userTask; "
                                                                 "remove it")]
    checked, found = check_files([("a.bpmn", xml.replace(' activiti:fooBar="x"', "").encode())], Known())
    assert found == [] and checked[0].processes["p"]
