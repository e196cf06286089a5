"""実技の合計得点 (handlers/registry/scoring.py): weighted by 配点, rounded half up, never silently wrong."""
from __future__ import annotations

import pytest

from handlers.registry.scoring import practical_total

LATHE = [{"code": "要素", "name": "要素試験", "points": 30}, {"code": "作業", "name": "製作等作業試験", "points": 70}]


@pytest.mark.parametrize(("marks", "total"), [([35, 70], 60), ([35, 69], 59), ([65, 50], 55), ([100, 100], 100),
                                              ([0, 0], 0), ([1, 0], 0), ([2, 0], 1)])
def test_weighted_and_rounded_half_up(marks: list[int], total: int) -> None:
    assert practical_total(LATHE, marks) == total  # 59.5 → 60, 54.5 → 55 (not to even), 0.3 → 0, 0.6 → 1


@pytest.mark.parametrize(("components", "marks", "message"), [
    ([], [], "no component"),
    (LATHE, [60], "2 practical components but 1 marks"),
    (LATHE, [60, None], "whole number from 0 to 100"),
    (LATHE, [60, 101], "whole number from 0 to 100"),
    (LATHE, [-1, 60], "whole number from 0 to 100"),
    (LATHE, [True, 60], "whole number from 0 to 100"),
    (LATHE, [60, 60.5], "whole number from 0 to 100"),
    ([{"code": "作業", "points": 70}], [60], "add up to 70, not 100"),
])
def test_a_total_that_would_be_wrong_is_an_error(components: list, marks: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        practical_total(components, marks)
