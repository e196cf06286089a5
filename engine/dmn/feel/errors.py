"""The exceptions of the FEEL engine. Evaluation never raises (an error there is reported through
`EvalContext.error` and gives null); only compiling does, with these."""
from __future__ import annotations


class FeelError(Exception):
    """A problem with FEEL text found before it runs (the base of the engine's exceptions)."""


class FeelSyntaxError(FeelError):
    """FEEL text that does not parse: `message` says what is wrong, `position` is the 0-based offset in the
    text where it was found (None when it is about the whole text)."""

    def __init__(self, message: str, position: int | None = None) -> None:
        self.message = message
        self.position = position
        super().__init__(message if position is None else f"{message} at column {position + 1}")

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle with the constructor's arguments (the default would pass only the text)."""
        return type(self), (self.message, self.position)


class FeelTooDeepError(FeelSyntaxError):
    """FEEL text nested beyond the engine's limit (refused at compile time, so that evaluating it cannot
    exhaust Python's stack)."""
