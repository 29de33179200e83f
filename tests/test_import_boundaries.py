"""DESIGN.md's layer rules: Qt only in monitor.ui; the three lower packages independent."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CORE_MODULES = [
    "firmware_bridge",
    "firmware_bridge.protocols",
    "firmware_bridge.reader",
    "firmware_bridge.sim",
    "firmware_bridge.sim.protocol_fgsim",
    "firmware_bridge.sim.pty_server",
    "calibration",
    "recordings",
    "monitor",
    "monitor.acquisition",
    "monitor.cli",
    "monitor.live_view",
    "monitor.recorder",
]
LOWER_PACKAGES = ["firmware_bridge", "calibration", "recordings"]


def loaded_after_import(modules: list[str]) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout))


def test_nothing_outside_monitor_ui_imports_qt() -> None:
    loaded = loaded_after_import(CORE_MODULES)
    assert not {"PySide6", "shiboken6", "pyqtgraph"} & {name.split(".")[0] for name in loaded}


@pytest.mark.parametrize("package", LOWER_PACKAGES)
def test_lower_packages_import_none_of_each_other(package: str) -> None:
    loaded = {name.split(".")[0] for name in loaded_after_import([package])}
    others = set(LOWER_PACKAGES) - {package}
    assert not others & loaded
    assert "monitor" not in loaded
