"""The in-memory form of a loaded DMN decision table and its decision."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .evaluate import evaluate_decision
from .feel_ast import Expr
from .result import DecisionResult
from .unary_tests import UnaryTest

DEFAULT_INPUT_VARIABLE = "cellInput"


@dataclass(frozen=True)
class InputClause:
    """One input column: the compiled input expression and its typeRef."""

    id: str
    label: str
    text: str
    expression: Expr
    type_ref: str | None
    input_variable: str = DEFAULT_INPUT_VARIABLE

    @property
    def title(self) -> str:
        """The name to show in messages: label, else expression text."""
        return self.label or self.text


@dataclass(frozen=True)
class OutputClause:
    """One output column; priorities are its outputValues, highest priority first."""

    id: str
    name: str
    label: str
    type_ref: str | None
    priorities: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class Rule:
    """One row: a compiled test per input column and an expression per output column."""

    id: str
    tests: tuple[UnaryTest, ...]
    outputs: tuple[Expr, ...]


@dataclass(eq=False)
class Decision:
    """A decision table decision, ready to evaluate against a context of variables."""

    id: str
    name: str
    hit_policy: str
    aggregation: str | None
    inputs: tuple[InputClause, ...] = field(repr=False)
    outputs: tuple[OutputClause, ...] = field(repr=False)
    rules: tuple[Rule, ...] = field(repr=False)
    required: list[str] = field(default_factory=list)
    #: Decisions loaded from the same file, used for requirements when evaluate() gets none.
    graph: Mapping[str, Decision] = field(default_factory=dict, repr=False)

    @property
    def collects_lists(self) -> bool:
        """Tell whether the hit policy returns a list of rows rather than at most one."""
        return self.aggregation is None and self.hit_policy in ("COLLECT", "RULE ORDER", "OUTPUT ORDER")

    def evaluate(
        self, context: Mapping[str, Any], decisions: Mapping[str, Decision] | None = None
    ) -> DecisionResult:
        """Evaluate required decisions first, then this table; decisions defaults to the file's."""
        return evaluate_decision(self, context, decisions)
