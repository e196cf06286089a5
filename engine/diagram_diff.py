"""What changed between two versions of a BPMN or DMN file, element by element (by id), for the browser
modeler's version comparison: elements added, removed, and changed (their attributes or their own content —
extension elements, conditions, timers, table cells — differ). The layout (DI) is not compared, and neither
are an element's `incoming`/`outgoing` references (the sequence flows themselves are)."""
from __future__ import annotations

from typing import Any

from lxml import etree

from engine.validation import ValidationFailed
from engine.validation.xml_load import BPMN_NS, CAMUNDA_NS, DMN_NAMESPACES, load_xml

MODEL_NS = frozenset({BPMN_NS, *DMN_NAMESPACES})
PREFIXES = {CAMUNDA_NS: "camunda", "http://camunda.org/schema/1.0/dmn": "camunda"}
SKIPPED = frozenset({"incoming", "outgoing"})
Shape = tuple[Any, ...]


def _ns(node: etree._Element) -> str:
    return etree.QName(node).namespace or ""


def _own(node: etree._Element) -> bool:
    """An element compared on its own: a model element (BPMN or DMN namespace) with an id."""
    return isinstance(node.tag, str) and _ns(node) in MODEL_NS and node.get("id") is not None


def _attr_name(qname: str) -> str:
    q = etree.QName(qname)
    return f"{PREFIXES.get(q.namespace or '', 'ns')}:{q.localname}" if q.namespace else q.localname


def _shape(node: etree._Element) -> Shape:
    """A node's content as comparable data, without the model elements it contains (they are compared alone)."""
    return (node.tag, tuple(sorted(node.attrib.items())), (node.text or "").strip(),
            tuple(_shape(c) for c in node if isinstance(c.tag, str) and not _own(c)
                  and etree.QName(c).localname not in SKIPPED))


def elements(content: bytes, name: str = "file") -> dict[str, etree._Element]:
    """The model elements of a file by id (the root `definitions` and the diagram's layout left out)."""
    root, problems = load_xml(name, content)
    if root is None:
        raise ValidationFailed(problems)
    return {n.get("id"): n for n in root.iter() if n is not root and _own(n)}


def differences(old: etree._Element, new: etree._Element) -> list[str]:
    """What differs in one element: the attributes by name, then its own child elements by local name."""
    what = [_attr_name(k) for k in sorted(set(old.attrib) | set(new.attrib))
            if k != "id" and old.get(k) != new.get(k)]
    if etree.QName(old).localname != etree.QName(new).localname:
        what.insert(0, "type")
    kids: dict[str, list[list[Shape]]] = {}
    for side, node in enumerate((old, new)):
        for c in node:
            if isinstance(c.tag, str) and not _own(c) and etree.QName(c).localname not in SKIPPED:
                kids.setdefault(etree.QName(c).localname, [[], []])[side].append(_shape(c))
    what += [local for local, (a, b) in sorted(kids.items()) if a != b]
    if (old.text or "").strip() != (new.text or "").strip():
        what.append("text")
    return what


def _label(node: etree._Element) -> dict[str, Any]:
    return {"id": node.get("id"), "type": etree.QName(node).localname, "name": node.get("name") or node.get("label")}


def compare(old: bytes, new: bytes) -> dict[str, list[dict[str, Any]]]:
    """{"added", "removed", "changed"}: each a list of {"id", "type", "name"} (changed ones with "what")."""
    before, after = elements(old, "old"), elements(new, "new")
    changed = []
    for key in after:
        if key in before:
            what = differences(before[key], after[key])
            if what:
                changed.append({**_label(after[key]), "what": what})
    return {"added": [_label(after[k]) for k in after if k not in before],
            "removed": [_label(before[k]) for k in before if k not in after],
            "changed": changed}
