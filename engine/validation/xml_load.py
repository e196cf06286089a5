"""Turn file bytes into an XML tree, or a problem saying why not."""
from __future__ import annotations

import re

from lxml import etree

from engine.validation.problems import Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DMN_NAMESPACES = (
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "https://www.omg.org/spec/DMN/20230324/MODEL/",
)
_DECLARED = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)


def load_xml(name: str, content: bytes) -> tuple[etree._Element | None, list[Problem]]:
    """Parse bytes as XML; a problem names the line for malformed XML and the encoding for bad bytes."""
    declared = _DECLARED.match(content)
    if declared is None or declared.group(1).lower() in (b"utf-8", b"utf8"):
        try:
            content.decode("utf-8")
        except UnicodeDecodeError as exc:
            return None, [Problem(name, "-", f"the file is not valid UTF-8 (byte {exc.start}); "
                                              "save it as UTF-8, as Camunda Modeler does")]
    if not content.strip():
        return None, [Problem(name, "-", "the file is empty")]
    try:
        root = etree.fromstring(content, _PARSER)
    except etree.XMLSyntaxError as exc:
        return None, [Problem(name, "-", f"malformed XML at line {exc.lineno}: {exc.msg}")]
    return root, []


def kind_of(root: etree._Element) -> str | None:
    """'bpmn', 'dmn' or None, from the root element's namespace."""
    qname = etree.QName(root)
    if qname.localname != "definitions":
        return None
    if qname.namespace == BPMN_NS:
        return "bpmn"
    if qname.namespace in DMN_NAMESPACES:
        return "dmn"
    return None
