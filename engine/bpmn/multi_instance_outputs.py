"""A multi-instance activity's output parameters, gathered: kentei's answer to collecting the results of the
instances (Camunda 7 runs no output mapping on a multi-instance activity; docs/dialect.md says so).

Each output parameter is evaluated in each inner instance as it completes, as any output parameter is (so
it sees the instance's element variable, loopCounter and what the instance set); the body keeps the value
by loopCounter instead of letting the last instance's overwrite the others', and when the activity ends
sets a list of that name with one entry per instance, in loopCounter order (None where an instance did not
complete, e.g. after a completion condition).
"""
from __future__ import annotations

from copy import deepcopy
from typing import Any

GATHERED = "gathered"  # the body's internal data: parameter -> {loopCounter: value}


def take_outputs(names: list[str], body: Any, child: Any) -> None:
    """Keep a completed instance's values of the gathered parameters (they are not writes of their own)."""
    if not names:
        return
    index = str(child.data.get("loopCounter"))
    store = body.internal_data.setdefault(GATHERED, {})
    for name in names:
        store.setdefault(name, {})[index] = deepcopy(child.data.get(name))
        child.data.pop(name, None)


def set_gathered(names: list[str], body: Any, total: int) -> None:
    """Set each gathered parameter as a list of `total` entries on the activity's completion."""
    store = body.internal_data.pop(GATHERED, {})
    for name in names:
        values = store.get(name, {})
        body.data[name] = [values.get(str(i)) for i in range(total)]
