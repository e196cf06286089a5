"""Fault injection for the simulator: slow answers and failing requests, on demand."""
from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class FaultSettings:
    """Faults to inject: a delay on every answer and/or failing the next `fail_next` requests."""

    delay_seconds: float = 0.0
    fail_next: int = 0
    status: int = 503

    def as_json(self) -> dict[str, float | int]:
        """The wire shape of the remaining faults."""
        return {"delay_seconds": self.delay_seconds, "fail_next": self.fail_next, "status": self.status}


class FaultInjector:
    """The current faults; `before_answer` sleeps and/or says which status to fail with."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._settings = FaultSettings()
        # set when the faults change or the server stops, so no request sleeps on a stale delay
        self._wake = threading.Event()

    @property
    def settings(self) -> FaultSettings:
        """The faults in force now."""
        with self._lock:
            return self._settings

    def set(self, settings: FaultSettings) -> None:
        """Replace the faults in force; requests sleeping on the old delay wake up."""
        with self._lock:
            self._settings = settings
            self._wake.set()
            self._wake = threading.Event()

    def release(self) -> None:
        """Wake every sleeping request (the server is stopping)."""
        with self._lock:
            self._wake.set()

    def before_answer(self) -> int | None:
        """Apply the delay; the status to fail this request with, or None to answer normally."""
        with self._lock:
            settings, wake = self._settings, self._wake
            fail = settings.fail_next > 0
            if fail:
                self._settings = FaultSettings(settings.delay_seconds, settings.fail_next - 1, settings.status)
        if settings.delay_seconds > 0:
            wake.wait(settings.delay_seconds)
        return settings.status if fail else None
