"""The README's two commands are the contract: CI must run exactly the test one."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    blocks = text.split("```")[1::2]
    return [block.strip() for block in blocks if block.strip().startswith("python3 -m venv")]


def test_readme_has_exactly_two_install_commands() -> None:
    run, test = readme_commands()
    assert run.endswith("pressure-monitor --demo")
    assert "pytest" in test


def test_ci_runs_the_readme_test_command() -> None:
    _, test = readme_commands()
    assert test in (ROOT / ".ci" / "run").read_text().splitlines()


def test_readme_picture_exists() -> None:
    assert (ROOT / "docs" / "images" / "main-window.png").stat().st_size > 10_000
