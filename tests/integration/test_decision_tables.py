"""The lifecycle's DMN tables in workflows/, against DOMAIN.md's eligibility table and the pass marks."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.dmn import load_dmn

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
ELIGIBILITY = load_dmn((WORKFLOWS / "eligibility.dmn").read_bytes(), "eligibility.dmn")["eligibility"]
PASS = load_dmn((WORKFLOWS / "pass_decision.dmn").read_bytes(), "pass_decision.dmn")["pass_decision"]

# DOMAIN.md, "Eligibility in years of experience": (grade, earlier pass, schooling) -> years needed
TABLE = [
    ("3級", "なし", "なし", 0), ("3級", "なし", "大学", 0),
    ("2級", "なし", "なし", 2), ("2級", "3級", "なし", 0),
    ("2級", "なし", "専門高校", 0), ("2級", "なし", "短大・高専", 0), ("2級", "なし", "大学", 0),
    ("1級", "なし", "なし", 7), ("1級", "2級", "なし", 2), ("1級", "3級", "なし", 4),
    ("1級", "なし", "専門高校", 6), ("1級", "なし", "短大・高専", 5), ("1級", "なし", "大学", 4),
    ("1級", "2級", "専門高校", 2), ("1級", "3級", "大学", 4),
    ("単一等級", "なし", "なし", 3), ("単一等級", "なし", "専門高校", 1),
    ("単一等級", "なし", "短大・高専", 0), ("単一等級", "なし", "大学", 0),
    ("特級", "1級", "なし", 5), ("基礎級", "なし", "なし", 0),
]


def eligibility(grade: str, prior: str, school: str, years: int) -> dict:
    return ELIGIBILITY.evaluate({"grade": grade, "prior_pass": prior, "schooling": school,
                                 "experience_years": years}).as_variable()


@pytest.mark.parametrize(("grade", "prior", "school", "needed"), TABLE)
def test_each_row_of_the_eligibility_table(grade: str, prior: str, school: str, needed: int) -> None:
    enough = eligibility(grade, prior, school, needed)
    assert enough["eligible"] is True and enough["required_years"] == needed and enough["basis"]
    if needed > 0:
        short = eligibility(grade, prior, school, needed - 1)
        assert short["eligible"] is False and "不足" in short["eligibility_reason"]


def test_special_grade_needs_a_first_grade_pass() -> None:
    result = eligibility("特級", "2級", "大学", 30)
    assert result["eligible"] is False and "経路" in result["eligibility_reason"]


def decide(written: int | None, practical: int | None, w_exempt: bool = False, p_exempt: bool = False) -> str:
    return PASS.evaluate({"written_score": written, "practical_score": practical, "written_exempt": w_exempt,
                          "practical_exempt": p_exempt}).as_variable()


@pytest.mark.parametrize(("written", "practical", "expected"), [
    (65, 60, "pass"), (64, 60, "partial_practical"), (65, 59, "partial_written"), (64, 59, "fail"),
    (100, 100, "pass"), (0, 0, "fail"), (None, 60, "partial_practical"), (65, None, "partial_written"),
])
def test_pass_marks_at_their_edges(written: int | None, practical: int | None, expected: str) -> None:
    assert decide(written, practical) == expected


def test_an_exemption_counts_only_when_claimed() -> None:
    assert decide(None, 70, w_exempt=True) == "pass"          # 学科免除, claimed
    assert decide(None, 70, w_exempt=False) == "partial_practical"  # not claimed: the missing score fails
    assert decide(40, None, p_exempt=True) == "partial_practical"
    assert decide(None, None, w_exempt=True, p_exempt=True) == "pass"


COMPONENTS = load_dmn((WORKFLOWS / "practical_components.dmn").read_bytes(),
                      "practical_components.dmn")["practical_components"]
GRADES = ("特級", "1級", "2級", "3級", "基礎級", "単一等級")


@pytest.mark.parametrize("grade", GRADES)
@pytest.mark.parametrize("trade", ["0401", "1201", "2101", "9999"])
def test_every_grade_and_trade_has_practical_components_worth_100(grade: str, trade: str) -> None:
    found = COMPONENTS.evaluate({"grade": grade, "trade_code": trade}).as_variable()
    rows = found if isinstance(found, list) else [found]
    assert sum(r["points"] for r in rows) == 100, rows
    assert {r["code"] for r in rows} <= {"作業", "課題1", "課題2", "課題3", "要素", "ペーパー"}
    assert len({r["code"] for r in rows}) == len(rows) and all(r["name"] for r in rows)


def test_an_unknown_grade_has_no_practical_component() -> None:
    assert COMPONENTS.evaluate({"grade": "準1級", "trade_code": "0401"}).as_variable() is None
