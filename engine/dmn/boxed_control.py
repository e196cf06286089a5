"""Boxed expressions that call, choose and iterate: invocations, conditionals (DMN 1.4), iterators `for`,
`some`, `every` and filters (DMN 1.4), and function definitions (FEEL; Java and PMML are refused)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .build import Build, Evaluator
from .coercion import ConversionError, conform, describe
from .feel import typesys
from .feel.compiler_forms import iteration_values
from .feel.context import EvalContext
from .feel.invoke import invoke_named
from .feel.java import java_function
from .feel.values import FeelFunction, Parameter
from .xml import Element, child, children, type_ref

if TYPE_CHECKING:
    from .feel.typesys import FeelType


def compile_control(build: Build, element: Element, kind: str, names: list[str], where: str) -> Evaluator | None:
    """Compile an invocation, conditional, iterator, filter or function definition."""
    if kind == "invocation":
        return invocation(build, element, names, where)
    if kind == "conditional":
        return conditional(build, element, names, where)
    if kind in ("for", "some", "every"):
        return iterator(build, element, kind, names, where)
    if kind == "filter":
        return filtered(build, element, names, where)
    return function_definition(build, element, names, where, element.get("id") or "function")


def _part(build: Build, element: Element, name: str, names: list[str], where: str) -> Evaluator | None:
    """The expression inside one child element (`<if>`, `<in>`, `<return>` …); a missing part is a problem."""
    from .boxed import compile_boxed, find_expression  # noqa: PLC0415 - boxed imports this module
    holder = child(element, name)
    inner = find_expression(holder) if holder is not None else None
    if inner is None:
        build.fail(where, f"the {element.tag.rpartition('}')[2]} expression has no <{name}> part")
        return None
    return compile_boxed(build, inner, names, where)


def invocation(build: Build, element: Element, names: list[str], where: str) -> Evaluator | None:
    """`<invocation>`: a function (usually a business knowledge model by name) called with named bindings."""
    from .boxed import compile_boxed, find_expression  # noqa: PLC0415 - boxed imports this module
    callee = compile_boxed(build, find_expression(element), names, where)
    bindings: list[tuple[str, Evaluator]] = []
    ok = callee is not None
    for binding in children(element, "binding"):
        parameter = child(binding, "parameter")
        name = (parameter.get("name") or "").strip() if parameter is not None else ""
        if not name:
            build.fail(where, "an invocation binding has no parameter name")
            ok = False
            continue
        value = compile_boxed(build, find_expression(binding), names, where)
        if value is None:
            ok = False
            continue
        bindings.append((name, value))
    if not ok or callee is None:
        return None
    call_target = callee

    def invoke(variables: Mapping[str, Any], ctx: EvalContext) -> Any:
        function = call_target(variables, ctx)
        named = {name: value(variables, ctx) for name, value in bindings}
        return invoke_named(function, named, ctx)
    return invoke


def conditional(build: Build, element: Element, names: list[str], where: str) -> Evaluator | None:
    """`<conditional>`: then when the condition is true, else when it is false or null; null and an error when
    it is not a boolean (TCK 1150)."""
    condition = _part(build, element, "if", names, where)
    then = _part(build, element, "then", names, where)
    otherwise = _part(build, element, "else", names, where)
    if condition is None or then is None or otherwise is None:
        return None
    when, yes, no = condition, then, otherwise

    def choose(variables: Mapping[str, Any], ctx: EvalContext) -> Any:
        test = when(variables, ctx)
        if test is True:
            return yes(variables, ctx)
        if test is not None and not isinstance(test, bool):
            ctx.error(f"the conditional's if gave {describe(test)}, not true or false")
            return None
        return no(variables, ctx)
    return choose


def iterator(build: Build, element: Element, kind: str, names: list[str], where: str) -> Evaluator | None:
    """`<for>`, `<some>`, `<every>`: the iteration variable over the values of `<in>`."""
    variable = (element.get("iteratorVariable") or "").strip()
    if not variable:
        build.fail(where, f"the {kind} expression has no iteratorVariable")
        return None
    source = _part(build, element, "in", names, where)
    body = _part(build, element, "return" if kind == "for" else "satisfies", [*names, variable], where)
    if source is None or body is None:
        return None
    values_of, each = source, body

    def iterate(variables: Mapping[str, Any], ctx: EvalContext) -> Any:
        values = iteration_values(values_of(variables, ctx), ctx)
        if values is None:
            return None
        results = []
        for value in values:
            frame = {**variables, variable: value}
            if kind == "for":
                frame["partial"] = list(results)
            results.append(each(frame, ctx))
        if kind == "for":
            return results
        if any(not isinstance(result, bool) for result in results):
            ctx.error(f"{kind} needs true or false from its satisfies expression for every value")
            return None
        return any(results) if kind == "some" else all(results)
    return iterate


def filtered(build: Build, element: Element, names: list[str], where: str) -> Evaluator | None:
    """`<filter>`: the items of `<in>` for which `<match>` is true (`item` is the item; a context item's entries
    are in scope too); a match that is not a boolean (or null) makes the whole filter null."""
    source = _part(build, element, "in", names, where)
    match = _part(build, element, "match", [*names, "item"], where)
    if source is None or match is None:
        return None
    items_of, test = source, match

    def run(variables: Mapping[str, Any], ctx: EvalContext) -> Any:
        items = items_of(variables, ctx)
        if items is None:
            return None
        if not isinstance(items, list):
            items = [items]
        kept = []
        for item in items:
            frame = {**variables, **item, "item": item} if isinstance(item, dict) else {**variables, "item": item}
            verdict = test(frame, ctx)
            if verdict is not None and not isinstance(verdict, bool):
                ctx.error(f"the filter's match gave {describe(verdict)}, not true or false")
                return None
            if verdict is True:
                kept.append(item)
        return kept
    return run


def function_definition(build: Build, element: Element, names: list[str], where: str, name: str) -> Evaluator | None:
    """`<functionDefinition>` (kind FEEL): a function value closing over the variables where it is defined."""
    kind = (element.get("kind") or "FEEL").strip()
    if kind.upper() != "FEEL":
        if build.camunda or kind.upper() != "JAVA":
            build.fail(where, f"function definitions of kind {kind} are not supported; use FEEL")
            return None
        return _java(build, element, names, where, name)
    params = parameters(build, element, where)
    body = build_body(build, element, [*names, *(p.name for p in params)], where)
    if body is None:
        return None
    result_type = build.types.resolve(type_ref(element), where)

    def define(variables: Mapping[str, Any], ctx: EvalContext) -> Any:
        return make_function(name, params, body, variables, result_type)
    return define


def _java(build: Build, element: Element, names: list[str], where: str, name: str) -> Evaluator | None:
    """A function of kind Java (DMN 1.4/1.5 files): its body, a context of `class` and `method signature`, names
    one of the static java.lang methods feel/java.py emulates (the FEEL form is `function(x) external {java: …}`)."""
    params = tuple(Parameter(p.name) for p in parameters(build, element, where))
    mapping = build_body(build, element, names, where)
    if mapping is None:
        return None
    body = mapping

    def define(variables: Mapping[str, Any], ctx: EvalContext) -> Any:
        return java_function(name, params, body(variables, ctx))
    return define


def parameters(build: Build, element: Element, where: str) -> tuple[Parameter, ...]:
    """The formal parameters of a function definition (or business knowledge model), with their types."""
    found = []
    for parameter in children(element, "formalParameter"):
        name = (parameter.get("name") or "").strip()
        declared = build.types.resolve(type_ref(parameter), where)
        found.append(Parameter(name, None if declared is typesys.ANY else declared))
    return tuple(found)


def build_body(build: Build, element: Element, names: list[str], where: str) -> Evaluator | None:
    """The body of a function definition: its one boxed expression (none gives null)."""
    from .boxed import compile_boxed, find_expression  # noqa: PLC0415 - boxed imports this module
    return compile_boxed(build, find_expression(element), names, where)


def make_function(name: str, params: tuple[Parameter, ...], body: Evaluator, scope: Mapping[str, Any],
                  result_type: FeelType | None = None) -> FeelFunction:
    """A FEEL function value whose body runs in scope plus its arguments (each checked against its type)."""
    def impl(ctx: EvalContext, *args: Any) -> Any:
        frame = dict(scope)
        for param, arg in zip(params, args):
            if param.type is not None:
                try:
                    arg = conform(arg, param.type)
                except ConversionError as error:
                    ctx.error(f"parameter '{param.name}' of '{name}': {error}")
                    return None
            frame[param.name] = arg
        value = body(frame, ctx)
        if result_type is not None and result_type is not typesys.ANY:
            try:
                return conform(value, result_type)
            except ConversionError as error:
                ctx.error(f"the result of '{name}': {error}")
                return None
        return value
    return FeelFunction(name, params, impl, result_type=result_type)
