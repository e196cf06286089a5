"""Errors the engine reports to its callers (CLI, web, API): each carries a clear sentence."""
from __future__ import annotations


class EngineError(Exception):
    """Base class: an operation was refused or failed; nothing was committed."""

    status = 400


class ConfigError(EngineError):
    """A KENTEI_* setting has a value that cannot be used."""


class NotFound(EngineError):
    """No such instance, task, job, incident or process."""

    status = 404


class Conflict(EngineError):
    """The object is not in a state that allows the operation."""

    status = 409


class DuplicateBusinessKey(Conflict):
    """An instance with this business key exists where keys are unique (API request ids)."""


class Forbidden(EngineError):
    """The user may not do this (assignee, four eyes)."""

    status = 403


class BadInput(EngineError):
    """A caller's value is not acceptable; `field` names it."""

    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class FormInvalid(EngineError):
    """Submitted form data broke the task's form rules; `errors` maps field → sentence."""

    status = 422

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class StepFailed(EngineError):
    """Running the workflow on failed at an element (handler error, expression, decision)."""

    status = 500

    def __init__(self, element_id: str | None, message: str) -> None:
        super().__init__(f"{element_id or '-'}: {message}")
        self.element_id = element_id
        self.message = message
