"""Evaluation of a decision and its required decisions against a context."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .errors import DecisionError, FeelEvalError
from .feel_ast import Scope
from .hit_policies import Match, apply_hit_policy
from .result import DecisionResult
from .type_refs import ConversionError, convert

if TYPE_CHECKING:
    from .model import Decision, Rule


def evaluate_decision(
    decision: Decision, context: Mapping[str, Any], decisions: Mapping[str, Decision] | None
) -> DecisionResult:
    """Evaluate a decision after its requirements; each required decision runs once."""
    graph = decisions if decisions is not None else decision.graph
    return _Evaluation(graph, context).run(decision)


def result_variables(decision: Decision, result: DecisionResult) -> dict[str, Any]:
    """The variables a required decision contributes to the decisions that need it."""
    names = [clause.name for clause in decision.outputs]
    if decision.collects_lists:
        return {name: [row.get(name) for row in result.outputs] for name in names}
    row = result.outputs[0] if result.outputs else {}
    return {name: row.get(name) for name in names}


class _Evaluation:
    """One top-level evaluation: caches results of required decisions and detects cycles."""

    def __init__(self, graph: Mapping[str, Decision], context: Mapping[str, Any]) -> None:
        self.graph = graph
        self.context = dict(context)
        self.results: dict[str, DecisionResult] = {}
        self.active: list[str] = []

    def run(self, decision: Decision) -> DecisionResult:
        """Evaluate one decision, reusing an earlier result of the same evaluation."""
        if decision.id in self.results:
            return self.results[decision.id]
        if decision.id in self.active:
            cycle = " -> ".join([*self.active, decision.id])
            raise DecisionError(decision.id, f"decision requirements form a cycle ({cycle})")
        self.active.append(decision.id)
        try:
            result = _evaluate_table(decision, self._scope_for(decision))
        finally:
            self.active.pop()
        self.results[decision.id] = result
        return result

    def _scope_for(self, decision: Decision) -> dict[str, Any]:
        """The context plus the outputs of the required decisions, which win on a name clash."""
        provided: dict[str, Any] = {}
        for required_id in decision.required:
            required = self.graph.get(required_id)
            if required is None:
                raise DecisionError(decision.id, f"required decision '{required_id}' is not available")
            provided.update(result_variables(required, self.run(required)))
        return {**self.context, **provided} if provided else self.context


def _evaluate_table(decision: Decision, scope: dict[str, Any]) -> DecisionResult:
    """Compute the input values, find the matching rules and apply the hit policy."""
    values: list[Any] = []
    cell_scopes: list[Scope] = []
    for clause in decision.inputs:
        try:
            value = convert(clause.expression.evaluate(scope), clause.type_ref)
        except (FeelEvalError, ConversionError) as error:
            raise DecisionError(decision.id, f"input '{clause.title}' failed: {error}") from None
        values.append(value)
        cell_scopes.append(ChainMap({clause.input_variable: value}, scope))
    matches: list[Match] = []
    for rule in decision.rules:
        try:
            matched = all(test.matches(v, s) for test, v, s in zip(rule.tests, values, cell_scopes))
        except FeelEvalError as error:
            raise DecisionError(decision.id, f"rule '{rule.id}' failed: {error}") from None
        if matched:
            matches.append((rule.id, _output_row(decision, rule, scope)))
    return apply_hit_policy(decision, matches)


def _output_row(decision: Decision, rule: Rule, scope: Scope) -> dict[str, Any]:
    """Evaluate a matched rule's output entries and convert them by the outputs' typeRefs."""
    row: dict[str, Any] = {}
    for clause, expression in zip(decision.outputs, rule.outputs):
        try:
            row[clause.name] = convert(expression.evaluate(scope), clause.type_ref)
        except (FeelEvalError, ConversionError) as error:
            raise DecisionError(decision.id, f"output '{clause.name}' of rule '{rule.id}' failed: {error}") from None
    return row
