"""Parser that compiles FEEL expression text into Expr trees: recursive descent for nesting, a stack for operators."""

from __future__ import annotations

from .errors import FeelSyntaxError
from .feel_ast import And, Arithmetic, Compare, DateCall, Expr, Literal, Negate, Not, Or, Path, to_date
from .feel_lexer import Kind, Token, tokenize
from .values import feel_negate, is_number

COMPARISON_OPERATORS = ("=", "!=", "<", "<=", ">", ">=")
#: Parentheses, not(), date() and unary minus nest at most this deep, and so do operations in operations
#: (the expression tree's height), so that neither parsing nor evaluating can exhaust Python's stack.
MAX_NESTING = 100
NESTED_MESSAGE = f"the expression is nested more than {MAX_NESTING} levels deep"
_OR, _AND, _COMPARISON, _ADDITIVE, _MULTIPLICATIVE = range(1, 6)
KEYWORDS = frozenset({"true", "false", "null", "and", "or", "not"})
_CONSTANTS = {"true": True, "false": False, "null": None}


class Parser:
    """Token cursor with the FEEL expression grammar (subset)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.nesting = 0

    # -- cursor ---------------------------------------------------------------

    @property
    def token(self) -> Token:
        """The current token."""
        return self.tokens[self.index]

    def peek(self, offset: int = 1) -> Token:
        """A token ahead of the current one (END past the end)."""
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        """Consume and return the current token."""
        token = self.token
        if token.kind is not Kind.END:
            self.index += 1
        return token

    def at_op(self, *ops: str) -> bool:
        """Tell whether the current token is one of the given operators."""
        return self.token.kind is Kind.OP and self.token.text in ops

    def at_keyword(self, word: str) -> bool:
        """Tell whether the current token is the given keyword."""
        return self.token.kind is Kind.NAME and self.token.text == word

    def expect_op(self, op: str) -> Token:
        """Consume the given operator or fail."""
        if not self.at_op(op):
            raise self.unexpected(f"'{op}'")
        return self.advance()

    def expect_end(self) -> None:
        """Fail unless all tokens were consumed."""
        if self.token.kind is not Kind.END:
            raise self.unexpected("the end of the text")

    def error(self, message: str) -> FeelSyntaxError:
        """Build a syntax error that points at the current token."""
        return FeelSyntaxError(f"{message} at column {self.token.pos + 1}")

    def unexpected(self, expected: str) -> FeelSyntaxError:
        """Build a syntax error naming what was expected and what was found."""
        token = self.token
        found = "the end of the text" if token.kind is Kind.END else f"'{token.text}'"
        return FeelSyntaxError(f"expected {expected} but found {found} at column {token.pos + 1}")

    # -- nesting ---------------------------------------------------------------

    def too_deep(self, token: Token | None = None) -> FeelSyntaxError:
        """The error for text nested beyond MAX_NESTING, located at a token (the current one by default)."""
        token = token or self.token
        return FeelSyntaxError(f"{NESTED_MESSAGE} at column {token.pos + 1}")

    def enter(self, token: Token) -> None:
        """Open one level of nesting (a parenthesis, a call, a unary minus) at a token."""
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise self.too_deep(token)

    def leave(self, levels: int = 1) -> None:
        """Close levels of nesting."""
        self.nesting -= levels

    def checked(self, expression: Expr) -> Expr:
        """The expression, unless its tree is deeper than MAX_NESTING (operations nested in operations)."""
        if expression.depth > MAX_NESTING:
            raise self.too_deep()
        return expression

    # -- grammar --------------------------------------------------------------

    def expression(self) -> Expr:
        """expression := disjunction, i.e. operands joined by or, and, comparisons, + - and * /."""
        return self.binary(_OR)

    def additive(self) -> Expr:
        """An expression without comparisons, and or or (an endpoint of a unary test)."""
        return self.binary(_ADDITIVE)

    def binary(self, lowest: int) -> Expr:
        """Operands joined by operators of precedence `lowest` or higher, without recursing per operator.

        The grammar, by precedence from low to high:
            disjunction    := conjunction ('or' conjunction)*
            conjunction    := comparison ('and' comparison)*
            comparison     := additive (comparison-operator additive)?
            additive       := multiplicative (('+' | '-') multiplicative)*
            multiplicative := unary (('*' | '/') unary)*
        Each open chain of one precedence waits on a stack; an operator of lower precedence closes the
        chains above it.  Comparisons do not chain: a second one is left to the caller, which refuses it.
        """
        chains: list[tuple[int, list[Expr], list[str]]] = []
        operand = self.unary()
        while True:
            level = self._binary_level()
            if level is None or level < lowest:
                break
            while chains and chains[-1][0] > level:
                operand = self._close(*chains.pop(), operand)
            if chains and chains[-1][0] == level:
                if level == _COMPARISON:
                    break
                chains[-1][1].append(operand)
                chains[-1][2].append(self.advance().text)
            else:
                chains.append((level, [operand], [self.advance().text]))
            operand = self.unary()
        while chains:
            operand = self._close(*chains.pop(), operand)
        return operand

    def _binary_level(self) -> int | None:
        """The precedence of the binary operator at the cursor, None if there is none."""
        token = self.token
        if token.kind is Kind.NAME:
            return {"or": _OR, "and": _AND}.get(token.text)
        if token.kind is Kind.OP:
            if token.text in COMPARISON_OPERATORS:
                return _COMPARISON
            return {"+": _ADDITIVE, "-": _ADDITIVE, "*": _MULTIPLICATIVE, "/": _MULTIPLICATIVE}.get(token.text)
        return None

    def _close(self, level: int, operands: list[Expr], ops: list[str], last: Expr) -> Expr:
        """Build the node of one chain of operands, the last one included."""
        items = (*operands, last)
        if level == _OR:
            node: Expr = Or(items)
        elif level == _AND:
            node = And(items)
        elif level == _COMPARISON:
            node = Compare(ops[0], items[0], items[1])
        else:
            node = Arithmetic(items, tuple(ops))
        return self.checked(node)

    def unary(self) -> Expr:
        """unary := '-'* primary; negative literals are folded."""
        signs = 0
        while self.at_op("-"):
            self.enter(self.advance())
            signs += 1
        operand = self.primary()
        for _ in range(signs):
            if isinstance(operand, Literal) and is_number(operand.value):
                operand = Literal(feel_negate(operand.value))
            else:
                operand = self.checked(Negate(operand))
        self.leave(signs)
        return operand

    def primary(self) -> Expr:
        """primary := literal | path | function call | '(' expression ')'"""
        token = self.token
        if token.kind in (Kind.NUMBER, Kind.STRING):
            self.advance()
            return Literal(token.value)
        if self.at_op("("):
            self.enter(self.advance())
            inner = self.expression()
            self.expect_op(")")
            self.leave()
            return inner
        if token.kind is Kind.NAME:
            return self.name_expression()
        raise self.unexpected("a value")

    def name_expression(self) -> Expr:
        """A constant, not(...), a supported function call, or a variable path."""
        name = self.advance().text
        if name in _CONSTANTS:
            return Literal(_CONSTANTS[name])
        if name == "not":
            self.enter(self.expect_op("("))
            operand = self.expression()
            self.expect_op(")")
            self.leave()
            return self.checked(Not(operand))
        if name in KEYWORDS:
            self.index -= 1
            raise self.unexpected("a value")
        if self.at_op("("):
            return self.function_call(name)
        names = [name]
        while self.at_op("."):
            self.advance()
            if self.token.kind is not Kind.NAME or self.token.text in KEYWORDS:
                raise self.unexpected("a name after '.'")
            names.append(self.advance().text)
        return Path(tuple(names))

    def function_call(self, name: str) -> Expr:
        """Only date(...) is supported; any other call is refused at load time."""
        if name != "date":
            column = self.tokens[self.index - 1].pos + 1
            raise FeelSyntaxError(f"function '{name}' at column {column} is not supported; only date() is")
        start = self.tokens[self.index - 1].pos
        self.enter(self.expect_op("("))
        argument = self.expression()
        end = self.expect_op(")").pos + 1
        self.leave()
        if not isinstance(argument, Literal):
            return self.checked(DateCall(argument))
        try:
            return Literal(to_date(argument.value))
        except ValueError:
            raise FeelSyntaxError(f"{self.text[start:end]} is not a valid date") from None


def parse_expression(text: str) -> Expr:
    """Compile a complete FEEL expression; raise FeelSyntaxError if it does not parse."""
    parser = Parser(text)
    try:
        expression = parser.expression()
        parser.expect_end()
    except RecursionError:  # a caller already deep in the stack: still a sentence, never a traceback
        raise parser.too_deep() from None
    return expression
