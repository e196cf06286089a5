"""Deploy rules for variable mappings: where camunda:inputOutput may stand (as Camunda 7 allows it), what its
values and camunda:in / camunda:out say, and that every expression in them compiles."""
from __future__ import annotations

import re
from typing import Iterator

from lxml import etree

from engine.bpmn.extensions import C
from engine.bpmn.mapping_values import parameters, read_value, texts
from engine.expr import ExpressionError, compile_expression
from engine.validation.xml_load import local_name

MAPPED = {  # where Camunda 7 runs camunda:inputOutput (whitelist CONTEXTS lets these two through to say why not)
    "startEvent": "Camunda 7 runs no input/output mapping on a start event; map the variables in the first "
                  "activity after it",
    "boundaryEvent": "Camunda 7 runs no input/output mapping on a boundary event; map the variables in the "
                     "activity after it",
}
NO_OUTPUTS_END = ("an end event takes no output parameters, as in Camunda 7: nothing follows it; map the variables "
                  "in the activity before it")
EVENT_SUBPROCESS = ("Camunda 7 runs no input/output mapping on an event subprocess; map the variables in the "
                    "activities inside it")


EXECUTION = ("processBusinessKey", "businessKey", "currentActivityId", "currentActivityName")  # mapping_specs.py
_EXECUTION_USE = re.compile(r"\bexecution\s*(?:\.\s*([^\W\d]\w*)|\[\s*['\"]([^'\"]*)['\"]\s*\])?")


def check(node: etree._Element) -> Iterator[str]:
    """Every problem with the variable mappings of one flow node."""
    tag = local_name(node)
    ext = f"{{*}}extensionElements/{C}"
    for stray in ("inputParameter", "outputParameter"):
        if node.find(ext + stray) is not None:
            yield f"camunda:{stray} belongs inside camunda:inputOutput"
    for stray in ("list", "map", "entry"):
        if node.find(ext + stray) is not None:
            yield f"camunda:{stray} belongs inside a camunda:inputParameter or camunda:outputParameter"
    blocks = node.findall(ext + "inputOutput")
    if blocks:
        yield from _input_output(node, tag, len(blocks))
    for kind in ("in", "out"):
        for m in node.findall(ext + kind):
            yield from _call_mapping(kind, m)
    if len(node.findall(ext + "in[@businessKey]")) > 1:
        yield "a call activity passes one business key; keep one camunda:in businessKey"


def _input_output(node: etree._Element, tag: str, count: int) -> Iterator[str]:
    if tag in MAPPED:
        yield MAPPED[tag]
        return
    if tag == "subProcess" and (node.get("triggeredByEvent") or "").strip() == "true":
        yield EVENT_SUBPROCESS
        return
    if count > 1:
        yield "an element has more than one camunda:inputOutput; merge them into one"
    outputs = parameters(node, "outputParameter")
    if outputs and tag == "endEvent":
        yield NO_OUTPUTS_END
    # output parameters on a multi-instance activity gather one value per instance (engine/bpmn/multi_instance.py)
    for kind in ("inputParameter", "outputParameter"):
        for param in node.findall(f"{{*}}extensionElements/{C}inputOutput/{C}{kind}"):
            yield from _parameter(kind, param)


def _parameter(kind: str, param: etree._Element) -> Iterator[str]:
    name = param.get("name")
    if not (name or "").strip():
        yield f"a camunda:{kind} has no name; give it the name of the variable it sets"
        return
    label = f"camunda:{kind} '{name}'"
    yield from _shape(param, label)
    for text in texts(read_value(param)):
        yield from _compiles(label, text)
    owner = param.getparent().getparent().getparent()
    if kind == "outputParameter" and local_name(owner) == "businessRuleTask" and \
            any("decisionResult" in _names(t) for t in texts(read_value(param))):
        yield (f"{label} reads decisionResult, which kentei does not set; map the decision's result with "
               "camunda:resultVariable and camunda:mapDecisionResult and read that variable")


SINGLE = frozenset({"list", "map", "script"})  # what a parameter, a list value or a map entry may hold
CHILDREN = {"inputParameter": SINGLE, "outputParameter": SINGLE, "value": SINGLE, "entry": SINGLE,
            "list": frozenset({"value", "list", "map"}), "map": frozenset({"entry"})}


def _shape(node: etree._Element, label: str) -> Iterator[str]:
    """Only text or one camunda:list / camunda:map, lists of values, maps of keyed entries (scripts: whitelist)."""
    children = [c for c in node if isinstance(c.tag, str)]
    here = local_name(node)
    if len(children) > 1 and CHILDREN[here] is SINGLE:
        yield f"{label} holds more than one value; wrap them in a camunda:list"
    if here in ("list", "map") and (node.text or "").strip():
        yield f"{label} has text outside its camunda:value or camunda:entry elements"
    for child in children:
        tag = local_name(child)
        if tag == "script":
            continue  # refused by the whitelist, with its sentence
        if tag not in CHILDREN[here] or etree.QName(child).namespace != etree.QName(node).namespace:
            yield f"camunda:{tag} cannot stand in {label}; write text, an expression ${{…}}, a camunda:list or " \
                  "a camunda:map"
            continue
        if tag == "entry" and not (child.get("key") or "").strip():
            yield f"a camunda:entry in {label} has no key"
        yield from _shape(child, label)


def _compiles(label: str, text: str) -> Iterator[str]:
    try:
        compiled = compile_expression(text)
    except ExpressionError as exc:
        yield f"{label}: {exc}"
        return
    if "execution" in compiled.names:
        for found in _EXECUTION_USE.finditer(text):
            prop = found.group(1) or found.group(2)
            if prop not in EXECUTION:
                what = f"execution.{prop}" if prop else "execution"
                yield (f"{label} reads {what}; a mapping expression can read execution.processBusinessKey, "
                       "businessKey, currentActivityId and currentActivityName")
                return


def _names(text: str) -> frozenset[str]:
    try:
        return compile_expression(text).names
    except ExpressionError:
        return frozenset()


def _call_mapping(kind: str, m: etree._Element) -> Iterator[str]:
    """camunda:in / camunda:out as Camunda 7 reads them, ambiguous combinations refused."""
    label = f"camunda:{kind}"
    source, expression, target = m.get("source"), m.get("sourceExpression"), m.get("target")
    variables, local = m.get("variables"), m.get("local")
    if local is not None and local.strip() not in ("true", "false"):
        yield f"{label} local takes true or false, not '{local}'"
    if kind == "in" and m.get("businessKey") is not None:
        if any(a is not None for a in (source, expression, target, variables, local)):
            yield "a camunda:in with businessKey passes only the business key; map variables in a camunda:in " \
                  "of their own"
        yield from _compiles("camunda:in businessKey", m.get("businessKey") or "")
        return
    if variables is not None:
        if variables.strip() != "all":
            yield f"{label} variables takes only \"all\", not '{variables}'"
        elif any(a is not None for a in (source, expression, target)):
            yield f"a {label} with variables=\"all\" takes no source, sourceExpression or target"
        return
    if source is not None and expression is not None:
        yield f"a {label} has both source and sourceExpression; keep one"
    elif source is None and expression is None:
        yield f"a {label} needs source, sourceExpression or variables=\"all\""
    elif not (target or "").strip():
        yield f"a {label} with source or sourceExpression needs a target"
    elif source is not None and not source.strip():
        yield f"a {label} has an empty source"
    if expression is not None:
        yield from _compiles(f"{label} sourceExpression", expression)
