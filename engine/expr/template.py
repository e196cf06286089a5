"""Composite text: literals, single ``${...}`` expressions and mixed templates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .errors import EvaluationError, EvaluationFailure, ExpressionError
from .evaluate import Evaluator, build
from .nodes import Node, variable_names
from .parser import parse
from .values import describe, to_text

FEEL_MESSAGE = "Camunda 8 FEEL expressions ('= …') are not supported; use ${…}"
CONDITION_MESSAGE = "a condition must be a ${...} expression"


@dataclass(frozen=True, slots=True)
class _Segment:
    """One compiled ``${...}`` occurrence and its source text for error messages."""

    source: str
    run: Evaluator

    def evaluate(self, data: Mapping[str, Any]) -> Any:
        """Run the closure, turning every failure into an EvaluationError naming the source."""
        try:
            return self.run(data)
        except EvaluationFailure as exc:
            raise EvaluationError(f"{exc} in {self.source}") from None
        except (TypeError, ValueError, ArithmeticError, LookupError, RecursionError) as exc:
            # Safety net: an unforeseen Python error must still surface as an EvaluationError.
            raise EvaluationError(f"cannot evaluate {self.source} ({type(exc).__name__}: {exc})") from exc


@dataclass(frozen=True, slots=True)
class Expression:
    """A compiled, immutable value expression; call ``evaluate`` with the process variables."""

    source: str
    names: frozenset[str]
    _parts: tuple[str | _Segment, ...] = field(repr=False, compare=False)
    _is_condition: bool = field(default=False, repr=False)

    def evaluate(self, data: Mapping[str, Any]) -> Any:
        """Evaluate against ``data``: literal text, a native value, or a concatenated string."""
        parts = self._parts
        if len(parts) == 1:
            part = parts[0]
            value = part if isinstance(part, str) else part.evaluate(data)
            if self._is_condition and not isinstance(value, bool):
                raise EvaluationError(f"a condition must give true or false, but {self.source} gave {describe(value)}")
            return value
        return "".join(part if isinstance(part, str) else to_text(part.evaluate(data)) for part in parts)


def is_expression(text: str) -> bool:
    """True when ``text`` contains '${' or '#{'."""
    return "${" in text or "#{" in text


@lru_cache(maxsize=4096)
def compile_expression(text: str) -> Expression:
    """Compile Camunda composite text: literal, one ``${...}`` (native value) or a template."""
    source = text.strip()
    if source.startswith("="):
        raise ExpressionError(FEEL_MESSAGE)
    parts = _split(source)
    names = frozenset().union(*(variable_names(part[0]) for part in parts if not isinstance(part, str)))
    return Expression(source, names, tuple(part if isinstance(part, str) else part[1] for part in parts))


@lru_cache(maxsize=4096)
def compile_condition(text: str) -> Expression:
    """Compile a sequence-flow style condition: exactly one ``${...}`` whose result must be boolean."""
    source = text.strip()
    if source.startswith("="):
        raise ExpressionError(FEEL_MESSAGE)
    parts = _split(source) if source else []
    if len(parts) != 1 or isinstance(parts[0], str):
        shown = source if len(source) <= 60 else source[:57] + "..."
        raise ExpressionError(f"{CONDITION_MESSAGE}, not '{shown}'")
    node, segment = parts[0]
    return Expression(source, variable_names(node), (segment,), True)


def _split(text: str) -> list[str | tuple[Node, _Segment]]:
    """Split stripped text into literal runs and parsed ``(node, segment)`` pairs."""
    parts: list[str | tuple[Node, _Segment]] = []
    literal: list[str] = []
    i, n = 0, len(text)
    while i < n:
        pair = text[i:i + 2]
        if text[i] == "\\" and text[i + 1:i + 3] in ("${", "#{"):
            # JUEL escape: '\${' is the literal text '${'.
            literal.append(text[i + 1:i + 3])
            i += 3
        elif pair in ("${", "#{"):
            if literal:
                parts.append("".join(literal))
                literal = []
            node, end = parse(text, i + 2)
            parts.append((node, _Segment(text[i:end], build(node))))
            i = end
        else:
            literal.append(text[i])
            i += 1
    if literal or not parts:
        parts.append("".join(literal))
    return parts
