"""The values of camunda:inputParameter / outputParameter (and camunda:list / camunda:map), read from the
XML into plain JSON and evaluated with kentei's expression language, as Camunda 7 evaluates them.

A value is one of
- None: an empty parameter (the variable is set to null);
- a string: constant text (stripped) or an expression `${…}` / `#{…}`, or text mixing both;
- {"list": [value, …]}: camunda:list of camunda:value, camunda:list or camunda:map, nested as drawn;
- {"map": [[key, value], …]}: camunda:map of camunda:entry key="…" (the key may be an expression too).
"""
from __future__ import annotations

from collections import ChainMap
from typing import Any, Iterator, Mapping

from lxml import etree

from engine.bpmn.extensions import C
from engine.expr import compile_expression

Value = Any  # None | str | {"list": [...]} | {"map": [[key, value], ...]}
NESTED = ("list", "map", "script")


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _children(node: etree._Element) -> list[etree._Element]:
    return [c for c in node if isinstance(c.tag, str)]


def read_value(node: etree._Element) -> Value:
    """A parameter's (or a camunda:value's, or a camunda:entry's) content as a plain value."""
    nested = [c for c in _children(node) if _local(c) in NESTED]
    if not nested:
        text = (node.text or "").strip()
        return text or None
    return _container(nested[0])


def _container(node: etree._Element) -> Value:
    """A camunda:list or camunda:map element as a value."""
    if _local(node) == "list":
        return {"list": [read_value(c) if _local(c) == "value" else _container(c) for c in _children(node)
                         if _local(c) in ("value", "list", "map")]}
    if _local(node) == "map":
        return {"map": [[entry.get("key") or "", read_value(entry)] for entry in _children(node)
                        if _local(entry) == "entry"]}
    return None  # camunda:script: refused at deploy (engine/validation/mapping_rules.py)


def parameters(node: etree._Element, kind: str) -> list[tuple[str, Value]]:
    """(name, value) of each camunda:inputParameter or camunda:outputParameter of an element, in order."""
    return [(p.get("name") or "", read_value(p))
            for p in node.findall(f"{{*}}extensionElements/{C}inputOutput/{C}{kind}")]


def has_input_output(node: etree._Element) -> bool:
    return node.find(f"{{*}}extensionElements/{C}inputOutput") is not None


def texts(value: Value) -> Iterator[str]:
    """Every text (and map key) inside a value: what the deploy compiles."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict) and "list" in value:
        for item in value["list"]:
            yield from texts(item)
    elif isinstance(value, dict):
        for key, item in value["map"]:
            yield key
            yield from texts(item)


def evaluate(value: Value, data: Mapping[str, Any]) -> Any:
    """The value a parameter gives on these variables (raises EvaluationError)."""
    if value is None:
        return None
    if isinstance(value, str):
        return compile_expression(value).evaluate(data)
    if "list" in value:
        return [evaluate(item, data) for item in value["list"]]
    return {_key(evaluate(key, data)): evaluate(item, data) for key, item in value["map"]}


def _key(key: Any) -> str:
    return key if isinstance(key, str) else str(key)


def context(data: Mapping[str, Any], execution: dict[str, Any]) -> Mapping[str, Any]:
    """The variables an expression sees, with `execution` first, as Camunda 7 resolves it before variables."""
    return ChainMap({"execution": execution}, data)  # type: ignore[arg-type]
