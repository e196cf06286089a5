"""Exception types raised by the expression package."""

from __future__ import annotations


class ExpressionError(ValueError):
    """Text that cannot be compiled (raised at deploy time)."""


class EvaluationError(RuntimeError):
    """An expression that compiled but failed while being evaluated."""


class EvaluationFailure(Exception):
    """Internal: a run-time failure whose message gets the expression appended later."""


def failure_at(message: str, text: str, pos: int) -> ExpressionError:
    """Build a compile error that names the 1-based column within the text."""
    shown = text if len(text) <= 120 else text[:117] + "…"
    return ExpressionError(f"{message} at column {pos + 1} in '{shown}'")
