"""The list built-ins (engine/dmn/feel/builtins/list.py and sort.py), called directly."""
from __future__ import annotations

from .builtins_support import D, call, fails, fn


def N(*xs):
    return [D(x) for x in xs]


def test_list_contains():
    assert call("list contains", N(1, 2, 3), D(2)) is True
    assert call("list contains", N(1, 2, 3), D("2.0")) is True
    assert call("list contains", N(1, 2, 3), D(4)) is False
    assert call("list contains", [D(1), None], None) is True
    assert call("list contains", N(1), None) is False
    assert call("list contains", [["a"], ["b"]], ["b"]) is True
    assert call("list contains", ["a", D(1)], "1") is False
    assert call("list contains", D(1), D(1)) is True  # a single value is a singleton list
    fails("list contains", None, D(1))


def test_count_reverse_flatten():
    assert call("count", ["a", "b", "c"]) == D(3)
    assert call("count", []) == D(0)
    assert call("reverse", N(1, 2, 3)) == N(3, 2, 1)
    assert call("flatten", [["w", "x"], "y", [["z"]], []]) == ["w", "x", "y", "z"]
    for name in ("count", "reverse", "flatten"):
        fails(name, None)


def test_sublist():
    items = ["a", "b", "c"]
    assert call("sublist", items, D(1), D(2)) == ["a", "b"]
    assert call("sublist", items, D(-1), D(1)) == ["c"]
    assert call("sublist", items, D(2)) == ["b", "c"]
    assert call("sublist", items, D(-2)) == ["b", "c"]
    assert call("sublist", list=items, start_position=D(2), length=D(1)) == ["b"]
    for args in ((items, D(0)), (items, D(4)), (items, D(-4)), (items, D(2), D(3)), (items, D(1), D(0)),
                 (None, D(1)), (items, None), (items, D(1), None)):
        fails("sublist", *args)


def test_append_concatenate():
    assert call("append", N(6, 14), D(-3), D(11)) == N(6, 14, -3, 11)
    assert call("append", ["a"], ["t"]) == ["a", ["t"]]
    assert call("append", ["a"], None) == ["a", None]
    assert call("append", ["a"]) == ["a"]
    assert call("concatenate", ["a", "b"], ["c"], []) == ["a", "b", "c"]
    assert call("concatenate", [["a"]], [["w", "x"]]) == [["a"], ["w", "x"]]
    assert call("concatenate", ["a"], "b") == ["a", "b"]
    fails("append", None, D(1))
    fails("concatenate", ["a"], None)


def test_insert_before_remove():
    assert call("insert before", ["a", "b", "c"], D(2), "x") == ["a", "x", "b", "c"]
    assert call("insert before", ["a", "b"], D(1), None) == [None, "a", "b"]
    assert call("insert before", ["a", "b", "c"], D(-1), "x") == ["a", "b", "x", "c"]
    assert call("insert before", [["o"], ["p"]], D(2), ["a", "b"]) == [["o"], ["a", "b"], ["p"]]
    assert call("remove", ["x", "y", "z"], D(2)) == ["x", "z"]
    assert call("remove", ["x", "y", "z"], D(-1)) == ["x", "y"]
    for name, args in (("insert before", (["a"], D(0), "x")), ("insert before", (["a"], D(2), "x")),
                       ("remove", (["a"], D(2))), ("remove", ([], D(1))), ("remove", (None, D(1))),
                       ("remove", (["a"], "1"))):
        fails(name, *args)


def test_index_of_union_distinct():
    assert call("index of", N(1, 2, 3, 2), D(2)) == N(2, 4)
    assert call("index of", ["x", "y"], "a") == []
    assert call("union", ["x", "y"], ["y", "z"], ["x"]) == ["x", "y", "z"]
    assert call("union", N(1, 2), [D("2.0"), D(3)]) == N(1, 2, 3)
    assert call("distinct values", N(1, 2, 3, 2, 1)) == N(1, 2, 3)
    assert call("distinct values", [["a"], ["a"], None, None]) == [["a"], None]
    fails("index of", None, D(1))
    fails("distinct values", None)


def test_list_replace():
    assert call("list replace", N(1, 2, 3), D(2), D(4)) == N(1, 4, 3)
    assert call("list replace", N(1, 2, 3), D(-1), D(4)) == N(1, 2, 4)
    assert call("list replace", N(1, 2, 3), D(3), None) == [D(1), D(2), None]
    assert call("list replace", N(1, 2, 3), D("2.5"), D(4)) == N(1, 4, 3)
    assert call("list replace", D(1), D(1), D(5)) == N(5)
    assert call("list replace", list=N(1, 2, 3), position=D(2), newItem=D(4)) == N(1, 4, 3)
    less = fn("item", "newItem", body=lambda ctx, item, new: item < new)
    assert call("list replace", N(2, 4, 7, 8), less, D(5)) == N(5, 5, 7, 8)
    assert call("list replace", list=N(1, 2, 3), match=less, newItem=D(2)) == N(2, 2, 3)
    for args in ((N(1, 2, 3), D(0), D(4)), (N(1, 2, 3), D(4), D(4)), (N(1, 2, 3), D(-4), D(4)),
                 (None, D(1), D(4)), (N(1, 2, 3), None, D(4)), (N(1, 2, 3), "2", D(4)),
                 (N(2, 4), fn("a", "b", "c", body=lambda ctx, a, b, c: True), D(5)),
                 (N(2, 4), fn("item", body=lambda ctx, item: True), D(5)),
                 (N(2, 4), fn("item", "newItem", body=lambda ctx, item, new: item), D(5))):
        fails("list replace", *args)


def test_sort():
    greater = fn("x", "y", body=lambda ctx, x, y: x > y)
    assert call("sort", N(3, 1, 5, 4), greater) == N(5, 4, 3, 1)
    strings = ["a", "10", "Aa", "9", "A", "8"]
    assert call("sort", strings, fn("x", "y", body=lambda ctx, x, y: x < y)) == ["10", "8", "9", "A", "Aa", "a"]
    by_col = fn("x", "y", body=lambda ctx, x, y: x["c"] < y["c"])
    rows = [{"c": D(4), "i": 1}, {"c": D(0), "i": 2}, {"c": D(4), "i": 3}]
    assert [r["i"] for r in call("sort", rows, by_col)] == [2, 1, 3]  # stable
    assert call("sort", [], greater) == []
    assert call("sort", D(1), greater) == N(1)
    assert call("sort", list=N(1, 2), precedes=greater) == N(2, 1)
    fails("sort", None, greater)
    fails("sort", N(1, 2), None)
    fails("sort", N(1, 2), fn("x", body=lambda ctx, x: True))
    fails("sort", N(1, 2), fn("x", "y", body=lambda ctx, x, y: None))
