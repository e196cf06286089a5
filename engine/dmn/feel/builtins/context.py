"""DMN 1.5 §10.3.4.9 context functions: get value, get entries, context, context put, context merge.
Contexts are dicts and are never changed: each function builds a new one."""
from __future__ import annotations

from typing import Any

from ..values import FeelFunction
from ._common import (
    builtin,
    fail,
    need_context,
    need_list,
    need_string,
    overloaded,
    type_name,
)


def _get_value(ctx, m: Any, key: Any) -> Any:
    return need_context(m, "m").get(need_string(key, "key"))


def _get_entries(ctx, m: Any) -> list[dict]:
    return [{"key": k, "value": v} for k, v in need_context(m, "m").items()]


def _context(ctx, entries: Any) -> dict:
    out: dict = {}
    for entry in need_list(entries, "entries"):
        if not isinstance(entry, dict):
            fail(f"every entry must be a context with a key and a value, not {type_name(entry)}")
        if "key" not in entry or "value" not in entry:
            fail("every entry must have a key and a value")
        key = entry["key"]
        if not isinstance(key, str):
            fail(f"an entry's key must be a string, not {type_name(key)}")
        if key in out:
            fail(f"the key {key!r} appears twice")
        out[key] = entry["value"]
    return out


def _put(ctx, context: Any, key: Any, value: Any) -> dict:
    base = need_context(context, "context")
    return {**base, need_string(key, "key"): value}


def _put_path(ctx, context: Any, keys: Any, value: Any) -> dict:
    path = need_list(keys, "keys")
    if not path:
        fail("keys must not be empty")
    for k in path:
        need_string(k, "every key")
    return _put_nested(need_context(context, "context"), path, value)


def _put_nested(base: dict, path: list, value: Any) -> dict:
    head = path[0]
    if len(path) == 1:
        return {**base, head: value}
    inner = base.get(head)
    if not isinstance(inner, dict):
        fail(f"the entry {head!r} on the key path is not a context")
    return {**base, head: _put_nested(inner, path[1:], value)}


def _merge(ctx, contexts: Any) -> dict:
    out: dict = {}
    for c in need_list(contexts, "contexts"):
        out.update(need_context(c, "every item of contexts"))
    return out


FUNCTIONS: list[FeelFunction] = [
    builtin("get value", "m, key", _get_value),
    builtin("get entries", "m", _get_entries),
    builtin("context", "entries: list", _context),
    # keys first: a positional call takes a key path or (as a singleton path) one key; `key:` by name takes
    # only a string
    overloaded(builtin("context put", "context, keys: list, value: any", _put_path),
               builtin("context put", "context, key, value: any", _put)),
    builtin("context merge", "contexts: list", _merge),
]
