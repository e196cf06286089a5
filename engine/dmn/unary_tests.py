"""FEEL simple unary tests (input entries), compiled at load time into matcher objects.

Each test answers True, False or None (FEEL null).  Only True is a match.  With a
None input: '-' and 'null' match; equality tests ("x", 5, = 5) answer False, so
their negations ('!= 5', 'not("x")') match; ordering tests ('< 5', '[1..5]')
answer None, and so do their negations ('not(< 5)'), which therefore never match.
Values of incomparable types (a string against a number) answer None likewise.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from .feel import COMPARISON_OPERATORS, Parser
from .feel_ast import Expr, Scope, compare
from .feel_lexer import Kind
from .values import feel_equal


class UnaryTest(ABC):
    """A compiled input entry."""

    @abstractmethod
    def test(self, value: Any, scope: Scope) -> bool | None:
        """Test the input value three-valued; scope resolves variables used in the entry."""

    def matches(self, value: Any, scope: Scope) -> bool:
        """Tell whether the input value satisfies the entry."""
        return self.test(value, scope) is True


@dataclass(frozen=True)
class AnyTest(UnaryTest):
    """'-' or an empty cell: matches every value, None included."""

    def test(self, value: Any, scope: Scope) -> bool | None:
        """Always true."""
        return True


@dataclass(frozen=True)
class EqualsTest(UnaryTest):
    """A bare value: the input must equal it."""

    expected: Expr

    def test(self, value: Any, scope: Scope) -> bool | None:
        """Compare the input with the value for equality."""
        return feel_equal(value, self.expected.evaluate(scope))


@dataclass(frozen=True)
class CompareTest(UnaryTest):
    """'< x', '<= x', '> x', '>= x', '= x' or '!= x'."""

    op: str
    endpoint: Expr

    def test(self, value: Any, scope: Scope) -> bool | None:
        """Compare the input with the endpoint."""
        return compare(self.op, value, self.endpoint.evaluate(scope))


@dataclass(frozen=True)
class IntervalTest(UnaryTest):
    """'[a..b]', ']a..b[', '(a..b)' and mixed forms; '[' and ']' facing inwards are closed."""

    low: Expr
    low_closed: bool
    high: Expr
    high_closed: bool

    def test(self, value: Any, scope: Scope) -> bool | None:
        """Check both ends of the interval."""
        above = compare(">=" if self.low_closed else ">", value, self.low.evaluate(scope))
        if above is False:
            return False
        below = compare("<=" if self.high_closed else "<", value, self.high.evaluate(scope))
        if below is False:
            return False
        return True if above and below else None


@dataclass(frozen=True)
class PredicateTest(UnaryTest):
    """A boolean expression such as 'cellInput > 5 and cellInput < 10'; the input is in scope."""

    predicate: Expr

    def test(self, value: Any, scope: Scope) -> bool | None:
        """Evaluate the predicate; non-boolean results are null."""
        result = self.predicate.evaluate(scope)
        return result if isinstance(result, bool) else None


@dataclass(frozen=True)
class ListTest(UnaryTest):
    """Comma-separated tests: matches if any one matches."""

    tests: tuple[UnaryTest, ...]

    def test(self, value: Any, scope: Scope) -> bool | None:
        """True if any test is true, False if all are false, else None."""
        unknown = False
        for test in self.tests:
            result = test.test(value, scope)
            if result is True:
                return True
            unknown = unknown or result is None
        return None if unknown else False


@dataclass(frozen=True)
class NotTest(UnaryTest):
    """'not(tests)': negation of the enclosed tests."""

    inner: UnaryTest

    def test(self, value: Any, scope: Scope) -> bool | None:
        """Negate the enclosed result; null stays null."""
        result = self.inner.test(value, scope)
        return None if result is None else not result


class _UnaryTestParser(Parser):
    """The FEEL expression parser extended with the simple-unary-tests grammar."""

    def unary_tests(self) -> UnaryTest:
        """unary-tests := '-' | 'not' '(' positive-tests ')' | positive-tests"""
        if self.text.strip() in ("", "-"):
            return AnyTest()
        if self.at_keyword("not") and self.peek().text == "(":
            self.advance()
            self.advance()
            inner = self.positive_tests()
            self.expect_op(")")
            self.expect_end()
            return NotTest(inner)
        tests = self.positive_tests()
        self.expect_end()
        return tests

    def positive_tests(self) -> UnaryTest:
        """positive-tests := positive-test (',' positive-test)*"""
        tests = [self.positive_test()]
        while self.at_op(","):
            self.advance()
            tests.append(self.positive_test())
        return tests[0] if len(tests) == 1 else ListTest(tuple(tests))

    def positive_test(self) -> UnaryTest:
        """A comparison, an interval, or a value (or boolean expression)."""
        if self.at_keyword("not") and self.peek().text == "(":
            raise self.error("not(...) must enclose the whole entry")
        if self.at_op(*COMPARISON_OPERATORS):
            op = self.advance().text
            return CompareTest(op, self.additive())
        if self.at_op("[", "]") or (self.at_op("(") and self._starts_interval()):
            return self.interval()
        expression = self.expression()
        return PredicateTest(expression) if expression.is_predicate else EqualsTest(expression)

    def interval(self) -> IntervalTest:
        """interval := ('[' | ']' | '(') endpoint '..' endpoint (']' | '[' | ')')"""
        low_closed = self.advance().text == "["
        low = self.additive()
        self.expect_op("..")
        high = self.additive()
        if not self.at_op("]", "[", ")"):
            raise self.unexpected("']', '[' or ')' to close the interval")
        high_closed = self.advance().text == "]"
        return IntervalTest(low, low_closed, high, high_closed)

    def _starts_interval(self) -> bool:
        """Tell whether the '(' at the cursor opens an interval rather than a parenthesized value."""
        depth = 0
        for token in self.tokens[self.index :]:
            if token.kind is Kind.OP and token.text == "(":
                depth += 1
            elif token.kind is Kind.OP and token.text == ")":
                depth -= 1
                if depth == 0:
                    return False
            elif token.kind is Kind.OP and token.text == ".." and depth == 1:
                return True
        return False


def parse_unary_tests(text: str) -> UnaryTest:
    """Compile an input entry; raise FeelSyntaxError if it is not a simple unary test."""
    parser = _UnaryTestParser(text)
    try:
        return parser.unary_tests()
    except RecursionError:  # a caller already deep in the stack: still a sentence, never a traceback
        raise parser.too_deep() from None
