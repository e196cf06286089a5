"""The handler registry the CLI and the web app run with."""
from __future__ import annotations

from handlers.base import HandlerRegistry


def default_registry() -> HandlerRegistry:
    """Every production handler, by topic (the lifecycle's handlers register here)."""
    return HandlerRegistry()
