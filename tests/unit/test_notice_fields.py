"""Process data → a notice's fields: the exam round named as notices name it (令和8年度前期)."""
from __future__ import annotations

from handlers.notify.kinds import notice_kind
from handlers.notify.process_fields import exam_round, notice_context


def test_the_round_is_named_by_the_fiscal_year_in_the_era() -> None:
    assert exam_round({"fiscal_year": 2026, "round": "前期"}) == "令和8年度前期"
    assert exam_round({"fiscal_year": 2019, "round": "後期"}) == "令和元年度後期"  # FY2019 began in 平成 31
    assert exam_round({"fiscal_year": 2018, "round": "前期"}) == "平成30年度前期"
    for bad in ({}, {"fiscal_year": 2026}, {"fiscal_year": "2026", "round": "前期"},
                {"fiscal_year": 2026, "round": "中期"}, {"fiscal_year": True, "round": "前期"}):
        assert exam_round(bad) is None


def test_a_pass_notice_opens_with_its_round_unless_the_diagram_gives_one() -> None:
    data = {"applicant_name": "山田 太郎", "examinee_no": "132600001", "grade": "2級", "trade_name": "機械加工",
            "fiscal_year": 2026, "round": "前期"}
    assert notice_context(notice_kind("pass_notice"), data)["exam_round"] == "令和8年度前期"
    given = notice_context(notice_kind("pass_notice"), data | {"exam_round": "令和8年度随時"})
    assert given["exam_round"] == "令和8年度随時"
