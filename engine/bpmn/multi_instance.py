"""Multi-instance (parallel, sequential) and standard loops."""
from __future__ import annotations

PARSERS: dict[str, tuple[type, type]] = {}
CONVERTERS: dict[type, type] = {}
