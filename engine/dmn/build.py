"""What compiling one DMN file's expressions shares: its problems, its types, its dialect; and the run-time
frame every compiled expression runs in (variables in, FEEL value out, errors reported through the context).

A compiled boxed expression is an `Evaluator`: `fn(variables, ctx) -> value`, where variables map names to FEEL
values and ctx is a DmnContext. Errors are FEEL's: reported with ctx.error and giving null; `located()` puts
the element that said them in front (`rule 'r1' failed: …`), once, at the innermost element that knows it.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .coercion import ConversionError
from .errors import DmnError
from .feel import compile_expression, compile_unary_tests
from .feel.context import EvalContext
from .feel.errors import FeelSyntaxError
from .item_types import TypeRegistry
from .xml import Element

Evaluator = Callable[[Mapping[str, Any], EvalContext], Any]
JUEL_MESSAGE = "JUEL cells are not supported; use FEEL"
TOO_DEEP = "the expression is nested too deeply"  # why, when compiling recursed too deeply after all
_JUEL_TEXT = re.compile(r"^\s*[$#]\{")


class DmnContext(EvalContext):
    """An EvalContext that remembers how many of its errors already name their element."""

    located: int = 0


def locate(ctx: EvalContext, before: int, where: str) -> None:
    """Prefix the errors reported since `before` with `where failed: ` (those located deeper keep their place)."""
    errors = ctx.errors
    start = max(before, ctx.located) if isinstance(ctx, DmnContext) else before
    errors[start:] = [f"{where} failed: {message}" for message in errors[start:]]
    if isinstance(ctx, DmnContext):
        ctx.located = len(errors)


def located(where: str, fn: Evaluator) -> Evaluator:
    """fn whose new errors name `where` (see locate)."""
    def run(variables: Mapping[str, Any], ctx: EvalContext) -> Any:
        before = len(ctx.errors)
        value = fn(variables, ctx)
        if len(ctx.errors) > before:
            locate(ctx, before, where)
        return value
    return run


def cell(expression: Any, convert: Callable[[Any], Any] | None, where: str) -> Evaluator:
    """A compiled FEEL expression whose value goes through convert (a typeRef's; ConversionError for a value
    that does not conform, which then is null and an error), its errors located at `where` (one closure: a
    decision table runs many)."""
    evaluate = expression.evaluate

    def run(variables: Mapping[str, Any], ctx: EvalContext) -> Any:
        errors = ctx.errors
        before = len(errors)
        value = evaluate(variables, ctx)
        if convert is not None and value is not None:
            try:
                value = convert(value)
            except ConversionError as error:
                ctx.error(str(error))
                value = None
        if len(errors) > before:
            locate(ctx, before, where)
        return value
    return run


def constant(value: Any) -> Evaluator:
    """An evaluator that always gives value."""
    return lambda variables, ctx: value


def language_problem(element: Element, default_language: str | None) -> str | None:
    """Why an element's expression language is refused, or None for FEEL."""
    language = (element.get("expressionLanguage") or default_language or "").strip()
    lowered = language.lower()
    if "juel" in lowered:
        return JUEL_MESSAGE
    if not language or "feel" in lowered:
        return None
    return f"expression language '{language}' is not supported; use FEEL"


@dataclass
class Build:
    """One file being compiled: its problems (all collected), types, dialect and default expression language."""

    filename: str
    errors: list[DmnError]
    types: TypeRegistry
    camunda: bool = False
    default_language: str | None = None
    #: The names every expression of the file sees (its DRG elements' and imports' names), set by the loader.
    global_names: frozenset[str] = field(default_factory=frozenset)

    def fail(self, where: str | None, message: str) -> None:
        """Record one problem of an element."""
        self.errors.append(DmnError(where, message))

    def refused(self, element: Element, text: str, where: str) -> bool:
        """Record and tell whether an expression is written in JUEL or another language than FEEL."""
        problem = language_problem(element, self.default_language)
        if problem is None and _JUEL_TEXT.match(text):
            problem = JUEL_MESSAGE
        if problem is not None:
            self.fail(where, problem)
        return problem is not None

    def names(self, local: Iterable[str] = ()) -> list[str]:
        """The names in scope for an expression: the file's and the local ones."""
        return [*self.global_names, *local]

    def feel(self, text: str, names: Iterable[str], where: str, what: str, column: str = "") -> Any:
        """A compiled FEEL expression, or None after recording
        `{what} {text!r}{column} is not a valid FEEL expression (why)`."""
        try:
            return compile_expression(text, self.names(names), self.types.plain)
        except FeelSyntaxError as error:
            self.fail(where, f"{what} {text!r}{column} is not a valid FEEL expression ({error})")
        except RecursionError:
            self.fail(where, f"{what} {text!r}{column} is not a valid FEEL expression ({TOO_DEEP})")
        return None

    def unary_tests(self, text: str, names: Iterable[str], where: str, what: str, column: str = "",
                    several: bool = False) -> Any:
        """Compiled unary tests, or None after recording `{what} {text!r}{column} is not a FEEL simple unary
        test (why)` (`are not FEEL simple unary tests` for several: input values, output values)."""
        verb = "are not FEEL simple unary tests" if several else "is not a FEEL simple unary test"
        try:
            return compile_unary_tests(text, self.names(names), self.types.plain)
        except FeelSyntaxError as error:
            self.fail(where, f"{what} {text!r}{column} {verb} ({error})")
        except RecursionError:
            self.fail(where, f"{what} {text!r}{column} {verb} ({TOO_DEEP})")
        return None
