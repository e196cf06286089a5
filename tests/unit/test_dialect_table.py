"""docs/dialect.md's reference tables name every element and attribute of the whitelist, with its status.

The tables are in the section "## Reference: every element and attribute"; a row's first cell is one name in
backticks (`userTask`, `camunda:asyncBefore`, `camunda:inputOutput`). Only names and refused-or-not are
checked, so the prose of the rows can change freely.
"""
from __future__ import annotations

import re
from pathlib import Path

from engine.validation.whitelist import _ELSEWHERE
from engine.validation.whitelist_table import CAMUNDA_ELEMENTS, CAMUNDA_REFUSED, CONTEXTS, ELEMENTS

DOC = Path(__file__).resolve().parents[2] / "docs" / "dialect.md"
SECTION = "## Reference: every element and attribute"
KINDS = {"element": "bpmn", "attribute": "attribute", "extension element": "extension"}


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def reference_rows() -> dict[str, dict[str, str]]:
    """kind (bpmn, attribute, extension) -> name -> status cell, from the section's tables."""
    text = DOC.read_text(encoding="utf-8")
    assert SECTION in text, f"docs/dialect.md has no section '{SECTION}'"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    rows: dict[str, dict[str, str]] = {kind: {} for kind in KINDS.values()}
    kind: str | None = None
    status = 0
    for line in section.splitlines():
        if not line.startswith("|"):
            kind = None
            continue
        cells = _cells(line)
        if kind is None:  # a table's header
            kind = KINDS.get(cells[0])
            assert kind is not None, f"unknown reference table header: {line}"
            status = cells.index("status")
            continue
        if set(cells[0]) <= set("-: "):
            continue
        names = re.findall(r"`([^`]+)`", cells[0])
        assert len(names) == 1 and cells[0] == f"`{names[0]}`", f"a row names one element in backticks: {line}"
        assert names[0] not in rows[kind], f"two rows for {names[0]}"
        rows[kind][names[0]] = cells[status]
    return rows


def _missing(expected: set[str], found: dict[str, str], what: str) -> str:
    return f"docs/dialect.md's reference tables lack {what}: {', '.join(sorted(expected - set(found)))}"


def test_every_bpmn_element_of_the_whitelist_has_a_row() -> None:
    rows = reference_rows()["bpmn"]
    assert set(ELEMENTS) <= set(rows), _missing(set(ELEMENTS), rows, "these BPMN elements")
    assert set(rows) <= set(ELEMENTS), f"rows for elements the whitelist does not know: {sorted(set(rows) - set(ELEMENTS))}"


def test_every_camunda_attribute_of_the_whitelist_has_a_row() -> None:
    named = set(CAMUNDA_REFUSED) | {a for rule in ELEMENTS.values() for a in rule.camunda}
    named |= {a for attrs in _ELSEWHERE.values() for a in attrs}
    expected = {f"camunda:{a}" for a in named}
    rows = reference_rows()["attribute"]
    assert expected <= set(rows), _missing(expected, rows, "these camunda attributes")
    assert set(rows) <= expected, f"rows for attributes the whitelist does not know: {sorted(set(rows) - expected)}"


def test_every_camunda_extension_element_has_a_row() -> None:
    expected = {f"camunda:{e}" for e in set(CAMUNDA_ELEMENTS) | set(CONTEXTS)}
    rows = reference_rows()["extension"]
    assert expected <= set(rows), _missing(expected, rows, "these camunda extension elements")
    assert set(rows) <= expected, f"rows for extension elements the whitelist does not know: {sorted(set(rows) - expected)}"


def test_the_refused_bpmn_elements_are_the_ones_the_whitelist_refuses() -> None:
    rows = reference_rows()["bpmn"]
    documented = {name for name, status in rows.items() if status.startswith("refused")}
    refused = {name for name, rule in ELEMENTS.items() if rule.refused is not None}
    assert documented - refused == set(), f"marked refused in the doc, accepted by the whitelist: {sorted(documented - refused)}"
    assert refused - documented == set(), f"refused by the whitelist, not marked refused in the doc: {sorted(refused - documented)}"


def test_the_refused_extension_elements_are_the_ones_the_whitelist_refuses() -> None:
    rows = reference_rows()["extension"]
    documented = {name for name, status in rows.items() if status.startswith("refused")}
    refused = {f"camunda:{name}" for name, allowed in CAMUNDA_ELEMENTS.items() if isinstance(allowed, str)}
    assert documented - refused == set(), f"marked refused in the doc, accepted by the whitelist: {sorted(documented - refused)}"
    assert refused - documented == set(), f"refused by the whitelist, not marked refused in the doc: {sorted(refused - documented)}"


def test_attributes_refused_everywhere_are_marked_refused() -> None:
    """A camunda attribute refused wherever it is accepted at all (not judged elsewhere, no accepted values)."""
    rows = reference_rows()["attribute"]
    always = {f"camunda:{a}" for a in CAMUNDA_REFUSED
              if not any(a in attrs for attrs in _ELSEWHERE.values())
              and not any(a in rule.values for rule in ELEMENTS.values())}
    wrong = sorted(a for a in always if a in rows and not rows[a].startswith("refused"))
    assert not wrong, f"refused by the whitelist wherever they appear, not marked refused in the doc: {wrong}"
