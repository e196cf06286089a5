"""What can go wrong when asking 住基ネット, split by whether a retry can help."""
from __future__ import annotations


class JukinetError(Exception):
    """Any failure to get an answer from 住基ネット."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class JukinetUnavailable(JukinetError):
    """No usable answer (timeout, refused connection, 5xx, garbled body): retryable."""


class JukinetRequestError(JukinetError):
    """住基ネット refused the request itself (4xx): retrying the same request cannot help."""

    def __init__(self, message: str, status: int | None = None, field: str | None = None) -> None:
        super().__init__(message, status)
        self.field = field
