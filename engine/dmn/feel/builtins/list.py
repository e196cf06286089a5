"""DMN 1.5 §10.3.4.4 list functions that build or search lists: list contains, count, sublist, append,
concatenate, insert before, remove, reverse, index of, union, distinct values, flatten, list replace.
(The aggregates — min, max, sum, mean, all, any, product, median, stddev, mode — are in list_stats.py.)

Positions are 1-based from the front and -1-based from the back; position 0 or one beyond the list is an
error. Membership and duplicates use FEEL equality (semantics.equal), so 1 and 1.0 are the same item."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..semantics import equal
from ..values import FeelFunction
from ._common import (
    accepts,
    builtin,
    fail,
    invoke,
    need_function,
    need_int,
    need_list,
    overloaded,
    type_name,
)


def _index(items: list, position: Any, pname: str = "position") -> int:
    """The 0-based index of a FEEL position (1 … n or -n … -1) in items."""
    pos = need_int(position, pname)
    if pos == 0:
        fail(f"{pname} must not be 0 (the first item is 1, the last -1)")
    if abs(pos) > len(items):
        fail(f"{pname} {pos} is outside the list of {len(items)} item(s)")
    return pos - 1 if pos > 0 else len(items) + pos


def _contains(items: list, element: Any) -> bool:
    return any(equal(x, element) is True for x in items)


def _list_contains(ctx, lst: Any, element: Any) -> bool:
    return _contains(need_list(lst, "list"), element)


def _sublist(ctx, lst: Any, start: Any, length: Any = None) -> list:
    items = need_list(lst, "list")
    begin = _index(items, start, "start position")
    if length is None:
        return items[begin:]
    count = need_int(length, "length")
    if count <= 0:
        fail("length must be a positive number")
    if begin + count > len(items):
        fail(f"length {count} from start position {start} goes beyond the list of {len(items)} item(s)")
    return items[begin:begin + count]


def _sublist_3(ctx, lst: Any, start: Any, length: Any) -> list:
    if length is None:
        fail("length must be a number, not null")
    return _sublist(ctx, lst, start, length)


def _append(ctx, lst: Any, items: list) -> list:
    return [*need_list(lst, "list"), *items]


def _concatenate(ctx, lists: list) -> list:
    out: list = []
    for item in lists:
        out.extend(need_list(item, "list"))
    return out


def _insert_before(ctx, lst: Any, position: Any, new_item: Any) -> list:
    items = need_list(lst, "list")
    at = _index(items, position)
    return [*items[:at], new_item, *items[at:]]


def _remove(ctx, lst: Any, position: Any) -> list:
    items = need_list(lst, "list")
    at = _index(items, position)
    return [*items[:at], *items[at + 1:]]


def _index_of(ctx, lst: Any, match: Any) -> list[Decimal]:
    return [Decimal(i + 1) for i, x in enumerate(need_list(lst, "list")) if equal(x, match) is True]


def distinct(items: list) -> list:
    """The items without repetitions (FEEL equality), each at its first place."""
    out: list = []
    for x in items:
        if not _contains(out, x):
            out.append(x)
    return out


def _union(ctx, lists: list) -> list:
    return distinct(_concatenate(ctx, lists))


def _flatten(items: list) -> list:
    out: list = []
    for x in items:
        if isinstance(x, list):
            out.extend(_flatten(x))
        else:
            out.append(x)
    return out


def _list_replace(ctx, lst: Any, where: Any, new_item: Any) -> list:
    items = need_list(lst, "list")
    if isinstance(where, FeelFunction):
        match = need_function(where, "match")
        if not accepts(match, 2):
            fail("match must be a function of two parameters (item, newItem)")
        out = []
        for item in items:
            hit = invoke(ctx, match, item, new_item)
            if not isinstance(hit, bool):
                fail(f"match must return a boolean, not {type_name(hit)}")
            out.append(new_item if hit else item)
        return out
    at = _index(items, where)
    return [*items[:at], new_item, *items[at + 1:]]


FUNCTIONS: list[FeelFunction] = [
    builtin("list contains", "list: list, element: any", _list_contains),
    builtin("count", "list: list", lambda ctx, lst: Decimal(len(need_list(lst, "list")))),
    overloaded(builtin("sublist", "list: list, start position", _sublist),
               builtin("sublist", "list: list, start position, length", _sublist_3)),
    builtin("append", "list: list, item: any", _append, variadic=True),
    builtin("concatenate", "list: list", _concatenate, variadic=True),
    builtin("insert before", "list: list, position, newItem: any", _insert_before),
    builtin("remove", "list: list, position", _remove),
    builtin("reverse", "list: list", lambda ctx, lst: need_list(lst, "list")[::-1]),
    builtin("index of", "list: list, match: any", _index_of),
    builtin("union", "list: list", _union, variadic=True),
    builtin("distinct values", "list: list", lambda ctx, lst: distinct(need_list(lst, "list"))),
    builtin("flatten", "list: list", lambda ctx, lst: _flatten(need_list(lst, "list"))),
    overloaded(builtin("list replace", "list: list, position, newItem: any", _list_replace),
               builtin("list replace", "list: list, match: any, newItem: any", _list_replace)),
]
