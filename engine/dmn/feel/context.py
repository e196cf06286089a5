"""What one evaluation carries besides the variables: its errors and its clock."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone


@dataclass
class EvalContext:
    """One evaluation's side channel. FEEL turns an error into null and goes on; the error is recorded here
    (`error()`), so that a caller can report it (the TCK's `errorResult`, a decision's warnings) instead of
    swallowing it. `now` is the instant `now()` and `today()` read, fixed for the whole evaluation."""

    errors: list[str] = field(default_factory=list)
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def error(self, message: str) -> None:
        """Record an error; the expression that failed gives null."""
        self.errors.append(message)
