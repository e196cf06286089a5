"""Boxed expressions (DMN 1.5 chapter 8) compiled to evaluators: the dispatcher, literal expressions, contexts,
lists and relations, and typed values (a variable's typeRef applied to what its expression gives).

boxed_control.py compiles invocations, conditionals, iterators, filters and function definitions;
tables.py decision tables. Every compile function records its problems in the Build and returns None then.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from . import boxed_control
from .build import Build, Evaluator, constant, located
from .coercion import ConversionError, camunda_converter, camunda_name, conform
from .feel import typesys
from .feel.context import EvalContext
from .xml import Element, child, children, local, text_of, type_ref

EXPRESSION_KINDS = ("literalExpression", "context", "list", "relation", "invocation", "functionDefinition",
                    "decisionTable", "conditional", "for", "some", "every", "filter")


def find_expression(element: Element) -> Element | None:
    """The boxed expression held by an element (a decision, a context entry, a binding …), if any."""
    found = children(element, *EXPRESSION_KINDS)
    return found[0] if found else None


def compile_boxed(build: Build, element: Element | None, names: Iterable[str], where: str) -> Evaluator | None:
    """Compile any boxed expression; a missing one gives null."""
    if element is None:
        return constant(None)
    kind = local(element)
    names = list(names)
    label = element.get("id") or where
    if kind == "literalExpression":
        return literal(build, element, names, label)
    if kind == "context":
        return context(build, element, names, label)
    if kind == "list":
        return listed(build, element, names, label)
    if kind == "relation":
        return relation(build, element, names, label)
    if kind == "decisionTable":
        from .tables import compile_table  # noqa: PLC0415 - tables use this module
        return compile_table(build, element, names, label)
    return boxed_control.compile_control(build, element, kind, names, label)


def literal(build: Build, element: Element, names: list[str], where: str) -> Evaluator | None:
    """A literal expression: FEEL text (empty text is null)."""
    text = text_of(element)
    if build.refused(element, text, where):
        return None
    if not text:
        return constant(None)
    expression = build.feel(text, names, where, "expression")
    if expression is None:
        return None
    return located(f"expression {_short(text)}", expression.evaluate)


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= 60 else flat[:57] + "...")


def context(build: Build, element: Element, names: list[str], where: str) -> Evaluator | None:
    """A boxed context: entries in order, each seeing the ones before; a last entry without a variable is the
    result, else the result is the context of the entries."""
    entries: list[tuple[str | None, Evaluator]] = []
    scope = list(names)
    ok = True
    for number, entry in enumerate(children(element, "contextEntry"), start=1):
        variable = child(entry, "variable")
        name = (variable.get("name") or "").strip() if variable is not None else None
        entry_where = entry.get("id") or f"{where} entry {number}"
        body = compile_boxed(build, find_expression(entry), scope, entry_where)
        if body is None:
            ok = False
            continue
        if name is not None:
            body = typed(build, type_ref(variable), body, entry_where, f"context entry '{name}'")
            scope.append(name)
        entries.append((name, body))
    if not ok:
        return None
    result = entries[-1][1] if entries and entries[-1][0] is None else None
    named = [(name, body) for name, body in entries if name is not None]

    def evaluate(variables: Mapping[str, Any], ctx: EvalContext) -> Any:
        frame = dict(variables)
        made: dict[str, Any] = {}
        for name, body in named:
            value = body(frame, ctx)
            frame[name] = value
            made[name] = value
        return result(frame, ctx) if result is not None else made
    return evaluate


def listed(build: Build, element: Element, names: list[str], where: str) -> Evaluator | None:
    """A boxed list: each item's value."""
    items = [compile_boxed(build, item, names, f"{where} item {n}")
             for n, item in enumerate(children(element, *EXPRESSION_KINDS), start=1)]
    if any(item is None for item in items):
        return None
    ready = [item for item in items if item is not None]
    return lambda variables, ctx: [item(variables, ctx) for item in ready]


def relation(build: Build, element: Element, names: list[str], where: str) -> Evaluator | None:
    """A relation: a list of contexts, one per row, keyed by the column names."""
    columns = [((column.get("name") or column.get("label") or "").strip(), type_ref(column))
               for column in children(element, "column")]
    rows: list[list[Evaluator]] = []
    ok = True
    for number, row in enumerate(children(element, "row"), start=1):
        cells = children(row, *EXPRESSION_KINDS)
        row_where = row.get("id") or f"{where} row {number}"
        if len(cells) != len(columns):
            build.fail(row_where, f"relation row has {len(cells)} cell(s) but the relation has {len(columns)} "
                                  "column(s)")
            ok = False
            continue
        compiled = [compile_boxed(build, cell, names, row_where) for cell in cells]
        typed_cells = [typed(build, ref, cell, row_where, f"column '{name}'") if cell is not None else None
                       for (name, ref), cell in zip(columns, compiled)]
        if any(cell is None for cell in typed_cells):
            ok = False
            continue
        rows.append([cell for cell in typed_cells if cell is not None])
    if not ok:
        return None
    keys = [name for name, _ in columns]
    return lambda variables, ctx: [{key: cell(variables, ctx) for key, cell in zip(keys, row)} for row in rows]


def typed(build: Build, type_text: str | None, body: Evaluator, where: str, what: str | None) -> Evaluator:
    """body whose value is checked against a typeRef (see conversion); a value that does not conform gives
    null and an error naming `what` (when given)."""
    convert = conversion(build, type_text, where)
    if convert is None:
        return body

    def check(variables: Mapping[str, Any], ctx: EvalContext) -> Any:
        try:
            return convert(body(variables, ctx))
        except ConversionError as error:
            ctx.error(f"{what}: {error}" if what else str(error))
            return None
    return check


def conversion(build: Build, type_text: str | None, where: str) -> Callable[[Any], Any] | None:
    """What a typeRef (resolved now, once) does to a value: DMN's conformance check, or in Camunda 7's files
    Camunda 7's conversion; it raises ConversionError for a value that does not conform. None: nothing to do."""
    if build.camunda:
        name = camunda_name(type_text)
        if name is not None:
            return camunda_converter(name)
    declared = build.types.resolve(type_text, where)
    if declared is typesys.ANY:
        return None
    return lambda value: conform(value, declared)
