"""DMN 1.5 §10.3.4.8 sort(list, precedes): the list ordered by a FEEL function `precedes(x, y)` that tells
whether x comes before y. The sort is stable (items that precede neither way keep their order)."""
from __future__ import annotations

from typing import Any

from ..context import EvalContext
from ..values import FeelFunction
from ._common import accepts, builtin, fail, invoke, need_function, need_list, type_name


def _sort(ctx: EvalContext, lst: Any, precedes: Any) -> list:
    items = need_list(lst, "list")
    fn = need_function(precedes, "precedes")
    if not accepts(fn, 2):
        fail("precedes must be a function of two parameters")

    class Key:
        """An item ordered by precedes (Python's sort only asks `<`)."""

        __slots__ = ("item",)

        def __init__(self, item: Any) -> None:
            self.item = item

        def __lt__(self, other: Key) -> bool:
            result = invoke(ctx, fn, self.item, other.item)
            if not isinstance(result, bool):
                fail(f"precedes must return a boolean, not {type_name(result)}")
            return result

    return [k.item for k in sorted(Key(x) for x in items)]


FUNCTIONS: list[FeelFunction] = [builtin("sort", "list: list, precedes", _sort)]
