"""The real `kentei` console script, run as subprocesses against a SQLite file.

Every invocation is a new process, so a task started by one command and completed by the next
also shows that a fresh process picks up what an earlier one left waiting.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

SCRIPT = Path(sys.executable).with_name("kentei")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "kentei.cli"]
TIMEOUT = 120

FLOW = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://kentei.test">
  <bpmn:process id="cli_flow" name="CLI flow" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="review" name="審査" camunda:candidateGroups="reviewer">
      <bpmn:extensionElements>
        <camunda:formData>
          <camunda:formField id="decision" label="判定" type="enum">
            <camunda:validation><camunda:constraint name="required"/></camunda:validation>
            <camunda:value id="approve" name="承認"/><camunda:value id="reject" name="却下"/>
          </camunda:formField>
        </camunda:formData>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:exclusiveGateway id="decided" default="to_rejected"/>
    <bpmn:receiveTask id="wait_fee" name="手数料納付待ち" messageRef="msg_paid"/>
    <bpmn:boundaryEvent id="fee_deadline" attachedToRef="wait_fee" cancelActivity="true">
      <bpmn:timerEventDefinition><bpmn:timeDuration>P30D</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="paid"/>
    <bpmn:endEvent id="lapsed"/>
    <bpmn:endEvent id="rejected"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="decided"/>
    <bpmn:sequenceFlow id="to_fee" sourceRef="decided" targetRef="wait_fee"><bpmn:conditionExpression>${decision == 'approve'}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_rejected" sourceRef="decided" targetRef="rejected"/>
    <bpmn:sequenceFlow id="f3" sourceRef="wait_fee" targetRef="paid"/>
    <bpmn:sequenceFlow id="f4" sourceRef="fee_deadline" targetRef="lapsed"/>
  </bpmn:process>
  <bpmn:message id="msg_paid" name="fee_paid"/>
</bpmn:definitions>
"""

BAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://kentei.test">
  <bpmn:process id="bad" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:scriptTask id="calc"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>P1X</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="calc"/>
    <bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="wait"/>
    <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""

Run = Callable[..., subprocess.CompletedProcess[str]]


def _runner(cwd: Path, db: Path) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENTEI_")}
    env["KENTEI_DATABASE_URL"] = f"sqlite:///{db}"

    def run(*args: str, code: int = 0, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([*COMMAND, *args], cwd=cwd, env=env, capture_output=True, text=True,
                                timeout=TIMEOUT, check=False, input=stdin)
        assert "Traceback" not in result.stderr, f"kentei {' '.join(args)} printed a traceback:\n{result.stderr}"
        assert result.returncode == code, (f"kentei {' '.join(args)} exited {result.returncode}, not {code}\n"
                                           f"stdout: {result.stdout}\nstderr: {result.stderr}")
        return result
    return run


def as_json(result: subprocess.CompletedProcess[str]) -> Any:
    return json.loads(result.stdout)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "flow.bpmn").write_text(FLOW, encoding="utf-8")
    (tmp_path / "bad.bpmn").write_text(BAD, encoding="utf-8")
    return tmp_path


@pytest.fixture
def kentei(workdir: Path) -> Run:
    """A runner on an initialised database."""
    run = _runner(workdir, workdir / "k.db")
    assert "database ready" in run("init").stdout
    return run


@pytest.fixture
def deployed(kentei: Run) -> Run:
    assert "process cli_flow v1" in kentei("deploy", "flow.bpmn").stdout
    return kentei


def _start(run: Run, key: str = "B-1") -> int:
    result = as_json(run("start", "cli_flow", "--tenant", "13", "--business-key", key,
                         "--data", '{"applicant": "山田"}', "--json"))
    assert set(result) == {"instance_id"} and isinstance(result["instance_id"], int)
    return result["instance_id"]


def _task(run: Run, iid: int) -> dict[str, Any]:
    [task] = as_json(run("tasks", "--instance", str(iid), "--json"))
    return task


# -- init, validate, deploy ----------------------------------------------------------------------
def test_init_creates_the_database_and_is_repeatable(workdir: Path) -> None:
    run = _runner(workdir, workdir / "k.db")
    assert "database ready" in run("init").stdout and (workdir / "k.db").exists()
    assert "database ready" in run("init").stdout  # upgrading an up-to-date schema is a no-op
    assert as_json(run("tasks", "--json")) == []


def test_validate_a_bad_file_lists_every_problem_and_exits_1(kentei: Run) -> None:
    result = kentei("validate", "bad.bpmn", code=1)
    lines = result.stderr.strip().splitlines()
    assert all(re.match(r"^bad\.bpmn:[^:\s]+: \S", line) for line in lines), lines
    assert sorted(line.split(":")[1] for line in lines) == ["calc", "wait"]
    assert "script tasks" in result.stderr and "'P1X'" in result.stderr
    assert result.stdout == ""


def test_validate_a_good_file_stores_nothing(kentei: Run) -> None:
    assert "1 file(s) valid" in kentei("validate", "flow.bpmn").stdout
    assert "deployed flow.bpmn v1" in kentei("deploy", "flow.bpmn").stdout


def test_deploying_a_bad_file_exits_1_and_stores_nothing(kentei: Run) -> None:
    result = kentei("deploy", "flow.bpmn", "bad.bpmn", code=1)
    assert "bad.bpmn:calc:" in result.stderr
    assert "deployed flow.bpmn v1" in kentei("deploy", "flow.bpmn").stdout


def test_deploy_twice_says_unchanged(kentei: Run) -> None:
    first = kentei("deploy", "flow.bpmn").stdout
    assert "deployed flow.bpmn v1" in first and "process cli_flow v1" in first
    again = kentei("deploy", "flow.bpmn")
    assert again.stdout.strip() == "unchanged flow.bpmn"
    report = as_json(kentei("deploy", "flow.bpmn", "--json"))
    assert report["unchanged"] == ["flow.bpmn"] and report["deployed"] == [] and report["processes"] == []


# -- running an instance -------------------------------------------------------------------------
def test_start_lists_the_task_json(deployed: Run) -> None:
    iid = _start(deployed)
    task = _task(deployed, iid)
    assert task["element_id"] == "review" and task["tenant"] == "13" and task["candidate_groups"] == "reviewer"
    assert task["name"] == "審査" and task["status"] == "open"
    assert [t["id"] for t in as_json(deployed("tasks", "--tenant", "13", "--group", "reviewer", "--json"))] == [task["id"]]
    assert as_json(deployed("tasks", "--tenant", "27", "--json")) == []


def test_complete_with_data_the_form_refuses_exits_1_with_field_errors(deployed: Run) -> None:
    iid = _start(deployed)
    task = _task(deployed, iid)
    result = deployed("complete", task["id"], "--user", "u", "--data", '{"bad": 1}', code=1)
    assert "bad: is not a field of this form" in result.stderr
    assert "decision: is required" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _task(deployed, iid)["id"] == task["id"]  # still open, nothing lost
    wrong = deployed("complete", task["id"], "--user", "u", "--data", '{"decision": "maybe"}', code=1)
    assert "decision: must be one of approve, reject" in wrong.stderr


def test_instance_lifecycle_complete_message_and_duplicate(deployed: Run) -> None:
    iid = _start(deployed)
    task = _task(deployed, iid)
    assert f"completed task {task['id']} (instance {iid})" in deployed(
        "complete", task["id"], "--user", "u", "--data", '{"decision": "approve"}').stdout
    info = as_json(deployed("instance", str(iid), "--json"))
    assert info["status"] == "running" and info["tasks"] == []
    assert info["variables"] == {"applicant": "山田", "decision": "approve"}
    assert [(t["element_id"], t["status"]) for t in info["timers"]] == [("fee_deadline", "waiting")]

    first = deployed("message", "fee_paid", "--key", "B-1", "--id", "M1")
    assert first.stdout.strip() == f"delivered (instance {iid})"
    second = deployed("message", "fee_paid", "--key", "B-1", "--id", "M1")
    assert "duplicate" in second.stdout
    info = as_json(deployed("instance", str(iid), "--json", "--history"))
    assert info["status"] == "completed" and info["ended_at"]
    assert [h for h in info["history"] if h["kind"] == "message"] and info["timers"] == []
    assert deployed("complete", task["id"], "--user", "u", "--data", '{"decision": "approve"}', code=1).stderr


def test_message_json_and_buffering_without_a_receiver(deployed: Run) -> None:
    early = as_json(deployed("message", "fee_paid", "--key", "nobody", "--id", "X1", "--json"))
    assert early == {"status": "buffered", "instance_id": None, "message_id": "X1"}
    again = as_json(deployed("message", "fee_paid", "--key", "nobody", "--id", "X1", "--json"))
    assert again["status"] == "duplicate"


@pytest.mark.parametrize("args", [
    ["start", "cli_flow", "--tenant", "13", "--data", "{"],
    ["complete", "some-task", "--user", "u", "--data", "{"],
    ["message", "fee_paid", "--key", "B-1", "--data", "{"],
], ids=["start", "complete", "message"])
def test_bad_json_data_is_a_usage_error(deployed: Run, args: list[str]) -> None:
    result = deployed(*args, code=2)
    assert "--data is not valid JSON" in result.stderr and "Usage:" in result.stderr
    assert result.stdout == ""


def test_json_data_that_is_not_an_object_is_a_usage_error(deployed: Run) -> None:
    result = deployed("start", "cli_flow", "--tenant", "13", "--data", "[1, 2]", code=2)
    assert "--data must be a JSON object" in result.stderr


@pytest.mark.parametrize("args, phrase", [
    (["start", "no_such_process", "--tenant", "13"], "no process 'no_such_process'"),
    (["complete", "no-such-task", "--user", "u"], "task no-such-task does not exist"),
    (["instance", "999", "--json"], "process instance 999 does not exist"),
    (["retry", "999"], "999"),
    (["resolve", "999", "--note", "done at the counter"], "incident 999 does not exist"),
    (["resolve", "999", "--note", " "], "a note is required"),
], ids=["start", "complete", "instance", "retry", "resolve", "resolve-no-note"])
def test_engine_refusals_are_one_line_and_exit_1(deployed: Run, args: list[str], phrase: str) -> None:
    result = deployed(*args, code=1)
    assert result.stderr.startswith("error: ") and phrase in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_incidents_json_is_empty(deployed: Run) -> None:
    _start(deployed)
    assert as_json(deployed("incidents", "--json")) == []
    assert as_json(deployed("incidents", "--all", "--json")) == []


def test_worker_once_exits_0(deployed: Run) -> None:
    iid = _start(deployed)
    result = deployed("worker", "--once", "--name", "w1")
    assert "worker w1: 0 timers, 0 jobs" in result.stderr
    info = as_json(deployed("instance", str(iid), "--json"))
    assert info["status"] == "running" and [t["element_id"] for t in info["tasks"]] == ["review"]
    timers = as_json(deployed("timers", "--json"))
    assert timers == []  # nothing waits on a timer before the review is done


def test_a_second_process_picks_up_the_instance_the_first_left_waiting(workdir: Path) -> None:
    first = _runner(workdir, workdir / "k.db")
    first("init")
    first("deploy", "flow.bpmn")
    iid = _start(first, "B-9")
    second = _runner(workdir, workdir / "k.db")  # another process, same database: nothing shared but the file
    task = _task(second, iid)
    second("complete", task["id"], "--user", "u", "--data", '{"decision": "reject"}')
    info = as_json(second("instance", str(iid), "--json"))
    assert info["status"] == "completed" and info["variables"]["decision"] == "reject"


def test_a_command_before_init_says_so_without_a_traceback(workdir: Path) -> None:
    run = _runner(workdir, workdir / "fresh.db")
    result = run("tasks", code=1)
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_bad_setting_is_one_clear_line(workdir: Path) -> None:
    import os
    import subprocess
    env = {**os.environ, "KENTEI_DATABASE_URL": f"sqlite:///{workdir / 'k.db'}", "KENTEI_JOB_MAX_RETRIES": "three"}
    result = subprocess.run([*COMMAND, "tasks"], cwd=workdir, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "KENTEI_JOB_MAX_RETRIES must be a whole number" in result.stderr


def test_user_add_and_users(kentei: Run) -> None:
    add = ("user-add", "hanako-13", "--tenant", "13", "--role", "reviewer", "--role", "approver",
           "--display-name", "佐藤 花子", "--password-stdin")
    assert "created hanako-13" in kentei(*add, stdin="Sakura-2026-haru\n").stdout
    assert "使われています" in kentei(*add, stdin="Sakura-2026-haru\n", code=1).stderr
    weak = kentei("user-add", "taro-13", "--tenant", "13", "--role", "scorer", "--display-name", "田中 太郎",
                  "--password-stdin", stdin="weak\n", code=1).stderr
    assert weak.startswith("error: ") and "12文字以上" in weak and len(weak.splitlines()) == 1
    assert "役割" in kentei("user-add", "taro-13", "--tenant", "13", "--role", "boss", "--display-name", "田中",
                          "--password-stdin", stdin="Sakura-2026-haru\n", code=1).stderr
    listed = as_json(kentei("users", "--json"))
    assert [(u["username"], u["roles"], u["tenant"]) for u in listed] == [("hanako-13", ["approver", "reviewer"], "13")]
    assert "argon2" not in kentei("users").stdout and as_json(kentei("users", "--tenant", "27", "--json")) == []
