"""The result of evaluating one decision (or invoking a business knowledge model or decision service)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import DecisionError


@dataclass
class DecisionResult:
    """A decision's outcome, in two forms.

    `value` is DMN's: the decision's FEEL value (a decision table's single value, context per row or list by
    its hit policy). `outputs` are Camunda 7's: the output rows of the matched rules, already ordered and
    aggregated by the hit policy, as host values (numbers as int or float, durations as ISO text) keyed by
    output name; a decision that is not a table gives one row keyed by its name. `errors` are the errors
    reported while evaluating (FEEL's, each giving null).
    """

    outputs: list[dict[str, Any]]
    matched_rule_ids: list[str]
    decision_id: str = field(default="", compare=False)
    value: Any = field(default=None, compare=False)
    errors: list[str] = field(default_factory=list, compare=False)
    #: Makes the trace when it is first read (most callers never read it).
    trace_source: Callable[[], list[DecisionResult]] | None = field(default=None, compare=False, repr=False)

    @property
    def trace(self) -> list[DecisionResult]:
        """The results of every decision evaluated, required decisions first and this one last."""
        return self.trace_source() if self.trace_source is not None else [self]

    @property
    def warnings(self) -> list[str]:
        """The errors reported (what a caller shows besides the result)."""
        return self.errors

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
