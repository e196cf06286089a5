"""Loading DMN 1.1-1.5 files into models: elements, item definitions, imports, requirement checks.

load_model() loads one file with the files it imports (found by namespace among `imports`, e.g. the other
files of a deployment or of a TCK folder) and reports every problem of the file at once (DmnErrors).
load_dmn() is the engine's entry point: the decisions of one file by id.
"""
from __future__ import annotations

from collections.abc import Mapping
from lxml import etree

from . import elements as compile_elements
from .build import Build
from .drg import check_requirements, too_deep
from .errors import DmnError, DmnErrors
from .item_types import TypeRegistry
from .model import Decision, DmnModel
from .xml import CAMUNDA_VERSIONS, DMN_NAMESPACES, children, local, parse_root

#: A decision requiring a decision requiring … at most this deep: evaluating them recurses per level.
MAX_REQUIREMENT_DEPTH = 100
_KINDS = {"inputData": compile_elements.input_data, "decision": compile_elements.decision,
          "businessKnowledgeModel": compile_elements.bkm, "decisionService": compile_elements.decision_service}


def load_dmn(xml: bytes | str, filename: str = "", imports: Mapping[str, bytes] | None = None) -> dict[str, Decision]:
    """Load every decision of a DMN file by id; raise DmnErrors listing all problems found."""
    return load_model(xml, filename, imports).decisions


def load_model(xml: bytes | str, filename: str = "", imports: Mapping[str, bytes] | None = None) -> DmnModel:
    """Load a DMN file and the files it imports (by namespace among `imports`: file name -> content)."""
    return _Loader(imports or {}).load(xml, filename)


class _Loader:
    """Loads a file and, on demand, the files it imports; each namespace once."""

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self.files = files
        self.by_namespace: dict[str, DmnModel] = {}
        self.loading: set[str] = set()
        self._namespaces: dict[str, str] | None = None

    def namespaces(self) -> dict[str, str]:
        """The namespace of each file offered for imports -> its file name."""
        if self._namespaces is None:
            self._namespaces = {}
            for name, data in self.files.items():
                root = parse_root(data, [])
                if root is not None and root.get("namespace"):
                    self._namespaces.setdefault(root.get("namespace") or "", name)
        return self._namespaces

    def load(self, xml: bytes | str, filename: str) -> DmnModel:
        errors: list[DmnError] = []
        root = parse_root(xml, errors)
        if root is None:
            raise DmnErrors(errors, filename)
        model = self._build(root, filename, errors)
        if errors:
            raise DmnErrors(errors, filename)
        graph = model.decisions
        for found in graph.values():
            found.graph = graph
        return model

    def _build(self, root: etree._Element, filename: str, errors: list[DmnError]) -> DmnModel:
        version = DMN_NAMESPACES[etree.QName(root).namespace or ""]
        camunda = version in CAMUNDA_VERSIONS
        namespace = (root.get("namespace") or "").strip()
        model = DmnModel(root.get("name") or filename, namespace, filename, camunda)
        model.models = self.by_namespace
        self.by_namespace.setdefault(namespace, model)
        types = TypeRegistry(children(root, "itemDefinition"), root.nsmap, namespace, errors, camunda)
        model.types = types
        build = Build(filename, errors, types, camunda, root.get("expressionLanguage"))
        self._imports(root, model, types, errors)
        drg = [e for e in root if isinstance(e.tag, str) and local(e) in _KINDS]
        build.global_names = frozenset(_names(drg, model))
        declared = {_id_of(element) for element in drg}
        refs = {_id_of(element): compile_elements.requirement_refs(element) for element in drg}
        for element in drg:
            element_id = _id_of(element)
            kind = local(element)
            if not element_id:
                errors.append(DmnError(None, f"{_ARTICLES[kind]} {_KIND_WORDS[kind]} has neither an id nor a name"))
                continue
            if element_id in model.elements:
                errors.append(DmnError(element_id, f"{_KIND_WORDS[kind]} id is used by more than one element"
                                       if kind != "decision" else "decision id is used by more than one decision"))
                continue
            compiled = _KINDS[kind](build, element, element_id, model)
            if compiled is not None:
                model.elements[element_id] = compiled
        for name in types.elements:  # every item definition, used or not: its problems are the file's
            types.item_type(name)
        self._check(model, declared, refs, errors)
        return model

    def _imports(self, root: etree._Element, model: DmnModel, types: TypeRegistry, errors: list[DmnError]) -> None:
        """Load the DMN files this one imports (other import types are left alone)."""
        for element in children(root, "import"):
            namespace = (element.get("namespace") or "").strip()
            name = (element.get("name") or "").strip()
            import_type = (element.get("importType") or "").strip()
            if import_type and import_type not in DMN_NAMESPACES:
                continue
            imported = self._import(namespace, errors, element.get("id") or name or namespace)
            if imported is not None:
                model.imports[name] = imported
                types.imports[name] = imported.types

    def _import(self, namespace: str, errors: list[DmnError], where: str) -> DmnModel | None:
        if namespace in self.by_namespace:
            return self.by_namespace[namespace]
        filename = self.namespaces().get(namespace)
        if filename is None:
            errors.append(DmnError(where, f"the imported namespace '{namespace}' is not the namespace of any DMN "
                                          "file given with this one"))
            return None
        if namespace in self.loading:
            return None
        self.loading.add(namespace)
        try:
            inner: list[DmnError] = []
            root = parse_root(self.files[filename], inner)
            model = self._build(root, filename, inner) if root is not None else None
        finally:
            self.loading.discard(namespace)
        if inner:
            errors.extend(DmnError(where, f"the imported file {filename} has a problem at {error.element_id}: "
                                          f"{error.message}" if error.element_id else
                                          f"the imported file {filename} has a problem: {error.message}")
                          for error in inner)
            return None
        return model

    def _check(self, model: DmnModel, declared: set[str], refs: dict[str, list[tuple[str, tuple[str, str]]]],
               errors: list[DmnError]) -> None:
        """Requirements that lead nowhere, decision cycles and chains too deep to evaluate (an element that
        failed to compile counts as declared: its problems are reported already)."""
        for element_id, targets in refs.items():
            for what, (namespace, ref) in targets:
                own = namespace in ("", model.namespace)
                if (own and ref not in declared) or (not own and model.element(namespace, ref) is None):
                    where = "this file" if own else f"namespace '{namespace}'"
                    errors.append(DmnError(element_id, f"required {what} '{ref}' does not exist in {where}"))
        requirements = {e.id: e.required for e in model.elements.values() if isinstance(e, Decision)}
        deep = too_deep(requirements, MAX_REQUIREMENT_DEPTH)
        if deep is not None:  # the graph checks walk it by recursion: refuse it before they do
            errors.append(DmnError(deep, f"decision requirements are nested more than {MAX_REQUIREMENT_DEPTH} "
                                         "levels deep"))
        else:
            check_requirements(requirements, errors)


_ARTICLES = {"inputData": "an", "decision": "a", "businessKnowledgeModel": "a", "decisionService": "a"}
_KIND_WORDS = {"inputData": "input data element", "decision": "decision",
               "businessKnowledgeModel": "business knowledge model",
               "decisionService": "decision service"}


def _id_of(element: etree._Element) -> str:
    """An element's id; DMN 1.5 lets an element go without one, and then its name stands for it."""
    return (element.get("id") or "").strip() or (element.get("name") or "").strip()


def _names(drg: list[etree._Element], model: DmnModel) -> list[str]:
    """The names every expression of the file may use: its elements', its imports', an unnamed import's."""
    names: list[str] = []
    for element in drg:
        names.append((element.get("name") or "").strip())
    for name, imported in model.imports.items():
        if name:
            names.append(name)
        else:
            names.extend(e.name for e in imported.elements.values())
    return [n for n in names if n]
