"""The house rules of /work/shared/DESIGN.md, read from the source with `ast`.

Imports point one way (web → engine → handlers); only engine imports SpiffWorkflow; and no module
in engine/, handlers/ or web/ grows past 400 lines.  Every import counts: module level, inside
functions, under `if TYPE_CHECKING:`, and `importlib.import_module("…")` / `__import__("…")` with a
literal name.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("engine", "handlers", "web", "kentei")
MAX_LINES = 400

# package -> top-level names it must never import
FORBIDDEN = {
    "engine": {"flask", "web", "kentei"},
    "handlers": {"engine", "web", "kentei", "SpiffWorkflow"},
    "web": {"SpiffWorkflow"},
    "kentei": {"SpiffWorkflow"},
}


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path, name: str | None = None) -> list[tuple[int, str]]:
    """(line, absolute dotted name) of everything the module imports; `name` is its dotted module name."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    own = (name or module_name(path)).split(".")
    package = own if path.name == "__init__.py" else own[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = package[:len(package) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((node.lineno, name))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__"):
                found.append((node.lineno, node.args[0].value))
    return found


def test_the_scan_sees_the_packages() -> None:
    for package in ("engine", "handlers", "kentei"):
        assert modules(package), f"no Python modules under {ROOT / package}"
    names = {name for path in modules("engine") for _, name in imported(path)}
    assert "SpiffWorkflow.bpmn" in names and "engine.validation.problems" in names
    # relative imports are resolved: engine/dmn/__init__.py says `from .errors import …`
    assert any(name == "engine.dmn.errors" for _, name in imported(ROOT / "engine/dmn/__init__.py"))


def test_the_scan_finds_every_kind_of_import(tmp_path: Path) -> None:
    source = tmp_path / "mod.py"
    source.write_text(
        "from __future__ import annotations\n"
        "import importlib\n"
        "from typing import TYPE_CHECKING\n"
        "import flask.json as fj\n"
        "if TYPE_CHECKING:\n"
        "    from SpiffWorkflow.bpmn import BpmnWorkflow\n"
        "def late():\n"
        "    from ..web import views\n"
        "    from . import sibling\n"
        "    return importlib.import_module('kentei.cli'), __import__('web')\n", encoding="utf-8")
    names = {name for _, name in imported(source, "handlers.sub.mod")}
    assert {"flask.json", "SpiffWorkflow.bpmn", "handlers.web", "handlers.sub", "kentei.cli", "web"} <= names


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_point_one_way(package: str) -> None:
    bad = [f"{path.relative_to(ROOT)}:{line}: imports {name}"
           for path in modules(package) for line, name in imported(path)
           if name.split(".")[0] in FORBIDDEN[package]]
    assert not bad, f"{package} must not import {', '.join(sorted(FORBIDDEN[package]))}:\n" + "\n".join(bad)


def test_only_engine_imports_spiffworkflow() -> None:
    outside = [f"{path.relative_to(ROOT)}:{line}"
               for package in PACKAGES if package != "engine"
               for path in modules(package) for line, name in imported(path)
               if name.split(".")[0] == "SpiffWorkflow"]
    assert not outside, "SpiffWorkflow imported outside engine/:\n" + "\n".join(outside)


@pytest.mark.parametrize("package", ["engine", "handlers", "web"])
def test_no_module_is_over_400_lines(package: str) -> None:
    long = [f"{path.relative_to(ROOT)}: {n} lines" for path in modules(package)
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not long, f"modules over {MAX_LINES} lines:\n" + "\n".join(long)
