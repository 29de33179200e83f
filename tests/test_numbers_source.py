"""One number formatter: no module but monitor/numbers.py writes a number for people itself,
so "-0", a missing value and the space before a unit are decided in one place.

Exported CSV cells are a different job (a plain "-" and ".", no unit): ``csv_number`` in
monitor/review.py writes them, and a CSV's ``#`` lines (``comment_line``) stay as plain.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMATTER = "monitor/numbers.py"
#: A private formatter of its own: ``_num``, ``_number``, ``_fmt``, ``_format_x``, ``_seconds``...
OWN_FORMATTER = re.compile(r"^\s*def _(num|number|numbers|fmt|format\w*|decimal|seconds|cell)\(")
#: A hand-written "no value" dash, the start of a formatter of its own.
OWN_NO_VALUE = re.compile(r"""["']—["']\s+if\s+not\s+(math|np|numpy)\.isfinite""")
#: A number formatted in an f-string and followed by a unit ("{x:.0f} kPa", "{share:.0%}").
UNIT_AFTER_FORMAT = re.compile(
    r"\{[^{}]*:[^{}]*[fgd%]\}( |\\u202f)?(kPa|N\b|%|s\b|cm²|kg|lbf|raw|Hz|MB|samples)"
    r"|\{[^{}]*:[^{}]*\.\d+%\}"
)


def code_lines() -> list[tuple[str, int, str]]:
    """(module, line number, code without its comment) for every module but the formatter."""
    found = []
    for path in sorted((ROOT / "monitor").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name == FORMATTER:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found.append((name, number, line.split("  #", 1)[0]))
    return found


def units_formatted_by_hand() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, number, code in code_lines():
        if UNIT_AFTER_FORMAT.search(code) and "comment_line(" not in code:
            found.setdefault(name, []).append(f"{name}:{number}: {code.strip()}")
    return found


def test_no_module_defines_its_own_number_formatter() -> None:
    own = [
        f"{name}:{number}: {code.strip()}"
        for name, number, code in code_lines()
        if OWN_FORMATTER.search(code) or OWN_NO_VALUE.search(code)
    ]
    assert not own, "write numbers with monitor.numbers instead:\n" + "\n".join(own)


def test_no_module_writes_a_unit_after_a_number_it_formatted() -> None:
    stray = [line for lines in units_formatted_by_hand().values() for line in lines]
    assert not stray, "write numbers with monitor.numbers instead:\n" + "\n".join(stray)


def test_the_checks_find_what_they_look_for() -> None:
    """Each pattern matches the formatters this test was written against (it cannot pass by
    matching nothing)."""
    assert OWN_FORMATTER.search('def _num(value: float, decimals: int = 0, suffix: str = "")')
    assert OWN_FORMATTER.search("    def _format_pressure(self, kpa):")
    assert OWN_NO_VALUE.search('    return "—" if not math.isfinite(value) else f"{value:.0f}"')
    for written in ('f"{x:.0f} kPa"', 'f"{rate:g} kPa/s"', 'f"({off:.0%})"', 'f"{t:.1f} s"'):
        assert UNIT_AFTER_FORMAT.search(written), written
    for fine in ('f"{name} kPa"', "numbers.pressure(kpa)", 'f"{n:d}"', 'f"{x:.1f}"'):
        assert not UNIT_AFTER_FORMAT.search(fine), fine
