"""Data objects, data stores, data associations and ioSpecification: drawn, then left out of the run.

Camunda 7 runs none of them: they are documentation in the diagram (process data lives in
process variables, mapped with camunda:inputOutput). SpiffWorkflow would run them its own way
(an ioSpecification demands its inputs, an association copies a data object into the task), so
kentei hands SpiffWorkflow the process without them, and the run is Camunda 7's.
"""
from __future__ import annotations

from copy import deepcopy

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
IGNORED = ("dataObject", "dataObjectReference", "dataStore", "dataStoreReference", "dataInputAssociation",
           "dataOutputAssociation", "ioSpecification", "property")


def without_data(root: etree._Element) -> etree._Element:
    """A copy of the BPMN document with the data elements Camunda 7 ignores taken out."""
    found = [n for tag in IGNORED for n in root.iter(f"{{{BPMN_NS}}}{tag}")]
    if not found:
        return root
    copy = deepcopy(root)
    for tag in IGNORED:
        for node in list(copy.iter(f"{{{BPMN_NS}}}{tag}")):
            node.getparent().remove(node)
    return copy
