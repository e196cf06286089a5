"""DMN 1.5 §10.3.4.4 list aggregates: min, max, sum, mean, all, any, product, median, stddev, mode.

Each takes one list (`sum([1, 2])`; a single value is a singleton list: `sum(1)`) or its items as separate
arguments (`sum(1, 2)`). min and max order any mutually comparable items (numbers, strings, dates, …);
the others take numbers (all/any: booleans) and refuse null items. On an empty list: min, max, sum, mean,
median give null, mode gives [], all gives true, any false; product and stddev are errors (as the TCK has it,
stddev also of a single number)."""
from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..semantics import compare
from ..values import FeelFunction
from ._common import builtin, fail, need_list, overloaded, type_name


def _family(name: str, on_list: Callable[[list], Any], var_name: str) -> FeelFunction:
    """`name(list)` and `name(item1, item2, …)` (at least one item) over the same aggregate."""
    def one(ctx, lst: Any) -> Any:
        return on_list(need_list(lst, "list"))

    def many(ctx, items: list) -> Any:
        if not items:
            fail("needs at least one argument")
        return on_list(items)

    return overloaded(builtin(name, "list: list", one), builtin(name, f"{var_name}: any", many, variadic=True))


def _numbers(items: list) -> list[Decimal]:
    for x in items:
        if not isinstance(x, Decimal):
            fail(f"every item must be a number, not {type_name(x)}")
    return items


def _extreme(sign: int) -> Callable[[list], Any]:
    def pick(items: list) -> Any:
        if not items:
            return None
        best = items[0]
        for x in items[1:]:
            c = compare(x, best)
            if c is None:
                fail(f"cannot order a {type_name(x)} against a {type_name(best)}")
            if c == sign:
                best = x
        if len(items) == 1 and compare(best, best) is None:
            fail(f"cannot order a {type_name(best)}")
        return best
    return pick


def _sum(items: list) -> Decimal | None:
    return sum(_numbers(items), Decimal(0)) if items else None


def _mean(items: list) -> Decimal | None:
    if not items:
        return None
    return sum(_numbers(items), Decimal(0)) / len(items)


def _product(items: list) -> Decimal:
    if not items:
        fail("the list is empty")
    return functools.reduce(lambda a, b: a * b, _numbers(items))


def _median(items: list) -> Decimal | None:
    if not items:
        return None
    ordered = sorted(_numbers(items))
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _stddev(items: list) -> Decimal:
    numbers = _numbers(items)
    if len(numbers) < 2:
        fail("needs at least two numbers")
    mean = sum(numbers, Decimal(0)) / len(numbers)
    return (sum(((x - mean) ** 2 for x in numbers), Decimal(0)) / (len(numbers) - 1)).sqrt()


def _mode(items: list) -> list[Decimal]:
    counts = Counter(_numbers(items))
    if not counts:
        return []
    top = max(counts.values())
    return sorted(x for x, n in counts.items() if n == top)


def _booleans(items: list) -> list:
    for x in items:
        if x is not None and not isinstance(x, bool):
            fail(f"every item must be a boolean, not {type_name(x)}")
    return items


def _all(items: list) -> bool | None:
    items = _booleans(items)
    if any(x is False for x in items):
        return False
    return None if any(x is None for x in items) else True


def _any(items: list) -> bool | None:
    items = _booleans(items)
    if any(x is True for x in items):
        return True
    return None if any(x is None for x in items) else False


FUNCTIONS: list[FeelFunction] = [
    _family("min", _extreme(-1), "c"),
    _family("max", _extreme(1), "c"),
    _family("sum", _sum, "n"),
    _family("mean", _mean, "n"),
    _family("all", _all, "b"),
    _family("any", _any, "b"),
    _family("product", _product, "n"),
    _family("median", _median, "n"),
    _family("stddev", _stddev, "n"),
    _family("mode", _mode, "n"),
]
