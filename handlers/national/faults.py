"""Fault injection for the simulator: fail the next n requests, delay every request."""
from __future__ import annotations

import threading


class Faults:
    """What the next requests suffer; `fail_next` counts down, `delay_seconds` holds until set again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fail_next = 0
        self._status = 503
        self._delay = 0.0
        # Set on shutdown so that a delayed request ends at once instead of outliving the server.
        self.stopping = threading.Event()

    def set(self, fail_next: int = 0, status: int = 503, delay_seconds: float = 0.0) -> None:
        """Replace the faults in force."""
        with self._lock:
            self._fail_next, self._status, self._delay = fail_next, status, delay_seconds

    def take(self) -> tuple[float, int | None]:
        """(delay for this request, status to fail it with or None), counting one failure down."""
        with self._lock:
            if self._fail_next > 0:
                self._fail_next -= 1
                return self._delay, self._status
            return self._delay, None

    def pause(self, seconds: float) -> bool:
        """Sleep up to `seconds`; False if the server began shutting down meanwhile."""
        return not self.stopping.wait(seconds) if seconds > 0 else not self.stopping.is_set()
