"""Recursive-descent parser for the JUEL subset, with compile-time safety checks."""

from __future__ import annotations

from .errors import ExpressionError, failure_at
from .functions import FUNCTIONS
from .lexer import Token, is_name_start, tokenize
from .nodes import Binary, Call, Conditional, Literal, Member, Node, Unary, Var, depth

# Parenthesis/unary nesting and overall tree height are capped so that neither the
# parser nor the evaluator can exhaust the Python stack on hostile input.
MAX_NESTING = 40
MAX_DEPTH = 200

_PRECEDENCE: tuple[frozenset[str], ...] = (
    frozenset({"or"}),
    frozenset({"and"}),
    frozenset({"==", "!="}),
    frozenset({"<", ">", "<=", ">="}),
    frozenset({"+", "-"}),
    frozenset({"*", "/", "%"}),
)


def parse(text: str, start: int) -> tuple[Node, int]:
    """Parse the expression whose body starts at ``start`` (just after '${'); return it and the end index."""
    tokens, end = tokenize(text, start)
    if tokens[0].kind == "end":
        raise failure_at("empty expression", text, start - 2)
    parser = _Parser(text, tokens)
    node = parser.expression()
    parser.expect_end()
    if depth(node) > MAX_DEPTH:
        raise ExpressionError(f"expression is too complex (more than {MAX_DEPTH} nested operations) in '{text}'")
    return node, end


class _Parser:
    """Holds the token stream of one expression while parsing it."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.index = 0
        self.nesting = 0

    def peek(self) -> Token:
        """Return the current token without consuming it."""
        return self.tokens[self.index]

    def advance(self) -> Token:
        """Consume and return the current token."""
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def at_op(self, *ops: str) -> bool:
        """True when the current token is one of the given operators."""
        token = self.peek()
        return token.kind == "op" and token.value in ops

    def error(self, message: str, token: Token) -> ExpressionError:
        """Build an error located at ``token``."""
        return failure_at(message, self.text, token.pos)

    def unexpected(self, token: Token) -> ExpressionError:
        """Build the generic 'unexpected token' error."""
        return self.error(f"unexpected {token.describe()}", token)

    def expect(self, op: str) -> Token:
        """Consume the operator ``op`` or fail naming what was found instead."""
        token = self.peek()
        if not self.at_op(op):
            raise self.error(f"expected '{op}' but found {token.describe()}", token)
        return self.advance()

    def expect_end(self) -> None:
        """Fail unless every token up to the closing '}' was consumed."""
        token = self.peek()
        if token.kind != "end":
            raise self.unexpected(token)

    def enter(self, token: Token) -> None:
        """Track nesting depth so hostile input cannot overflow the stack."""
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise self.error("expression is nested too deeply", token)

    def expression(self) -> Node:
        """expression := binary(0) ['?' expression ':' expression]"""
        self.enter(self.peek())
        test = self.binary(0)
        if self.at_op("?"):
            self.advance()
            then = self.expression()
            self.expect(":")
            otherwise = self.expression()
            test = Conditional(test, then, otherwise)
        self.nesting -= 1
        return test

    def binary(self, level: int) -> Node:
        """Left-associative binary operators by JUEL precedence level."""
        if level == len(_PRECEDENCE):
            return self.unary()
        ops = _PRECEDENCE[level]
        left = self.binary(level + 1)
        while self.peek().kind == "op" and self.peek().value in ops:
            op = self.advance().value
            left = Binary(op, left, self.binary(level + 1))
        return left

    def unary(self) -> Node:
        """unary := ('not' | '-' | 'empty') unary | postfix"""
        if self.at_op("not", "-", "empty"):
            token = self.advance()
            self.enter(token)
            operand = self.unary()
            self.nesting -= 1
            if token.value == "-" and isinstance(operand, Literal) and _is_plain_number(operand.value):
                return Literal(-operand.value)
            return Unary(token.value, operand)
        return self.postfix()

    def postfix(self) -> Node:
        """postfix := primary ('.' name | '[' expression ']')*"""
        node = self.primary()
        while self.at_op(".", "["):
            if self.advance().value == ".":
                token = self.advance()
                if token.kind not in ("name", "op", "const") or not is_name_start(token.text[0]):
                    raise self.error(f"expected a property name after '.' but found {token.describe()}", token)
                self.check_name(token)
                if self.at_op("("):
                    raise self.error(f"method call '{token.text}()' is not supported", token)
                node = Member(node, Literal(token.text), True)
            else:
                key = self.expression()
                self.expect("]")
                node = Member(node, key, False)
            if self.at_op("("):
                raise self.error("calling the result of an expression is not supported", self.peek())
        return node

    def primary(self) -> Node:
        """primary := literal | name | name '(' args ')' | '(' expression ')'"""
        token = self.advance()
        if token.kind in ("num", "str", "const"):
            return Literal(token.value)
        if token.kind == "name":
            self.check_name(token)
            if self.at_op("("):
                return self.call(token)
            return Var(token.value)
        if token.kind == "op" and token.value == "(":
            node = self.expression()
            self.expect(")")
            return node
        raise self.unexpected(token)

    def call(self, name: Token) -> Node:
        """Parse the argument list of a whitelisted function call."""
        function = FUNCTIONS.get(name.value)
        if function is None:
            allowed = ", ".join(sorted(FUNCTIONS))
            raise self.error(f"unknown function '{name.value}' (allowed: {allowed})", name)
        self.expect("(")
        args: list[Node] = []
        if not self.at_op(")"):
            args.append(self.expression())
            while self.at_op(","):
                self.advance()
                args.append(self.expression())
        self.expect(")")
        if len(args) != function.arity:
            plural = "" if function.arity == 1 else "s"
            raise self.error(
                f"function '{function.name}' takes {function.arity} argument{plural} but got {len(args)}", name
            )
        return Call(function.name, tuple(args))

    def check_name(self, token: Token) -> None:
        """Refuse names starting with '_' so Python internals can never be named."""
        if token.text.startswith("_"):
            raise self.error(f"name '{token.text}' is not allowed because it starts with '_'", token)


def _is_plain_number(value: object) -> bool:
    """True for int/float literals (not bool), which can be negated at compile time."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)
