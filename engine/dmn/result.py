"""The result of evaluating one decision table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import DecisionError


@dataclass
class DecisionResult:
    """Outputs of the matched rules, already ordered and aggregated by the hit policy."""

    outputs: list[dict[str, Any]]
    matched_rule_ids: list[str]
    decision_id: str = field(default="", compare=False)

    def single(self) -> dict[str, Any] | None:
        """Return the only output row, None if there is none; more than one is an error."""
        if not self.outputs:
            return None
        if len(self.outputs) > 1:
            raise DecisionError(
                self.decision_id,
                f"expected a single result but {len(self.outputs)} rules matched ({', '.join(self.matched_rule_ids)})",
            )
        return self.outputs[0]

    def mapped(self, how: str) -> Any:
        """The result as camunda:mapDecisionResult maps it: singleEntry, singleResult, collectEntries, resultList."""
        if how == "resultList":
            return [dict(row) for row in self.outputs]
        if how == "collectEntries":
            return [self._entry(row, how) for row in self.outputs]
        row = self.single()
        if how == "singleResult":
            return None if row is None else dict(row)
        if how == "singleEntry":
            return None if row is None else self._entry(row, how)
        raise DecisionError(self.decision_id, f"camunda:mapDecisionResult '{how}' is not one of singleEntry, "
                                              "singleResult, collectEntries, resultList")

    def _entry(self, row: dict[str, Any], how: str) -> Any:
        if len(row) != 1:
            raise DecisionError(self.decision_id, f"{how} needs one output per rule, but the decision gives "
                                                  f"{len(row)} ({', '.join(row)})")
        return next(iter(row.values()))

    def as_variable(self) -> Any:
        """Map the result to one process variable value the way Camunda 7 does."""
        if not self.outputs:
            return None
        if len(self.outputs) == 1:
            row = self.outputs[0]
            return next(iter(row.values())) if len(row) == 1 else dict(row)
        if all(len(row) == 1 for row in self.outputs):
            return [next(iter(row.values())) for row in self.outputs]
        return [dict(row) for row in self.outputs]
