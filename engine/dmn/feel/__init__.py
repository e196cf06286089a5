"""FEEL (DMN 1.5 chapter 10): the expression language of DMN decisions, compiled once into Python closures.

    from engine.dmn.feel import compile_expression, compile_unary_tests, EvalContext

    expression = compile_expression("Monthly Salary * 12", names=["Monthly Salary"])
    expression.evaluate({"Monthly Salary": Decimal(3000)})            # Decimal('36000')
    tests = compile_unary_tests('< 18, [65..120]')
    tests.matches(Decimal(70), {})                                     # True

`names` are the names in scope when the text is compiled: FEEL names may contain spaces and the characters
`. / - ' + *`, so the parser needs to know them (built-in function names are always known). Variables are
FEEL values (values.py; semantics.from_host converts host values). A FEEL error gives null and is recorded
in the EvalContext (`ctx.errors`); compiling raises FeelSyntaxError. `type_resolver(text)` may give the
FeelType of a type name that typesys does not know (an item definition's), for `instance of` and typed
function parameters.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .compiler import MAX_HEIGHT, Compiler, TypeResolver
from .context import EvalContext
from .errors import FeelError, FeelSyntaxError, FeelTooDeepError
from .parser import Parser

__all__ = [
    "EvalContext", "Expression", "FeelError", "FeelSyntaxError", "FeelTooDeepError", "UnaryTests",
    "compile_expression", "compile_unary_tests",
]


class Expression:
    """A compiled FEEL expression."""

    __slots__ = ("text", "_fn")

    def __init__(self, text: str, fn: Any) -> None:
        self.text = text
        self._fn = fn

    def evaluate(self, variables: Mapping[str, Any], ctx: EvalContext | None = None) -> Any:
        """The expression's value with these variables (null, with the error in ctx, when it fails)."""
        if ctx is None:
            ctx = EvalContext()
        try:
            return self._fn((variables,), ctx)
        except RecursionError:
            ctx.error("The expression recurses too deeply.")
        except Exception as exc:  # noqa: BLE001 - evaluation never raises: a FEEL error gives null
            ctx.error(f"The expression failed: {exc}.")
        return None

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"


class UnaryTests:
    """The compiled unary tests of a decision-table input entry."""

    __slots__ = ("text", "_matches")

    def __init__(self, text: str, matches: Any) -> None:
        self.text = text
        self._matches = matches

    def matches(self, value: Any, variables: Mapping[str, Any], ctx: EvalContext | None = None) -> bool:
        """Tell whether the input value satisfies the entry (variables: those the entry may use)."""
        if ctx is None:
            ctx = EvalContext()
        try:
            return self._matches(value, variables, ctx)
        except RecursionError:
            ctx.error("The input entry recurses too deeply.")
        except Exception as exc:  # noqa: BLE001 - evaluation never raises
            ctx.error(f"The input entry failed: {exc}.")
        return False

    def __repr__(self) -> str:
        return f"UnaryTests({self.text!r})"


def compile_expression(text: str, names: Iterable[str] = (), type_resolver: TypeResolver | None = None
                       ) -> Expression:
    """Compile a FEEL expression. Raises FeelSyntaxError."""
    node = Parser(text, names).parse_expression()
    try:
        return Expression(text, Compiler(type_resolver).compile(node))
    except RecursionError:  # the caller's own stack was already deep
        raise _too_deep() from None


def compile_unary_tests(text: str, names: Iterable[str] = (), type_resolver: TypeResolver | None = None
                        ) -> UnaryTests:
    """Compile the unary tests of a decision-table input entry (empty text or `-` match anything).
    Raises FeelSyntaxError."""
    node = Parser(text, names).parse_unary_tests()
    try:
        return UnaryTests(text, Compiler(type_resolver).unary_tests(node))
    except RecursionError:
        raise _too_deep() from None


def _too_deep() -> FeelTooDeepError:
    return FeelTooDeepError(f"the expression is nested more than {MAX_HEIGHT} operations deep")
