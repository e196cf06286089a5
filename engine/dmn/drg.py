"""Checks on the decision requirements graph of one file: cycles, and chains too deep to evaluate.

`requirements` maps each decision id to the ids of the decisions of the same file it requires; ids that
are not keys (decisions that failed to compile, which are reported already) are left out.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from .errors import DmnError


def check_requirements(requirements: Mapping[str, Sequence[str]], errors: list[DmnError]) -> None:
    """Report every requirement cycle once."""
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


def too_deep(requirements: Mapping[str, Sequence[str]], limit: int) -> str | None:
    """The first decision whose chain of required decisions is longer than limit, found without recursion
    (a cycle ends a chain; check_requirements reports it)."""
    depth: dict[str, int] = {}
    for start in requirements:
        if start in depth:
            continue
        path, on_path = [start], {start}
        pending = [iter(requirements[start])]
        while pending:
            child = next(pending[-1], None)
            if child is None:
                node = path.pop()
                on_path.discard(node)
                pending.pop()
                depth[node] = 1 + max((depth.get(r, 0) for r in requirements[node] if r in requirements), default=0)
                if depth[node] > limit + 1:
                    return node
            elif child in requirements and child not in depth and child not in on_path:
                if len(path) > limit:
                    return start
                path.append(child)
                on_path.add(child)
                pending.append(iter(requirements[child]))
    return None
