"""Two construct families overriding one BPMN tag are composed, not one silently dropped."""
from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, EndEvent

from engine.bpmn import families
from engine.bpmn.compensation import CompensationBoundaryParser
from engine.bpmn.event_subprocesses import ScopeBoundaryEvent


def test_the_boundary_parser_serves_both_families() -> None:
    parser, spec = families.parsers()["boundaryEvent"]
    assert spec is ScopeBoundaryEvent  # interrupting at once (event subprocesses' family)
    assert issubclass(parser, CompensationBoundaryParser)  # compensation boundaries (compensation's family)


def test_unrelated_spec_classes_are_refused() -> None:
    with pytest.raises(TypeError, match="unrelated specs"):
        families.compose("endEvent", (object, EndEvent), (object, BoundaryEvent))


def test_a_subclass_parser_is_taken_as_it_is() -> None:
    class Base: ...

    class Sub(Base): ...

    assert families.compose("task", (Base, BoundaryEvent), (Sub, ScopeBoundaryEvent)) == (Sub, ScopeBoundaryEvent)
