"""Evaluating decisions: one Evaluation computes each decision and input data value at most once, in
requirement order, and gives each decision the names it may see.

A decision sees the caller's variables (decisions of the file evaluated, not of its imports), its required
input data and decisions, and its required business knowledge models and decision services (as functions),
by name; an element of an imported model is seen inside a context named by the import (`myimport.Say Hello`).
In Camunda 7's files a required decision table also gives each of its outputs by name, as Camunda 7 does
(a list per output when the table collects rows). In DMN 1.4/1.5 files a caller's variable named like a
required decision is that decision's value (the TCK gives some decisions' values so).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .build import DmnContext
from .errors import DecisionError
from .feel import semantics
from .feel.context import EvalContext
from .invocables import function_of, put
from .model import Decision, DmnModel, Element, InputData, Invocable
from .result import DecisionResult
from .table_eval import TableOutcome


def to_feel(context: Mapping[str, Any], decision_id: str) -> dict[str, Any]:
    """The caller's variables as FEEL values (a value FEEL has no form for is an error of the caller)."""
    try:
        return {str(name): semantics.from_host(value) for name, value in context.items()}
    except TypeError as error:
        raise DecisionError(decision_id, f"a variable cannot be given to the decision: {error}") from None


class Evaluation:
    """One evaluation: the caller's variables, the values computed so far and the errors reported."""

    def __init__(self, main: DmnModel, context: Mapping[str, Any], ctx: EvalContext | None = None,
                 namespaced: Mapping[tuple[str, str], Any] | None = None,
                 graph: Mapping[str, Decision] | None = None) -> None:
        self.main = main
        self.context = context
        self.ctx = ctx if ctx is not None else DmnContext()
        self.namespaced = dict(namespaced or {})
        self.graph = graph
        self.values: dict[Element, Any] = {}
        self.outcomes: dict[Decision, TableOutcome | None] = {}
        self.active: list[Decision] = []
        self.owners: list[str] = []  # the decision id that said each error, in step with ctx.errors

    # -- values ----------------------------------------------------------------------------------------------

    def input_value(self, element: InputData) -> Any:
        """An input data value: given by (namespace, name), by name to the file evaluated, or inside the import's
        context; null when not given; checked against its typeRef."""
        if element in self.values:
            return self.values[element]
        key = (element.model.namespace, element.name)
        if key in self.namespaced:
            raw = semantics.from_host(self.namespaced[key])
        elif element.model is self.main:
            raw = self.context.get(element.name)
        else:
            holder = self.context.get(self.main.import_name(element.model) or "")
            raw = holder.get(element.name) if isinstance(holder, dict) else None
        value = element.check({"value": raw}, self.ctx) if element.check is not None else raw
        self.values[element] = value
        return value

    def decision_value(self, decision: Decision) -> Any:
        """A decision's value, computed once (after its requirements)."""
        if decision in self.values:
            return self.values[decision]
        if (not decision.model.camunda and decision.model is self.main and decision.name in self.context
                and self.active):
            value = self.context[decision.name]
            self.values[decision] = value
            return value
        if decision in self.active:
            cycle = " -> ".join([*(d.id for d in self.active), decision.id])
            raise DecisionError(decision.id, f"decision requirements form a cycle ({cycle})")
        self.active.append(decision)
        try:
            scope = self.scope_for(decision)
            outcome = None
            if decision.table is not None:
                outcome = decision.table.run(scope, self.ctx)
                value = outcome.value
            else:
                value = decision.body(scope, self.ctx) if decision.body is not None else None
            if decision.check is not None:
                value = decision.check({"value": value}, self.ctx)
            self._own(decision)
        finally:
            self.active.pop()
        self.values[decision] = value
        self.outcomes[decision] = outcome
        return value

    def _own(self, decision: Decision) -> None:
        """Record that the errors no decision has claimed yet were said by this one (the innermost)."""
        missing = len(self.ctx.errors) - len(self.owners)
        if missing > 0:
            self.owners.extend([decision.id] * missing)

    # -- scopes ----------------------------------------------------------------------------------------------

    def scope_for(self, decision: Decision) -> dict[str, Any]:
        """The names a decision sees (see the module text)."""
        model = decision.model
        scope: dict[str, Any] = dict(self.context) if model is self.main else {}
        for namespace, ref in decision.input_refs:
            element = model.element(namespace, ref)
            if isinstance(element, InputData):
                put(scope, model, element, self.input_value(element))
        for namespace, ref in decision.decision_refs:
            required = self._required(decision, namespace, ref)
            value = self.decision_value(required)
            if model.camunda and required.model is model:
                scope.update(self._outputs_by_name(required))
            put(scope, model, required, value)
        for namespace, ref in decision.knowledge_refs:
            element = model.element(namespace, ref)
            if isinstance(element, Invocable):
                put(scope, model, element, function_of(element))
        return scope

    def _required(self, decision: Decision, namespace: str, ref: str) -> Decision:
        if self.graph is not None and decision.model is self.main and namespace in ("", self.main.namespace):
            found = self.graph.get(ref)
        else:
            found = decision.model.element(namespace, ref)
        if not isinstance(found, Decision):
            raise DecisionError(decision.id, f"required decision '{ref}' is not available")
        return found

    def _outputs_by_name(self, decision: Decision) -> dict[str, Any]:
        """A required decision table's outputs by output name (Camunda 7's way)."""
        outcome = self.outcomes.get(decision)
        if decision.table is None or outcome is None:
            return {}
        names = [clause.name for clause in decision.table.outputs]
        if decision.table.collects_lists:
            return {name: [row.get(name) for row in outcome.rows] for name in names}
        row = outcome.rows[0] if outcome.rows else {}
        return {name: row.get(name) for name in names}

    # -- results ---------------------------------------------------------------------------------------------

    def result(self, decision: Decision) -> DecisionResult:
        """The DecisionResult of a decision evaluated here."""
        value = self.values.get(decision)
        outcome = self.outcomes.get(decision)
        if outcome is not None:
            rows = [{k: _host(v) for k, v in row.items()} for row in outcome.rows]
            rule_ids = list(outcome.rule_ids)
        else:
            rows, rule_ids = [{decision.variable_name or decision.name: _host(value)}], []
        return DecisionResult(rows, rule_ids, decision.id, value=value, errors=list(self.ctx.errors))

    def raise_first_error(self, fallback: str) -> None:
        """Raise the first error reported as a DecisionError of the decision that said it."""
        if self.ctx.errors:
            owner = self.owners[0] if self.owners else fallback
            raise DecisionError(owner, self.ctx.errors[0])


_PLAIN = (str, bool, type(None))


def _host(value: Any) -> Any:
    """A FEEL value as a host value (semantics.to_host; strings, booleans and null as they are)."""
    return value if type(value) in _PLAIN else semantics.to_host(value)


def evaluate_decision(decision: Decision, context: Mapping[str, Any], decisions: Mapping[str, Decision] | None,
                      *, strict: bool = True, namespaced: Mapping[tuple[str, str], Any] | None = None
                      ) -> DecisionResult:
    """Evaluate a decision and its requirements (see Decision.evaluate)."""
    run = Evaluation(decision.model, to_feel(context, decision.id), namespaced=namespaced, graph=decisions)
    try:
        run.decision_value(decision)
    except RecursionError:
        raise DecisionError(decision.id, "the evaluation recursed too deeply (a function calls itself without "
                                         "end?)") from None
    if strict:
        run.raise_first_error(decision.id)
    result = run.result(decision)
    result.trace_source = lambda: [result if d is decision else run.result(d) for d in run.values
                                   if isinstance(d, Decision)]
    return result


def invoke(invocable: Invocable, arguments: Mapping[str, Any], *, strict: bool = True) -> DecisionResult:
    """Call a business knowledge model or decision service with arguments by parameter name."""
    from .feel.invoke import invoke_named  # noqa: PLC0415 - only here
    ctx = DmnContext()
    function = function_of(invocable)
    named = {p.name: semantics.from_host(arguments.get(p.name)) for p in function.params}
    try:
        value = invoke_named(function, named, ctx)
    except RecursionError:
        raise DecisionError(invocable.id, "the evaluation recursed too deeply") from None
    if strict and ctx.errors:
        raise DecisionError(invocable.id, ctx.errors[0])
    host = semantics.to_host(value)
    row = host if isinstance(host, dict) else {invocable.name: host}
    return DecisionResult([row], [], invocable.id, value=value, errors=list(ctx.errors))
