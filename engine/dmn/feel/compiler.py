"""The FEEL compiler: a syntax tree (ast.py) to a Python closure `fn(scope, ctx) -> value`, never eval/exec.

`scope` is a tuple of mappings, innermost first: the variables given to Expression.evaluate are the last
one; context literals, function calls, `for`/`some`/`every` iterations and filters put a frame in front.
A name is looked up frame by frame, then among the built-in functions; a name found nowhere is an error.
`ctx` is the evaluation's EvalContext: every FEEL error is reported with `ctx.error(sentence)` and gives
null (None); no Python exception leaves a closure for a FEEL error.

Work done once at compile time: constant sub-expressions are folded (`-5`, `[1..10]`, `@"2026-04-01"`,
`< 10`), operators are bound to their implementation, numbers take a fast path around the generic
dispatch of semantics.py, and types after `instance of` are parsed. A tree taller than MAX_HEIGHT is
refused (FeelTooDeepError), so that evaluating it cannot exhaust Python's stack.

This module: literals, names, arithmetic, comparisons, `and`/`or`, `if`, `between`, `instance of`.
compiler_forms.py: contexts, lists, ranges, paths, filters, `for`, `some`/`every`, functions, invocations.
compiler_tests.py: `in` and unary tests.
"""
from __future__ import annotations

import decimal
import operator
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from . import ast, semantics, temporal, typesys
from .compiler_forms import FormsMixin
from .compiler_tests import TestsMixin
from .context import EvalContext
from .errors import FeelTooDeepError
from .numbers import DECIMAL

Scope = tuple[Mapping[str, Any], ...]
Fn = Callable[[Scope, EvalContext], Any]
TypeResolver = Callable[[str], Any]

MAX_HEIGHT = 200
_LONG_CHAIN = 16  # a chain of more same-level operations than this compiles into one loop
_LEVEL = {"+": 4, "-": 4, "*": 5, "/": 5, "**": 6}
_MISSING = object()


def constant(value: Any) -> Fn:
    """A closure that gives value (marked, so that the compiler can fold what uses it)."""
    def fn(scope: Scope, ctx: EvalContext) -> Any:
        return value
    fn.feel_constant = True  # type: ignore[attr-defined]
    fn.value = value  # type: ignore[attr-defined]
    return fn


def is_constant(fn: Fn) -> bool:
    """Tell whether a closure always gives the same value without reporting anything."""
    return getattr(fn, "feel_constant", False)


def fold(fn: Fn, *parts: Fn) -> Fn:
    """fn evaluated now when all its parts are constants and it reports nothing, else fn itself."""
    if not all(is_constant(part) for part in parts):
        return fn
    probe = EvalContext()
    value = fn((), probe)
    return fn if probe.errors else constant(value)


def describe(value: Any, capital: bool = False) -> str:
    """A value's FEEL type with its article, for an error sentence ('a string', 'an item', 'null';
    capitalised to start one)."""
    name = semantics.type_name(value)
    text = name if value is None else ("an " if name[0] in "aeiouAEIOU" else "a ") + name
    return text[0].upper() + text[1:] if capital else text


def _arith(op: str) -> Callable[[EvalContext, Any, Any], Any]:
    """The generic implementation of an arithmetic operator (semantics.py)."""
    return {"+": semantics.add, "-": semantics.subtract, "*": semantics.multiply, "/": semantics.divide,
            "**": semantics.power}[op]


_DECIMAL_OPS: dict[str, Callable[[Decimal, Decimal], Decimal]] = {
    "+": DECIMAL.add, "-": DECIMAL.subtract, "*": DECIMAL.multiply,
}


_ORDER_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}


def name_lookup(name: str, builtin: Any, message: str, missing_value: Any) -> Fn:
    """The value of a name: the innermost frame that has it, else the built-in of that name, else `message`
    reported and `missing_value`."""
    missing = _MISSING

    def lookup(scope: Scope, ctx: EvalContext) -> Any:
        for frame in scope:
            value = frame.get(name, missing)
            if value is not missing:
                return value
        if builtin is not None:
            return builtin
        ctx.error(message)
        return missing_value
    return lookup


class Compiler(FormsMixin, TestsMixin):
    """Compiles one tree; type_resolver(text) gives the FeelType of a type name typesys does not know
    (an item definition's), or None."""

    def __init__(self, type_resolver: TypeResolver | None = None) -> None:
        self.type_resolver = type_resolver
        self.height = 0

    def compile(self, node: ast.Node) -> Fn:
        """The closure of a node."""
        self.height += 1
        if self.height > MAX_HEIGHT:
            raise FeelTooDeepError(f"the expression is nested more than {MAX_HEIGHT} operations deep", node.pos)
        try:
            return getattr(self, "c_" + type(node).__name__)(node)
        finally:
            self.height -= 1

    # -- literals and names ------------------------------------------------------------------------

    def c_Literal(self, node: ast.Literal) -> Fn:
        return constant(node.value)

    def c_AtLiteral(self, node: ast.AtLiteral) -> Fn:
        value = temporal.parse_literal(node.text)
        if value is not None:
            return constant(value)
        message = f'@"{node.text}" is not a date, time, date and time or duration.'

        def bad_literal(scope: Scope, ctx: EvalContext) -> Any:
            ctx.error(message)
            return None
        return bad_literal

    def c_Name(self, node: ast.Name) -> Fn:
        return name_lookup(node.name, _builtin(node.name), f"The name '{node.name}' is not defined.", None)

    # -- arithmetic --------------------------------------------------------------------------------

    def c_Negate(self, node: ast.Negate) -> Fn:
        operand = self.compile(node.operand)
        negate = semantics.negate

        def negation(scope: Scope, ctx: EvalContext) -> Any:
            value = operand(scope, ctx)
            if type(value) is Decimal and value:
                return DECIMAL.minus(value)
            return negate(ctx, value)
        return fold(negation, operand)

    def c_Arithmetic(self, node: ast.Arithmetic) -> Fn:
        spine = _spine(node, lambda n: isinstance(n, ast.Arithmetic) and _LEVEL[n.op] == _LEVEL[node.op])
        if len(spine) > _LONG_CHAIN:
            return self._arithmetic_chain(spine)
        left, right = self.compile(node.left), self.compile(node.right)
        generic = _arith(node.op)
        fast = _DECIMAL_OPS.get(node.op)
        if fast is None:
            def operation(scope: Scope, ctx: EvalContext) -> Any:
                return generic(ctx, left(scope, ctx), right(scope, ctx))
        else:
            def operation(scope: Scope, ctx: EvalContext) -> Any:
                a = left(scope, ctx)
                b = right(scope, ctx)
                if type(a) is Decimal and type(b) is Decimal:
                    try:
                        return fast(a, b)
                    except decimal.DecimalException:
                        pass  # overflow: the generic path reports it
                return generic(ctx, a, b)
        return fold(operation, left, right)

    def _arithmetic_chain(self, spine: list[Any]) -> Fn:
        """`a + b - c + …` with many operands, as one loop (no deep recursion to compile or evaluate it)."""
        base = self.compile(spine[0].left)
        steps = [(_arith(n.op), _DECIMAL_OPS.get(n.op), self.compile(n.right)) for n in spine]

        def chain(scope: Scope, ctx: EvalContext) -> Any:
            a = base(scope, ctx)
            for generic, fast, right in steps:
                b = right(scope, ctx)
                if fast is not None and type(a) is Decimal and type(b) is Decimal:
                    try:
                        a = fast(a, b)
                        continue
                    except decimal.DecimalException:
                        pass
                a = generic(ctx, a, b)
            return a
        return chain

    # -- comparisons -------------------------------------------------------------------------------

    def c_Comparison(self, node: ast.Comparison) -> Fn:
        left, right = self.compile(node.left), self.compile(node.right)
        op = node.op
        if op in ("=", "!="):
            test = equality(op == "!=")

            def equals(scope: Scope, ctx: EvalContext) -> Any:
                return test(left(scope, ctx), right(scope, ctx), ctx)
            return fold(equals, left, right)
        test = ordering(op)

        def compares(scope: Scope, ctx: EvalContext) -> Any:
            return test(left(scope, ctx), right(scope, ctx), ctx)
        return fold(compares, left, right)

    def c_Between(self, node: ast.Between) -> Fn:
        value, low, high = self.compile(node.value), self.compile(node.low), self.compile(node.high)
        at_least, at_most = ordering(">="), ordering("<=")

        def between(scope: Scope, ctx: EvalContext) -> Any:
            v = value(scope, ctx)
            return conjunction(at_least(v, low(scope, ctx), ctx), at_most(v, high(scope, ctx), ctx))
        return fold(between, value, low, high)

    def c_InstanceOf(self, node: ast.InstanceOf) -> Fn:
        value = self.compile(node.value)
        feel_type = self.resolve_type(node.type)
        if feel_type is None:
            message = f"The type '{node.type.text}' is not known."

            def unknown(scope: Scope, ctx: EvalContext) -> Any:
                ctx.error(message)
                return None
            return unknown
        is_instance = typesys.is_instance

        def instance_of(scope: Scope, ctx: EvalContext) -> Any:
            return is_instance(value(scope, ctx), feel_type)
        return fold(instance_of, value)

    def resolve_type(self, ref: ast.TypeRef) -> Any:
        """The FeelType of a type reference, or None when neither typesys nor the resolver knows it."""
        if self.type_resolver is not None:
            resolved = self.type_resolver(ref.text)
            if resolved is not None:
                return resolved
        try:
            return typesys.parse_type(ref.text, self.type_resolver)
        except Exception:  # noqa: BLE001 - an unknown type name is reported when the expression runs
            return None

    # -- logic -------------------------------------------------------------------------------------

    def c_And(self, node: ast.And) -> Fn:
        spine = _spine(node, lambda n: isinstance(n, ast.And))
        if len(spine) > _LONG_CHAIN:
            return self._logic_chain(spine, stop=False)
        left, right = self.compile(node.left), self.compile(node.right)

        def both(scope: Scope, ctx: EvalContext) -> Any:
            a = left(scope, ctx)
            if a is False:
                return False
            b = right(scope, ctx)
            if b is False:
                return False
            return True if a is True and b is True else None
        return fold(both, left, right)

    def c_Or(self, node: ast.Or) -> Fn:
        spine = _spine(node, lambda n: isinstance(n, ast.Or))
        if len(spine) > _LONG_CHAIN:
            return self._logic_chain(spine, stop=True)
        left, right = self.compile(node.left), self.compile(node.right)

        def either(scope: Scope, ctx: EvalContext) -> Any:
            a = left(scope, ctx)
            if a is True:
                return True
            b = right(scope, ctx)
            if b is True:
                return True
            return False if a is False and b is False else None
        return fold(either, left, right)

    def _logic_chain(self, spine: list[Any], stop: bool) -> Fn:
        """`a and b and …` (stop=False) or `a or b or …` (stop=True) with many operands, as one loop."""
        operands = [self.compile(spine[0].left)] + [self.compile(n.right) for n in spine]

        def chain(scope: Scope, ctx: EvalContext) -> Any:
            known = True
            for operand in operands:
                value = operand(scope, ctx)
                if value is stop:
                    return stop
                if value is not (not stop):
                    known = False
            return (not stop) if known else None
        return chain

    def c_If(self, node: ast.If) -> Fn:
        condition, then, otherwise = (self.compile(node.condition), self.compile(node.then),
                                      self.compile(node.otherwise))

        def choose(scope: Scope, ctx: EvalContext) -> Any:
            return then(scope, ctx) if condition(scope, ctx) is True else otherwise(scope, ctx)
        return fold(choose, condition, then, otherwise)


def _spine(node: Any, same: Callable[[Any], bool]) -> list[Any]:
    """The operations of a left-nested chain `((a op b) op c) op d`, innermost first."""
    spine = []
    while same(node):
        spine.append(node)
        node = node.left
    spine.reverse()
    return spine


def conjunction(a: Any, b: Any) -> Any:
    """Three-valued `and` of two values."""
    if a is False or b is False:
        return False
    return True if a is True and b is True else None


def equality(negated: bool) -> Callable[[Any, Any, EvalContext], Any]:
    """`=` (or `!=`) of two values: semantics.equal, reporting values that do not compare."""
    equal = semantics.equal

    def test(a: Any, b: Any, ctx: EvalContext) -> Any:
        if type(a) is type(b) and (type(a) is Decimal or type(a) is str):
            return (a != b) if negated else (a == b)
        result = equal(a, b)
        if result is None:
            ctx.error(f"{describe(a, capital=True)} and {describe(b)} cannot be compared.")
            return None
        return (not result) if negated else result
    return test


def ordering(op: str) -> Callable[[Any, Any, EvalContext], Any]:
    """`<`, `<=`, `>` or `>=` of two values: semantics.compare, reporting values that do not compare
    (null compared with anything gives null silently)."""
    compare = semantics.compare
    fast = _ORDER_OPS[op]
    check: Callable[[int], bool] = {
        "<": lambda c: c < 0, "<=": lambda c: c <= 0, ">": lambda c: c > 0, ">=": lambda c: c >= 0,
    }[op]

    def test(a: Any, b: Any, ctx: EvalContext) -> Any:
        if type(a) is type(b) and (type(a) is Decimal or type(a) is str):
            return fast(a, b)
        result = compare(a, b)
        if result is None:
            if a is not None and b is not None:
                ctx.error(f"{describe(a, capital=True)} and {describe(b)} cannot be ordered.")
            return None
        return check(result)
    return test


_BUILTINS: dict[str, Any] = {}


def _builtin(name: str) -> Any:
    """The built-in function of that name, or None (builtins.BUILTINS, imported on first use)."""
    if not _BUILTINS:
        try:
            from .builtins import BUILTINS  # noqa: PLC0415 - lazy: the built-ins import this package
        except ImportError:
            return None
        _BUILTINS.update(BUILTINS)
    return _BUILTINS.get(name)
