"""The national-system exceptions; no message ever carries a 個人番号 or a payload value."""
from __future__ import annotations


class NationalError(Exception):
    """Base class of every error talking to the 国家資格等情報連携・活用システム."""


class NationalUnavailable(NationalError):
    """Timeout, connection failure, 5xx or 429: the call may succeed if retried later."""


class NationalRequestError(NationalError):
    """The national system refused the request (4xx other than 409); retrying will not help."""

    def __init__(self, message: str, status: int | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.field = field


class RecordNotFound(NationalRequestError):
    """The national system holds no record with that id (404)."""


class StaleVersion(NationalError):
    """409: the national system already holds a newer version of the record."""

    def __init__(self, current_version: int | None) -> None:
        super().__init__(f"the national system holds a newer version ({current_version})")
        self.current_version = current_version


class InvalidField(ValueError):
    """One field of a request or of task data is missing or malformed; `field` names it, never its value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
