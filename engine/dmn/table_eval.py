"""A compiled decision table and its evaluation: input values, matching rules, output rows, hit policy.

The table's value is DMN's: one output column gives the output's value per row, several give a context per
row; a single-hit policy gives one such value (null when no rule matches and no output has a default), the
multiple-hit policies a list, COLLECT with an aggregation a single number or value.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .build import Evaluator, locate
from .coercion import describe
from .feel.context import EvalContext
from .hit_policies import PRIORITY_POLICIES, SINGLE_HIT_POLICIES, Match, Row, aggregate, select


@dataclass(frozen=True)
class InputClause:
    """One input column: its expression (typeRef applied), allowed input values and the name of its value."""

    id: str
    label: str
    text: str
    expression: Evaluator
    type_ref: str | None
    input_variable: str | None
    allowed: Any = None  # compiled UnaryTests of inputValues
    #: Whether an entry of the column names the input variable (else it is not bound: one dict less a column).
    binds: bool = True

    @property
    def title(self) -> str:
        """The name to show in messages: label, else expression text."""
        return self.label or self.text


@dataclass(frozen=True)
class OutputClause:
    """One output column: its name, typeRef, outputValues (priority order, highest first) and default."""

    id: str
    name: str
    label: str
    type_ref: str | None
    allowed: Any = None  # compiled UnaryTests of outputValues
    ranks: tuple[Any, ...] | None = None  # one compiled UnaryTests per outputValues item
    default: Evaluator | None = None
    convert: Any = None  # boxed.conversion of its typeRef (None: none)


@dataclass(frozen=True)
class Rule:
    """One row: a compiled test per input column and an expression per output column (typeRef applied)."""

    id: str
    tests: tuple[Any, ...]
    outputs: tuple[Evaluator, ...]
    #: (column, matches) for the entries that test something (`-` and empty entries left out).
    checks: tuple[tuple[int, Any], ...] = ()


@dataclass
class TableOutcome:
    """What one evaluation of a table gave: its value, the kept output rows and the rules they came from."""

    value: Any
    rows: list[Row] = field(default_factory=list)
    rule_ids: list[str] = field(default_factory=list)


@dataclass(eq=False)
class Table:
    """A decision table, ready to run against variables."""

    id: str
    hit_policy: str
    aggregation: str | None
    inputs: tuple[InputClause, ...]
    outputs: tuple[OutputClause, ...]
    rules: tuple[Rule, ...]

    def __post_init__(self) -> None:
        #: Whether some output has outputValues that its values must be among.
        self.checks_outputs = any(clause.allowed is not None for clause in self.outputs)
        #: Whether the hit policy returns a list of rows rather than at most one.
        self.collects_lists = self.aggregation is None and self.hit_policy not in SINGLE_HIT_POLICIES
        self._names = tuple(clause.name for clause in self.outputs)
        self._single = (len(self.outputs) == 1 and self.hit_policy in SINGLE_HIT_POLICIES
                        and self.hit_policy != "PRIORITY")

    def __call__(self, variables: Mapping[str, Any], ctx: EvalContext) -> Any:
        """The table's value (an Evaluator)."""
        return self.run(variables, ctx).value

    def run(self, variables: Mapping[str, Any], ctx: EvalContext) -> TableOutcome:
        """Evaluate the inputs, match every rule, compute the matched rows and apply the hit policy."""
        cell_scopes: list[tuple[Any, Mapping[str, Any]]] = []
        for clause in self.inputs:
            value = clause.expression(variables, ctx)
            if clause.allowed is not None and value is not None and not clause.allowed.matches(value, variables, ctx):
                ctx.error(f"input '{clause.title}': value {describe(value)} is not one of its input values")
                return TableOutcome(None)
            scope = {**variables, clause.input_variable: value} if clause.binds else variables
            cell_scopes.append((value, scope))
        matches: list[Match] = []
        errors = ctx.errors
        names = self._names
        checks_outputs = self.checks_outputs
        for rule in self.rules:
            before = len(errors)
            for column, test in rule.checks:
                value, scope = cell_scopes[column]
                if not test(value, scope, ctx):
                    break
            else:
                if len(errors) > before:
                    locate(ctx, before, f"rule '{rule.id}'")
                row = {name: output(variables, ctx) for name, output in zip(names, rule.outputs)}
                if checks_outputs and not self._allowed(rule.id, row, ctx):
                    return TableOutcome(None)
                matches.append((rule.id, row))
                continue
            if len(errors) > before:
                locate(ctx, before, f"rule '{rule.id}'")
        if not matches:
            return self._no_match(variables, ctx)
        if self._single and len(matches) == 1:  # the common case: one rule of a UNIQUE, FIRST or ANY table
            rule_id, row = matches[0]
            return TableOutcome(row[names[0]], [row], [rule_id])
        if self.aggregation is not None and self.hit_policy == "COLLECT":
            name = names[0]
            total = aggregate(self.aggregation, name, [row[name] for _, row in matches], ctx)
            return TableOutcome(total, [{name: total}], [rule_id for rule_id, _ in matches])
        kept = select(self.hit_policy, matches, self._rank if self.hit_policy in PRIORITY_POLICIES else None, ctx)
        if kept is None:
            return TableOutcome(None)
        rows = [row for _, row in kept]
        values = [self._row_value(row) for row in rows]
        value = values if self.collects_lists else (values[0] if values else None)
        return TableOutcome(value, rows, [rule_id for rule_id, _ in kept])

    def _row_value(self, row: Row) -> Any:
        return next(iter(row.values())) if len(self.outputs) == 1 else dict(row)

    def _no_match(self, variables: Mapping[str, Any], ctx: EvalContext) -> TableOutcome:
        """No rule matched: the outputs' defaults when some output has one, else null (COUNT gives 0)."""
        aggregated = self.aggregation is not None and self.hit_policy == "COLLECT"
        if any(clause.default is not None for clause in self.outputs):
            row = {clause.name: clause.default(variables, ctx) if clause.default is not None else None
                   for clause in self.outputs}
            value = self._row_value(row)
            return TableOutcome([value] if self.collects_lists else value, [row])
        if aggregated:
            name = self.outputs[0].name
            total = aggregate("COUNT", name, [], ctx) if self.aggregation == "COUNT" else None
            return TableOutcome(total, [{name: total}])
        return TableOutcome([] if self.collects_lists else None)

    def _allowed(self, rule_id: str, row: Row, ctx: EvalContext) -> bool:
        """Check a matched row's values against the outputs' outputValues."""
        for clause in self.outputs:
            value = row[clause.name]
            if clause.allowed is not None and value is not None and not clause.allowed.matches(value, {}, ctx):
                ctx.error(f"output '{clause.name}' of rule '{rule_id}': value {describe(value)} is not one of its "
                          "output values")
                return False
        return True

    def _rank(self, row: Row, ctx: EvalContext) -> tuple[int, ...] | None:
        """Position of each ranked output's value in its outputValues (lower is higher priority)."""
        key: list[int] = []
        for clause in self.outputs:
            if clause.ranks is None:
                continue
            value = row[clause.name]
            position = next((i for i, tests in enumerate(clause.ranks) if tests.matches(value, {}, ctx)), None)
            if position is None:
                ctx.error(f"output '{clause.name}' value {describe(value)} is not one of its output values")
                return None
            key.append(position)
        return tuple(key)
