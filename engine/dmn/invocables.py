"""Business knowledge models and decision services as FEEL functions (`Say Hello(A Person)` in FEEL, an
`<invocation>`, a knowledge requirement).

A business knowledge model's function runs its encapsulated logic with the arguments and its own knowledge
requirements (itself included, so that it may recurse). A decision service's function takes its input data,
then its input decisions (TCK 0085: `decisionService_011("A", "B", "C", "D")`), evaluates its output decisions
in a fresh evaluation with those values, and gives the only output's value, or a context of them all.
"""
from __future__ import annotations

from typing import Any

from .boxed_control import make_function
from .build import constant
from .coercion import ConversionError, conform
from .feel.context import EvalContext
from .feel.values import FeelFunction, Parameter
from .model import Bkm, Decision, DecisionService, DmnModel, Element, InputData, Invocable


def put(scope: dict[str, Any], model: DmnModel, element: Element, value: Any) -> None:
    """Make an element's value visible to an expression of `model`: by name for its own elements and those of
    an unnamed import, inside the import's context for a named import."""
    if element.model is model:
        scope[element.name] = value
        return
    prefix = model.import_name(element.model)
    if not prefix:
        scope[element.name] = value
        return
    holder = scope.get(prefix)
    scope[prefix] = {**holder, element.name: value} if isinstance(holder, dict) else {element.name: value}


def function_of(element: Invocable) -> FeelFunction:
    """The FEEL function of a business knowledge model or decision service (made once per element)."""
    if element.function is not None:
        return element.function
    if isinstance(element, Bkm):
        function = _bkm_function(element)
    else:
        assert isinstance(element, DecisionService)
        function = _service_function(element)
    return function


def _bkm_function(bkm: Bkm) -> FeelFunction:
    scope: dict[str, Any] = {}
    function = make_function(bkm.name, bkm.params, bkm.body or constant(None), scope, bkm.result_type)
    bkm.function = function  # before the scope: a requirement may lead back here
    for namespace, ref in bkm.knowledge_refs:
        element = bkm.model.element(namespace, ref)
        if isinstance(element, Invocable):
            put(scope, bkm.model, element, function_of(element))
    scope.setdefault(bkm.name, function)
    return function


def service_inputs(service: DecisionService) -> list[Element]:
    """A decision service's parameters in order: its input data, then its input decisions."""
    found: list[Element] = []
    for namespace, ref in [*service.input_data_refs, *service.input_decision_refs]:
        element = service.model.element(namespace, ref)
        if element is not None:
            found.append(element)
    return found


def _service_function(service: DecisionService) -> FeelFunction:
    inputs = service_inputs(service)
    outputs = [e for e in (service.model.element(ns, ref) for ns, ref in service.output_refs)
               if isinstance(e, Decision)]

    def impl(ctx: EvalContext, *args: Any) -> Any:
        from .evaluation import Evaluation  # noqa: PLC0415 - evaluation imports this module
        run = Evaluation(service.model, {}, ctx)
        for element, arg in zip(inputs, args):
            declared = element.declared if isinstance(element, (InputData, Decision)) else None
            if declared is not None:
                try:
                    arg = conform(arg, declared)
                except ConversionError as error:
                    ctx.error(f"parameter '{element.name}' of decision service '{service.name}': {error}")
                    return None
            run.values[element] = arg
        values = {decision.name: run.decision_value(decision) for decision in outputs}
        value = next(iter(values.values())) if len(values) == 1 else values
        if service.result_type is not None:
            try:
                return conform(value, service.result_type)
            except ConversionError as error:
                ctx.error(f"the result of decision service '{service.name}': {error}")
                return None
        return value
    params = tuple(Parameter(element.name) for element in inputs)
    function = FeelFunction(service.name, params, impl)
    service.function = function
    return function
