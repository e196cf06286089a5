"""実技 marks per component in application.bpmn: the 実技試験の構成 decision gives the components of the
grade and trade, a multi-instance user task takes one mark each, and their weighted total is the 実技 score."""
from __future__ import annotations

import pytest

from engine.errors import FormInvalid
# ruff: noqa: F811 — the lifecycle fixtures are imported by name, and tests take them as arguments
from tests.integration.test_lifecycle import Life, _through_exam, handlers, life, services  # noqa: F401


def _open(life: Life, iid: int, element: str) -> list[dict]:
    return [t for t in life.engine.tasks(instance_id=iid) if t["element_id"] == element]


def test_three_tasks_of_carpentry_are_weighted_by_their_points(life):  # type: ignore[no-untyped-def]
    iid, _ = _through_exam(life, trade_code="1201", trade_name="建築大工", task_name="大工工事作業")
    life.complete(iid, "score_entry", "scorer1", written_attended=True, written_score=70, practical_attended=True)
    assert len(_open(life, iid, "practical_marks")) == 3  # all at once: 課題1–3 can be marked by three people
    names = life.mark_practical(iid, "scorer2", 50, 80, 60)
    assert names == ["課題1 現寸図の作成", "課題2 墨付け・加工", "課題3 組立て"]
    v = life.engine.instance(iid)["variables"]
    assert v["practical_component_scores"] == [50, 80, 60]
    assert v["practical_score"] == 65  # 50×30 + 80×40 + 60×30, over 100
    assert not {"component", "loopCounter", "component_score"} & set(v)  # the instances' locals stay theirs
    with pytest.raises(Exception, match="four eyes"):  # who marked a component does not approve the result
        life.complete(iid, "result_approval", "scorer2", result_approved=True)
    life.complete(iid, "result_approval", "approver1", result_approved=True)
    life.until(60)
    info = life.engine.instance(iid)
    assert info["status"] == "completed" and info["variables"]["result"] == "pass"
    done = [h["actor"] for h in life.engine.history(iid) if h["element_id"] == "practical_marks"
            and h["kind"] == "task_completed"]
    assert done == ["scorer2"] * 3


def test_lathe_rounds_half_up_at_the_pass_mark(life):  # type: ignore[no-untyped-def]
    outcomes = {}
    for marks in ((35, 70), (35, 69)):  # 機械加工: 要素 30, 作業 70 → 59.5 and 58.8
        iid, _ = _through_exam(life)
        life.complete(iid, "score_entry", "scorer1", written_attended=True, written_score=80, practical_attended=True)
        assert life.mark_practical(iid, "scorer1", *marks) == ["要素試験", "製作等作業試験"]
        life.complete(iid, "result_approval", "approver1", result_approved=True)
        life.until(60)
        v = life.engine.instance(iid)["variables"]
        outcomes[marks] = (v["practical_score"], v["result"])
    assert outcomes == {(35, 70): (60, "pass"), (35, 69): (59, "partial_written")}


def test_special_grade_has_one_paper_and_an_absent_practical_has_no_marks(life):  # type: ignore[no-untyped-def]
    iid, _ = _through_exam(life, grade="特級", prior_pass="1級", experience_years=5)
    life.complete(iid, "score_entry", "scorer1", written_attended=True, written_score=70, practical_attended=True)
    assert life.mark_practical(iid, "scorer1", 72) == ["計画立案等作業試験"]  # a list of one, not one result
    assert life.engine.instance(iid)["variables"]["practical_score"] == 72
    absent, _ = _through_exam(life)
    life.complete(absent, "score_entry", "scorer1", written_attended=True, written_score=70, practical_attended=False)
    assert not _open(life, absent, "practical_marks") and _open(life, absent, "result_approval")
    v = life.engine.instance(absent)["variables"]
    assert v["practical_score"] is None and "practical_components" not in v
    assert "plan_practical" not in life.path(absent) and "total_practical" in life.path(absent)


def test_a_wrong_mark_is_refused_and_loses_nothing(life):  # type: ignore[no-untyped-def]
    iid, _ = _through_exam(life)
    life.complete(iid, "score_entry", "scorer1", written_attended=True, written_score=70, practical_attended=True)
    first = sorted(t["id"] for t in _open(life, iid, "practical_marks"))[0]
    for bad in ({}, {"component_score": 101}, {"component_score": -1}, {"component_score": "abc"}):
        with pytest.raises(FormInvalid):
            life.engine.complete_task(first, "scorer1", bad)
    assert len(_open(life, iid, "practical_marks")) == 2 and life.engine.instance(iid)["incidents"] == []
    life.mark_practical(iid, "scorer1", 60)
    assert life.engine.instance(iid)["variables"]["practical_score"] == 60


def test_a_sent_back_result_is_marked_again_and_the_new_marks_count(life):  # type: ignore[no-untyped-def]
    iid, _ = _through_exam(life)
    life.complete(iid, "score_entry", "scorer1", written_attended=True, written_score=70, practical_attended=True)
    life.mark_practical(iid, "scorer1", 40)
    life.complete(iid, "result_approval", "approver1", result_approved=False, approval_comment="作業試験の再確認")
    life.complete(iid, "score_entry", "scorer1", written_attended=True, written_score=70, practical_attended=True)
    life.mark_practical(iid, "scorer1", 90, 80)
    v = life.engine.instance(iid)["variables"]
    assert v["practical_component_scores"] == [90, 80] and v["practical_score"] == 83  # 27 + 56


def test_a_grade_without_components_is_an_incident_at_the_total(life):  # type: ignore[no-untyped-def]
    iid, _ = _through_exam(life, grade="準1級")  # a grade the table does not know: no component to mark
    life.complete(iid, "score_entry", "scorer1", written_attended=True, written_score=70, practical_attended=True)
    [incident] = life.engine.instance(iid)["incidents"]
    assert incident["element_id"] == "total_practical" and "has no component" in incident["message"]
    assert not _open(life, iid, "result_approval")
