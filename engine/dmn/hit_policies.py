"""Hit policies: how the outputs of the matched rules become a decision result."""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce
from typing import TYPE_CHECKING, Any

from .errors import DecisionError
from .result import DecisionResult
from .values import describe, feel_add, feel_compare, feel_equal, is_number

if TYPE_CHECKING:
    from .model import Decision

SINGLE_HIT_POLICIES = ("UNIQUE", "FIRST", "PRIORITY", "ANY")
MULTIPLE_HIT_POLICIES = ("RULE ORDER", "OUTPUT ORDER", "COLLECT")
HIT_POLICIES = SINGLE_HIT_POLICIES + MULTIPLE_HIT_POLICIES
AGGREGATIONS = ("SUM", "COUNT", "MIN", "MAX")
#: Policies that order rows by the outputValues of the output columns.
PRIORITY_POLICIES = ("PRIORITY", "OUTPUT ORDER")

Match = tuple[str, dict[str, Any]]


def join_ids(ids: Sequence[str]) -> str:
    """Render ids as 'a', 'a and b' or 'a, b and c'."""
    return ids[0] if len(ids) == 1 else f"{', '.join(ids[:-1])} and {ids[-1]}"


def apply_hit_policy(decision: Decision, matches: list[Match]) -> DecisionResult:
    """Select, order or aggregate the (rule id, output row) pairs of the matched rules."""
    policy = decision.hit_policy
    ids = [rule_id for rule_id, _ in matches]
    if policy == "COLLECT" and decision.aggregation is not None:
        return DecisionResult([_aggregate(decision, matches)], ids, decision.id)
    if policy == "UNIQUE" and len(matches) > 1:
        raise DecisionError(decision.id, f"UNIQUE hit policy violated by rules {join_ids(ids)}")
    if policy == "ANY" and any(not _same_row(matches[0][1], row) for _, row in matches[1:]):
        raise DecisionError(decision.id, f"ANY hit policy violated: rules {join_ids(ids)} give different outputs")
    if policy in PRIORITY_POLICIES:
        keys = {rule_id: _priority_key(decision, row) for rule_id, row in matches}
        # sorted() is stable, so rules of equal priority keep their rule order.
        matches = sorted(matches, key=lambda match: keys[match[0]])
    if policy in SINGLE_HIT_POLICIES:
        matches = matches[:1]
    return DecisionResult([dict(row) for _, row in matches], [rule_id for rule_id, _ in matches], decision.id)


def _same_row(first: dict[str, Any], other: dict[str, Any]) -> bool:
    """Tell whether two output rows are equal under FEEL equality."""
    return first.keys() == other.keys() and all(feel_equal(first[name], other[name]) is True for name in first)


def _priority_key(decision: Decision, row: dict[str, Any]) -> tuple[int, ...]:
    """Position of each prioritized output value in its outputValues list (lower is higher priority)."""
    key: list[int] = []
    for clause in decision.outputs:
        if clause.priorities is None:
            continue
        value = row[clause.name]
        position = next((i for i, p in enumerate(clause.priorities) if feel_equal(value, p) is True), None)
        if position is None:
            raise DecisionError(
                decision.id, f"output '{clause.name}' value {describe(value)} is not one of its output values"
            )
        key.append(position)
    return tuple(key)


def _aggregate(decision: Decision, matches: list[Match]) -> dict[str, Any]:
    """COLLECT with SUM, COUNT, MIN or MAX over the single output column."""
    name = decision.outputs[0].name
    if decision.aggregation == "COUNT":
        return {name: len(matches)}
    values = [row[name] for _, row in matches if row[name] is not None]
    if not values:
        return {name: None}
    if decision.aggregation == "SUM":
        if not all(is_number(value) for value in values):
            raise DecisionError(decision.id, f"COLLECT SUM needs numbers but output '{name}' has other values")
        return {name: reduce(feel_add, values)}
    return {name: reduce(lambda a, b: _extreme(decision, name, a, b), values)}


def _extreme(decision: Decision, name: str, a: Any, b: Any) -> Any:
    """The smaller (MIN) or larger (MAX) of two values; incomparable values are an error."""
    order = feel_compare(a, b)
    if order is None:
        pair = f"{describe(a)} and {describe(b)}"
        raise DecisionError(decision.id, f"COLLECT {decision.aggregation} cannot compare {pair} of output '{name}'")
    keep_first = order <= 0 if decision.aggregation == "MIN" else order >= 0
    return a if keep_first else b
