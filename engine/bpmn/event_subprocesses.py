"""Event subprocesses and boundary events that interrupt their scope at once; conditional events."""
from __future__ import annotations

PARSERS: dict[str, tuple[type, type]] = {}
CONVERTERS: dict[type, type] = {}
