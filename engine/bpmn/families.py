"""The construct families: each module under engine/bpmn/ holds one family's parser, specs and
serializer entries, and the parser and the serializer gather them here.

A family module may define
- `PARSERS`: BPMN tag (local name) -> (parser class, spec class), overriding the defaults;
- `CONVERTERS`: spec or event-definition class -> SpiffWorkflow converter class;
- `FINISH`: a function run on every parsed process spec (once), e.g. to put task specs on its flows.
What the dialect accepts is decided by engine/validation/whitelist.py, not here.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

from engine.bpmn import (
    async_points, compensation, event_subprocesses, flows, mappings, multi_instance, signals, transactions,
)

FAMILIES: tuple[ModuleType, ...] = (
    multi_instance, mappings, event_subprocesses, signals, flows, async_points, compensation, transactions,
)


def parsers() -> dict[str, tuple[type, type]]:
    """Every family's parser overrides; two families on one tag are composed (see `compose`)."""
    found: dict[str, tuple[type, type]] = {}
    for family in FAMILIES:
        for tag, pair in getattr(family, "PARSERS", {}).items():
            found[tag] = compose(tag, found[tag], pair) if tag in found else pair
    return found


def compose(tag: str, first: tuple[type, type], then: tuple[type, type]) -> tuple[type, type]:
    """One parser for a tag two families override: the later family's parser defers to the earlier
    one (each handles its own events and calls super() for the rest), and the more specific spec class
    is used. Two unrelated spec classes cannot both be built, so that is a programming error."""
    (parser_a, spec_a), (parser_b, spec_b) = first, then
    if issubclass(spec_a, spec_b):
        spec = spec_a
    elif issubclass(spec_b, spec_a):
        spec = spec_b
    else:
        raise TypeError(f"two families build unrelated specs for bpmn:{tag}: {spec_a.__name__}, {spec_b.__name__}")
    parser = parser_b if issubclass(parser_b, parser_a) else type(f"Composed{tag[0].upper()}{tag[1:]}Parser",
                                                                  (parser_b, parser_a), {})
    return parser, spec


def finish(spec: Any) -> None:
    """Run every family's FINISH on a freshly parsed process spec."""
    for family in FAMILIES:
        finisher = getattr(family, "FINISH", None)
        if finisher is not None:
            finisher(spec)


def converters() -> dict[type, type]:
    found: dict[type, type] = {}
    for family in FAMILIES:
        found.update(getattr(family, "CONVERTERS", {}))
    return found
