"""The PPT tab on the simulator's PPT profile: a protocol measured, recorded, exported, and
its thresholds made the client's basis for relative bands."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from monitor.cues import Cue
from recordings import read_recording


def test_a_short_protocol_end_to_end(open_window, qtbot, tmp_path: Path) -> None:
    window = open_window("ppt", rate_hz=100)
    window.treatment.client_edit.setText("C-0042")
    ppt = window.ppt
    window.tabs.setCurrentWidget(ppt)
    ppt.site_list.item(0).setCheckState(Qt.CheckState.Checked)  # upper trapezius
    ppt.sides_box.setCurrentText("left only")
    ppt.trials_box.setValue(2)
    ppt.rest_box.setValue(0)
    window.record_button.click()
    ppt.start_button.click()
    assert "Upper trapezius, left, trial 1 of 2" in ppt.next_label.text()
    qtbot.waitUntil(lambda: ppt.pace_label.text() != "", timeout=5000)  # the guide is live
    qtbot.waitUntil(lambda: ppt.session.run.finished, timeout=40_000)
    window.record_button.click()
    assert "Protocol complete" in ppt.next_label.text()
    assert Cue.REACHED in window.player.played  # each stop is heard

    assert ppt.table.rowCount() == 1
    thresholds = [float(v) for v in ppt.table.item(0, 2).text().split()]
    assert len(thresholds) == 2 and all(200 <= v <= 460 for v in thresholds)
    (file,) = tmp_path.glob("session-*.h5")
    table = read_recording(file).ppt_trials
    assert table["trial"].tolist() == [1, 2] and set(table["stop_source"]) == {"button"}
    assert table["threshold_kpa"] == pytest.approx(thresholds, abs=0.5)

    ppt.export_csv(tmp_path / "ppt.csv", {"client": "C-0042"})
    assert "# client: C-0042" in (tmp_path / "ppt.csv").read_text()
    ppt.export_pdf(tmp_path / "ppt.pdf", "Pressure-pain thresholds: C-0042", [])
    assert len(PdfReader(tmp_path / "ppt.pdf").pages) == 1

    ppt.basis_button.click()
    window.treatment.choose("Upper trapezius — deep", "left")
    assert window.treatment.ppt_kpa == pytest.approx(sum(thresholds) / 2, abs=0.5)


def test_starting_without_sites_says_why(open_window) -> None:
    window = open_window("steady")
    assert not window.ppt.start()
    assert "at least one site" in window.ppt.next_label.text()
