"""Item definitions and typeRefs as FEEL types (typesys.FeelType).

A typeRef names a FEEL type (`number`, `feel:string`, `list<number>`, the DMN aliases `dateTime` …), an item
definition of this file (`tPerson`, also written with the file's namespace prefix, `tns:tPerson`), or one of an
imported file (`myimport.tPerson`). An item definition is a base typeRef, a structure of item components
(a context type, components nested at any depth), or a function type (`functionItem`); `isCollection` makes it
a list of that; `allowedValues` (and DMN 1.5's `typeConstraint`) are unary tests that values must pass, checked
on each element of a collection (allowedValues) or on the whole value (typeConstraint).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .errors import DmnError
from .feel import compile_unary_tests, typesys
from .feel.context import EvalContext
from .feel.errors import FeelSyntaxError
from .xml import Element, child, children, local, text_of, type_ref

FeelType = typesys.FeelType
ANY = typesys.ANY
#: Camunda 7's own typeRef names (not FEEL's), as types: what they hold once converted (coercion.py converts).
CAMUNDA_TYPES: dict[str, FeelType] = {"integer": typesys.NUMBER, "long": typesys.NUMBER, "double": typesys.NUMBER}


class TypeRegistry:
    """The item definitions of one file, resolved to FEEL types on first use (in any order, cycles allowed)."""

    def __init__(self, definitions: list[Element], nsmap: Mapping[str | None, str], namespace: str,
                 errors: list[DmnError], camunda: bool = False) -> None:
        self.elements: dict[str, Element] = {}
        for element in definitions:
            name = (element.get("name") or "").strip()
            if name:
                self.elements.setdefault(name, element)
        self.prefixes = {prefix for prefix, uri in nsmap.items() if prefix and uri == namespace}
        self.namespace = namespace
        self.errors = errors
        self.camunda = camunda
        self.imports: dict[str, TypeRegistry] = {}
        self.resolved: dict[tuple[str, bool], FeelType] = {}
        self.resolving: set[tuple[str, bool]] = set()
        self.constrained = True  # while resolving: whether allowedValues narrow the types (see plain())

    # -- typeRefs ------------------------------------------------------------------------------------------

    def resolve(self, text: str | None, where: str | None) -> FeelType:
        """The type a typeRef names: Any when absent; a name that is neither a FEEL type nor an item definition
        (of this file or an imported one) is recorded as a problem of `where`."""
        if text is None or not text.strip():
            return ANY
        found = self.lookup(text.strip())
        if found is None:
            self.errors.append(DmnError(where, f"typeRef '{text.strip()}' is not supported"))
            return ANY
        return found

    def plain(self, text: str) -> FeelType | None:
        """The type a name stands for in FEEL (`x instance of tPositive`): allowedValues are not part of it
        (TCK 0070: `256 instance of t255` is true)."""
        self.constrained = False
        try:
            return self.lookup(text)
        finally:
            self.constrained = True

    def lookup(self, text: str) -> FeelType | None:
        """The type a typeRef names, or None if nothing by that name is known."""
        if self.camunda and text.lower() in CAMUNDA_TYPES:
            return CAMUNDA_TYPES[text.lower()]
        named = self.named(text)
        if named is not None:
            return named
        try:
            return typesys.parse_type(text, self.named)
        except ValueError:
            return None

    def named(self, name: str) -> FeelType | None:
        """An item definition by name: `tPerson`, `tns:tPerson` (this file's prefix), `import.tPerson`."""
        name = " ".join(name.split())
        if name in self.elements:
            return self.item_type(name)
        prefix, colon, rest = name.partition(":")
        if colon and prefix in self.prefixes and rest in self.elements:
            return self.item_type(rest)
        if colon and prefix == "feel":
            return typesys.PRIMITIVES.get(rest)
        for import_name, registry in self.imports.items():
            if name.startswith(import_name + "."):
                rest = name[len(import_name) + 1:]
                return registry.named(rest) if self.constrained else registry.plain(rest)
        return None

    def item_type(self, name: str) -> FeelType:
        """The FEEL type of one item definition of this file (Any while it is being resolved: a recursive type)."""
        key = (name, self.constrained)
        if key in self.resolved:
            return self.resolved[key]
        if key in self.resolving:
            return ANY
        self.resolving.add(key)
        try:
            element = self.elements[name]
            found = self.definition_type(element, element.get("id") or name)
        finally:
            self.resolving.discard(key)
        self.resolved[key] = found
        return found

    # -- item definitions and components ----------------------------------------------------------------

    def definition_type(self, element: Element, where: str) -> FeelType:
        """The type of an itemDefinition or itemComponent element."""
        function = child(element, "functionItem")
        components = children(element, "itemComponent")
        if function is not None:
            base: FeelType = self.function_type(function, where)
        elif components:
            fields = tuple(((c.get("name") or "").strip(), self.definition_type(c, c.get("id") or where))
                           for c in components)
            base = typesys.ContextType(fields)
        else:
            base = self.resolve(type_ref(element), where)
        name = (element.get("name") or "").strip() or str(base)
        allowed = self.constraint(child(element, "allowedValues"), where) if self.constrained else None
        collection = (element.get("isCollection") or "").strip() == "true"
        if allowed is not None:
            base = typesys.ConstrainedType(base, name, allowed)
        if collection:
            base = typesys.ListType(base)
        whole = self.constraint(child(element, "typeConstraint"), where) if self.constrained else None
        if whole is not None:
            base = typesys.ConstrainedType(base, name, whole)
        return base

    def function_type(self, element: Element, where: str) -> FeelType:
        """A functionItem: its parameters' and output's types."""
        params = tuple(self.resolve(p.get("typeRef"), where) for p in children(element, "parameters"))
        return typesys.FunctionType(params, self.resolve(element.get("outputTypeRef"), where))

    def constraint(self, element: Element | None, where: str) -> Callable[[Any], bool] | None:
        """allowedValues / typeConstraint as a check of one value; None when there is none."""
        text = text_of(element)
        if element is None or not text:
            return None
        try:
            tests = compile_unary_tests(text, (), self.lookup)
        except FeelSyntaxError as error:
            self.errors.append(DmnError(where, f"{local(element)} {text!r} are not FEEL simple unary tests ({error})"))
            return None

        def check(value: Any) -> bool:
            return tests.matches(value, {}, EvalContext())
        return check
