"""Compiled FEEL expressions: small immutable trees evaluated against a context mapping."""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import FeelEvalError
from .values import (
    describe,
    feel_add,
    feel_compare,
    feel_divide,
    feel_equal,
    feel_multiply,
    feel_negate,
    feel_subtract,
)

Scope = Mapping[str, Any]


class Expr(ABC):
    """A compiled FEEL expression."""

    #: True for expressions whose value is a boolean test (comparisons, and/or/not).
    is_predicate: bool = False
    #: How many operations deep the tree below this node goes (a literal or a variable is 0); the parser
    #: limits it, so that evaluating, comparing or printing a tree never exhausts Python's stack.
    depth: int = 0

    @abstractmethod
    def evaluate(self, scope: Scope) -> Any:
        """Compute the value of the expression in the given variable scope."""

    def _above(self, *children: Expr) -> None:
        """Record the depth of a node over these children (called once, by __post_init__)."""
        object.__setattr__(self, "depth", 1 + max((child.depth for child in children), default=0))


@dataclass(frozen=True)
class Literal(Expr):
    """A constant: string, number, boolean, null or date."""

    value: Any

    def evaluate(self, scope: Scope) -> Any:
        """Return the constant."""
        return self.value


@dataclass(frozen=True)
class Path(Expr):
    """A variable name, optionally followed by '.member' lookups into mappings."""

    names: tuple[str, ...]

    def evaluate(self, scope: Scope) -> Any:
        """Look the variable up; a missing variable or member is an error, a null parent gives null."""
        head = self.names[0]
        if head not in scope:
            raise FeelEvalError(f"variable '{head}' is not in the context")
        value = scope[head]
        for index, name in enumerate(self.names[1:], start=1):
            if value is None:
                return None
            parent = ".".join(self.names[:index])
            if not isinstance(value, Mapping):
                raise FeelEvalError(f"'{parent}' is not a context, so '{name}' cannot be read from it")
            if name not in value:
                raise FeelEvalError(f"variable '{parent}.{name}' is not in the context")
            value = value[name]
        return value

    def __str__(self) -> str:
        """Return the dotted path."""
        return ".".join(self.names)


@dataclass(frozen=True)
class Negate(Expr):
    """Unary minus."""

    operand: Expr

    def __post_init__(self) -> None:
        self._above(self.operand)

    def evaluate(self, scope: Scope) -> Any:
        """Negate a number; anything else is null."""
        return feel_negate(self.operand.evaluate(scope))


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": feel_add,
    "-": feel_subtract,
    "*": feel_multiply,
    "/": feel_divide,
}


@dataclass(frozen=True)
class Arithmetic(Expr):
    """A chain of + and - (or of * and /) operations of one precedence, applied left to right.

    `a - b + c` is one node with operands (a, b, c) and ops ('-', '+'): a long flat chain is a wide
    node, not a deep tree, so neither evaluating nor comparing it recurses per operator.
    """

    operands: tuple[Expr, ...]
    ops: tuple[str, ...]

    def __post_init__(self) -> None:
        self._above(*self.operands)

    def evaluate(self, scope: Scope) -> Any:
        """Apply the operators from left to right with FEEL null propagation."""
        value = self.operands[0].evaluate(scope)
        for op, operand in zip(self.ops, self.operands[1:]):
            value = _ARITHMETIC[op](value, operand.evaluate(scope))
        return value


def compare(op: str, left: Any, right: Any) -> bool | None:
    """Apply a FEEL comparison operator, three-valued."""
    if op in ("=", "!="):
        equal = feel_equal(left, right)
        return equal if equal is None or op == "=" else not equal
    order = feel_compare(left, right)
    if order is None:
        return None
    return {"<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[op]


@dataclass(frozen=True)
class Compare(Expr):
    """A binary comparison = != < <= > >=."""

    op: str
    left: Expr
    right: Expr
    is_predicate = True

    def __post_init__(self) -> None:
        self._above(self.left, self.right)

    def evaluate(self, scope: Scope) -> bool | None:
        """Compare both operands."""
        return compare(self.op, self.left.evaluate(scope), self.right.evaluate(scope))


@dataclass(frozen=True)
class And(Expr):
    """FEEL conjunction of two or more operands with three-valued logic, evaluated left to right."""

    operands: tuple[Expr, ...]
    is_predicate = True

    def __post_init__(self) -> None:
        self._above(*self.operands)

    def evaluate(self, scope: Scope) -> bool | None:
        """False wins over null, null wins over true; the first false operand ends the evaluation."""
        result: bool | None = True
        for operand in self.operands:
            value = _truth(operand.evaluate(scope))
            if value is False:
                return False
            if value is None:
                result = None
        return result


@dataclass(frozen=True)
class Or(Expr):
    """FEEL disjunction of two or more operands with three-valued logic, evaluated left to right."""

    operands: tuple[Expr, ...]
    is_predicate = True

    def __post_init__(self) -> None:
        self._above(*self.operands)

    def evaluate(self, scope: Scope) -> bool | None:
        """True wins over null, null wins over false; the first true operand ends the evaluation."""
        result: bool | None = False
        for operand in self.operands:
            value = _truth(operand.evaluate(scope))
            if value is True:
                return True
            if value is None:
                result = None
        return result


@dataclass(frozen=True)
class Not(Expr):
    """FEEL not(x): negates a boolean, null for anything else."""

    operand: Expr
    is_predicate = True

    def __post_init__(self) -> None:
        self._above(self.operand)

    def evaluate(self, scope: Scope) -> bool | None:
        """Negate the operand."""
        value = _truth(self.operand.evaluate(scope))
        return None if value is None else not value


def to_date(value: Any) -> datetime.date:
    """Convert a FEEL date() argument; raise ValueError if it is not an ISO date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return datetime.date.fromisoformat(value.strip())
    raise ValueError(f"{describe(value)} is not a date string")


@dataclass(frozen=True)
class DateCall(Expr):
    """date(x) with a non-literal argument (literal arguments are folded at load time)."""

    argument: Expr

    def __post_init__(self) -> None:
        self._above(self.argument)

    def evaluate(self, scope: Scope) -> datetime.date | None:
        """Convert the argument to a date."""
        value = self.argument.evaluate(scope)
        if value is None:
            return None
        try:
            return to_date(value)
        except ValueError:
            raise FeelEvalError(f"date({describe(value)}) is not a valid date") from None


def _truth(value: Any) -> bool | None:
    """Return a boolean as is and anything else as null."""
    return value if isinstance(value, bool) else None
