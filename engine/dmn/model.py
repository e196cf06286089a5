"""The in-memory form of a loaded DMN file: its DRG elements (input data, decisions, business knowledge models,
decision services) and the model that holds them with its imports.

Decision.evaluate() and Invocable.invoke() are the entry points; evaluation.py does the work. Values given to
them are host values or FEEL values (semantics.from_host converts); results carry both (DecisionResult).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .build import Evaluator
from .feel import typesys

if TYPE_CHECKING:
    from .feel.values import Parameter
    from .result import DecisionResult
    from .table_eval import InputClause, OutputClause, Rule, Table


@dataclass(eq=False)
class Element:
    """What every DRG element has: id, name, the model it belongs to and its requirements (resolved by id)."""

    id: str
    name: str
    model: DmnModel = field(repr=False)
    #: (namespace, id) of the required decisions, input data and knowledge (BKMs, decision services).
    decision_refs: list[tuple[str, str]] = field(default_factory=list, repr=False)
    input_refs: list[tuple[str, str]] = field(default_factory=list, repr=False)
    knowledge_refs: list[tuple[str, str]] = field(default_factory=list, repr=False)


@dataclass(eq=False)
class InputData(Element):
    """An input data element: a named value given by the caller, checked against its variable's typeRef."""

    check: Evaluator | None = field(default=None, repr=False)  # fn({"value": v}, ctx) -> v conformed
    declared: typesys.FeelType | None = field(default=None, repr=False)  # its typeRef's type (None: Any)


@dataclass(eq=False)
class Decision(Element):
    """A decision, ready to evaluate against a context of variables."""

    #: The decision's logic; for a decision table also `table` (its rows and matched rules are reported).
    body: Evaluator | None = field(default=None, repr=False)
    table: Table | None = field(default=None, repr=False)
    #: The decision's value checked against its variable's typeRef: fn({"value": v}, ctx) -> v conformed.
    check: Evaluator | None = field(default=None, repr=False)
    declared: typesys.FeelType | None = field(default=None, repr=False)  # its typeRef's type (None: Any)
    #: Its variable's name: what Camunda 7 names a literal expression's result (DMN wants the decision's name).
    variable_name: str = field(default="", repr=False)
    #: Decisions loaded from the same file, used for requirements when evaluate() gets none.
    graph: Mapping[str, Decision] = field(default_factory=dict, repr=False)

    @property
    def required(self) -> list[str]:
        """The ids of the decisions of this file that this one requires, in document order."""
        own = self.model.namespace
        return [ref_id for ns, ref_id in self.decision_refs if ns in ("", own)]

    @property
    def hit_policy(self) -> str | None:
        """The decision table's hit policy (None for other decision logic)."""
        return self.table.hit_policy if self.table is not None else None

    @property
    def aggregation(self) -> str | None:
        """The decision table's aggregation, if any."""
        return self.table.aggregation if self.table is not None else None

    @property
    def inputs(self) -> tuple[InputClause, ...]:
        """The decision table's input clauses (empty for other decision logic)."""
        return self.table.inputs if self.table is not None else ()

    @property
    def outputs(self) -> tuple[OutputClause, ...]:
        """The decision table's output clauses (empty for other decision logic)."""
        return self.table.outputs if self.table is not None else ()

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The decision table's rules (empty for other decision logic)."""
        return self.table.rules if self.table is not None else ()

    @property
    def collects_lists(self) -> bool:
        """Tell whether the decision's table returns a list of rows rather than at most one."""
        return self.table is not None and self.table.collects_lists

    def evaluate(self, context: Mapping[str, Any], decisions: Mapping[str, Decision] | None = None, *,
                 strict: bool = True, namespaced: Mapping[tuple[str, str], Any] | None = None) -> DecisionResult:
        """Evaluate required decisions first, then this one; `decisions` defaults to the file's.

        strict: the first error reported anywhere in the evaluation is raised as a DecisionError (the workflow
        engine's way: an incident, never a silent null); otherwise errors give null, as DMN says, and are in
        the result's `errors`. namespaced: values of input data of imported models, by (namespace, name)."""
        from .evaluation import evaluate_decision  # noqa: PLC0415 - evaluation imports this module
        return evaluate_decision(self, context, decisions, strict=strict, namespaced=namespaced)


@dataclass(eq=False)
class Invocable(Element):
    """A business knowledge model or a decision service: a function of named parameters."""

    params: tuple[Parameter, ...] = field(default=(), repr=False)
    #: Its FEEL function, made on first use (invocables.function_of).
    function: Any = field(default=None, repr=False)

    def invoke(self, arguments: Mapping[str, Any], *, strict: bool = True) -> DecisionResult:
        """Call it with arguments by parameter name (missing ones are null); the result's value is its value
        and, for a decision service, `outputs[0]` holds each output decision's value by name."""
        from .evaluation import invoke  # noqa: PLC0415 - evaluation imports this module
        return invoke(self, arguments, strict=strict)


@dataclass(eq=False)
class Bkm(Invocable):
    """A business knowledge model: its encapsulated logic's body, run with the parameters and knowledge."""

    body: Evaluator | None = field(default=None, repr=False)
    result_type: typesys.FeelType | None = field(default=None, repr=False)


@dataclass(eq=False)
class DecisionService(Invocable):
    """A decision service: output decisions computed from its input data and input decisions."""

    output_refs: list[tuple[str, str]] = field(default_factory=list, repr=False)
    input_decision_refs: list[tuple[str, str]] = field(default_factory=list, repr=False)
    input_data_refs: list[tuple[str, str]] = field(default_factory=list, repr=False)
    encapsulated_refs: list[tuple[str, str]] = field(default_factory=list, repr=False)
    #: The type of its result (the output type of the function type its variable declares), if any.
    result_type: typesys.FeelType | None = field(default=None, repr=False)


@dataclass(eq=False)
class DmnModel:
    """One loaded DMN file: its elements by id and by name, and the models it imports by import name."""

    name: str
    namespace: str
    filename: str
    camunda: bool = False
    elements: dict[str, Element] = field(default_factory=dict, repr=False)
    imports: dict[str, DmnModel] = field(default_factory=dict, repr=False)
    #: Every model loaded with this one (itself and its imports, transitively), by namespace.
    models: dict[str, DmnModel] = field(default_factory=dict, repr=False)
    #: Its item definitions (item_types.TypeRegistry).
    types: Any = field(default=None, repr=False)

    @property
    def decisions(self) -> dict[str, Decision]:
        """The decisions of this file by id."""
        return {key: e for key, e in self.elements.items() if isinstance(e, Decision)}

    def element(self, namespace: str, element_id: str) -> Element | None:
        """An element of this model ('' or its namespace) or of a model loaded with it."""
        model = self if namespace in ("", self.namespace) else self.models.get(namespace)
        return model.elements.get(element_id) if model is not None else None

    def import_name(self, other: DmnModel) -> str | None:
        """The name under which this model imports another ('' for an unnamed import), None if it does not."""
        for name, model in self.imports.items():
            if model is other:
                return name
        return None

    def _named(self, name: str, kinds: tuple[type, ...]) -> Element:
        for element in self.elements.values():
            if isinstance(element, kinds) and (element.name == name or element.id == name):
                return element
        raise KeyError(f"{self.filename or self.name} has no {'decision' if Decision in kinds else 'invocable'} "
                       f"named {name!r}")

    def decision(self, name: str) -> Decision:
        """A decision of this file by name or id (KeyError if there is none)."""
        found = self._named(name, (Decision,))
        assert isinstance(found, Decision)
        return found

    def invocable(self, name: str) -> Invocable:
        """A business knowledge model or decision service of this file by name or id."""
        found = self._named(name, (Bkm, DecisionService))
        assert isinstance(found, Invocable)
        return found
