"""Loops that run long, and loops that never end: the first completes, the second becomes an incident.

SpiffWorkflow stops looking for tasks 1,000 levels down its task tree, and every loop turn adds levels;
engine/bpmn/library_fixes.py lifts that. A run with no wait state that turns one element more than
engine.step.MAX_TURNS times, or nests call activities more than MAX_CALL_DEPTH deep, is stopped.
SQLite only: nothing here depends on the database.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from engine import step as step_module
from engine.bootstrap import bootstrap
from engine.config import Settings
from handlers.base import HandlerRegistry

HEAD = ('<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'id="d" targetNamespace="t">')
COUNTING = (HEAD + '<bpmn:process id="count" isExecutable="true"><bpmn:startEvent id="start"/>'
            '<bpmn:serviceTask id="add" camunda:type="external" camunda:topic="test.add"/>'
            '<bpmn:exclusiveGateway id="more" default="done"/><bpmn:endEvent id="end"/>'
            '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="add"/>'
            '<bpmn:sequenceFlow id="f2" sourceRef="add" targetRef="more"/>'
            '<bpmn:sequenceFlow id="again" sourceRef="more" targetRef="add"><bpmn:conditionExpression '
            'xsi:type="bpmn:tFormalExpression">${n &lt; limit}</bpmn:conditionExpression></bpmn:sequenceFlow>'
            '<bpmn:sequenceFlow id="done" sourceRef="more" targetRef="end"/></bpmn:process></bpmn:definitions>')
SELF_CALL = (HEAD + '<bpmn:process id="again" isExecutable="true"><bpmn:startEvent id="start"/>'
             '<bpmn:callActivity id="call" calledElement="again"/><bpmn:endEvent id="end"/>'
             '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>'
             '<bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end"/></bpmn:process></bpmn:definitions>')


@pytest.fixture
def engine(tmp_path: Path, clock):  # type: ignore[no-untyped-def]
    handlers = HandlerRegistry()
    handlers.register("test.add", lambda ctx, data: {"n": data.get("n", 0) + 1}, "local")
    eng = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'k.db'}"), handlers, clock)
    yield eng
    eng.db.dispose()


def test_a_loop_deeper_than_spiffworkflows_walk_completes(engine) -> None:  # type: ignore[no-untyped-def]
    engine.deploy([("count.bpmn", COUNTING.encode())])
    iid = engine.start("count", "13", {"n": 0, "limit": 600})  # 1,200 turns: the task tree is ~1,800 deep
    info = engine.instance(iid)
    assert info["status"] == "completed" and info["incidents"] == [] and info["variables"]["n"] == 600


def test_an_endless_loop_is_an_incident_not_a_hang(engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(step_module, "MAX_TURNS", 50)
    engine.deploy([("count.bpmn", COUNTING.encode())])
    iid = engine.start("count", "13", {"n": 0, "limit": 10**9})
    info = engine.instance(iid)
    assert info["status"] == "running" and [i["element_id"] for i in info["incidents"]] in (["add"], ["more"])
    assert "without a wait state" in info["incidents"][0]["message"]


def test_a_process_calling_itself_without_end_is_an_incident(engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(step_module, "MAX_CALL_DEPTH", 5)
    engine.deploy([("again.bpmn", SELF_CALL.encode())])
    iid = engine.start("again", "13", {})
    info = engine.instance(iid)
    assert info["status"] == "running" and len(info["incidents"]) == 1
    assert "nested more than 5 deep" in info["incidents"][0]["message"]
