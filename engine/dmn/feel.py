"""Recursive-descent parser that compiles FEEL expression text into Expr trees."""

from __future__ import annotations

from .errors import FeelSyntaxError
from .feel_ast import And, Arithmetic, Compare, DateCall, Expr, Literal, Negate, Not, Or, Path, to_date
from .feel_lexer import Kind, Token, tokenize
from .values import feel_negate, is_number

COMPARISON_OPERATORS = ("=", "!=", "<", "<=", ">", ">=")
KEYWORDS = frozenset({"true", "false", "null", "and", "or", "not"})
_CONSTANTS = {"true": True, "false": False, "null": None}


class Parser:
    """Token cursor with the FEEL expression grammar (subset)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0

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

    # -- grammar --------------------------------------------------------------

    def expression(self) -> Expr:
        """expression := conjunction ('or' conjunction)*"""
        left = self.conjunction()
        while self.at_keyword("or"):
            self.advance()
            left = Or(left, self.conjunction())
        return left

    def conjunction(self) -> Expr:
        """conjunction := comparison ('and' comparison)*"""
        left = self.comparison()
        while self.at_keyword("and"):
            self.advance()
            left = And(left, self.comparison())
        return left

    def comparison(self) -> Expr:
        """comparison := additive (comparison-operator additive)?"""
        left = self.additive()
        if self.at_op(*COMPARISON_OPERATORS):
            op = self.advance().text
            return Compare(op, left, self.additive())
        return left

    def additive(self) -> Expr:
        """additive := multiplicative (('+' | '-') multiplicative)*"""
        left = self.multiplicative()
        while self.at_op("+", "-"):
            op = self.advance().text
            left = Arithmetic(op, left, self.multiplicative())
        return left

    def multiplicative(self) -> Expr:
        """multiplicative := unary (('*' | '/') unary)*"""
        left = self.unary()
        while self.at_op("*", "/"):
            op = self.advance().text
            left = Arithmetic(op, left, self.unary())
        return left

    def unary(self) -> Expr:
        """unary := '-' unary | primary; negative literals are folded."""
        if self.at_op("-"):
            self.advance()
            operand = self.unary()
            if isinstance(operand, Literal) and is_number(operand.value):
                return Literal(feel_negate(operand.value))
            return Negate(operand)
        return self.primary()

    def primary(self) -> Expr:
        """primary := literal | path | function call | '(' expression ')'"""
        token = self.token
        if token.kind in (Kind.NUMBER, Kind.STRING):
            self.advance()
            return Literal(token.value)
        if self.at_op("("):
            self.advance()
            inner = self.expression()
            self.expect_op(")")
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
            self.expect_op("(")
            operand = self.expression()
            self.expect_op(")")
            return Not(operand)
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
        self.expect_op("(")
        argument = self.expression()
        end = self.expect_op(")").pos + 1
        if not isinstance(argument, Literal):
            return DateCall(argument)
        try:
            return Literal(to_date(argument.value))
        except ValueError:
            raise FeelSyntaxError(f"{self.text[start:end]} is not a valid date") from None


def parse_expression(text: str) -> Expr:
    """Compile a complete FEEL expression; raise FeelSyntaxError if it does not parse."""
    parser = Parser(text)
    expression = parser.expression()
    parser.expect_end()
    return expression
