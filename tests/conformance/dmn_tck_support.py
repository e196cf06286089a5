"""The DMN TCK (../shared/dmn-tck) read and run through engine.dmn, shared by test_dmn_tck.py and dmn_tck_report.py.

A test file (`<folder>-test-NN.xml`, schema testCases.xsd) names a model of its folder and holds test cases; each
case gives typed input values and, per decision checked, the expected value. Values are read from their XML Schema
types (xsi:type) straight into FEEL values (engine/dmn/feel/values.py). A case passes on the TCK runners' rules
(the Drools and Camunda runners of dmn-tck/tck): numbers equal within 1e-8, lists item by item, contexts entry by
entry with the same keys, null only as null, other values of the same type and equal; `errorResult="true"` passes
only when the engine gives null (a reported error gives null).
"""
from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

TCK = Path(__file__).resolve().parents[3] / "shared" / "dmn-tck"
LEVELS = ("compliance-level-2", "compliance-level-3")
CAMUNDA_BASELINE = TCK / "baseline" / "camunda-7.21.0-tck_results.csv"
EXPECTED_FAILURES = Path(__file__).resolve().parent / "dmn_tck_expected_failures.txt"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
NUMBER_PRECISION = Decimal("0.00000001")


class Unreadable(Exception):
    """A TCK value kentei's value types cannot hold (a date before year 1, say)."""


@dataclass(frozen=True)
class ResultNode:
    """One decision (or decision-service output) checked by a case, with its expected value."""

    name: str
    expected: Any
    error_result: bool


@dataclass(frozen=True)
class TckCase:
    """One `<testCase>`: its id (`compliance-level-3/0001-filter/001`), model, inputs and checked results."""

    id: str
    folder: Path
    model_name: str
    invocable: str | None
    inputs: dict[str, Any] = field(repr=False)
    results: tuple[ResultNode, ...] = field(repr=False)
    unreadable: str | None = None
    #: Inputs of imported models, by (namespace, name) (an inputNode with a namespace).
    namespaced: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)


@dataclass
class Outcome:
    """How a case went: passed, or why not ('load', 'error' for a null or refusal, 'wrong' for a wrong value)."""

    passed: bool
    kind: str = "pass"
    detail: str = ""


# -- reading test files --------------------------------------------------------------------------------------------


def collect_cases() -> list[TckCase]:
    """Every test case of levels 2 and 3, in folder and file order."""
    cases: list[TckCase] = []
    for level in LEVELS:
        for test_file in sorted((TCK / level).glob("*/*-test-*.xml")):
            cases.extend(read_test_file(test_file, level))
    return cases


def read_test_file(path: Path, level: str) -> Iterator[TckCase]:
    """The cases of one test file."""
    root = etree.parse(str(path)).getroot()
    model_name = (_child_text(root, "modelName") or "").strip()
    for element in _children(root, "testCase"):
        case_id = f"{level}/{path.parent.name}/{element.get('id')}"
        invocable = element.get("invocableName") if element.get("type") in ("decisionService", "bkm") else None
        inputs: dict[str, Any] = {}
        namespaced: dict[tuple[str, str], Any] = {}
        try:
            for node in _children(element, "inputNode"):
                if node.get("namespace"):
                    namespaced[(node.get("namespace") or "", node.get("name") or "")] = read_value(node)
                else:
                    inputs[node.get("name") or ""] = read_value(node)
            results = tuple(_result_node(node) for node in _children(element, "resultNode"))
            unreadable = None
        except Unreadable as exc:
            results, unreadable = (), str(exc)
        yield TckCase(case_id, path.parent, model_name, invocable, inputs, results, unreadable, namespaced)


def _result_node(node: etree._Element) -> ResultNode:
    expected = _child(node, "expected")
    value = read_value(expected) if expected is not None else None
    return ResultNode(node.get("name") or "", value, (node.get("errorResult") or "").strip() == "true")


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str) and _local(child) == name]


def _child(element: etree._Element, name: str) -> etree._Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _child_text(element: etree._Element, name: str) -> str | None:
    child = _child(element, name)
    return None if child is None else (child.text or "")


def _nil(element: etree._Element) -> bool:
    return (element.get(f"{{{XSI}}}nil") or "").strip() == "true"


def read_value(element: etree._Element) -> Any:
    """A valueType element (`<value>`, `<component>`s or `<list>`) as a FEEL value; nil and empty are null."""
    if _nil(element):
        return None
    value = _child(element, "value")
    if value is not None:
        return None if _nil(value) else _simple(value)
    listed = _child(element, "list")
    if listed is not None:
        return None if _nil(listed) else [read_value(item) for item in _children(listed, "item")]
    components = _children(element, "component")
    if components:
        return {component.get("name"): read_value(component) for component in components}
    return None


def _simple(value: etree._Element) -> Any:
    """A `<value xsi:type=…>` as a FEEL value."""
    text = value.text or ""
    xsi_type = value.get(f"{{{XSI}}}type")
    local = "string"
    if xsi_type:
        prefix, _, local = xsi_type.rpartition(":")
        if value.nsmap.get(prefix or None) not in (XSD, None):
            raise Unreadable(f"value type {xsi_type} is not an XML Schema type")
    try:
        return _READERS[local](text.strip() if local != "string" else text)
    except KeyError:
        raise Unreadable(f"value type {xsi_type} is not read by the runner") from None
    except (ValueError, InvalidOperation, OverflowError) as exc:
        raise Unreadable(f"{local} value {text!r} cannot be held: {exc}") from None


def _boolean(text: str) -> bool:
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise ValueError("not an xsd:boolean")


def _temporal(kind: str) -> Any:
    """A reader of one XML Schema temporal type, through the FEEL engine's parsers (years beyond 1..9999 too)."""
    def read(text: str) -> Any:
        from engine.dmn.feel import temporal
        parse = {"date": temporal.parse_date, "dateTime": temporal.parse_date_and_time,
                 "time": temporal.parse_time, "duration": temporal.parse_duration}[kind]
        value = parse(text)
        if value is None or (kind == "dateTime" and "T" not in text):
            raise ValueError(f"not an xsd:{kind}")
        return value
    return read


_READERS = {"string": str, "decimal": Decimal, "double": Decimal, "float": Decimal, "integer": Decimal,
            "int": Decimal, "long": Decimal, "boolean": _boolean, "date": _temporal("date"),
            "dateTime": _temporal("dateTime"), "time": _temporal("time"), "duration": _temporal("duration")}


# -- comparing -----------------------------------------------------------------------------------------------------


def values_match(expected: Any, actual: Any) -> bool:
    """The TCK runners' equality: numbers within 1e-8, lists and contexts recursively, the rest by type and value."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, Decimal):
        return isinstance(actual, Decimal) and actual.is_finite() and abs(expected - actual) < NUMBER_PRECISION
    if isinstance(expected, list):
        return (isinstance(actual, list) and len(expected) == len(actual)
                and all(values_match(e, a) for e, a in zip(expected, actual)))
    if isinstance(expected, dict):
        return (isinstance(actual, dict) and expected.keys() == actual.keys()
                and all(values_match(expected[k], actual[k]) for k in expected))
    from engine.dmn.feel import temporal
    for kind in (temporal.is_date_time, temporal.is_date, temporal.is_time):
        if kind(expected):  # the same kind and the same text: local fields, fraction and offset (or zone)
            return kind(actual) and temporal.text_of(expected) == temporal.text_of(actual)
    return type(expected) is type(actual) and expected == actual


def show(value: Any) -> str:
    """A value for a failure message, as FEEL writes it when the engine can, else Python's repr."""
    try:
        from engine.dmn.feel.semantics import to_string
        return to_string(value) if not isinstance(value, str) else repr(value)
    except Exception:  # noqa: BLE001 - only a message
        return repr(value)


# -- running -------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def load_folder_model(folder: Path, model_name: str) -> Any:
    """The folder's model (its imports resolved among the folder's .dmn files), loaded once; or the load error."""
    from engine.dmn import load_model
    files = {path.name: path.read_bytes() for path in sorted(folder.glob("*.dmn"))}
    try:
        return load_model(files[model_name], model_name, imports=files)
    except Exception as exc:  # noqa: BLE001 - a refusal is an outcome
        return exc


def run_case(case: TckCase) -> Outcome:
    """Evaluate every checked decision of a case and compare it with the expected value."""
    if case.unreadable is not None:
        return Outcome(False, "load", f"the test case cannot be read: {case.unreadable}")
    model = load_folder_model(case.folder, case.model_name)
    if isinstance(model, Exception):
        return Outcome(False, "load", f"the model is refused: {model}")
    problems: list[tuple[str, str]] = []
    if case.invocable is not None:
        outputs, errors = _invoke(model, case)
        for node in case.results:
            problems.extend(_judge(node, outputs.get(node.name), errors))
    else:
        for node in case.results:
            value, errors = _evaluate(model, node.name, case)
            problems.extend(_judge(node, value, errors))
    if not problems:
        return Outcome(True)
    kind = "wrong" if any(kind == "wrong" for kind, _ in problems) else "error"
    return Outcome(False, kind, "; ".join(detail for _, detail in problems))


def _evaluate(model: Any, name: str, case: TckCase) -> tuple[Any, list[str]]:
    try:
        result = model.decision(name).evaluate(case.inputs, strict=False, namespaced=case.namespaced)
    except Exception as exc:  # noqa: BLE001 - an error is an outcome
        return None, [f"{type(exc).__name__}: {exc}"]
    return result.value, list(result.errors)


def _invoke(model: Any, case: TckCase) -> tuple[dict[str, Any], list[str]]:
    """A decision service's output decisions' values by name (a single output is the service's value)."""
    try:
        invocable = model.invocable(case.invocable)
        result = invocable.invoke(case.inputs, strict=False)
    except Exception as exc:  # noqa: BLE001 - an error is an outcome
        return {}, [f"{type(exc).__name__}: {exc}"]
    names = [model.element(*ref).name for ref in getattr(invocable, "output_refs", [])]
    if len(names) == 1:
        return {names[0]: result.value}, list(result.errors)
    return (dict(result.value) if isinstance(result.value, dict) else {}), list(result.errors)


def _judge(node: ResultNode, actual: Any, errors: list[str]) -> list[tuple[str, str]]:
    said = f" (errors: {' | '.join(errors[:3])})" if errors else ""
    if node.error_result:
        return [] if actual is None else [("wrong", f"{node.name}: expected an error, got {show(actual)}{said}")]
    if values_match(node.expected, actual):
        return []
    kind = "error" if actual is None else "wrong"
    return [(kind, f"{node.name}: expected {show(node.expected)}, got {show(actual)}{said}")]


# -- the lists -----------------------------------------------------------------------------------------------------


def read_expected_failures(path: Path = EXPECTED_FAILURES) -> dict[str, str]:
    """The listed case ids with their reasons (`id  reason` per line; `#` comments)."""
    listed: dict[str, str] = {}
    if not path.exists():
        return listed
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        case_id, _, reason = line.partition(" ")
        listed[case_id] = reason.strip()
    return listed


def camunda_passes(path: Path = CAMUNDA_BASELINE) -> set[str]:
    """The case ids Camunda 7.21 passes."""
    with path.open(encoding="utf-8", newline="") as rows:
        return {f"{row[0]}/{row[2]}" for row in csv.reader(rows) if len(row) >= 4 and row[3] == "SUCCESS"}
