"""A deploy-time problem and the error that carries a list of them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one element of one file."""

    file: str
    element_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.element_id}: {self.message}"


class ValidationFailed(Exception):
    """Raised by deploy/validate when any file has problems; nothing was stored."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
