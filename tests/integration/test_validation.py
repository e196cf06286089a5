"""Deploy-time validation: every problem as FILE:ELEMENT_ID: sentence, nothing stored, nothing else raised.

Each case builds its BPMN/DMN inline with the small helpers below; only the files whose point
is their byte encoding live in tests/fixtures/invalid/.  Runs on SQLite and PostgreSQL.
"""
from __future__ import annotations

import re
from itertools import pairwise
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import func, select

from engine.db.models import DecisionDefinition, DeployedFile, ProcessDefinition
from engine.errors import NotFound
from engine.validation import Problem, ValidationFailed
from tests.conftest import fixture_bytes

TOPIC = "known.topic"
NS = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
      'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"')
LINE = re.compile(r"^(?P<file>[^:]+):(?P<id>[^:\s]+): \S.*$")


# -- building files ----------------------------------------------------------------------------
def definitions(*parts: str) -> bytes:
    """A BPMN definitions wrapper around processes and root elements."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<bpmn:definitions {NS} id="defs" targetNamespace="http://kentei.test">\n'
            + "\n".join(parts) + "\n</bpmn:definitions>\n").encode()


def process(*body: str, pid: str = "p", executable: bool = True) -> str:
    return (f'<bpmn:process id="{pid}" isExecutable="{"true" if executable else "false"}">\n'
            + "\n".join(body) + "\n</bpmn:process>")


def linear(*nodes: str, pid: str = "p", extra: str = "") -> bytes:
    """start → each node in turn → end, as one executable process."""
    ids = ["start", *(re.search(r'\bid="([^"]+)"', n).group(1) for n in nodes), "end"]  # type: ignore[union-attr]
    flows = [f'<bpmn:sequenceFlow id="{pid}_f{i}" sourceRef="{a}" targetRef="{b}"/>'
             for i, (a, b) in enumerate(pairwise(ids))]
    return definitions(extra, process('<bpmn:startEvent id="start"/>', *nodes, '<bpmn:endEvent id="end"/>',
                                      *flows, pid=pid))


def gateway(condition: str, default: str | None = "to_no", pid: str = "p") -> bytes:
    """start → exclusive gateway 'gw' → (to_yes: condition) yes / (to_no: no condition) no."""
    default_attr = f' default="{default}"' if default else ""
    return definitions(process(
        '<bpmn:startEvent id="start"/>',
        f'<bpmn:exclusiveGateway id="gw"{default_attr}/>',
        '<bpmn:endEvent id="yes"/>', '<bpmn:endEvent id="no"/>',
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="gw"/>',
        f'<bpmn:sequenceFlow id="to_yes" sourceRef="gw" targetRef="yes">'
        f'<bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>',
        '<bpmn:sequenceFlow id="to_no" sourceRef="gw" targetRef="no"/>', pid=pid))


def timer(kind: str, value: str) -> bytes:
    return linear(f'<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>'
                  f'<bpmn:{kind}>{escape(value)}</bpmn:{kind}></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')


def dmn(cell: str = ">= 65", input_text: str = "written", decision: str = "pass_mark") -> bytes:
    """A one-rule DMN 1.3 table; `cell` is the rule's input entry."""
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="dd" name="d" namespace="http://kentei.test/dmn">
  <decision id="{decision}" name="合否">
    <decisionTable id="table" hitPolicy="UNIQUE">
      <input id="in_written" label="学科"><inputExpression id="ie" typeRef="integer"><text>{escape(input_text)}</text></inputExpression></input>
      <output id="out" name="outcome" typeRef="string"/>
      <rule id="r_pass"><inputEntry id="ie1"><text>{escape(cell)}</text></inputEntry><outputEntry id="oe1"><text>"pass"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>
'''.encode()


GOOD = linear('<bpmn:userTask id="review" camunda:candidateGroups="reviewer"/>', pid="good")


# -- checking outcomes ---------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _topic(handlers):  # type: ignore[no-untyped-def]
    handlers.register(TOPIC, lambda ctx, data: None, "local")


def stored(engine) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """Rows in deployed_file, process_definition, decision_definition."""
    with engine.transaction() as session:
        return tuple(session.scalar(select(func.count()).select_from(m))  # type: ignore[return-value]
                     for m in (DeployedFile, ProcessDefinition, DecisionDefinition))


def refused(engine, files: list[tuple[str, bytes]]) -> list[Problem]:  # type: ignore[no-untyped-def]
    """Deploy `files`; it must raise ValidationFailed, store nothing, and word every problem properly."""
    with pytest.raises(ValidationFailed) as err:
        engine.deploy(files)
    problems = err.value.problems
    assert problems, "ValidationFailed without problems"
    names = {n for n, _ in files}
    for p in problems:
        assert isinstance(p, Problem)
        assert p.file in names and p.element_id and p.message, p
        assert LINE.match(str(p)), f"not FILE:ID: sentence: {p!s}"
        assert "Traceback" not in p.message and "Error(" not in p.message, p
    assert str(err.value) == "\n".join(str(p) for p in problems)
    assert stored(engine) == (0, 0, 0), "a refused deployment stored something"
    return problems


def only(problems: list[Problem], file: str, element_id: str, *phrases: str) -> Problem:
    """Exactly one problem, at this file and element, whose sentence holds every phrase."""
    assert [(p.file, p.element_id) for p in problems] == [(file, element_id)], [str(p) for p in problems]
    for phrase in phrases:
        assert phrase in problems[0].message, str(problems[0])
    return problems[0]


def assert_clean_after(engine) -> None:  # type: ignore[no-untyped-def]
    """A good file deployed after a refusal is the first version of everything."""
    report = engine.deploy([("good.bpmn", GOOD)])
    assert report.deployed == ["good.bpmn v1"] and report.processes == ["good v1"]


# -- the control: the helpers make deployable files ----------------------------------------------
def test_helpers_build_a_deployable_file(engine):  # type: ignore[no-untyped-def]
    report = engine.deploy([("g.bpmn", gateway("${approved}")), ("good.bpmn", GOOD)])
    assert sorted(report.processes) == ["good v1", "p v1"]
    iid = engine.start("p", "13", {"approved": True})
    assert engine.instance(iid)["status"] == "completed"


# -- the file itself -----------------------------------------------------------------------------
def test_malformed_xml_names_the_line(engine):  # type: ignore[no-untyped-def]
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n'                                  # line 1
               f'<bpmn:definitions {NS} id="defs" targetNamespace="http://kentei.test">\n'  # line 2
               '  <bpmn:process id="p" isExecutable="true">\n'                              # line 3
               '    <bpmn:userTask id="review">\n'                                          # line 4: never closed
               '  </bpmn:process>\n'                                                        # line 5: the mismatch
               '</bpmn:definitions>\n').encode()
    problem = only(refused(engine, [("broken.bpmn", content)]), "broken.bpmn", "-", "malformed XML", "line 5")
    assert re.search(r"\bline 5\b", problem.message)
    assert_clean_after(engine)


@pytest.mark.parametrize("name, decoding", [
    ("shift_jis_no_declaration.bpmn", "shift_jis"),
    ("shift_jis_declared_utf8.bpmn", "shift_jis"),
    ("utf16_bom_no_declaration.bpmn", "utf-16"),
])
def test_non_utf8_file_is_refused(engine, name, decoding):  # type: ignore[no-untyped-def]
    content = fixture_bytes(f"invalid/{name}")
    with pytest.raises(UnicodeDecodeError) as bad:
        content.decode("utf-8")
    problem = only(refused(engine, [(name, content)]), name, "-", "not valid UTF-8")
    assert f"byte {bad.value.start}" in problem.message
    # the same diagram saved as UTF-8 deploys: the encoding was the only problem
    report = engine.deploy([(name, content.decode(decoding).encode("utf-8"))])
    assert report.deployed == [f"{name} v1"]


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n"], ids=["zero-bytes", "whitespace"])
def test_empty_file_is_refused(engine, content):  # type: ignore[no-untyped-def]
    only(refused(engine, [("empty.bpmn", content)]), "empty.bpmn", "-", "empty")
    assert_clean_after(engine)


@pytest.mark.parametrize("content, element_id, root", [
    (b'<?xml version="1.0"?>\n<html><body>not a diagram</body></html>', "-", "<html>"),
    (b'<?xml version="1.0"?>\n<definitions xmlns="urn:not-bpmn" id="defs_other"/>', "defs_other", "<definitions>"),
], ids=["html", "foreign-namespace"])
def test_root_that_is_not_bpmn_or_dmn(engine, content, element_id, root):  # type: ignore[no-untyped-def]
    only(refused(engine, [("other.bpmn", content)]), "other.bpmn", element_id, "not a BPMN 2.0 or DMN file", root)


def test_no_executable_process(engine):  # type: ignore[no-untyped-def]
    content = definitions(process('<bpmn:startEvent id="start"/>', pid="sketch", executable=False))
    only(refused(engine, [("sketch.bpmn", content)]), "sketch.bpmn", "sketch", "not executable", "isExecutable")


def test_no_process_at_all(engine):  # type: ignore[no-untyped-def]
    only(refused(engine, [("nothing.bpmn", definitions())]), "nothing.bpmn", "defs", "defines no process")


# -- service tasks -------------------------------------------------------------------------------
def test_unknown_handler_topic(engine):  # type: ignore[no-untyped-def]
    content = linear('<bpmn:serviceTask id="lookup" camunda:type="external" camunda:topic="jukinet.nope"/>')
    only(refused(engine, [("t.bpmn", content)]), "t.bpmn", "lookup", "no handler is registered", "'jukinet.nope'")
    assert_clean_after(engine)


def test_known_topic_deploys(engine):  # type: ignore[no-untyped-def]
    content = linear(f'<bpmn:serviceTask id="lookup" camunda:type="external" camunda:topic="{TOPIC}"/>')
    assert engine.deploy([("t.bpmn", content)]).processes == ["p v1"]


@pytest.mark.parametrize("attr", ['camunda:class="org.example.Delegate"',
                                  'camunda:delegateExpression="${delegate}"',
                                  'camunda:expression="${bean.call()}"'])
def test_service_task_with_java_delegate(engine, attr):  # type: ignore[no-untyped-def]
    content = linear(f'<bpmn:serviceTask id="java" {attr}/>')
    only(refused(engine, [("j.bpmn", content)]), "j.bpmn", "java", "Java delegates", 'camunda:type="external"')


def test_service_task_without_topic(engine):  # type: ignore[no-untyped-def]
    content = linear('<bpmn:serviceTask id="bare" camunda:type="external"/>')
    only(refused(engine, [("s.bpmn", content)]), "s.bpmn", "bare", "camunda:topic")


# -- decisions -----------------------------------------------------------------------------------
RULE_TASK = ('<bpmn:businessRuleTask id="judge" camunda:decisionRef="pass_mark" camunda:resultVariable="result" '
             'camunda:mapDecisionResult="singleEntry"/>')


def test_business_rule_task_with_decision_not_deployed(engine):  # type: ignore[no-untyped-def]
    only(refused(engine, [("d.bpmn", linear(RULE_TASK))]), "d.bpmn", "judge", "'pass_mark'", "not deployed")


def test_business_rule_task_with_decision_in_the_same_deployment(engine):  # type: ignore[no-untyped-def]
    report = engine.deploy([("d.bpmn", linear(RULE_TASK)), ("pass_mark.dmn", dmn())])
    assert sorted(report.deployed) == ["d.bpmn v1", "pass_mark.dmn v1"]
    assert report.processes == ["p v1"] and report.decisions == ["pass_mark v1"]
    iid = engine.start("p", "13", {"written": 70})
    assert engine.instance(iid)["variables"]["result"] == "pass"


def test_business_rule_task_with_decision_deployed_before(engine):  # type: ignore[no-untyped-def]
    engine.deploy([("pass_mark.dmn", dmn())])
    assert engine.deploy([("d.bpmn", linear(RULE_TASK))]).processes == ["p v1"]


@pytest.mark.parametrize("kwargs, element_id, phrases", [
    ({"cell": ">= )"}, "r_pass/input_1", ("input entry '>= )'", "not a FEEL simple unary test")),
    ({"cell": '"unclosed'}, "r_pass/input_1", ("input entry", "not closed")),
    ({"input_text": "written +"}, "in_written", ("input expression 'written +'", "not a valid FEEL expression")),
], ids=["bad-operator-cell", "unclosed-string-cell", "bad-input-expression"])
def test_dmn_with_a_bad_cell(engine, kwargs, element_id, phrases):  # type: ignore[no-untyped-def]
    only(refused(engine, [("bad.dmn", dmn(**kwargs))]), "bad.dmn", element_id, *phrases)
    assert_clean_after(engine)


# -- gateways and conditions ---------------------------------------------------------------------
def test_gateway_flow_without_condition_that_is_not_the_default(engine):  # type: ignore[no-untyped-def]
    only(refused(engine, [("g.bpmn", gateway("${approved}", default=None))]), "g.bpmn", "to_no",
         "gateway 'gw'", "without a condition", "not its default flow")


@pytest.mark.parametrize("condition, phrase", [
    ("${approved ==}", "unexpected end of expression"),
    ("${__import__('os')}", "'__import__' is not allowed"),
    ("= approved", "Camunda 8"),
], ids=["syntax-error", "dunder-import", "camunda-8-feel"])
def test_bad_condition_expression(engine, condition, phrase):  # type: ignore[no-untyped-def]
    only(refused(engine, [("c.bpmn", gateway(condition))]), "c.bpmn", "to_yes", "condition", phrase)


# -- timers --------------------------------------------------------------------------------------
def test_timer_with_a_bad_duration(engine):  # type: ignore[no-untyped-def]
    only(refused(engine, [("t.bpmn", timer("timeDuration", "P1X"))]), "t.bpmn", "wait",
         "timeDuration", "'P1X' is not an ISO 8601 duration")


def test_timer_with_a_cron_cycle(engine):  # type: ignore[no-untyped-def]
    only(refused(engine, [("t.bpmn", timer("timeCycle", "0 0 9 * * ?"))]), "t.bpmn", "wait",
         "timeCycle", "cron")


def test_timer_duration_beyond_the_date_range_is_refused_at_deploy(engine):  # type: ignore[no-untyped-def]
    only(refused(engine, [("t.bpmn", timer("timeDuration", "P99999999999D"))]), "t.bpmn", "wait",
         "timeDuration", "P99999999999D")


# -- refused elements ----------------------------------------------------------------------------
def test_script_task(engine):  # type: ignore[no-untyped-def]
    content = linear('<bpmn:scriptTask id="calc" scriptFormat="python"><bpmn:script>x = 1</bpmn:script>'
                     '</bpmn:scriptTask>')
    only(refused(engine, [("s.bpmn", content)]), "s.bpmn", "calc", "script tasks are not allowed")


def test_multi_instance_task(engine):  # type: ignore[no-untyped-def]
    content = linear('<bpmn:userTask id="score_each"><bpmn:multiInstanceLoopCharacteristics isSequential="false"/>'
                     '</bpmn:userTask>')
    only(refused(engine, [("m.bpmn", content)]), "m.bpmn", "score_each", "multi-instance")


def test_call_activity_to_an_unknown_process(engine):  # type: ignore[no-untyped-def]
    content = linear('<bpmn:callActivity id="notify" calledElement="ghost"/>')
    only(refused(engine, [("c.bpmn", content)]), "c.bpmn", "notify", "called process 'ghost'", "not deployed")


def test_call_activity_to_a_process_in_the_same_deployment(engine):  # type: ignore[no-untyped-def]
    caller = linear('<bpmn:callActivity id="notify" calledElement="good"/>', pid="caller")
    report = engine.deploy([("caller.bpmn", caller), ("good.bpmn", GOOD)])
    assert sorted(report.processes) == ["caller v1", "good v1"]


def test_message_event_without_message_ref(engine):  # type: ignore[no-untyped-def]
    content = linear('<bpmn:intermediateCatchEvent id="paid"><bpmn:messageEventDefinition/>'
                     '</bpmn:intermediateCatchEvent>')
    only(refused(engine, [("m.bpmn", content)]), "m.bpmn", "paid", "messageRef", "bpmn:message")


def test_form_field_with_unknown_type(engine):  # type: ignore[no-untyped-def]
    content = linear('<bpmn:userTask id="enter"><bpmn:extensionElements><camunda:formData>'
                     '<camunda:formField id="amount" label="金額" type="money"/>'
                     '</camunda:formData></bpmn:extensionElements></bpmn:userTask>')
    only(refused(engine, [("f.bpmn", content)]), "f.bpmn", "enter", "form field 'amount'", "type 'money'")


# -- several problems ----------------------------------------------------------------------------
def test_two_problems_in_one_file_are_both_reported(engine):  # type: ignore[no-untyped-def]
    content = linear('<bpmn:scriptTask id="calc"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>',
                     '<bpmn:serviceTask id="lookup" camunda:type="external" camunda:topic="jukinet.nope"/>')
    problems = refused(engine, [("two.bpmn", content)])
    by_id = {p.element_id: p.message for p in problems}
    assert sorted(by_id) == ["calc", "lookup"] and len(problems) == 2
    assert "script tasks" in by_id["calc"] and "jukinet.nope" in by_id["lookup"]


def test_problems_in_two_files_are_both_reported_and_the_good_file_is_not_stored(engine):  # type: ignore[no-untyped-def]
    files = [("good.bpmn", GOOD),
             ("a.bpmn", timer("timeDuration", "P1X")),
             ("b.dmn", dmn(cell=">= )"))]
    problems = refused(engine, files)
    assert sorted((p.file, p.element_id) for p in problems) == [("a.bpmn", "wait"), ("b.dmn", "r_pass/input_1")]
    with pytest.raises(NotFound):
        engine.start("good", "13")
    assert_clean_after(engine)


# -- validate without deploying ------------------------------------------------------------------
def test_validate_raises_the_same_problems_as_deploy(engine):  # type: ignore[no-untyped-def]
    files = [("good.bpmn", GOOD), ("s.bpmn", linear('<bpmn:serviceTask id="bare"/>')), ("empty.bpmn", b"")]
    with pytest.raises(ValidationFailed) as checked:
        engine.validate(files)
    assert stored(engine) == (0, 0, 0)
    problems = refused(engine, files)
    assert checked.value.problems == problems
    assert sorted((p.file, p.element_id) for p in problems) == [("empty.bpmn", "-"), ("s.bpmn", "bare")]


def test_validate_good_files_stores_nothing(engine):  # type: ignore[no-untyped-def]
    files = [("d.bpmn", linear(RULE_TASK)), ("pass_mark.dmn", dmn()), ("good.bpmn", GOOD)]
    assert engine.validate(files) is None
    assert stored(engine) == (0, 0, 0)
    assert_clean_after(engine)


# -- found while probing: not in the dialect table, but deploy must still refuse, not crash -------
def test_executable_process_without_id_is_refused(engine):  # type: ignore[no-untyped-def]
    content = definitions('<bpmn:process isExecutable="true"><bpmn:startEvent id="start"/>'
                          '<bpmn:endEvent id="end"/><bpmn:sequenceFlow id="f" sourceRef="start" targetRef="end"/>'
                          '</bpmn:process>')
    problems = refused(engine, [("noid.bpmn", content)])
    assert [p.file for p in problems] == ["noid.bpmn"] and "id" in problems[0].message


def test_duplicate_element_ids_are_refused(engine):  # type: ignore[no-untyped-def]
    content = definitions(process(
        '<bpmn:startEvent id="start"/>', '<bpmn:userTask id="review" name="first"/>',
        '<bpmn:userTask id="review" name="second"/>', '<bpmn:endEvent id="end"/>',
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>',
        '<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>'))
    problems = refused(engine, [("dup.bpmn", content)])
    assert [(p.file, p.element_id) for p in problems][:1] == [("dup.bpmn", "review")]



def test_boundary_event_attached_to_nothing(engine):  # type: ignore[no-untyped-def]
    content = linear('<bpmn:userTask id="review"/>',
                     extra="")
    content = content.replace(b'<bpmn:endEvent id="end"/>',
                              b'<bpmn:endEvent id="end"/><bpmn:boundaryEvent id="late" attachedToRef="ghost">'
                              b'<bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration>'
                              b'</bpmn:timerEventDefinition></bpmn:boundaryEvent>')
    only(refused(engine, [("b.bpmn", content)]), "b.bpmn", "late", "attached to 'ghost'")


def test_a_process_may_move_to_another_file(engine):  # type: ignore[no-untyped-def]
    engine.deploy([("old_name.bpmn", linear('<bpmn:userTask id="review"/>', pid="moving"))])
    report = engine.deploy([("new_name.bpmn", linear('<bpmn:userTask id="review2"/>', pid="moving"))])
    assert report.processes == ["moving v2"]


def test_a_library_message_with_an_xml_dump_is_one_line(engine):  # type: ignore[no-untyped-def]
    """SpiffWorkflow's own messages (here: a boundary event it cannot parse, with the element's XML) reach
    the analyst as one line, without the XML."""
    from unittest import mock

    from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

    from engine.bpmn.parser import KenteiParser
    dump = "NotImplementedError('Unsupported Catch Event: %r', b'<bpmn:boundaryEvent id=\"late\">\\n  <x/>\\n')"
    with mock.patch.object(KenteiParser, "get_spec", side_effect=ValidationException(dump, id="late")):
        problem = only(refused(engine, [("b.bpmn", GOOD)]), "b.bpmn", "late", "nsupported Catch Event")
    assert "\n" not in problem.message and "<" not in problem.message, problem


def test_boundary_event_without_a_definition_is_one_sentence(engine):  # type: ignore[no-untyped-def]
    content = linear('<bpmn:userTask id="review"/>').replace(
        b'<bpmn:endEvent id="end"/>', b'<bpmn:endEvent id="end"/><bpmn:boundaryEvent id="late" attachedToRef="review"/>')
    only(refused(engine, [("b.bpmn", content)]), "b.bpmn", "late", "has no event definition")


def test_conditions_on_flows_leaving_a_task_deploy(engine):  # type: ignore[no-untyped-def]
    content = linear('<bpmn:userTask id="review"/>').replace(
        b'sourceRef="review" targetRef="end"/>',
        b'sourceRef="review" targetRef="end"><bpmn:conditionExpression>${ok}</bpmn:conditionExpression>'
        b'</bpmn:sequenceFlow>')
    assert engine.deploy([("c.bpmn", content)]).processes == ["p v1"]
