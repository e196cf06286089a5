"""The official DMN TCK (levels 2 and 3, ../shared/dmn-tck) through engine.dmn: each test case one pytest case.

A case listed in dmn_tck_expected_failures.txt (with its reason) is an expected failure, strictly: when it
starts to pass the suite fails, so that the list only shrinks. Models are loaded once per folder
(dmn_tck_support.load_folder_model). `python tests/conformance/dmn_tck_report.py` prints the totals.
"""
from __future__ import annotations

import pytest

from tests.conformance.dmn_tck_support import TCK, TckCase, camunda_passes, collect_cases, read_expected_failures
from tests.conformance.dmn_tck_support import run_case

CASES = collect_cases() if TCK.is_dir() else []
LISTED = read_expected_failures()


def _param(case: TckCase) -> object:
    reason = LISTED.get(case.id)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason is not None else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.skipif(not CASES, reason="the DMN TCK is not in ../shared/dmn-tck")
@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_tck_case(case: TckCase) -> None:
    outcome = run_case(case)
    assert outcome.passed, f"{outcome.kind}: {outcome.detail}"


@pytest.mark.skipif(not CASES, reason="the DMN TCK is not in ../shared/dmn-tck")
def test_the_list_names_only_cases_of_the_tck_with_a_reason() -> None:
    ids = {case.id for case in CASES}
    assert sorted(set(LISTED) - ids) == []
    assert [case_id for case_id, reason in LISTED.items() if not reason] == []


@pytest.mark.skipif(not CASES, reason="the DMN TCK is not in ../shared/dmn-tck")
def test_every_case_camunda_7_passes_is_not_listed() -> None:
    assert sorted(set(LISTED) & camunda_passes()) == []
