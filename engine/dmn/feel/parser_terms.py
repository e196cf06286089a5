"""The FEEL parser's primaries (a mixin of parser.Parser): literals, names, `@"…"`, lists, ranges, contexts,
`if`, `for`, `some`/`every`, function definitions and types."""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import ast
from .errors import FeelSyntaxError
from .lexer import NAME, NUMBER, OP, STRING
from .parser_names import TYPE_NAMES, NameIndex

if TYPE_CHECKING:
    from .parser import Parser

_CONSTANTS = {"true": True, "false": False, "null": None}
_RANGE_OPS = frozenset({"<", "<=", ">", ">=", "=", "!="})
_KEY_SYMBOLS = frozenset(".-+*/'’")
_TYPE_INDEX = NameIndex(TYPE_NAMES)


class TermsMixin:
    """Primaries and types; the cursor, names and operators are parser.Parser's."""

    def primary(self: Parser) -> ast.Node:
        """A literal, a name, a bracketed construct, a range, a context, `if`, `for`, `some`, `every`,
        `function`, or a unary test as a value (DMN 1.5): `< x` (an open-ended range), `= x`, `!= x`."""
        token = self.token
        kind = token.kind
        if kind is NUMBER or kind is STRING:
            self.advance()
            return ast.Literal(token.value, pos=token.pos)
        if kind is NAME:
            word = token.text
            following = self.peek()
            if word in _CONSTANTS and self.names.longest(self.text, token.pos, word) is None:
                self.advance()
                return ast.Literal(_CONSTANTS[word], pos=token.pos)
            if word == "if":
                return self.if_expression()
            if word == "for" and following.kind is NAME:
                return self.for_expression()
            if word in ("some", "every") and following.kind is NAME:
                return self.quantified()
            if word == "function" and following.kind is OP and following.text == "(":
                return self.function_definition()
            return ast.Name(self.name(), pos=token.pos)
        if kind is OP:
            op = token.text
            if op == "(":
                return self.parenthesised()
            if op == "[":
                return self.bracketed()
            if op == "]":
                return self.open_range()
            if op == "{":
                return self.context()
            if op == "@":
                self.advance()
                if self.token.kind is not STRING:
                    raise self.unexpected("a string after '@'")
                return ast.AtLiteral(self.advance().value, pos=token.pos)
            if op in _RANGE_OPS:
                self.advance()
                return ast.UnaryComparison(op, self.endpoint(), pos=token.pos)
        raise self.unexpected("an expression")

    # -- brackets: parentheses, lists, ranges ------------------------------------------------------

    def range_end(self: Parser) -> bool:
        """Consume a range's closing bracket: True for `]` (end included), False for `)` or `[`."""
        if not self.at_op("]", ")", "["):
            raise self.unexpected("']', ')' or '[' to end the range")
        return self.advance().text == "]"

    def parenthesised(self: Parser) -> ast.Node:
        """`(expression)` or a range starting with `(` (start excluded)."""
        pos = self.advance().pos
        node = self.expression()
        if self.at_op(".."):
            self.advance()
            end = self.expression()
            node = ast.RangeLiteral(node, end, False, self.range_end(), pos=pos)
        else:
            self.expect_op(")")
        return node

    def bracketed(self: Parser) -> ast.Node:
        """A list `[a, b]` or a range starting with `[` (start included)."""
        pos = self.advance().pos
        if self.at_op("]"):
            self.advance()
            return ast.ListLiteral([], pos=pos)
        first = self.expression()
        if self.at_op(".."):
            self.advance()
            end = self.expression()
            node: ast.Node = ast.RangeLiteral(first, end, True, self.range_end(), pos=pos)
        else:
            items = [first]
            while self.at_op(","):
                self.advance()
                items.append(self.expression())
            self.expect_op("]")
            node = ast.ListLiteral(items, pos=pos)
        return node

    def open_range(self: Parser) -> ast.RangeLiteral:
        """A range starting with `]` (start excluded): `]a..b[`, `]a..b]`."""
        pos = self.advance().pos
        start = self.expression()
        self.expect_op("..")
        end = self.expression()
        node = ast.RangeLiteral(start, end, False, self.range_end(), pos=pos)
        return node

    # -- contexts ----------------------------------------------------------------------------------

    def context(self: Parser) -> ast.ContextLiteral:
        """`{key: value, …}`; a key is a name (any words and name symbols) or a string."""
        pos = self.advance().pos
        entries: list[tuple[str, ast.Node]] = []
        try:
            if not self.at_op("}"):
                while True:
                    key = self.context_key()
                    self.expect_op(":")
                    entries.append((key, self.expression()))
                    self.names.push(key)
                    if not self.at_op(","):
                        break
                    self.advance()
            self.expect_op("}")
        finally:
            self.names.pop(len(entries))
        return ast.ContextLiteral(entries, pos=pos)

    def context_key(self: Parser) -> str:
        """A context entry's key: a string literal, or the name written before the `:` (its words one space
        apart, its symbols as written)."""
        if self.token.kind is STRING:
            return self.advance().value
        first = self.index
        while self.token.kind is NAME or self.token.kind is NUMBER or (
            self.token.kind is OP and self.token.text in _KEY_SYMBOLS
        ):
            self.advance()
        if self.index == first:
            raise self.unexpected("a context entry's name")
        tokens = self.tokens[first : self.index]
        key = tokens[0].text
        for before, token in zip(tokens, tokens[1:]):
            key += (" " if token.pos > before.end else "") + token.text
        return key

    # -- if, for, some, every ----------------------------------------------------------------------

    def if_expression(self: Parser) -> ast.If:
        """`if c then a else b`."""
        pos = self.advance().pos
        condition = self.expression()
        self.expect_word("then")
        then = self.expression()
        self.expect_word("else")
        return ast.If(condition, then, self.expression(), pos=pos)

    def iterators(self: Parser, ranges: bool) -> list[ast.Iterator]:
        """`name in source, name in source, …` (with `source..end` when ranges is True); each name is
        pushed into scope (the caller pops them)."""
        iterators: list[ast.Iterator] = []
        while True:
            pos = self.token.pos
            name = self.words_until("in")
            self.expect_word("in")
            source = self.expression()
            end = None
            if ranges and self.at_op(".."):
                self.advance()
                end = self.expression()
            iterators.append(ast.Iterator(name, source, end, pos=pos))
            self.names.push(name)
            if not self.at_op(","):
                return iterators
            self.advance()

    def for_expression(self: Parser) -> ast.For:
        """`for a in x, b in 1..3 return body`."""
        pos = self.advance().pos
        iterators: list[ast.Iterator] = []
        try:
            iterators = self.iterators(ranges=True)
            self.expect_word("return")
            body = self.expression()
        finally:
            self.names.pop(len(iterators))
        return ast.For(iterators, body, pos=pos)

    def quantified(self: Parser) -> ast.Quantified:
        """`some a in x, b in y satisfies condition` (or `every`)."""
        token = self.advance()
        iterators: list[ast.Iterator] = []
        try:
            iterators = self.iterators(ranges=True)
            self.expect_word("satisfies")
            condition = self.expression()
        finally:
            self.names.pop(len(iterators))
        return ast.Quantified(token.text == "every", iterators, condition, pos=token.pos)

    # -- function definitions and types ------------------------------------------------------------

    def function_definition(self: Parser) -> ast.FunctionDef:
        """`function(a, b: type) body` or `function(a) external {…}`."""
        pos = self.advance().pos
        self.expect_op("(")
        params: list[ast.Param] = []
        if not self.at_op(")"):
            while True:
                param_pos = self.token.pos
                name = self.words_until(":", ",", ")")
                if any(param.name == name for param in params):
                    raise FeelSyntaxError(f"the parameter '{name}' is declared twice", param_pos)
                declared = None
                if self.at_op(":"):
                    self.advance()
                    declared = self.type_ref()
                params.append(ast.Param(name, declared, pos=param_pos))
                if not self.at_op(","):
                    break
                self.advance()
        self.expect_op(")")
        external = self.at_word("external")
        if external:
            self.advance()
        for param in params:
            self.names.push(param.name)
        try:
            body = self.expression()
        finally:
            self.names.pop(len(params))
        return ast.FunctionDef(params, body, external, pos=pos)

    def type_ref(self: Parser) -> ast.TypeRef:
        """A type: `number`, `date and time`, `list<T>`, `range<T>`, `context<a: T, …>`,
        `function<T, …>->T`, or an item definition's (possibly qualified) name."""
        pos = self.token.pos
        self.enter()
        text = self.type_text()
        self.leave()
        return ast.TypeRef(text, pos=pos)

    def type_text(self: Parser) -> str:
        """The canonical text of the type at the cursor (spaces normalised, `a: T` in contexts)."""
        token = self.token
        if token.kind is not NAME:
            raise self.unexpected("a type")
        word = token.text
        generic = self.peek().kind is OP and self.peek().text == "<"
        if generic and word in ("list", "range", "context", "function"):
            self.advance()
            self.advance()
            self.enter()
            parts: list[str] = []
            if not self.at_op(">"):
                while True:
                    if word == "context":
                        key = self.advance().value if self.token.kind is STRING else self.words_until(":")
                        self.expect_op(":")
                        parts.append(f"{key}: {self.type_text()}")
                    else:
                        parts.append(self.type_text())
                    if not self.at_op(","):
                        break
                    self.advance()
            self.expect_op(">")
            self.leave()
            if word in ("list", "range") and len(parts) != 1:
                raise FeelSyntaxError(f"'{word}<…>' takes one type", token.pos)
            text = f"{word}<{', '.join(parts)}>"
            if word == "function":
                self.expect_op("->")
                text += f"->{self.type_text()}"
            return text
        known = _TYPE_INDEX.longest(self.text, token.pos, word)
        if known is not None and self._skip_to(known[1]):
            name = known[0]
        else:
            name = self.name()
        while self.at_op(".") and self.peek().kind is NAME:
            self.advance()
            name += "." + self.name()
        return name

    def _skip_to(self: Parser, end: int) -> bool:
        """Move the cursor past the token that ends at offset end, if one does."""
        index = self.index
        while self.tokens[index].end < end:
            index += 1
        if self.tokens[index].end != end:
            return False
        self.index = index + 1
        return True
