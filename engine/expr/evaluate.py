"""Compile an AST into nested closures that evaluate it against a variable mapping."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .errors import EvaluationFailure
from .functions import FUNCTIONS
from .nodes import Binary, Call, Conditional, Literal, Member, Node, Unary, Var
from .values import arithmetic, compare, describe, equals, is_empty, negate, to_bool

Evaluator = Callable[[Mapping[str, Any]], Any]

_MISSING = object()


def build(node: Node, lenient: bool = False) -> Evaluator:
    """Turn ``node`` into a closure; ``lenient`` makes unknown variables null (used under 'empty')."""
    if isinstance(node, Literal):
        value = node.value
        return lambda data: value
    if isinstance(node, Var):
        return _variable(node.name, lenient)
    if isinstance(node, Member):
        return _member(node, lenient)
    if isinstance(node, Unary):
        return _unary(node)
    if isinstance(node, Binary):
        return _binary(node)
    if isinstance(node, Conditional):
        test, then, otherwise = build(node.test), build(node.then), build(node.otherwise)
        return lambda data: then(data) if to_bool(test(data)) else otherwise(data)
    if isinstance(node, Call):
        return _call(node)
    raise TypeError(f"unknown node {type(node).__name__}")  # pragma: no cover - parser never builds one


def _variable(name: str, lenient: bool) -> Evaluator:
    """Look a top-level name up in the data mapping."""

    def run(data: Mapping[str, Any]) -> Any:
        value = data.get(name, _MISSING)
        if value is _MISSING:
            if lenient:
                return None
            raise EvaluationFailure(f"unknown variable '{name}'")
        return value

    return run


def _member(node: Member, lenient: bool) -> Evaluator:
    """Property/index access restricted to dict keys and list/tuple positions."""
    target = build(node.target, lenient)
    key = build(node.key)
    is_property = node.is_property

    def run(data: Mapping[str, Any]) -> Any:
        base = target(data)
        if base is None:
            return None
        index = key(data)
        if isinstance(base, dict):
            try:
                return base.get(index)
            except TypeError:
                raise EvaluationFailure(f"cannot use {describe(index)} as a map key") from None
        if isinstance(base, (list, tuple)) and not is_property:
            position = _list_index(index)
            return base[position] if 0 <= position < len(base) else None
        if is_property:
            raise EvaluationFailure(f"cannot read property '{index}' of {describe(base)}")
        raise EvaluationFailure(f"cannot index {describe(base)} with {describe(index)}")

    return run


def _list_index(index: object) -> int:
    """Coerce a list subscript to int, as JUEL does for arrays and lists."""
    if isinstance(index, int) and not isinstance(index, bool):
        return index
    if isinstance(index, str) and index.strip().lstrip("-").isdigit() and index.strip().isascii():
        return int(index)
    raise EvaluationFailure(f"cannot use {describe(index)} as a list index")


def _unary(node: Unary) -> Evaluator:
    """'not', unary '-' and 'empty' (whose operand tolerates unknown variables)."""
    if node.op == "empty":
        operand = build(node.operand, lenient=True)
        return lambda data: is_empty(operand(data))
    operand = build(node.operand)
    if node.op == "not":
        return lambda data: not to_bool(operand(data))
    return lambda data: negate(operand(data))


def _binary(node: Binary) -> Evaluator:
    """Logical, equality, relational and arithmetic operators."""
    left, right, op = build(node.left), build(node.right), node.op
    if op == "and":
        return lambda data: to_bool(left(data)) and to_bool(right(data))
    if op == "or":
        return lambda data: to_bool(left(data)) or to_bool(right(data))
    if op == "==":
        return lambda data: equals(left(data), right(data))
    if op == "!=":
        return lambda data: not equals(left(data), right(data))
    if op in ("<", ">", "<=", ">="):
        return lambda data: compare(op, left(data), right(data))
    return lambda data: arithmetic(op, left(data), right(data))


def _call(node: Call) -> Evaluator:
    """Call a whitelisted function with eagerly evaluated arguments."""
    impl = FUNCTIONS[node.name].impl
    args = tuple(build(arg) for arg in node.args)
    return lambda data: impl(*(arg(data) for arg in args))
