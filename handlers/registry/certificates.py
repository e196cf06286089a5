"""Certificate requests after a pass (再交付, 合格証明書): the registry's local handlers and the 別添1 counters."""
from __future__ import annotations

from handlers.base import HandlerRegistry


def register(handlers: HandlerRegistry) -> None:
    """Add the certificate requests' topics (none yet)."""
