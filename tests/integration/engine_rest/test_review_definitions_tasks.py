"""Review of /deployment, /process-definition, /decision-definition and /task: each test failed before its fix."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.integration.engine_rest.test_deployments import HEAD, bpmn, deploy


def _table(key: str, hit: str, outputs: list[tuple[str, str]], rules: list[tuple[str, list[str]]],
           extra: str = "") -> bytes:
    outs = "".join(f'<output id="o_{n}" name="{n}" typeRef="{t}"/>' for n, t in outputs)
    body = "".join(f'<rule id="r{i}"><inputEntry id="ie{i}"><text>{test}</text></inputEntry>'
                   + "".join(f'<outputEntry id="oe{i}_{j}"><text>{o}</text></outputEntry>' for j, o in enumerate(row))
                   + "</rule>" for i, (test, row) in enumerate(rules))
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d_{key}" name="d" namespace="http://kentei.test">
  <decision id="{key}" name="{key}"><decisionTable id="t_{key}" hitPolicy="{hit}" {extra}>
    <input id="i_{key}"><inputExpression id="e_{key}" typeRef="integer"><text>n</text></inputExpression></input>
    {outs}{body}</decisionTable></decision>
</definitions>'''.encode()


def _evaluate(rest, key: str, n: int):  # type: ignore[no-untyped-def]
    got = rest("POST", f"/engine-rest/decision-definition/key/{key}/evaluate",
               json={"variables": {"n": {"value": n, "type": "Integer"}}})
    assert got.status_code == 200, got.get_json()
    return got.get_json()


def test_evaluate_types_each_result_value_by_its_outputs_type_ref(rest):  # type: ignore[no-untyped-def]
    """Camunda gives one map per matched rule, each value typed by its output's typeRef: a `double` output of
    2 is the Double 2.0 (a Java client reading it as Double), a `long` one a Long, a `date` one a Date."""
    ordered = _table("ordered", "RULE ORDER", [("rate", "double"), ("ok", "boolean"), ("day", "date"),
                                               ("big", "long"), ("label", "string"), ("free", "")],
                     [("&gt; 0", ["1.5", "true", 'date("2026-01-02")', "12345678901", '"a"', "7"]),
                      ("&gt; 5", ["2", "false", 'date("2026-03-04")', "3", '"b"', "8"]),
                      ("&lt; 0", ["9", "true", "null", "9", '"c"', "9"])])
    collect = _table("tally", "COLLECT", [("hits", "string")], [("&gt; 0", ['"x"']), ("&gt; 5", ['"y"'])],
                     extra='aggregation="COUNT"')
    assert deploy(rest, [("ordered.dmn", ordered), ("tally.dmn", collect)]).status_code == 200
    midnight = datetime(2026, 1, 2, tzinfo=rest.engine.tz)
    rows = _evaluate(rest, "ordered", 7)
    assert rows == [
        {"rate": {"type": "Double", "value": 1.5, "valueInfo": {}}, "ok": {"type": "Boolean", "value": True, "valueInfo": {}},
         "day": {"type": "Date", "value": _camunda_date(midnight), "valueInfo": {}},
         "big": {"type": "Long", "value": 12345678901, "valueInfo": {}},
         "label": {"type": "String", "value": "a", "valueInfo": {}}, "free": {"type": "Integer", "value": 7, "valueInfo": {}}},
        {"rate": {"type": "Double", "value": 2.0, "valueInfo": {}}, "ok": {"type": "Boolean", "value": False, "valueInfo": {}},
         "day": {"type": "Date", "value": _camunda_date(midnight.replace(month=3, day=4)), "valueInfo": {}},
         "big": {"type": "Long", "value": 3, "valueInfo": {}},
         "label": {"type": "String", "value": "b", "valueInfo": {}}, "free": {"type": "Integer", "value": 8, "valueInfo": {}}}]
    assert isinstance(rows[1]["rate"]["value"], float)
    assert _evaluate(rest, "ordered", 0) == []
    assert _evaluate(rest, "ordered", -1)[0]["day"] == {"type": "Null", "value": None, "valueInfo": {}}
    assert _evaluate(rest, "tally", 7) == [{"hits": {"type": "Integer", "value": 2, "valueInfo": {}}}]  # a count


def _camunda_date(moment: datetime) -> str:
    from datetime import UTC
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"


def _multipart(parts: list[tuple[bytes, bytes | None, bytes]]) -> tuple[bytes, str]:
    """A multipart body written by hand (a test client would encode names as UTF-8)."""
    out = b""
    for name, filename, data in parts:
        out += b'--kentei\r\nContent-Disposition: form-data; name="' + name + b'"'
        out += (b'; filename="' + filename + b'"\r\nContent-Type: text/xml') if filename is not None else b""
        out += b"\r\n\r\n" + data + b"\r\n"
    return out + b"--kentei--\r\n", "multipart/form-data; boundary=kentei"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_part_that_is_not_utf8_is_named_not_taken_for_an_empty_upload(rest):  # type: ignore[no-untyped-def]
    """curl on a Shift_JIS or Latin-1 system sends the file name's bytes as they are: werkzeug then dropped
    the whole form, and the answer was "No deployment resources contained in the form upload."."""
    for filename in ("審査.bpmn".encode("shift_jis"), "café.bpmn".encode("latin-1")):
        data, content_type = _multipart([(b"deployment-name", None, b"x"), (b"upload", filename, bpmn("sj"))])
        got = rest("POST", "/engine-rest/deployment/create", data=data, content_type=content_type)
        assert got.status_code == 400 and got.get_json()["message"] == (
            "No deployment resources contained in the form upload. No part of the multipart/form-data body could "
            "be read: it needs its boundary, and every field name and file name must be UTF-8 text")
    data, content_type = _multipart([(b"deployment-name", None, "名前".encode("shift_jis")),
                                     (b"a.bpmn", b"a.bpmn", bpmn("sj"))])
    got = rest("POST", "/engine-rest/deployment/create", data=data, content_type=content_type)
    assert got.status_code == 400 and "'deployment-name' is not UTF-8 text" in got.get_json()["message"]
    data, content_type = _multipart([(b"a.bpmn", "審査.bpmn".encode(), bpmn("sj"))])  # UTF-8 is fine
    made = rest("POST", "/engine-rest/deployment/create", data=data, content_type=content_type)
    assert made.status_code == 200 and made.get_json()["deployedProcessDefinitions"]
    assert list(made.get_json()["deployedProcessDefinitions"].values())[0]["resource"] == "審査.bpmn"
    broken = rest("POST", "/engine-rest/deployment/create", data=b"garbage", content_type="multipart/form-data")
    assert broken.status_code == 400 and broken.get_json()["message"].startswith("No deployment resources")
    named_only = rest("POST", "/engine-rest/deployment/create", data={"deployment-name": "x"},
                      content_type="multipart/form-data")  # readable, with no file: Camunda's sentence alone
    assert named_only.get_json()["message"] == "No deployment resources contained in the form upload."


RACE = (HEAD + '''  <bpmn:message id="m" name="docs"/>
  <bpmn:signal id="s" name="closed"/>
  <bpmn:process id="race" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:eventBasedGateway id="gate"/>
    <bpmn:intermediateCatchEvent id="got_docs"><bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="closed"><bpmn:signalEventDefinition signalRef="s"/></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="too_late"><bpmn:timerEventDefinition><bpmn:timeDuration>P7D</bpmn:timeDuration>
      </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="e1"/><bpmn:endEvent id="e2"/><bpmn:endEvent id="e3"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="gate"/>
    <bpmn:sequenceFlow id="f1" sourceRef="gate" targetRef="got_docs"/>
    <bpmn:sequenceFlow id="f2" sourceRef="gate" targetRef="too_late"/>
    <bpmn:sequenceFlow id="f5" sourceRef="gate" targetRef="closed"/>
    <bpmn:sequenceFlow id="f3" sourceRef="got_docs" targetRef="e1"/>
    <bpmn:sequenceFlow id="f4" sourceRef="too_late" targetRef="e2"/>
    <bpmn:sequenceFlow id="f6" sourceRef="closed" targetRef="e3"/>
  </bpmn:process>
</bpmn:definitions>''').encode()


def test_statistics_count_an_instance_at_an_event_based_gateway_once(rest):  # type: ignore[no-untyped-def]
    """The gateway waits for a message, a signal and a timer at once: one instance there, not three."""
    rest.engine.deploy([("race.bpmn", RACE)])  # shared: both prefectures run it
    for _ in range(2):
        rest.engine.start("race", "13")
    rest.engine.start("race", "27")
    got = rest("GET", "/engine-rest/process-definition/key/race/statistics", who="analyst1-13").get_json()
    assert [(r["id"], r["instances"]) for r in got] == [("gate", 2)]
    per = rest("GET", "/engine-rest/process-definition/statistics", who="analyst1-13").get_json()
    assert [r["instances"] for r in per if r["definition"]["key"] == "race"] == [2]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_cached_decision_is_never_another_databases_file_of_the_same_row(rest, settings, clock, tmp_path):  # type: ignore[no-untyped-def]
    """The parsed DMN was cached by row id alone: a second database (the test suite, `kentei bench`, a restore)
    whose file 1 is another DMN got the first one's decisions ("the file no longer defines the decision")."""
    from dataclasses import replace

    from engine.bootstrap import bootstrap
    from handlers.base import HandlerRegistry
    from tests.integration.engine_rest.conftest import make_rest
    first = _table("first", "UNIQUE", [("out", "string")], [("-", ['"one"'])])
    assert list(deploy(rest, [("a.dmn", first)]).get_json()["deployedDecisionDefinitions"]) == ["first:1:1"]
    assert _evaluate(rest, "first", 1) == [{"out": {"type": "String", "value": "one", "valueInfo": {}}}]
    other = bootstrap(replace(settings, database_url=f"sqlite:///{tmp_path / 'other.db'}"), HandlerRegistry(), clock)
    try:
        again = make_rest(other, clock, tmp_path)
        second = _table("second", "UNIQUE", [("out", "string")], [("-", ['"two"'])])
        made = deploy(again, [("a.dmn", second)]).get_json()
        assert list(made["deployedDecisionDefinitions"]) == ["second:1:1"]  # the same rows as "first"'s
        assert _evaluate(again, "second", 1) == [{"out": {"type": "String", "value": "two", "valueInfo": {}}}]
    finally:
        other.db.dispose()
