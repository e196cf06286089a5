"""Reading DMN XML: the namespaces of DMN 1.1 to 1.5, safe parsing, and small element helpers."""
from __future__ import annotations

from lxml import etree

from .errors import DmnError

Element = etree._Element

DMN_NAMESPACES = {
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd": "1.1",
    "http://www.omg.org/spec/DMN/20180521/MODEL/": "1.2",
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "1.3",
    "https://www.omg.org/spec/DMN/20211108/MODEL/": "1.4",
    "https://www.omg.org/spec/DMN/20230324/MODEL/": "1.5",
}
#: The versions Camunda 7 reads: their decision tables convert values by typeRef the way Camunda 7 does.
CAMUNDA_VERSIONS = ("1.1", "1.2", "1.3")
CAMUNDA_NS = "http://camunda.org/schema/1.0/dmn"


def parse_root(xml: bytes | str, errors: list[DmnError]) -> Element | None:
    """Parse the XML safely and check that the root is a DMN definitions element (None after a problem)."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    # No entity expansion, DTD loading or network access: DMN files may come from users.
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line, column = error.position
        errors.append(DmnError(None, f"the file is not well-formed XML at line {line}, column {column}"))
        return None
    qname = etree.QName(root)
    if qname.localname != "definitions" or qname.namespace not in DMN_NAMESPACES:
        errors.append(DmnError(root.get("id"), f"the root element {root.tag} is not a DMN 1.1, 1.2, 1.3, 1.4 or 1.5 "
                                               "definitions element"))
        return None
    return root


def local(element: Element) -> str:
    """The local name of an element ('' for comments and processing instructions)."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def children(element: Element, *names: str) -> list[Element]:
    """The child elements of the DMN namespace with one of the given local names, in document order."""
    ns = etree.QName(element).namespace
    return [child for child in element if isinstance(child.tag, str) and etree.QName(child).namespace == ns
            and etree.QName(child).localname in names]


def child(element: Element, name: str) -> Element | None:
    """The first DMN child element with that local name."""
    found = children(element, name)
    return found[0] if found else None


def text_of(element: Element | None) -> str:
    """The stripped `<text>` of an expression element ('' when absent)."""
    if element is None:
        return ""
    text = child(element, "text")
    return (text.text or "").strip() if text is not None else ""


def href_target(element: Element) -> tuple[str, str]:
    """A `<requiredDecision href="ns#id"/>`'s (namespace, id); the namespace is '' for this file."""
    href = (element.get("href") or "").strip()
    namespace, _, target = href.rpartition("#")
    return namespace, target


def type_ref(element: Element | None) -> str | None:
    """An element's typeRef: the attribute (DMN 1.2+) or the `<typeRef>` child (DMN 1.1); None when absent."""
    if element is None:
        return None
    value = element.get("typeRef")
    if value is None:
        found = child(element, "typeRef")
        value = found.text if found is not None else None
    value = (value or "").strip()
    return value or None


def element_label(element: Element, fallback: str) -> str:
    """How messages name an element: its id, else its name, else the fallback."""
    return element.get("id") or element.get("name") or fallback
