"""The FEEL compiler's unary tests (a mixin of compiler.Compiler): `x in …`, unary tests as values (`< 10`),
and decision-table input entries.

A positive unary test against an input value (DMN 1.5 §10.3.2.9, as the TCK reads it) is one of:
- `< e`, `<= e`, `> e`, `>= e`: the input compared with e; `= e`, `!= e`: equality;
- an expression using `?` (the input): satisfied when it gives true, unknown when it gives null (a
  result of another type is taken as a value, as below);
- an expression giving a range: the input is in the range;
- an expression giving a list: the input equals the list (a list input, TCK 0072 list_015) or equals one
  of its elements, or is in one of its elements that are ranges (`1 in [[2..4], [1..3]]`, TCK 0072;
  `"cough"` against `["fever", "cough"]`, TCK 0039);
- any other value (null included): the input equals it.
Each answers true, false or null (values that do not compare, an input ordered against null). A list of
tests is true if any is, else null if any is null, else false; `not(tests)` negates that (null stays
null), and only true matches a decision-table rule. So a null input matches `null`, `-`, tests with `?`
that say so, and negations of tests it does not equal (`not(1)`, since `null = 1` is false); it never
matches `< 10` or `not(< 10)` (both null).
"""
from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import ast, semantics
from .context import EvalContext
from .values import Range

if TYPE_CHECKING:
    from .compiler import Compiler, Fn, Scope

Tester = Callable[[Any, "Scope", EvalContext], Any]
_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_CHECK: dict[str, Callable[[int], bool]] = {
    "<": lambda c: c < 0, "<=": lambda c: c <= 0, ">": lambda c: c > 0, ">=": lambda c: c >= 0,
}


def _equal(a: Any, b: Any) -> Any:
    """FEEL equality without reporting (None: the values do not compare)."""
    if type(a) is type(b) and (type(a) is Decimal or type(a) is str):
        return a == b
    return semantics.equal(a, b)


def range_contains(r: Range, x: Any) -> Any:
    """Tell whether x is in the range (None when x does not compare with an endpoint)."""
    if r.operator == "!=":
        equal = _equal(x, r.start)
        return None if equal is None else not equal
    if not r.start_unbounded:
        c = semantics.compare(r.start, x)
        if c is None:
            return None
        if c > 0 or (c == 0 and not r.start_included):
            return False
    if not r.end_unbounded:
        c = semantics.compare(x, r.end)
        if c is None:
            return None
        if c > 0 or (c == 0 and not r.end_included):
            return False
    return True


def value_matches(x: Any, v: Any) -> Any:
    """A positive unary test that gave the value v, against the input x (see the module docstring)."""
    if isinstance(v, Range):
        return range_contains(v, x)
    if isinstance(v, list):
        if isinstance(x, list) and _equal(x, v) is True:
            return True
        for element in v:
            if isinstance(element, Range):
                if range_contains(element, x) is True:
                    return True
            elif _equal(x, element) is True:
                return True
        return False
    if v is None:
        return x is None
    return _equal(x, v)


def any_of(testers: list[Tester], x: Any, scope: Scope, ctx: EvalContext) -> Any:
    """True if any test is, else None if any is null, else False."""
    unknown = False
    for test in testers:
        result = test(x, scope, ctx)
        if result is True:
            return True
        if result is None:
            unknown = True
    return None if unknown else False


def unary_comparison_value(op: str, value: Any, ctx: EvalContext) -> Any:
    """The value of `< e` and friends written as an expression: a range (DMN 1.5)."""
    if op == "<" or op == "<=":
        return Range(None, value, False, op == "<=", start_unbounded=True)
    if op == ">" or op == ">=":
        return Range(value, None, op == ">=", False, end_unbounded=True)
    # `(=10)` has the properties of `[10..10]` but is not equal to it; `(!=10)` holds every value but 10
    return Range(value, value, op == "=", op == "=", operator=op)


def _uses_input(node: ast.Node) -> bool:
    """Tell whether an expression refers to `?`, the input value."""
    return any(isinstance(n, ast.Name) and n.name == "?" for n in ast.walk(node))


class TestsMixin:
    """Compilers of unary tests; `compile` is compiler.Compiler's."""

    def c_UnaryComparison(self: Compiler, node: ast.UnaryComparison) -> Fn:
        from .compiler import fold  # noqa: PLC0415 - import cycle
        endpoint, op = self.compile(node.endpoint), node.op

        def as_value(scope: Scope, ctx: EvalContext) -> Any:
            return unary_comparison_value(op, endpoint(scope, ctx), ctx)
        return fold(as_value, endpoint)

    def c_In(self: Compiler, node: ast.In) -> Fn:
        value = self.compile(node.value)
        testers = [self.tester(test) for test in node.tests]
        if len(testers) == 1:
            only = testers[0]

            def member_of(scope: Scope, ctx: EvalContext) -> Any:
                return only(value(scope, ctx), scope, ctx)
            return member_of

        def member_of_any(scope: Scope, ctx: EvalContext) -> Any:
            return any_of(testers, value(scope, ctx), scope, ctx)
        return member_of_any

    def tester(self: Compiler, node: ast.Node) -> Tester:
        """A positive unary test as `test(input, scope, ctx) -> True | False | None`."""
        from .compiler import is_constant  # noqa: PLC0415 - import cycle
        if isinstance(node, ast.UnaryComparison):
            return self._comparison_tester(node)
        value = self.compile(node)
        if _uses_input(node):
            def with_input(x: Any, scope: Scope, ctx: EvalContext) -> Any:
                v = value(({"?": x}, *scope), ctx)
                if v is None or isinstance(v, bool):
                    return v
                return value_matches(x, v)
            return with_input
        if is_constant(value):
            return _constant_tester(value.value)  # type: ignore[attr-defined]

        def by_value(x: Any, scope: Scope, ctx: EvalContext) -> Any:
            return value_matches(x, value(scope, ctx))
        return by_value

    def _comparison_tester(self: Compiler, node: ast.UnaryComparison) -> Tester:
        """`< e`, `<= e`, `> e`, `>= e`, `= e`, `!= e` as a test."""
        from .compiler import is_constant  # noqa: PLC0415 - import cycle
        endpoint, op = self.compile(node.endpoint), node.op
        if op == "=" or op == "!=":
            negated = op == "!="

            def equality(x: Any, scope: Scope, ctx: EvalContext) -> Any:
                result = _equal(x, endpoint(scope, ctx))
                return result if result is None or not negated else not result
            return equality
        fast, check, compare = _ORDER[op], _CHECK[op], semantics.compare
        if is_constant(endpoint) and type(endpoint.value) is Decimal:  # type: ignore[attr-defined]
            limit = endpoint.value  # type: ignore[attr-defined]

            def against_number(x: Any, scope: Scope, ctx: EvalContext) -> Any:
                if type(x) is Decimal:
                    return fast(x, limit)
                c = compare(x, limit)
                return None if c is None else check(c)
            return against_number

        def ordered(x: Any, scope: Scope, ctx: EvalContext) -> Any:
            e = endpoint(scope, ctx)
            if type(x) is type(e) and (type(x) is Decimal or type(x) is str):
                return fast(x, e)
            c = compare(x, e)
            return None if c is None else check(c)
        return ordered

    def unary_tests(self: Compiler, node: ast.UnaryTests) -> Callable[[Any, Mapping[str, Any], EvalContext], bool]:
        """A decision-table input entry as `matches(input, variables, ctx) -> bool` (only true matches)."""
        if node.any:
            return lambda x, variables, ctx: True
        testers = [self.tester(test) for test in node.tests]
        negated = node.negated
        if len(testers) == 1 and not negated:
            only = testers[0]
            return lambda x, variables, ctx: only(x, (variables,), ctx) is True

        fast = _value_set_tests(node.tests, testers, negated)
        if fast is not None:
            return fast

        def matches(x: Any, variables: Mapping[str, Any], ctx: EvalContext) -> bool:
            result = any_of(testers, x, (variables,), ctx)
            if negated:
                return result is False
            return result is True
        return matches


def _constant_tester(v: Any) -> Tester:
    """A value test whose value is known at compile time (the common input entry: `"A"`, `10`, `[1..5]`)."""
    if type(v) is Decimal or type(v) is str:
        kind = type(v)

        def equals(x: Any, scope: Scope, ctx: EvalContext) -> Any:
            if type(x) is kind:
                return x == v
            return False if x is None else semantics.equal(x, v)
        return equals
    if isinstance(v, Range):
        return _range_tester(v)
    return lambda x, scope, ctx: value_matches(x, v)


def _range_tester(r: Range) -> Tester:
    """A constant range as a test, with a fast path for numbers (or strings) against numeric (or string)
    endpoints."""
    ends = [e for e, unbounded in ((r.start, r.start_unbounded), (r.end, r.end_unbounded)) if not unbounded]
    kind = type(ends[0]) if ends else None
    if kind not in (Decimal, str) or any(type(e) is not kind for e in ends):
        return lambda x, scope, ctx: range_contains(r, x)
    low = None if r.start_unbounded else r.start
    high = None if r.end_unbounded else r.end
    low_ok = operator.le if r.start_included else operator.lt
    high_ok = operator.le if r.end_included else operator.lt

    def contains(x: Any, scope: Scope, ctx: EvalContext) -> Any:
        if type(x) is kind:
            return (low is None or low_ok(low, x)) and (high is None or high_ok(x, high))
        return range_contains(r, x)
    return contains


def _value_set_tests(tests: list[ast.Node], testers: list[Tester], negated: bool
                     ) -> Callable[[Any, Mapping[str, Any], EvalContext], bool] | None:
    """`"A", "B", "C"` (constants of one type, numbers or strings) as a set lookup, or None."""
    values = [t.value for t in tests if isinstance(t, ast.Literal)]
    if len(values) != len(tests) or not values:
        return None
    kind = type(values[0])
    if kind not in (Decimal, str) or any(type(v) is not kind for v in values):
        return None
    members = frozenset(values)

    def matches(x: Any, variables: Mapping[str, Any], ctx: EvalContext) -> bool:
        if type(x) is kind:
            return (x in members) is not negated
        result = any_of(testers, x, (variables,), ctx)
        return result is False if negated else result is True
    return matches
