"""camunda:mapDecisionResult as Camunda 7 maps a decision result (default resultList)."""
from __future__ import annotations

import pytest

from engine.dmn import DecisionError
from engine.dmn.result import DecisionResult

ONE = DecisionResult([{"result": "pass"}], ["r1"], "d")
WIDE = DecisionResult([{"eligible": True, "reason": "ok"}], ["r1"], "d")
TWO = DecisionResult([{"fee": 1}, {"fee": 2}], ["r1", "r2"], "d")
NONE = DecisionResult([], [], "d")


def test_result_list_is_a_list_of_maps_always() -> None:
    assert ONE.mapped("resultList") == [{"result": "pass"}]
    assert NONE.mapped("resultList") == []


def test_single_entry_single_result_and_collect_entries() -> None:
    assert ONE.mapped("singleEntry") == "pass" and NONE.mapped("singleEntry") is None
    assert WIDE.mapped("singleResult") == {"eligible": True, "reason": "ok"} and NONE.mapped("singleResult") is None
    assert TWO.mapped("collectEntries") == [1, 2] and NONE.mapped("collectEntries") == []


@pytest.mark.parametrize("result, how", [(TWO, "singleEntry"), (TWO, "singleResult"), (WIDE, "singleEntry"),
                                         (WIDE, "collectEntries")])
def test_a_result_that_does_not_fit_its_mapping_is_an_error(result: DecisionResult, how: str) -> None:
    with pytest.raises(DecisionError):
        result.mapped(how)
