"""The context and boolean built-ins (engine/dmn/feel/builtins/context.py, boolean.py), called directly."""
from __future__ import annotations

from .builtins_support import D, call, fails


def test_not():
    assert call("not", True) is False
    assert call("not", False) is True
    assert call("not", None) is None  # three-valued, no error
    assert call("not", [True]) is False
    assert call("not", negand=False) is True
    for v in (D(0), D(1), "true", [True, False]):
        fails("not", v)


def test_get_value():
    assert call("get value", {"a": "foo"}, "a") == "foo"
    assert call("get value", {"a": "foo"}, "b") is None
    assert call("get value", {"a": None}, "a") is None
    assert call("get value", key="a", m={"a": "foo"}) == "foo"
    assert call("get value", {"名前": "太郎"}, "名前") == "太郎"
    for args in (("foo", "foo"), ({"a": "foo"}, D(123)), (None, "a"), ({"a": "foo"}, None), (None, None)):
        fails("get value", *args)


def test_get_entries():
    assert call("get entries", {"a": "foo", "b": "bar"}) == [{"key": "a", "value": "foo"},
                                                             {"key": "b", "value": "bar"}]
    assert call("get entries", m={}) == []
    for v in (None, D(123), [D(1), D(2)]):
        fails("get entries", v)


def test_context():
    assert call("context", [{"key": "a", "value": D(1)}, {"key": "b", "value": D(2)}]) == {"a": D(1), "b": D(2)}
    assert call("context", []) == {}
    assert call("context", {"key": "a", "value": D(1)}) == {"a": D(1)}
    assert call("context", {"key": "a", "value": None}) == {"a": None}
    assert call("context", {"key": "", "value": D(1)}) == {"": D(1)}
    assert call("context", entries=[{"key": "a", "value": D(1), "ignored": "foo"}]) == {"a": D(1)}
    for v in ([{"key": "a", "value": D(1)}, {"key": "a", "value": D(2)}], {"value": D(1)},
              {"key": None, "value": D(1)}, {"key": "a"}, None, "foo", [D(1)]):
        fails("context", v)


def test_context_put():
    assert call("context put", {}, "a", D(1)) == {"a": D(1)}
    original = {"a": D(1), "b": D(2), "c": D(3)}
    assert list(call("context put", original, "b", D(3)).items()) == [("a", D(1)), ("b", D(3)), ("c", D(3))]
    assert original["b"] == D(2)  # not changed
    assert call("context put", {"a": D(1)}, "b", D(2)) == {"a": D(1), "b": D(2)}
    assert call("context put", {}, "a", None) == {"a": None}
    assert call("context put", context={}, key="a", value=D(1)) == {"a": D(1)}
    for args in (({}, None, D(1)), (None, "a", D(1)), ([], "a", D(1)), ({}, D(1), D(1))):
        fails("context put", *args)


def test_context_put_key_path():
    nested = {"x": D(1), "y": {"a": D(0)}}
    assert call("context put", nested, ["y", "a"], D(2)) == {"x": D(1), "y": {"a": D(2)}}
    assert call("context put", nested, ["y", "b"], D(2)) == {"x": D(1), "y": {"a": D(0), "b": D(2)}}
    assert nested == {"x": D(1), "y": {"a": D(0)}}
    deep = {"x": D(1), "y": {"a": {"b": {"c": D(1)}}}}
    assert call("context put", deep, ["y", "a", "b", "c"], D(2)) == {"x": D(1), "y": {"a": {"b": {"c": D(2)}}}}
    assert call("context put", context=nested, keys=["y", "a"], value=D(2)) == {"x": D(1), "y": {"a": D(2)}}
    for keys in (["y", None], [None, "a"], [None], [], ["y", "a", "b", "c"], ["z", "a"]):
        fails("context put", nested, keys, D(2))
    fails("context put", context=nested, key=["y", "a"], value=D(2))  # `key` by name is one string


def test_context_merge():
    assert call("context merge", [{"a": D(1)}]) == {"a": D(1)}
    assert call("context merge", [{}]) == {}
    assert call("context merge", [{"a": D(1)}, {"b": D(2)}]) == {"a": D(1), "b": D(2)}
    assert call("context merge", [{"a": D(1)}, {"a": D(2)}]) == {"a": D(2)}
    assert call("context merge", [{"a": {"aa": D(1)}}, {"a": {"bb": D(2)}}]) == {"a": {"bb": D(2)}}
    assert call("context merge", {"a": D(1)}) == {"a": D(1)}
    assert call("context merge", contexts=[{"a": D(1)}]) == {"a": D(1)}
    for v in (None, [D(1), D(2)], [{"a": D(1)}, D(2)]):
        fails("context merge", v)
