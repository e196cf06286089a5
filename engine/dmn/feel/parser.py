"""The FEEL parser: text to syntax tree (ast.py), for expressions (DMN 1.5 §10.3.1.2) and for the unary tests
of decision-table input entries (§10.3.1.2 rules 14-17: `-`, `not(…)`, comma lists of positive tests).

Recursive descent; binary operators by precedence climbing, loosest first:

| level | operators                                               | associativity |
|-------|---------------------------------------------------------|---------------|
| 1     | `or`                                                    | left          |
| 2     | `and`                                                   | left          |
| 3     | `= != < <= > >=`, `between … and …`, `in …`, `instance of` | left        |
| 4     | `+ -`                                                   | left          |
| 5     | `* /`                                                   | left          |
| 6     | `**`                                                    | left (TCK 0075: `3 ** 4 ** 5` is 3486784401) |
| 7     | unary `-`                                               | (`-3 ** 2` is 9, TCK 0075) |
| 8     | `.name`, `[filter]`, `(arguments)`                      | postfix       |

`if`, `for`, `some`/`every` and `function` start a primary and their last part (the `else` branch, the
body) extends as far as possible. The operands of `between` and of a comparison, and a test after `in`
without parentheses, are at level 4, so `x in < 3 and y` is `(x in < 3) and y`.

Names with spaces and extra characters: see parser_names.py for the rule (the longest name in scope, then
words joined greedily until a keyword that may follow an expression).

Nesting (brackets, arguments, `if`, `for`, negations, …) deeper than MAX_NESTING is refused with
FeelTooDeepError, and so is text that would exhaust Python's stack (when the caller's stack is already deep).
"""
from __future__ import annotations

from collections.abc import Iterable

from . import ast
from .errors import FeelSyntaxError, FeelTooDeepError
from .lexer import END, NAME, OP, Token, tokenize
from .parser_names import BREAK_WORDS, index_for
from .parser_terms import TermsMixin

MAX_NESTING = 100
_PRECEDENCE = {
    "or": 1, "and": 2,
    "=": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3, "between": 3, "in": 3, "instance": 3,
    "+": 4, "-": 4, "*": 5, "/": 5, "**": 6,
}
_SYMBOL_OPS = frozenset({"=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "**"})
_WORD_OPS = frozenset({"or", "and", "between", "in", "instance"})
TEST_OPERATORS = frozenset({"<", "<=", ">", ">=", "=", "!="})


class Parser(TermsMixin):
    """A cursor over one text's tokens with the FEEL grammar; `names` are the names in scope."""

    def __init__(self, text: str, names: Iterable[str] = ()) -> None:
        self.text = text
        self.tokens: list[Token] = tokenize(text)
        self.index = 0
        self.depth = -1  # the outermost expression is level 0
        self.names = index_for(names)

    # -- entry points ------------------------------------------------------------------------------

    def parse_expression(self) -> ast.Node:
        """The whole text as one expression."""
        if self.token.kind is END:
            raise FeelSyntaxError("the expression is empty", 0)
        try:
            node = self.expression()
        except RecursionError:  # the caller's own stack was already deep
            raise self.too_deep() from None
        self.expect_end()
        return node

    def parse_unary_tests(self) -> ast.UnaryTests:
        """The whole text as unary tests: empty or `-` (anything), `not(tests)`, or `test, test, …`."""
        try:
            return self._unary_tests()
        except RecursionError:
            raise self.too_deep() from None

    def too_deep(self) -> FeelTooDeepError:
        """The error for text nested beyond MAX_NESTING (or beyond what Python's stack has room for)."""
        return FeelTooDeepError(f"the expression is nested more than {MAX_NESTING} levels deep", self.token.pos)

    def _unary_tests(self) -> ast.UnaryTests:
        """parse_unary_tests without the guard."""
        if self.token.kind is END or (self.at_op("-") and self.peek().kind is END):
            return ast.UnaryTests([], any=True, pos=0)
        start = self.token.pos
        if self.at_word("not") and self.peek().kind is OP and self.peek().text == "(" and self._closes_text(1):
            self.advance()
            self.advance()
            tests = self.test_list(full=True)
            self.expect_op(")")
            self.expect_end()
            return ast.UnaryTests(tests, negated=True, pos=start)
        tests = self.test_list(full=True)
        self.expect_end()
        return ast.UnaryTests(tests, pos=start)

    def _closes_text(self, offset: int) -> bool:
        """Tell whether the bracket at offset from here is closed by a `)` that is the last token."""
        depth = 0
        for index in range(self.index + offset, len(self.tokens)):
            token = self.tokens[index]
            if token.kind is OP and token.text in "([{":
                depth += 1
            elif token.kind is OP and token.text in ")]}":
                depth -= 1
                if depth == 0:
                    return token.text == ")" and self.tokens[index + 1].kind is END
        return False

    # -- cursor ------------------------------------------------------------------------------------

    @property
    def token(self) -> Token:
        """The current token."""
        return self.tokens[self.index]

    def peek(self, offset: int = 1) -> Token:
        """A token ahead of the current one (END past the end)."""
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        """Consume and return the current token."""
        token = self.tokens[self.index]
        if token.kind is not END:
            self.index += 1
        return token

    def at_op(self, *ops: str) -> bool:
        """Tell whether the current token is one of the given operators."""
        token = self.tokens[self.index]
        return token.kind is OP and token.text in ops

    def at_word(self, *words: str) -> bool:
        """Tell whether the current token is one of the given words (keywords)."""
        token = self.tokens[self.index]
        return token.kind is NAME and token.text in words

    def expect_op(self, op: str) -> Token:
        """Consume the given operator or fail."""
        if not self.at_op(op):
            raise self.unexpected(f"'{op}'")
        return self.advance()

    def expect_word(self, word: str) -> Token:
        """Consume the given keyword or fail."""
        if not self.at_word(word):
            raise self.unexpected(f"'{word}'")
        return self.advance()

    def expect_end(self) -> None:
        """Fail unless every token was consumed."""
        if self.token.kind is not END:
            raise self.unexpected("an operator or the end of the text")

    def unexpected(self, expected: str) -> FeelSyntaxError:
        """A syntax error naming what was expected and what was found, at the current token."""
        token = self.token
        found = "the end of the text" if token.kind is END else f"'{token.text}'"
        return FeelSyntaxError(f"expected {expected} but found {found}", token.pos)

    def enter(self) -> None:
        """One level deeper; refuse text nested beyond MAX_NESTING."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.too_deep()

    def leave(self) -> None:
        """One level back up."""
        self.depth -= 1

    # -- expressions -------------------------------------------------------------------------------

    def expression(self) -> ast.Node:
        """A full expression (level 1 and below)."""
        self.enter()
        node = self.binary(1)
        self.leave()
        return node

    def _binary_op(self) -> str | None:
        """The binary operator at the cursor, if any."""
        token = self.tokens[self.index]
        if token.kind is OP and token.text in _SYMBOL_OPS:
            return token.text
        if token.kind is NAME and token.text in _WORD_OPS:
            return token.text
        return None

    def binary(self, min_level: int) -> ast.Node:
        """Operators of level min_level and tighter, left-associative."""
        left = self.unary()
        while True:
            op = self._binary_op()
            if op is None or _PRECEDENCE[op] < min_level:
                return left
            level = _PRECEDENCE[op]
            pos = self.advance().pos
            if op == "or":
                left = ast.Or(left, self.binary(2), pos=pos)
            elif op == "and":
                left = ast.And(left, self.binary(3), pos=pos)
            elif level == 3:
                left = self.comparison(left, op, pos)
            else:
                left = ast.Arithmetic(op, left, self.binary(level + 1), pos=pos)

    def comparison(self, left: ast.Node, op: str, pos: int) -> ast.Node:
        """The rest of a level-3 operation whose operator was just consumed."""
        if op == "between":
            low = self.binary(4)
            self.expect_word("and")
            return ast.Between(left, low, self.binary(4), pos=pos)
        if op == "in":
            return ast.In(left, self.in_tests(), pos=pos)
        if op == "instance":
            self.expect_word("of")
            return ast.InstanceOf(left, self.type_ref(), pos=pos)
        return ast.Comparison(op, left, self.binary(4), pos=pos)

    def unary(self) -> ast.Node:
        """Arithmetic negation, or a postfix expression."""
        if self.at_op("-"):
            pos = self.advance().pos
            self.enter()
            operand = self.unary()
            self.leave()
            return ast.Negate(operand, pos=pos)
        return self.postfix()

    def postfix(self) -> ast.Node:
        """A primary followed by paths `.name`, filters `[…]` and invocations `(…)`."""
        node = self.primary()
        while True:
            token = self.tokens[self.index]
            if token.kind is not OP:
                return node
            if token.text == ".":
                self.advance()
                if self.token.kind is not NAME:
                    raise self.unexpected("a name after '.'")
                start = self.index
                self.index += 1
                node = ast.Path(node, self.extend_name(self.tokens[start].text), pos=token.pos)
            elif token.text == "[":
                if self._ends_range():
                    return node
                self.advance()
                condition = self.expression()
                self.expect_op("]")
                node = ast.Filter(node, condition, pos=token.pos)
            elif token.text == "(":
                node = self.call(node)
            else:
                return node

    def _ends_range(self) -> bool:
        """Tell whether the `[` at the cursor closes a range (`[1..10[`) rather than opening a filter: it
        is followed by something no filter condition starts with."""
        following = self.peek()
        if following.kind is END:
            return True
        if following.kind is OP:
            return following.text not in ("-", "(", "[", "{", "@")
        return following.kind is NAME and following.text in BREAK_WORDS

    def call(self, function: ast.Node) -> ast.Call:
        """An invocation's arguments, positional or named (`f(a: 1, b: 2)`), the '(' at the cursor."""
        pos = self.advance().pos
        args: list[ast.Node] = []
        named: list[tuple[str, ast.Node]] | None = [] if self._named_argument_ahead() else None
        if not self.at_op(")"):
            while True:
                if named is not None:
                    if not self._named_argument_ahead():
                        raise self.unexpected("a named argument (arguments are all named or all positional)")
                    name = self.words_until(":")
                    self.expect_op(":")
                    if any(name == seen for seen, _ in named):
                        raise FeelSyntaxError(f"the argument '{name}' is given twice", self.token.pos)
                    named.append((name, self.expression()))
                else:
                    args.append(self.expression())
                if not self.at_op(","):
                    break
                self.advance()
        self.expect_op(")")
        return ast.Call(function, args, named, pos=pos)

    def _named_argument_ahead(self) -> bool:
        """Tell whether the tokens at the cursor are `name:` (the start of a named argument)."""
        index = self.index
        while self.tokens[index].kind is NAME:
            index += 1
        token = self.tokens[index]
        return index > self.index and token.kind is OP and token.text == ":"

    # -- names -------------------------------------------------------------------------------------

    def name(self) -> str:
        """The name starting at the cursor (a NAME token): the longest known one, then extended."""
        token = self.tokens[self.index]
        known = self.names.longest(self.text, token.pos, token.text)
        if known is not None:
            name, end = known
            index = self.index
            while self.tokens[index].end < end:
                index += 1
            if self.tokens[index].end == end:
                self.index = index + 1
                return self.extend_name(name)
        self.index += 1
        return self.extend_name(token.text)

    def extend_name(self, name: str) -> str:
        """A name followed by more words: joined greedily, one space apart, until a BREAK_WORDS keyword."""
        tokens = self.tokens
        while tokens[self.index].kind is NAME and tokens[self.index].text not in BREAK_WORDS:
            name = f"{name} {tokens[self.index].text}"
            self.index += 1
        return name

    def words_until(self, *stops: str) -> str:
        """A name made of the words up to one of the given operators or keywords (a parameter's, an
        iteration variable's or a named argument's name); at least one word."""
        words: list[str] = []
        while self.token.kind is NAME and self.token.text not in stops:
            words.append(self.advance().text)
        if not words:
            raise self.unexpected("a name")
        return " ".join(words)

    # -- tests after `in` and in unary tests -------------------------------------------------------

    def in_tests(self) -> list[ast.Node]:
        """The positive unary tests after `in`: `(test, test, …)`, or one test (at level 4)."""
        if not self.at_op("("):
            return [self.positive_test(full=False)]
        pos = self.advance().pos
        if self.at_op(*TEST_OPERATORS):
            tests = self.test_list(full=True)
        else:
            first = self.expression()
            if self.at_op(".."):  # `(a..b)`, `(a..b]`: a range, not a parenthesised list of tests
                self.advance()
                end = self.expression()
                closing = self.range_end()
                return [ast.RangeLiteral(first, end, False, closing, pos=pos)]
            tests = [first]
            while self.at_op(","):
                self.advance()
                tests.append(self.positive_test(full=True))
        self.expect_op(")")
        return tests

    def test_list(self, full: bool) -> list[ast.Node]:
        """Positive unary tests separated by commas."""
        tests = [self.positive_test(full)]
        while self.at_op(","):
            self.advance()
            tests.append(self.positive_test(full))
        return tests

    def positive_test(self, full: bool) -> ast.Node:
        """`< x`, `<= x`, `> x`, `>= x`, `= x`, `!= x`, or an expression (full, or at level 4)."""
        if self.at_op(*TEST_OPERATORS):
            token = self.advance()
            return ast.UnaryComparison(token.text, self.endpoint(), pos=token.pos)
        return self.expression() if full else self.binary(4)

    def endpoint(self) -> ast.Node:
        """The value after `<`, `<=`, `>`, `>=`, `=`, `!=` in a unary test (level 4)."""
        self.enter()
        node = self.binary(4)
        self.leave()
        return node


def parse_expression(text: str, names: Iterable[str] = ()) -> ast.Node:
    """Parse FEEL expression text (names: the names in scope). Raises FeelSyntaxError."""
    return Parser(text, names).parse_expression()


def parse_unary_tests(text: str, names: Iterable[str] = ()) -> ast.UnaryTests:
    """Parse the unary tests of a decision-table input entry. Raises FeelSyntaxError."""
    return Parser(text, names).parse_unary_tests()
