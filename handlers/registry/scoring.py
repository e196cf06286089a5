"""実技の合計得点: the components' marks (each out of 100) weighted by their 配点."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Mapping

from handlers.base import HandlerContext


def practical_total(components: list[Mapping[str, Any]], marks: list[Any]) -> int:
    """Σ mark × 配点 / 100, rounded half up: the 実技 score out of 100 when the 配点 add up to 100.

    `components` is the 実技試験の構成 decision's list ({code, name, points}); `marks` the score entered for
    each, in the same order. A missing mark, a mark outside 0–100 or 配点 that do not add up to 100 is an
    error (an incident at the task), never a silently wrong total.
    """
    if not components:
        raise ValueError("実技試験の構成 has no component for this grade and trade: the practical score cannot be "
                         "totalled")
    if len(marks) != len(components):
        raise ValueError(f"{len(components)} practical components but {len(marks)} marks")
    if sum(int(c["points"]) for c in components) != 100:
        raise ValueError("the 配点 of the practical components add up to "
                         f"{sum(int(c['points']) for c in components)}, not 100")
    total = Decimal(0)
    for component, mark in zip(components, marks):
        if isinstance(mark, bool) or not isinstance(mark, int) or not 0 <= mark <= 100:
            raise ValueError(f"the mark for {component.get('code')} must be a whole number from 0 to 100, "
                             f"not {mark!r}")
        total += Decimal(mark) * Decimal(int(component["points"])) / 100
    return int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def total_practical(ctx: HandlerContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """実技得点の集計: the total from the marks per component; none when the 実技 was not sat or is exempt."""
    if not data.get("practical_attended") or data.get("practical_exempt"):
        return {"practical_score": None}
    return {"practical_score": practical_total(list(data.get("practical_components") or []),
                                               list(data.get("practical_component_scores") or []))}
