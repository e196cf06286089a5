"""Checks on the decision requirements graph: dangling references and cycles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .errors import DmnError


def check_requirements(requirements: Mapping[str, Sequence[str]], errors: list[DmnError]) -> None:
    """Report requiredDecision references that point nowhere and every requirement cycle once."""
    for decision_id, required in requirements.items():
        for required_id in required:
            if required_id not in requirements:
                errors.append(DmnError(decision_id, f"required decision '{required_id}' does not exist in this file"))
    finished: set[str] = set()
    reported: set[frozenset[str]] = set()
    for start in requirements:
        _visit(start, requirements, [], finished, reported, errors)


def _visit(
    decision_id: str,
    requirements: Mapping[str, Sequence[str]],
    path: list[str],
    finished: set[str],
    reported: set[frozenset[str]],
    errors: list[DmnError],
) -> None:
    """Depth-first search that reports a cycle when it meets a decision already on its path."""
    if decision_id in path:
        cycle = path[path.index(decision_id) :]
        if frozenset(cycle) not in reported:
            reported.add(frozenset(cycle))
            shown = " -> ".join([*cycle, decision_id])
            errors.append(DmnError(decision_id, f"decision requirements form a cycle ({shown})"))
        return
    if decision_id in finished or decision_id not in requirements:
        return
    path.append(decision_id)
    for required_id in requirements[decision_id]:
        _visit(required_id, requirements, path, finished, reported, errors)
    path.pop()
    finished.add(decision_id)
