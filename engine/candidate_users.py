"""camunda:candidateUsers evaluated as Camunda 7 evaluates it, into the text human_task.candidate_users holds.

Camunda 7 splits the attribute at the commas outside ``${...}`` (so ``${lead}, carl`` is two entries),
evaluates each entry, and takes a string result as a comma list (blanks around commas dropped) and a
collection as its items. kentei keeps the ids comma-separated without blanks, each once, for the
inbox's LIKE test (engine/inbox.py).
"""
from __future__ import annotations

from typing import Any

from engine.expr import EvaluationError, compile_expression

MAX = 1000  # human_task.candidate_users' length


def entries(text: str) -> list[str]:
    """The attribute's comma-separated entries; a comma inside ``${...}`` or ``#{...}`` is part of its entry."""
    out, part, depth, previous = [], "", 0, ""
    for ch in text:
        if ch == "{" and (depth or previous in "$#"):
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
        if ch == "," and not depth:
            out.append(part)
            part = ""
        else:
            part += ch
        previous = ch
    out.append(part)
    return [p.strip() for p in out if p.strip()]


def candidate_users(expr: str | None, data: dict[str, Any]) -> str | None:
    """The user ids the attribute names on these variables, as `a,b`; None for none."""
    users: list[str] = []
    for entry in entries(expr or ""):
        value = compile_expression(entry).evaluate(data) if "{" in entry else entry
        items = value if isinstance(value, (list, tuple, set, frozenset)) else str(value or "").split(",")
        users += [str(u).strip() for u in items if u is not None and str(u).strip()]
    joined = ",".join(dict.fromkeys(users))
    if len(joined) > MAX:
        raise EvaluationError(f"camunda:candidateUsers names more than {MAX} characters of user ids")
    return joined or None
