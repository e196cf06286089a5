"""Hit policies: how the output rows of the matched rules become a decision table's result.

A violation (UNIQUE with several matches, ANY with different outputs, a value outside the outputValues that
rank rows, an aggregation over values it cannot combine) is reported through the context and the result is
null, as DMN says; Decision.evaluate turns it into a DecisionError when it runs strictly.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from .coercion import describe
from .feel import semantics
from .feel.context import EvalContext

SINGLE_HIT_POLICIES = ("UNIQUE", "FIRST", "PRIORITY", "ANY")
MULTIPLE_HIT_POLICIES = ("RULE ORDER", "OUTPUT ORDER", "COLLECT")
HIT_POLICIES = SINGLE_HIT_POLICIES + MULTIPLE_HIT_POLICIES
AGGREGATIONS = ("SUM", "COUNT", "MIN", "MAX")
#: Policies that order rows by the outputValues of the output columns.
PRIORITY_POLICIES = ("PRIORITY", "OUTPUT ORDER")
#: The short forms some tools write (DMN 1.1's `hitPolicy="U"` and Camunda Modeler's labels are not; FEEL's are).
POLICY_ALIASES = {"U": "UNIQUE", "A": "ANY", "P": "PRIORITY", "F": "FIRST", "R": "RULE ORDER", "O": "OUTPUT ORDER",
                  "C": "COLLECT"}

Row = dict[str, Any]
Match = tuple[str, Row]
#: rank(row) -> a sort key of the row's outputs by their outputValues (None after reporting a value outside them).
Ranker = Callable[[Row, EvalContext], "tuple[int, ...] | None"]


class HitPolicyError(Exception):
    """Internal: the matches break the hit policy (the message is the sentence to report)."""


def join_ids(ids: Sequence[str]) -> str:
    """Render ids as 'a', 'a and b' or 'a, b and c'."""
    return ids[0] if len(ids) == 1 else f"{', '.join(ids[:-1])} and {ids[-1]}"


def select(policy: str, matches: list[Match], rank: Ranker | None, ctx: EvalContext) -> list[Match] | None:
    """The matches the policy keeps, in its order; None (an error reported) when the policy is violated."""
    ids = [rule_id for rule_id, _ in matches]
    if policy == "UNIQUE" and len(matches) > 1:
        ctx.error(f"UNIQUE hit policy violated by rules {join_ids(ids)}")
        return None
    if policy == "ANY" and any(not same_row(matches[0][1], row) for _, row in matches[1:]):
        ctx.error(f"ANY hit policy violated: rules {join_ids(ids)} give different outputs")
        return None
    if policy in PRIORITY_POLICIES and rank is not None and matches:
        keys = []
        for _, row in matches:
            key = rank(row, ctx)
            if key is None:
                return None
            keys.append(key)
        # sorted() is stable, so rules of equal priority keep their rule order.
        order = sorted(range(len(matches)), key=lambda i: keys[i])
        matches = [matches[i] for i in order]
    if policy in SINGLE_HIT_POLICIES:
        return matches[:1]
    return matches


def same_row(first: Row, other: Row) -> bool:
    """Tell whether two output rows are equal under FEEL equality."""
    return first.keys() == other.keys() and all(semantics.equal(first[name], other[name]) is True for name in first)


def aggregate(aggregation: str, name: str, values: list[Any], ctx: EvalContext) -> Any:
    """COLLECT with SUM, COUNT, MIN or MAX over one output's values (nulls left out; COUNT counts rules)."""
    if aggregation == "COUNT":
        return Decimal(len(values))
    present = [value for value in values if value is not None]
    if not present:
        return None
    if aggregation == "SUM":
        if not all(isinstance(v, Decimal) and not isinstance(v, bool) for v in present):
            ctx.error(f"COLLECT SUM needs numbers but output '{name}' has other values")
            return None
        total = present[0]
        for value in present[1:]:
            total = semantics.add(ctx, total, value)
        return total
    best = present[0]
    for value in present[1:]:
        order = semantics.compare(value, best)
        if order is None:
            ctx.error(f"COLLECT {aggregation} cannot compare {describe(best)} and {describe(value)} of output "
                      f"'{name}'")
            return None
        if (order < 0) if aggregation == "MIN" else (order > 0):
            best = value
    return best
