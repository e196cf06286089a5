"""The BPMN conformance cases (tests/conformance/<family>/<case>.bpmn + .yaml), on SQLite and PostgreSQL.

Each case deploys a small diagram and drives it through the public engine API with a fresh engine
for every step, then checks the path, the variables and what waits; or checks that the deploy
refuses the diagram by element with a whole sentence. See driver.py for the file format.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.config import Settings
from tests.conformance.driver import load_cases, play

CASES = load_cases(Path(__file__).parent)


def test_there_are_cases() -> None:
    assert len(CASES) >= 1


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("case_settings", ["sqlite"], indirect=True)
def test_case_sqlite(case, case_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    play(case, case_settings)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("case_settings", ["postgres"], indirect=True)
def test_case_postgres(case, case_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    play(case, case_settings)
