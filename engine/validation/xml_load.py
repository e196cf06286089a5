"""Turn file bytes into an XML tree, or a problem saying why not."""
from __future__ import annotations

import re

from lxml import etree

from engine.validation.problems import Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ACTIVITI_NS = "http://activiti.org/bpmn"  # Camunda 7 reads it as its own namespace (Camunda began as a fork)
DMN_NAMESPACES = (
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "https://www.omg.org/spec/DMN/20211108/MODEL/",
    "https://www.omg.org/spec/DMN/20230324/MODEL/",
)  # DMN 1.1 to 1.5 (engine/dmn/xml.py reads them all)
_DECLARED = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']")
# Never substitute entities, load a DTD or touch the network: a DOCTYPE is refused below, but the parser
# meets it first (and stored files from before that rule are read with this parser too).
_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, remove_comments=True,
                          huge_tree=False)
DOCTYPE_MESSAGE = ("the file declares a DOCTYPE; DTDs and entity declarations are not allowed in BPMN or DMN files: "
                   "remove the DOCTYPE (Camunda Modeler never writes one)")
_DOCTYPE = re.compile(rb"<!DOCTYPE\b")


def local_name(node: etree._Element) -> str:
    """An element's tag without its namespace ("" for a comment or processing instruction)."""
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def element_by_id(root: etree._Element, ref: str | None) -> etree._Element | None:
    """The element of the document with this id, if any."""
    if not ref:
        return None
    found = root.xpath("//*[@id=$ref]", ref=ref)
    return found[0] if found else None


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
        if _DOCTYPE.search(content):  # an entity bomb or a broken DTD: the DOCTYPE is what to remove
            return None, [Problem(name, "-", DOCTYPE_MESSAGE)]
        return None, [Problem(name, "-", f"malformed XML at line {exc.lineno}: {exc.msg}")]
    refused = _refused_markup(root)
    if refused:
        return None, [Problem(name, "-", refused)]
    return _activiti_as_camunda(root), []


def _activiti_as_camunda(root: etree._Element) -> etree._Element:
    """activiti:* elements and attributes read as the camunda:* of the same name, as Camunda 7 reads them
    (a camunda: attribute given too wins)."""
    a, c = f"{{{ACTIVITI_NS}}}", f"{{{CAMUNDA_NS}}}"
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        if node.tag.startswith(a):
            node.tag = c + node.tag[len(a):]
        for attr in [k for k in node.attrib if k.startswith(a)]:
            value = node.attrib.pop(attr)
            if c + attr[len(a):] not in node.attrib:
                node.set(c + attr[len(a):], value)
    return root


def _refused_markup(root: etree._Element) -> str | None:
    """Why the document's markup is refused: a DOCTYPE (DTD, entities) or a processing instruction; else None."""
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        return DOCTYPE_MESSAGE
    for node in (*root.itersiblings(preceding=True), *root.iter(etree.PI), *root.itersiblings()):
        if isinstance(node, etree._ProcessingInstruction):
            return (f"the file has the processing instruction '{node.target}'; processing instructions are not "
                    "allowed in BPMN or DMN files: remove it (Camunda Modeler never writes one)")
    return None


def stored_process_ids(content: bytes) -> set[str]:
    """The process ids of a stored file that load_xml no longer accepts, as far as a safe parser can tell."""
    try:
        root = etree.fromstring(content, _PARSER)
    except etree.XMLSyntaxError:
        return set()
    return {p.get("id") for p in root.iter(f"{{{BPMN_NS}}}process") if p.get("id")}


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
