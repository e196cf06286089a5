"""Issue 11, "Accepted, then ignored or run wrong", items 1-9: each scenario as the issue describes it,
pinned to what kentei does now (Camunda 7's behaviour, or a refusal at deploy by element with a sentence)."""
from __future__ import annotations

import pytest

from engine.validation import ValidationFailed

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # SQLite only: one scenario each

NS = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
      'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://kentei.test"')


def _xml(*processes: str, extra: str = "") -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions {NS}>{extra}{"".join(processes)}</bpmn:definitions>'.encode()


def _proc(pid: str, body: str) -> str:
    return f'<bpmn:process id="{pid}" isExecutable="true">{body}</bpmn:process>'


def _flows(*pairs: str) -> str:
    out = []
    for n, pair in enumerate(pairs):
        a, b = pair.split(">")
        out.append(f'<bpmn:sequenceFlow id="f{n}_{a}_{b}" sourceRef="{a}" targetRef="{b}"/>')
    return "".join(out)


def _ut(tid: str, inner: str = "", attrs: str = "") -> str:
    return f'<bpmn:userTask id="{tid}" camunda:candidateGroups="reviewer" {attrs}>{inner}</bpmn:userTask>'


def _run(engine, pid, body, data=None, key="K-1", extra=""):  # type: ignore[no-untyped-def]
    engine.deploy([(f"{pid}.bpmn", _xml(_proc(pid, body), extra=extra))])
    return engine.start(pid, "13", data or {}, business_key=key)


def _open(engine, iid=None):  # type: ignore[no-untyped-def]
    return sorted(t["element_id"] for t in engine.tasks() if iid is None or t["instance_id"] == iid)


def _task(engine, element):  # type: ignore[no-untyped-def]
    return next(t for t in engine.tasks() if t["element_id"] == element)


def _refused(engine, name, xml):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as caught:
        engine.deploy([(name, xml)])
    return {p.element_id: p.message for p in caught.value.problems}


def _steps(engine, iid):  # type: ignore[no-untyped-def]
    return [h["element_id"] for h in engine.history(iid) if h["kind"] == "step"]


# -- item 1: variable mappings, async save points, listeners ------------------------------------

def test_item1_input_output_output_parameters_reach_the_process(engine):  # type: ignore[no-untyped-def]
    io = ('<bpmn:extensionElements><camunda:inputOutput>'
          '<camunda:outputParameter name="copied">${ok}</camunda:outputParameter>'
          '</camunda:inputOutput></bpmn:extensionElements>')
    iid = _run(engine, "io", '<bpmn:startEvent id="start"/>' + _ut("review", io) + '<bpmn:endEvent id="end"/>'
               + _flows("start>review", "review>end"))
    engine.complete_task(_task(engine, "review")["id"], "tanaka", {"ok": True})
    info = engine.instance(iid)
    assert info["status"] == "completed" and info["variables"]["copied"] is True


def test_item1_camunda_in_and_out_pass_variables_to_and_from_the_called_process(engine):  # type: ignore[no-untyped-def]
    called = _proc("child", '<bpmn:startEvent id="cs"/>' + _ut("child_task") + '<bpmn:endEvent id="ce"/>'
                   + _flows("cs>child_task", "child_task>ce"))
    parent = _proc("parent", '<bpmn:startEvent id="start"/>'
                   '<bpmn:callActivity id="call" calledElement="child"><bpmn:extensionElements>'
                   '<camunda:in source="given" target="received"/>'
                   '<camunda:out source="answer" target="returned"/>'
                   '</bpmn:extensionElements></bpmn:callActivity><bpmn:endEvent id="end"/>'
                   + _flows("start>call", "call>end"))
    engine.deploy([("calls.bpmn", _xml(called, parent))])
    iid = engine.start("parent", "13", {"given": 5}, business_key="C-1")
    task = _task(engine, "child_task")
    engine.complete_task(task["id"], "tanaka", {"answer": "yes"})
    info = engine.instance(iid)
    assert info["status"] == "completed" and info["variables"]["returned"] == "yes"
    assert "answer" not in info["variables"] and "received" not in info["variables"]


def test_item1_async_before_is_a_save_point_a_worker_continues_from(engine):  # type: ignore[no-untyped-def]
    iid = _run(engine, "asyncb", '<bpmn:startEvent id="start"/>' + _ut("review", attrs='camunda:asyncBefore="true"')
               + '<bpmn:endEvent id="end"/>' + _flows("start>review", "review>end"))
    info = engine.instance(iid)
    assert _open(engine) == [] and [j["element_id"] for j in info["jobs"]] == ["review"]
    engine.run_jobs("worker")
    assert _open(engine) == ["review"]


def test_item1_async_after_is_a_save_point_a_worker_continues_from(engine):  # type: ignore[no-untyped-def]
    iid = _run(engine, "asynca", '<bpmn:startEvent id="start"/>' + _ut("review", attrs='camunda:asyncAfter="true"')
               + _ut("next") + '<bpmn:endEvent id="end"/>' + _flows("start>review", "review>next", "next>end"))
    engine.complete_task(_task(engine, "review")["id"], "tanaka", {})
    info = engine.instance(iid)
    assert _open(engine) == [] and [j["element_id"] for j in info["jobs"]
                                     if j["status"] in ("pending", "locked")] == ["review"]
    engine.run_jobs("worker")
    assert _open(engine) == ["next"]


@pytest.mark.parametrize("listener", ["camunda:taskListener event=\"create\"", "camunda:executionListener event=\"start\""])
def test_item1_listeners_even_with_delegate_expression_are_refused_at_deploy(engine, listener):  # type: ignore[no-untyped-def]
    inner = f'<bpmn:extensionElements><{listener} delegateExpression="${{audit}}"/></bpmn:extensionElements>'
    problems = _refused(engine, "listen.bpmn", _xml(_proc("listen", '<bpmn:startEvent id="start"/>' + _ut("review", inner)
                                                           + _flows("start>review"))))
    assert problems == {"review": "listeners run Java or scripts, which cannot run here; "
                                  "put the work in a service task with a topic"}


# -- item 2: event subprocesses --------------------------------------------------------------------

DEFS = ('<bpmn:error id="Err" errorCode="E1"/><bpmn:escalation id="Esc" escalationCode="X1"/>'
        '<bpmn:signal id="Sig" name="go"/>')
MAIN = '<bpmn:startEvent id="start"/>' + _ut("review")


def _cond(expr: str) -> str:
    return (f'<bpmn:conditionalEventDefinition><bpmn:condition xsi:type="bpmn:tFormalExpression">{expr}'
            '</bpmn:condition></bpmn:conditionalEventDefinition>')


def _event_sub(definition: str, task: str, interrupting: bool = True) -> str:
    flag = "" if interrupting else ' isInterrupting="false"'
    return (f'<bpmn:subProcess id="evsub" triggeredByEvent="true"><bpmn:startEvent id="es"{flag}>{definition}'
            f'</bpmn:startEvent>{_ut(task)}<bpmn:endEvent id="ee"/>{_flows(f"es>{task}", f"{task}>ee")}</bpmn:subProcess>')


def test_item2_an_error_start_event_subprocess_waits_until_the_error_is_thrown(engine):  # type: ignore[no-untyped-def]
    iid = _run(engine, "ev_err", MAIN + '<bpmn:endEvent id="fail"><bpmn:errorEventDefinition errorRef="Err"/></bpmn:endEvent>'
               + _flows("start>review", "review>fail") + _event_sub('<bpmn:errorEventDefinition errorRef="Err"/>', "handle"),
               extra=DEFS)
    assert _open(engine) == ["review"] and "handle" not in _steps(engine, iid)
    engine.complete_task(_task(engine, "review")["id"], "tanaka", {})
    assert _open(engine) == ["handle"] and engine.incidents() == []
    engine.complete_task(_task(engine, "handle")["id"], "tanaka", {})
    assert engine.instance(iid)["status"] == "completed"


def test_item2_an_escalation_start_event_subprocess_waits_until_the_escalation_is_thrown(engine):  # type: ignore[no-untyped-def]
    throw = '<bpmn:intermediateThrowEvent id="raise"><bpmn:escalationEventDefinition escalationRef="Esc"/></bpmn:intermediateThrowEvent>'
    _run(engine, "ev_esc", MAIN + throw + _ut("after") + '<bpmn:endEvent id="end"/>'
         + _flows("start>review", "review>raise", "raise>after", "after>end")
         + _event_sub('<bpmn:escalationEventDefinition escalationRef="Esc"/>', "handle", interrupting=False), extra=DEFS)
    assert _open(engine) == ["review"]
    engine.complete_task(_task(engine, "review")["id"], "tanaka", {})
    assert _open(engine) == ["after", "handle"]  # non-interrupting: the parent goes on


def test_item2_a_signal_start_event_subprocess_is_triggered_and_interrupts_the_parent(engine):  # type: ignore[no-untyped-def]
    iid = _run(engine, "ev_sig", MAIN + '<bpmn:endEvent id="end"/>' + _flows("start>review", "review>end")
               + _event_sub('<bpmn:signalEventDefinition signalRef="Sig"/>', "handle"), extra=DEFS)
    assert _open(engine) == ["review"]
    engine.signal("go", "13")
    assert _open(engine) == ["handle"]  # the parent's review is cancelled
    engine.complete_task(_task(engine, "handle")["id"], "tanaka", {})
    assert engine.instance(iid)["status"] == "completed" and "end" not in _steps(engine, iid)


def test_item2_a_conditional_start_event_subprocess_is_triggered_when_its_condition_turns_true(engine):  # type: ignore[no-untyped-def]
    _run(engine, "ev_cond", MAIN + _ut("second") + '<bpmn:endEvent id="end"/>'
         + _flows("start>review", "review>second", "second>end")
         + _event_sub(_cond("${urgent == true}"), "handle", interrupting=False), data={"urgent": False})
    assert _open(engine) == ["review"]
    engine.complete_task(_task(engine, "review")["id"], "tanaka", {"urgent": True})
    assert _open(engine) == ["handle", "second"]


def test_item2_a_timer_start_event_subprocess_waits_for_its_time_then_interrupts(engine, clock):  # type: ignore[no-untyped-def]
    timer = '<bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>'
    iid = _run(engine, "ev_timer", MAIN + '<bpmn:endEvent id="end"/>' + _flows("start>review", "review>end")
               + _event_sub(timer, "handle"))
    assert _open(engine) == ["review"] and [t["element_id"] for t in engine.timers()] == ["es"]
    assert engine.fire_due_timers() == 0 and _open(engine) == ["review"]
    clock.advance(minutes=61)
    assert engine.fire_due_timers() == 1
    assert _open(engine) == ["handle"] and engine.instance(iid)["status"] == "running"


# -- item 3: interrupting boundaries on a subprocess fire at once ------------------------------------

def _sub_with_boundary(definition: str, inner: str, inner_flows: tuple[str, ...]) -> str:
    return (MAIN.replace(_ut("review"), "") + '<bpmn:subProcess id="sub"><bpmn:startEvent id="ss"/>' + inner
            + _flows(*inner_flows) + '</bpmn:subProcess>'
            + f'<bpmn:boundaryEvent id="caught" attachedToRef="sub">{definition}</bpmn:boundaryEvent>'
            + _ut("after") + '<bpmn:endEvent id="end"/><bpmn:endEvent id="end2"/>'
            + _flows("start>sub", "sub>end", "caught>after", "after>end2"))


def test_item3_an_interrupting_signal_boundary_on_a_subprocess_cancels_its_open_task(engine):  # type: ignore[no-untyped-def]
    iid = _run(engine, "b_sig", _sub_with_boundary('<bpmn:signalEventDefinition signalRef="Sig"/>',
                                                   _ut("inner") + '<bpmn:endEvent id="se"/>', ("ss>inner", "inner>se")),
               extra=DEFS)
    assert _open(engine) == ["inner"]
    engine.signal("go", "13")
    assert _open(engine) == ["after"] and "inner" not in _steps(engine, iid)


def test_item3_an_interrupting_escalation_boundary_on_a_subprocess_cancels_its_open_task(engine):  # type: ignore[no-untyped-def]
    inner = ('<bpmn:parallelGateway id="fork"/>' + _ut("inner") + '<bpmn:endEvent id="se"/>'
             '<bpmn:intermediateThrowEvent id="raise"><bpmn:escalationEventDefinition escalationRef="Esc"/>'
             '</bpmn:intermediateThrowEvent><bpmn:endEvent id="se2"/>')
    _run(engine, "b_esc", _sub_with_boundary('<bpmn:escalationEventDefinition escalationRef="Esc"/>', inner,
                                             ("ss>fork", "fork>inner", "inner>se", "fork>raise", "raise>se2")), extra=DEFS)
    assert _open(engine) == ["after"]  # the escalation fired at once; the inner task is gone with its scope


def test_item3_an_interrupting_conditional_boundary_on_a_subprocess_cancels_its_open_task(engine):  # type: ignore[no-untyped-def]
    inner = ('<bpmn:parallelGateway id="fork"/>' + _ut("inner_a") + _ut("inner_b")
             + '<bpmn:endEvent id="se"/><bpmn:endEvent id="se2"/>')
    iid = _run(engine, "b_cond", _sub_with_boundary(_cond("${stop == true}"), inner,
                                                    ("ss>fork", "fork>inner_a", "fork>inner_b", "inner_a>se", "inner_b>se2")),
               data={"stop": False})
    assert _open(engine) == ["inner_a", "inner_b"]
    engine.complete_task(_task(engine, "inner_a")["id"], "tanaka", {"stop": True})
    assert _open(engine) == ["after"] and "inner_b" not in _steps(engine, iid)


# -- item 4: an uncaught error end event ---------------------------------------------------------

def test_item4_an_uncaught_error_end_event_is_an_incident_not_completed(engine):  # type: ignore[no-untyped-def]
    iid = _run(engine, "uncaught", MAIN + '<bpmn:endEvent id="fail"><bpmn:errorEventDefinition errorRef="Err"/>'
               '</bpmn:endEvent>' + _flows("start>review", "review>fail"), extra=DEFS)
    engine.complete_task(_task(engine, "review")["id"], "tanaka", {})
    info = engine.instance(iid)
    assert info["status"] == "running"
    assert [(i["element_id"], i["status"]) for i in info["incidents"]] == [("fail", "open")]
    assert any(h["kind"] == "incident" and h["element_id"] == "fail" for h in engine.history(iid)), engine.history(iid)


# -- item 5: signals -------------------------------------------------------------------------------

def test_item5_a_signal_end_event_in_a_subprocess_is_caught_by_that_subprocess_boundary(engine):  # type: ignore[no-untyped-def]
    inner = _ut("inner") + '<bpmn:endEvent id="se"><bpmn:signalEventDefinition signalRef="Sig"/></bpmn:endEvent>'
    iid = _run(engine, "sig_end", _sub_with_boundary('<bpmn:signalEventDefinition signalRef="Sig"/>', inner,
                                                     ("ss>inner", "inner>se")), extra=DEFS)
    engine.complete_task(_task(engine, "inner")["id"], "tanaka", {})
    assert _open(engine) == ["after"] and "end" not in _steps(engine, iid)


def test_item5_a_signal_reaches_other_instances_of_the_same_prefecture_only(engine):  # type: ignore[no-untyped-def]
    body = ('<bpmn:startEvent id="start"/><bpmn:intermediateCatchEvent id="wait"><bpmn:signalEventDefinition '
            'signalRef="Sig"/></bpmn:intermediateCatchEvent><bpmn:endEvent id="end"/>' + _flows("start>wait", "wait>end"))
    engine.deploy([("waiter.bpmn", _xml(_proc("waiter", body), extra=DEFS))])
    here = [engine.start("waiter", "13", {}, business_key=f"W-{n}") for n in (1, 2)]
    there = engine.start("waiter", "14", {}, business_key="W-3")
    engine.signal("go", "13")
    assert [engine.instance(i)["status"] for i in here] == ["completed", "completed"]
    assert engine.instance(there)["status"] == "running"


def test_item5_a_signal_start_event_starts_an_instance(engine):  # type: ignore[no-untyped-def]
    body = ('<bpmn:startEvent id="start"><bpmn:signalEventDefinition signalRef="Sig"/></bpmn:startEvent>'
            + _ut("review") + '<bpmn:endEvent id="end"/>' + _flows("start>review", "review>end"))
    engine.deploy([("sigstart.bpmn", _xml(_proc("sigstart", body), extra=DEFS))])
    assert engine.tasks() == []
    engine.signal("go", "13")
    (task,) = engine.tasks()
    assert task["element_id"] == "review" and engine.instance(task["instance_id"])["status"] == "running"


# -- item 6: element ids SpiffWorkflow uses itself -----------------------------------------------------

def test_item6_a_start_event_start_and_an_end_event_root_run_to_completion(engine):  # type: ignore[no-untyped-def]
    iid = _run(engine, "reserved_ids", '<bpmn:startEvent id="Start"/>' + _ut("review") + '<bpmn:endEvent id="Root"/>'
               + _flows("Start>review", "review>Root"))
    engine.complete_task(_task(engine, "review")["id"], "tanaka", {})
    assert engine.instance(iid)["status"] == "completed" and engine.incidents() == []
    assert _steps(engine, iid)[0] == "Start" and _steps(engine, iid)[-1] == "Root"


# -- item 7: ioSpecification and data objects ----------------------------------------------------------

def test_item7_io_specification_and_data_objects_deploy_and_run_as_camunda7_ignores_them(engine):  # type: ignore[no-untyped-def]
    io = ('<bpmn:ioSpecification><bpmn:dataInput id="din"/><bpmn:dataOutput id="dout"/>'
          '<bpmn:inputSet><bpmn:dataInputRefs>din</bpmn:dataInputRefs></bpmn:inputSet>'
          '<bpmn:outputSet><bpmn:dataOutputRefs>dout</bpmn:dataOutputRefs></bpmn:outputSet></bpmn:ioSpecification>')
    task = (_ut("review", '<bpmn:dataOutputAssociation id="assoc"><bpmn:targetRef>doc_ref</bpmn:targetRef>'
                          '</bpmn:dataOutputAssociation>'))
    body = (io + '<bpmn:dataObject id="doc"/><bpmn:dataObjectReference id="doc_ref" dataObjectRef="doc"/>'
            + MAIN.replace(_ut("review"), task) + '<bpmn:endEvent id="end"/>' + _flows("start>review", "review>end"))
    iid = _run(engine, "data", body, data={"a": 1})
    engine.complete_task(_task(engine, "review")["id"], "tanaka", {"ok": True})
    info = engine.instance(iid)
    assert info["status"] == "completed" and engine.incidents() == []
    assert {k: info["variables"][k] for k in ("a", "ok")} == {"a": 1, "ok": True}
    assert not {"doc", "doc_ref", "din", "dout"} & set(info["variables"])


# -- item 8: refusals at deploy ------------------------------------------------------------------------

def test_item8_a_timer_through_event_definition_ref_is_refused_at_deploy(engine):  # type: ignore[no-untyped-def]
    timer = '<bpmn:timerEventDefinition id="T1"><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>'
    body = ('<bpmn:startEvent id="start"/><bpmn:intermediateCatchEvent id="wait"><bpmn:eventDefinitionRef>T1'
            '</bpmn:eventDefinitionRef></bpmn:intermediateCatchEvent><bpmn:endEvent id="end"/>' + _flows("start>wait", "wait>end"))
    problems = _refused(engine, "ref.bpmn", _xml(_proc("ref", body), extra=timer))
    assert problems == {"wait": "an event definition referenced with eventDefinitionRef is not supported; "
                                "draw the event definition inside the event"}


@pytest.mark.parametrize("attribute", ["startQuantity", "completionQuantity"])
def test_item8_start_and_completion_quantity_other_than_one_are_refused_at_deploy(engine, attribute):  # type: ignore[no-untyped-def]
    body = ('<bpmn:startEvent id="start"/>' + _ut("review", attrs=f'{attribute}="2"') + '<bpmn:endEvent id="end"/>'
            + _flows("start>review", "review>end"))
    problems = _refused(engine, "qty.bpmn", _xml(_proc("qty", body)))
    assert problems == {"review": "Camunda 7 always starts and completes an activity with one token; "
                                  "remove startQuantity and completionQuantity or set them to 1"}


# -- item 9: incidents and sentences whole ------------------------------------------------------------

def test_item9_an_exclusive_gateway_with_no_true_condition_is_an_incident_naming_the_gateway(engine):  # type: ignore[no-untyped-def]
    flows = ('<bpmn:sequenceFlow id="yes" sourceRef="choose" targetRef="end"><bpmn:conditionExpression '
             'xsi:type="bpmn:tFormalExpression">${x == 1}</bpmn:conditionExpression></bpmn:sequenceFlow>'
             '<bpmn:sequenceFlow id="no" sourceRef="choose" targetRef="end2"><bpmn:conditionExpression '
             'xsi:type="bpmn:tFormalExpression">${x == 2}</bpmn:conditionExpression></bpmn:sequenceFlow>')
    iid = _run(engine, "gw", '<bpmn:startEvent id="start"/><bpmn:exclusiveGateway id="choose"/><bpmn:endEvent id="end"/>'
               '<bpmn:endEvent id="end2"/>' + _flows("start>choose") + flows, data={"x": 3})
    (incident,) = engine.instance(iid)["incidents"]
    assert incident["element_id"] == "choose" and incident["status"] == "open"
    assert incident["message"] == ("no condition on the flows leaving this gateway is true and it has no "
                                   "default flow, so the path cannot go on")
    assert [(h["kind"], h["element_id"]) for h in engine.history(iid)][-1] == ("incident", "choose")


def test_item9_several_flows_out_of_a_task_are_no_cut_off_sentence_but_a_parallel_split(engine):  # type: ignore[no-untyped-def]
    """The cut-off sentence was SpiffWorkflow's "Multiple outgoing flows are not supported for tasks of type";
    kentei now runs several unconditional flows out of a task as BPMN's implicit parallel split."""
    body = (MAIN + _ut("left") + _ut("right") + '<bpmn:endEvent id="end"/><bpmn:endEvent id="end2"/>'
            + _flows("start>review", "review>left", "review>right", "left>end", "right>end2"))
    iid = _run(engine, "split", body)
    engine.complete_task(_task(engine, "review")["id"], "tanaka", {})
    assert _open(engine) == ["left", "right"] and engine.instance(iid)["status"] == "running"


@pytest.mark.parametrize("content", [b"<bpmn:definitions><bpmn:process id='p'></bpmn:definitions>",
                                     _xml(_proc("dangling", '<bpmn:startEvent id="start"/>' + _flows("start>nowhere"))),
                                     _xml(_proc("no_timer", '<bpmn:startEvent id="start"/><bpmn:intermediateCatchEvent '
                                                'id="wait"><bpmn:timerEventDefinition/></bpmn:intermediateCatchEvent>'
                                                + _flows("start>wait")))])
def test_item9_a_library_parse_error_is_one_line_with_no_xml_dump(engine, content):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as caught:
        engine.deploy([("broken.bpmn", content)])
    for problem in caught.value.problems:
        assert problem.message and "\n" not in problem.message and "<" not in problem.message, problem
        assert problem.message[:1].islower(), problem  # one sentence of kentei's, not a library's repr
