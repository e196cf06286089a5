"""The FEEL compiler's structured forms (a mixin of compiler.Compiler): contexts, lists, ranges, paths,
filters, `for`, `some`/`every`, function definitions and invocations."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import ast, semantics, temporal, typesys
from .context import EvalContext
from .invoke import NO_FUNCTION, invoke, invoke_named
from .values import FeelFunction, Parameter, Range

if TYPE_CHECKING:
    from .compiler import Compiler, Fn, Scope

_MISSING = object()
_ONE_DAY = temporal.day_time(86400)


def _error(message: str) -> Fn:
    """A closure that reports message and gives null."""
    def fail(scope: Scope, ctx: EvalContext) -> Any:
        ctx.error(message)
        return None
    return fail


def member(value: Any, name: str, ctx: EvalContext, quiet: bool = False) -> Any:
    """`value.name`: a context's entry, a temporal value's, duration's or range's property, or on a list
    the member of each element (quietly null where an element has none)."""
    if isinstance(value, Mapping):
        found = value.get(name, _MISSING)
        if found is not _MISSING:
            return found
        if not quiet:
            ctx.error(f"The context has no entry '{name}'.")
        return None
    if isinstance(value, list):
        return [member(element, name, ctx, quiet=True) for element in value]
    if value is None:
        if not quiet:
            ctx.error(f"null has no entry '{name}'.")
        return None
    try:
        return temporal.property_of(value, name)
    except (KeyError, AttributeError, TypeError, ValueError):
        if not quiet:
            from .compiler import describe  # noqa: PLC0415 - import cycle
            ctx.error(f"{describe(value, capital=True)} has no property '{name}'.")
        return None


def _integer(value: Any) -> int | None:
    """The int of a FEEL number with no fraction, else None."""
    if type(value) is Decimal and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return None


def _steps(start: Any, end: Any, ctx: EvalContext) -> Iterator[Any] | None:
    """The values of an iteration `start..end` (integers or dates, up or down, both ends included)."""
    low, high = _integer(start), _integer(end)
    if low is not None and high is not None:
        step = 1 if high >= low else -1
        return (Decimal(i) for i in range(low, high + step, step))
    if temporal.is_date(start) and temporal.is_date(end):
        order = semantics.compare(start, end)
        step = _ONE_DAY if order is not None and order <= 0 else temporal.day_time(-86400)
        return _date_steps(start, end, step)
    ctx.error("An iteration range needs two integers or two dates.")
    return None


def _date_steps(start: Any, end: Any, step: Any) -> Iterator[Any]:
    """Dates from start to end, one day apart (step: one day forward or back)."""
    day = start
    while True:
        yield day
        if semantics.compare(day, end) == 0:
            return
        day = semantics.add(EvalContext(), day, step)
        if day is None:
            return


def iteration_values(value: Any, ctx: EvalContext) -> Iterator[Any] | list[Any] | None:
    """What `x in value` iterates over: a list's elements, a range's integers or dates (ascending), or a
    single value as a one-element list."""
    if isinstance(value, list):
        return value
    if isinstance(value, Range):
        if value.start_unbounded or value.end_unbounded or semantics.compare(value.start, value.end) in (None, 1):
            ctx.error("Only a bounded range of integers or dates in ascending order can be iterated over.")
            return None
        steps = _steps(value.start, value.end, ctx)
        return None if steps is None else _trimmed(steps, value)
    if value is None:
        ctx.error("null cannot be iterated over.")
        return None
    return [value]


def _trimmed(steps: Iterator[Any], r: Range) -> Iterator[Any]:
    """The steps from a range's start to its end without the endpoints it excludes."""
    for position, step in enumerate(steps):
        if position == 0 and not r.start_included:
            continue
        if not r.end_included and semantics.equal(step, r.end):
            return
        yield step


class FormsMixin:
    """Compilers of the structured forms; `compile` is compiler.Compiler's."""

    # -- contexts, lists, ranges -------------------------------------------------------------------

    def c_ContextLiteral(self: Compiler, node: ast.ContextLiteral) -> Fn:
        keys = [key for key, _ in node.entries]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            return _error(f"The context has two entries named '{duplicates[0]}'.")
        entries = [(key, self.compile(value)) for key, value in node.entries]

        def context(scope: Scope, ctx: EvalContext) -> Any:
            frame: dict[str, Any] = {}
            inner = (frame, *scope)
            for key, value in entries:
                frame[key] = value(inner, ctx)
            return frame
        return context

    def c_ListLiteral(self: Compiler, node: ast.ListLiteral) -> Fn:
        from .compiler import fold  # noqa: PLC0415 - import cycle
        items = [self.compile(item) for item in node.items]

        def make_list(scope: Scope, ctx: EvalContext) -> Any:
            return [item(scope, ctx) for item in items]
        return fold(make_list, *items)

    def c_RangeLiteral(self: Compiler, node: ast.RangeLiteral) -> Fn:
        from .compiler import fold  # noqa: PLC0415 - import cycle
        start, end = self.compile(node.start), self.compile(node.end)
        start_included, end_included = node.start_included, node.end_included

        def make_range(scope: Scope, ctx: EvalContext) -> Any:
            low, high = start(scope, ctx), end(scope, ctx)
            if low is not None and high is not None and semantics.compare(low, high) is None:
                ctx.error("The endpoints of a range must be comparable values of one type.")
                return None
            return Range(low, high, start_included, end_included)
        return fold(make_range, start, end)

    # -- paths and filters -------------------------------------------------------------------------

    def c_Path(self: Compiler, node: ast.Path) -> Fn:
        from .compiler import fold  # noqa: PLC0415 - import cycle
        base, name = self.compile(node.base), node.name

        def path(scope: Scope, ctx: EvalContext) -> Any:
            return member(base(scope, ctx), name, ctx)
        return fold(path, base)

    def c_Filter(self: Compiler, node: ast.Filter) -> Fn:
        base, condition = self.compile(node.base), self.compile(node.condition)

        def select(scope: Scope, ctx: EvalContext) -> Any:
            value = base(scope, ctx)
            if value is None:
                return None
            elements = value if isinstance(value, list) else [value]
            if not elements:
                probe = condition(({"item": None}, *scope), EvalContext())
                return None if type(probe) is Decimal else []
            chosen: list[Any] = []
            for position, element in enumerate(elements):
                # a context element's entries first (TCK 0069: `[{item: 1}][item >= 1]` reads the entry)
                frames = (element, {"item": element}) if isinstance(element, dict) else ({"item": element},)
                keep = condition((*frames, *scope), ctx)
                if position == 0 and type(keep) is Decimal:
                    return _index(elements, keep, ctx)
                if keep is True:
                    chosen.append(element)
            return chosen
        return select

    # -- iteration ---------------------------------------------------------------------------------

    def _iterators(self: Compiler, iterators: list[ast.Iterator]) -> list[tuple[str, Fn, Fn | None]]:
        return [(it.name, self.compile(it.source), None if it.end is None else self.compile(it.end))
                for it in iterators]

    def c_For(self: Compiler, node: ast.For) -> Fn:
        iterators = self._iterators(node.iterators)
        body = self.compile(node.body)

        def loop(scope: Scope, ctx: EvalContext) -> Any:
            results: list[Any] = []

            def collect(frame: dict[str, Any]) -> bool:
                results.append(body((dict(frame), *scope), ctx))
                return True
            ok = _product(iterators, 0, {"partial": results}, scope, ctx, collect)
            return results if ok else None
        return loop

    def c_Quantified(self: Compiler, node: ast.Quantified) -> Fn:
        iterators = self._iterators(node.iterators)
        condition = self.compile(node.condition)
        every = node.every

        def quantify(scope: Scope, ctx: EvalContext) -> Any:
            found = [False]

            def check(frame: dict[str, Any]) -> bool:
                satisfied = condition((dict(frame), *scope), ctx) is True
                if satisfied != every:
                    found[0] = True
                    return False  # decided: stop iterating
                return True
            ok = _product(iterators, 0, {}, scope, ctx, check)
            if found[0]:
                return not every
            return every if ok else None
        return quantify

    def _callee(self: Compiler, node: ast.Node) -> Fn:
        """The closure that gives the function being invoked."""
        if isinstance(node, ast.Name):
            from .compiler import _builtin  # noqa: PLC0415 - import cycle
            return _function_lookup(node.name, _builtin(node.name))
        return self.compile(node)

    # -- functions ---------------------------------------------------------------------------------

    def c_FunctionDef(self: Compiler, node: ast.FunctionDef) -> Fn:
        names = tuple(param.name for param in node.params)
        if node.external:  # `external {java: {class: …, method signature: …}}`: engine/dmn/feel/java.py
            mapping = self.compile(node.body)
            plain = tuple(Parameter(n) for n in names)

            def external(scope: Scope, ctx: EvalContext) -> Any:
                from .java import java_function  # noqa: PLC0415 - only for external functions
                return java_function("external function", plain, mapping(scope, ctx))
            return external
        types = tuple(None if p.type is None else self.resolve_type(p.type) for p in node.params)
        for param, feel_type in zip(node.params, types):
            if param.type is not None and feel_type is None:
                return _error(f"The type '{param.type.text}' of the parameter '{param.name}' is not known.")
        params = tuple(Parameter(name, feel_type) for name, feel_type in zip(names, types))
        body = self.compile(node.body)
        typed = any(t is not None for t in types)

        def define(scope: Scope, ctx: EvalContext) -> Any:
            def impl(call_ctx: EvalContext, *args: Any) -> Any:
                if typed:
                    args = tuple(_conform(arg, feel_type, name, call_ctx)
                                 for arg, feel_type, name in zip(args, types, names))
                    if any(arg is _MISSING for arg in args):
                        return None
                return body((dict(zip(names, args)), *scope), call_ctx)
            return FeelFunction("", params, impl)
        return define

    def c_Call(self: Compiler, node: ast.Call) -> Fn:
        function = self._callee(node.function)
        if node.named is not None:
            named = [(name, self.compile(value)) for name, value in node.named]

            def call_named(scope: Scope, ctx: EvalContext) -> Any:
                callee = function(scope, ctx)
                return invoke_named(callee, {name: value(scope, ctx) for name, value in named}, ctx)
            return call_named
        args = [self.compile(arg) for arg in node.args]

        def call(scope: Scope, ctx: EvalContext) -> Any:
            callee = function(scope, ctx)
            return invoke(callee, [arg(scope, ctx) for arg in args], ctx)
        return call


def _function_lookup(name: str, builtin: Any) -> Fn:
    """The value of a name being invoked: as a name's lookup, but a missing name reports 'no function'."""
    from .compiler import name_lookup  # noqa: PLC0415 - import cycle
    return name_lookup(name, builtin, f"There is no function named '{name}'.", NO_FUNCTION)


def _index(elements: list[Any], index: Decimal, ctx: EvalContext) -> Any:
    """`list[n]`: 1-based, negative from the end; null outside the list."""
    position = _integer(index)
    if position is None:
        ctx.error(f"A list index must be an integer, not {index}.")
        return None
    if 1 <= position <= len(elements):
        return elements[position - 1]
    if -len(elements) <= position <= -1:
        return elements[position]
    return None


def _product(iterators: list[tuple[str, Fn, Fn | None]], level: int, frame: dict[str, Any], scope: Scope,
             ctx: EvalContext, visit: Any) -> bool:
    """Visit every combination of the iterators' values (later iterators see earlier variables); visit(frame)
    returns False to stop. False when an iteration source is wrong (reported) or the visit stopped."""
    if level == len(iterators):
        return visit(frame)
    name, source, end = iterators[level]
    inner = (frame, *scope)
    start = source(inner, ctx)
    values = iteration_values(start, ctx) if end is None else _steps(start, end(inner, ctx), ctx)
    if values is None:
        return False
    for value in values:
        frame[name] = value
        if not _product(iterators, level + 1, frame, scope, ctx, visit):
            return False
    frame.pop(name, None)
    return True


def _conform(arg: Any, feel_type: Any, name: str, ctx: EvalContext) -> Any:
    """An argument checked against its parameter's declared type (null conforms; a singleton list gives its
    element and a value a singleton list when that conforms); _MISSING (reported) when it does not."""
    if feel_type is None or arg is None or typesys.is_instance(arg, feel_type):
        return arg
    if isinstance(arg, list) and len(arg) == 1 and typesys.is_instance(arg[0], feel_type):
        return arg[0]
    if not isinstance(arg, list) and typesys.is_instance([arg], feel_type):
        return [arg]
    from .compiler import describe  # noqa: PLC0415 - import cycle
    ctx.error(f"The parameter '{name}' expects {feel_type}, not {describe(arg)}.")
    return _MISSING
