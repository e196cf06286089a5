"""What a handler is: a typed function registered by topic, local or remote."""
from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from datetime import datetime
from typing import Any, Callable, Literal, Mapping

Kind = Literal["local", "remote"]


class BpmnError(Exception):
    """A business error a handler raises on purpose; an error boundary event with this code catches it."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code = code
        self.message = message or code


@dataclass(frozen=True)
class HandlerContext:
    """What a handler may know of the step it serves.

    `session` is the engine's open SQLAlchemy session for local handlers (write
    through it, never commit) and None for remote ones. `idempotency_key` is
    stable across retries of the same step.
    """

    topic: str
    instance_id: int
    tenant: str
    business_key: str | None
    element_id: str
    idempotency_key: str
    session: Any = None
    properties: Mapping[str, str] = field(default_factory=dict)
    now: datetime | None = None  # the engine's clock (aware UTC); tests move it


Handler = Callable[[HandlerContext, Mapping[str, Any]], "Mapping[str, Any] | None"]


@dataclass(frozen=True)
class Registration:
    """A handler and how it runs: in the step's transaction (local) or as an external job (remote)."""

    topic: str
    handler: Handler
    kind: Kind
    max_attempts: int | None = None


class HandlerRegistry:
    """Handlers by topic: one dict, no if/elif dispatch."""

    def __init__(self) -> None:
        self._by_topic: dict[str, Registration] = {}
        self._closers: list[Callable[[], None]] = []
        self._outside: tuple[str, ...] = ()

    def serve_outside(self, patterns: tuple[str, ...]) -> None:
        """Topics (glob patterns, e.g. "ext.*") that outside workers serve through fetchAndLock."""
        self._outside = tuple(patterns)

    def outside(self, topic: str) -> bool:
        """Whether outside workers serve `topic`: no handler here, and it matches a pattern."""
        return topic not in self._by_topic and any(fnmatchcase(topic, p) for p in self._outside)

    def outside_patterns(self) -> tuple[str, ...]:
        """The patterns of serve_outside()."""
        return self._outside

    def on_close(self, closer: Callable[[], None]) -> None:
        """Something the handlers hold (a connection pool) to release in close()."""
        self._closers.append(closer)

    def close(self) -> None:
        """Release what the handlers hold."""
        while self._closers:
            self._closers.pop()()

    def register(self, topic: str, handler: Handler, kind: Kind = "local", max_attempts: int | None = None) -> None:
        """Register `handler` for `topic`; registering a topic twice is an error."""
        if kind not in ("local", "remote"):
            raise ValueError(f"handler kind must be 'local' or 'remote', not {kind!r}")
        if topic in self._by_topic:
            raise ValueError(f"a handler for topic {topic!r} is already registered")
        self._by_topic[topic] = Registration(topic, handler, kind, max_attempts)

    def local(self, topic: str) -> Callable[[Handler], Handler]:
        """Decorator: register a local handler."""
        def wrap(fn: Handler) -> Handler:
            self.register(topic, fn, "local")
            return fn
        return wrap

    def remote(self, topic: str, max_attempts: int | None = None) -> Callable[[Handler], Handler]:
        """Decorator: register a remote handler."""
        def wrap(fn: Handler) -> Handler:
            self.register(topic, fn, "remote", max_attempts)
            return fn
        return wrap

    def get(self, topic: str) -> Registration | None:
        """The registration for a topic, or None."""
        return self._by_topic.get(topic)

    def topics(self) -> frozenset[str]:
        """Every registered topic."""
        return frozenset(self._by_topic)
