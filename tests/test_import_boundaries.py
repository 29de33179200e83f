"""DESIGN.md's layer rules, for every module (not only the packages' ``__init__``): Qt only
in monitor.ui; the three lower packages independent; no import cycles between modules."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["firmware_bridge", "calibration", "recordings", "monitor"]
LOWER_PACKAGES = ["firmware_bridge", "calibration", "recordings"]


def modules_of(package: str) -> list[str]:
    """Every module of ``package``, found on disk as Python finds it."""
    walked = pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}.")
    # __main__ runs the program when imported.
    found = [info.name for info in walked if not info.name.endswith(".__main__")]
    return [package, *found]


CORE_MODULES = [
    name
    for package in PACKAGES
    for name in modules_of(package)
    if not name.startswith("monitor.ui")
]


def loaded_after_import(modules: list[str]) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(done.stdout))


def test_every_module_is_walked() -> None:
    assert "recordings.writer" in CORE_MODULES and "firmware_bridge.sim.gauges" in CORE_MODULES
    assert "monitor.commands.record" in CORE_MODULES
    assert not any(name.startswith("monitor.ui") for name in CORE_MODULES)


def test_nothing_outside_monitor_ui_imports_qt() -> None:
    loaded = loaded_after_import(CORE_MODULES)
    assert not {"PySide6", "shiboken6", "pyqtgraph"} & {name.split(".")[0] for name in loaded}


@pytest.mark.parametrize("package", LOWER_PACKAGES)
def test_lower_packages_import_none_of_each_other(package: str) -> None:
    loaded = {name.split(".")[0] for name in loaded_after_import(modules_of(package))}
    others = set(LOWER_PACKAGES) - {package}
    assert not others & loaded
    assert "monitor" not in loaded


def imports_of(module: str, known: set[str]) -> set[str]:
    """The project's modules that ``module`` names in its import statements, wherever they
    stand (a TYPE_CHECKING import is a cycle too, for readers and type checkers)."""
    path = ROOT / Path(*module.split("."))
    source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    named = set()
    for node in ast.walk(ast.parse(source.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            named |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            named |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in named if name in known and name != module}


def test_no_two_modules_import_each_other() -> None:
    known = set(CORE_MODULES) | set(modules_of("monitor"))
    graph = {module: imports_of(module, known) for module in known}
    packages = {name for name in known if (ROOT / Path(*name.split("."))).is_dir()}
    cycles = []
    for module, names in graph.items():
        for other in names - packages:  # a package's __init__ gathers its modules by design
            if module in graph[other] and module not in packages:
                cycles.append(tuple(sorted((module, other))))
    assert sorted(set(cycles)) == []
