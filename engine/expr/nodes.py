"""Abstract syntax tree of a parsed ``${...}`` expression."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union


@dataclass(frozen=True, slots=True)
class Literal:
    """A constant: number, string, boolean or null."""

    value: Any


@dataclass(frozen=True, slots=True)
class Var:
    """A top-level variable reference."""

    name: str


@dataclass(frozen=True, slots=True)
class Member:
    """Property access ``a.b`` (``is_property``) or index access ``a[expr]``."""

    target: Node
    key: Node
    is_property: bool


@dataclass(frozen=True, slots=True)
class Unary:
    """A prefix operator: 'not', '-' or 'empty'."""

    op: str
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    """An infix operator, including the short-circuiting 'and' / 'or'."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Conditional:
    """The ternary ``test ? then : otherwise``."""

    test: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True, slots=True)
class Call:
    """A call of a whitelisted function by name."""

    name: str
    args: tuple[Node, ...]


Node = Union[Literal, Var, Member, Unary, Binary, Conditional, Call]


def children(node: Node) -> tuple[Node, ...]:
    """Return the direct sub-nodes of ``node``."""
    if isinstance(node, Member):
        return (node.target, node.key)
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Conditional):
        return (node.test, node.then, node.otherwise)
    if isinstance(node, Call):
        return node.args
    return ()


def depth(node: Node) -> int:
    """Return the height of the tree, computed without recursion."""
    deepest = 0
    stack: list[tuple[Node, int]] = [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children(current))
    return deepest


def variable_names(node: Node) -> frozenset[str]:
    """Return every top-level variable name referenced anywhere in the tree."""
    names: set[str] = set()
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Var):
            names.add(current.name)
        stack.extend(children(current))
    return frozenset(names)
