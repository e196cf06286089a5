"""The FEEL syntax tree: one node class per construct of the grammar (parser.py builds them, compiler.py
turns them into closures). Every node carries `pos`, the offset in the text where it starts."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Node:
    """A node of the syntax tree."""

    pos: int = field(default=0, kw_only=True)


@dataclass(slots=True)
class Literal(Node):
    """A number (Decimal), string, boolean or null written in the text."""

    value: Any


@dataclass(slots=True)
class AtLiteral(Node):
    """A temporal literal `@"2026-04-01"`, `@"10:30:00"`, `@"P1D"`: the string after the `@`."""

    text: str


@dataclass(slots=True)
class Name(Node):
    """A variable, parameter, context entry or function name (possibly with spaces); `?` is one too."""

    name: str


@dataclass(slots=True)
class Path(Node):
    """`base.name`: a context entry, a property of a date, time, duration or range, or, on a list, the
    entry of each element."""

    base: Node
    name: str


@dataclass(slots=True)
class Filter(Node):
    """`base[condition]`: the elements for which the condition is true, or the element at an index."""

    base: Node
    condition: Node


@dataclass(slots=True)
class Call(Node):
    """`function(args)` or `function(name: value, …)`; named is None for a positional call."""

    function: Node
    args: list[Node]
    named: list[tuple[str, Node]] | None = None


@dataclass(slots=True)
class Negate(Node):
    """Arithmetic negation `-x`."""

    operand: Node


@dataclass(slots=True)
class Arithmetic(Node):
    """`left op right` with op one of `+ - * / **`."""

    op: str
    left: Node
    right: Node


@dataclass(slots=True)
class Comparison(Node):
    """`left op right` with op one of `= != < <= > >=`."""

    op: str
    left: Node
    right: Node


@dataclass(slots=True)
class Between(Node):
    """`value between low and high`."""

    value: Node
    low: Node
    high: Node


@dataclass(slots=True)
class In(Node):
    """`value in test` or `value in (test, test, …)`: true when any of the positive unary tests is."""

    value: Node
    tests: list[Node]


@dataclass(slots=True)
class InstanceOf(Node):
    """`value instance of type`."""

    value: Node
    type: TypeRef


@dataclass(slots=True)
class TypeRef(Node):
    """A type as written after `instance of` or `:` in a parameter: its canonical text (`number`,
    `list<context<a: string>>`, `function<number>->string`, an item definition's name)."""

    text: str


@dataclass(slots=True)
class And(Node):
    """Conjunction (three-valued)."""

    left: Node
    right: Node


@dataclass(slots=True)
class Or(Node):
    """Disjunction (three-valued)."""

    left: Node
    right: Node


@dataclass(slots=True)
class If(Node):
    """`if condition then a else b`."""

    condition: Node
    then: Node
    otherwise: Node


@dataclass(slots=True)
class Iterator(Node):
    """`name in source` of a for/some/every; `end` is set for `name in source..end`."""

    name: str
    source: Node
    end: Node | None = None


@dataclass(slots=True)
class For(Node):
    """`for a in x, b in y return body` (with `partial`, the results so far, visible in the body)."""

    iterators: list[Iterator]
    body: Node


@dataclass(slots=True)
class Quantified(Node):
    """`some … satisfies` (every=False) or `every … satisfies` (every=True)."""

    every: bool
    iterators: list[Iterator]
    condition: Node


@dataclass(slots=True)
class Param(Node):
    """A formal parameter of a function definition, with its declared type if any."""

    name: str
    type: TypeRef | None = None


@dataclass(slots=True)
class FunctionDef(Node):
    """`function(a, b: number) body`; external=True for `function(…) external {…}` (not supported: null)."""

    params: list[Param]
    body: Node
    external: bool = False


@dataclass(slots=True)
class ContextLiteral(Node):
    """`{key: value, …}`; each value sees the entries before it."""

    entries: list[tuple[str, Node]]


@dataclass(slots=True)
class ListLiteral(Node):
    """`[a, b, …]`."""

    items: list[Node]


@dataclass(slots=True)
class RangeLiteral(Node):
    """`[a..b]`, `(a..b)`, `]a..b[` and mixtures: a range with both endpoints."""

    start: Node
    end: Node
    start_included: bool
    end_included: bool


@dataclass(slots=True)
class UnaryComparison(Node):
    """`< x`, `<= x`, `> x`, `>= x` (also a range value, open-ended), `= x` and `!= x` (unary tests only)."""

    op: str
    endpoint: Node


@dataclass(slots=True)
class UnaryTests(Node):
    """Decision-table input entry: positive unary tests (any=True for `-`), negated for `not(…)`."""

    tests: list[Node]
    negated: bool = False
    any: bool = False


def walk(node: Node) -> list[Node]:
    """Every node of the tree under node (itself included), parents before children."""
    found: list[Node] = []
    stack: list[Any] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Node):
            found.append(item)
            stack.extend(getattr(item, slot) for slot in reversed(_fields(type(item))))
        elif isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
    return found


def _fields(cls: type) -> tuple[str, ...]:
    """The data fields of a node class (all slots except pos)."""
    names: list[str] = []
    for klass in reversed(cls.__mro__):
        names.extend(s for s in getattr(klass, "__slots__", ()) if s != "pos")
    return tuple(names)
