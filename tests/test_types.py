"""The Qt-free core type-checks with mypy (its rules: ``[tool.mypy]`` in pyproject.toml).

A wrong type in the reader, the writer or a decoder shows here, before a device or a file
meets it. mypy's cache goes to a fresh tmp folder, so the run is a cold one (~5 s on 2 cores).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "pyproject.toml"

#: What is checked: every module of the Qt-free core; ``monitor/ui`` (Qt) is not.
CHECKED = ("firmware_bridge", "calibration", "recordings", "monitor")
NOT_CHECKED = ("monitor/ui",)


def checked_files() -> list[str]:
    files: set[str] = set()
    for entry in CHECKED:
        path = ROOT / entry
        found = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        files.update(p.relative_to(ROOT).as_posix() for p in found)
    return sorted(f for f in files if not f.startswith(tuple(f"{n}/" for n in NOT_CHECKED)))


def mypy(args: list[str], cache: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mypy", "--config-file", str(CONFIG), "--cache-dir"]
    return subprocess.run(
        [*command, str(cache), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_the_qt_free_core_type_checks(tmp_path: Path) -> None:
    result = mypy(checked_files(), tmp_path / "cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_lists_name_modules_that_exist() -> None:
    """A module renamed or moved must not silently leave the check."""
    missing = [entry for entry in (*CHECKED, *NOT_CHECKED) if not (ROOT / entry).exists()]
    assert not missing
    assert "monitor/live_session.py" in checked_files()
    assert not [f for f in checked_files() if f.startswith("monitor/ui/")]


def test_the_config_catches_what_it_should(tmp_path: Path) -> None:
    """The rules in force: an untyped function, a wrong type and a stale ignore all fail."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def untyped(x):\n"
        "    return x\n"
        "\n"
        "def typed(x: int) -> str:\n"
        "    return x\n"
        "\n"
        "y: int = 1  # type: ignore[assignment]\n",
        encoding="utf-8",
    )
    result = mypy([str(sample)], tmp_path / "cache")
    assert result.returncode == 1
    for code in ("[no-untyped-def]", "[return-value]", "[unused-ignore]"):
        assert code in result.stdout, result.stdout
