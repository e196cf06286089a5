"""Exceptions raised while loading and evaluating DMN files (FEEL's own are in feel/errors.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .feel.errors import FeelSyntaxError  # noqa: F401 - re-exported: FEEL text that does not compile


class DmnError(ValueError):
    """A load-time problem in one element of a DMN file."""

    def __init__(self, element_id: str | None, message: str) -> None:
        self.element_id = element_id
        self.message = message
        super().__init__(f"{element_id}: {message}" if element_id is not None else message)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with the constructor's arguments (the default would pass only the text)."""
        return type(self), (self.element_id, self.message)


class DmnErrors(DmnError):
    """All load-time problems of one DMN file, raised together by load_dmn."""

    def __init__(self, errors: Sequence[DmnError], filename: str = "") -> None:
        self.errors: list[DmnError] = list(errors)
        self.filename = filename
        where = f"{filename}: " if filename else ""
        count = len(self.errors)
        summary = f"{where}{count} problem{'s' if count != 1 else ''} in DMN file"
        details = "; ".join(str(error) for error in self.errors)
        first = self.errors[0].element_id if self.errors else None
        super().__init__(first, f"{summary}: {details}" if details else summary)
        # The summary reads better without the first element id glued in front.
        self.args = (self.message,)

    def __str__(self) -> str:
        """Return the summary line followed by every problem."""
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with the constructor's arguments."""
        return type(self), (self.errors, self.filename)


class DecisionError(RuntimeError):
    """A run-time problem while evaluating one decision."""

    def __init__(self, decision_id: str, message: str) -> None:
        self.decision_id = decision_id
        self.message = message
        super().__init__(f"{decision_id}: {message}")

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with the constructor's arguments (the default would pass only the text)."""
        return type(self), (self.decision_id, self.message)
