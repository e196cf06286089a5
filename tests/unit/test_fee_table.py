"""fees.dmn at its edges: every grade × part × reduction × prefecture rule it encodes, ages on the day they change.

The rules (DOMAIN.md step 4 and the ministry's page): 学科 3,100円 and 実技 18,200円; 実技 of 2級/3級 9,000円 less
for those under 35 on 1 April of the exam's fiscal year; 3級 実技 of a student (在校生) under 23 a further 6,000円
less; 大分県 (44) from 令和4年度: the 9,000円 only for students and employees (在職者) under 25; an exempted part 0円.
"""
from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest

from engine.dmn import load_dmn

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
FEE = load_dmn((WORKFLOWS / "fees.dmn").read_bytes(), "fees.dmn")["fee"]
GRADES = ("基礎級", "3級", "2級", "1級", "単一等級", "特級")
YEAR = 2026


def born(age_on_april_first: int, *, day_after: bool = False) -> str:
    """A birth date giving that age on 1 April 2026 (day_after: born a day later, so still one year younger)."""
    d = date(YEAR - age_on_april_first, 4, 2 if day_after else 1)
    return d.isoformat()


def fee(prefecture: str = "13", grade: str = "2級", part: str = "実技", birth: str = "1980-01-01",
        student: bool = False, employed: bool = False, exempt: bool = False) -> dict:
    return FEE.evaluate({"prefecture": prefecture, "grade": grade, "fee_part": part, "birth_date": birth,
                         "fiscal_year": YEAR, "enrolled_student": student, "employed": employed,
                         "written_exempt": exempt and part == "学科", "practical_exempt": exempt and part == "実技"}
                        ).as_variable()


def expected(prefecture: str, grade: str, part: str, age: int, student: bool, employed: bool, exempt: bool) -> int:
    """The rules above, written out once more."""
    if exempt:
        return 0
    if part == "学科":
        return 3_100
    if grade == "3級" and student and age < 23:
        return 3_200
    if prefecture == "44":
        return 9_200 if grade in ("2級", "3級") and age < 25 and (student or employed) else 18_200
    return 9_200 if grade in ("2級", "3級") and age < 35 else 18_200


AGES = (16, 22, 23, 24, 25, 34, 35, 60)


@pytest.mark.parametrize(("prefecture", "grade", "part"), list(itertools.product(("13", "44"), GRADES, ("学科", "実技"))))
def test_every_grade_part_and_prefecture_over_ages_and_reductions(prefecture: str, grade: str, part: str) -> None:
    for age, student, employed, exempt in itertools.product(AGES, (False, True), (False, True), (False, True)):
        got = fee(prefecture, grade, part, born(age), student, employed, exempt)
        assert got["amount"] == expected(prefecture, grade, part, age, student, employed, exempt), \
            (prefecture, grade, part, age, student, employed, exempt, got)
        assert got["basis"]


@pytest.mark.parametrize(("birth", "amount"), [
    (born(35), 18_200),                  # 35 on 1 April: no reduction
    (born(35, day_after=True), 9_200),   # born on 2 April: still 34 on 1 April
    (born(23), 9_200),                   # a 3級 student of 23: the youth reduction only
    (born(23, day_after=True), 3_200),   # 22: both reductions
])
def test_the_ages_change_on_the_first_of_april(birth: str, amount: int) -> None:
    assert fee(grade="3級", birth=birth, student=True)["amount"] == amount


def test_oita_counts_25_and_needs_a_student_or_an_employee() -> None:
    assert fee("44", "2級", birth=born(25, day_after=True), employed=True)["amount"] == 9_200
    assert fee("44", "2級", birth=born(25), employed=True)["amount"] == 18_200
    assert fee("44", "2級", birth=born(20))["amount"] == 18_200  # neither student nor employed
    assert fee("13", "2級", birth=born(20))["amount"] == 9_200   # elsewhere the age alone counts


def test_the_reason_is_named() -> None:
    assert fee(exempt=True) == {"amount": 0, "basis": "免除"}
    assert fee(part="学科", birth=born(20)) == {"amount": 3_100, "basis": "標準額"}
    assert fee(birth=born(20))["basis"] == "若年者減額"
    assert fee(grade="3級", birth=born(17), student=True)["basis"] == "若年者減額・在校生減額"
    assert fee(grade="1級", birth=born(20)) == {"amount": 18_200, "basis": "標準額"}
