"""The PPT tab on the simulator's PPT profile: a protocol measured, recorded, exported, and
its thresholds made the client's basis for relative bands."""

from __future__ import annotations

import json
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


def test_a_whole_protocol_three_sites_two_sides_three_trials(
    open_window, qtbot, tmp_path: Path
) -> None:
    """The issue's walk, at 250 kPa/s so that it takes a minute, not five."""
    window = open_window("ppt", rate_hz=500, ppt_rate=250.0, ppt_rest=0.8)
    window.treatment.client_edit.setText("C-0099")
    ppt = window.ppt
    window.tabs.setCurrentWidget(ppt)
    sites = ("Upper trapezius", "Tibialis anterior", "Gastrocnemius")
    for row in range(ppt.site_list.count()):
        if ppt.site_list.item(row).text() in sites:
            ppt.site_list.item(row).setCheckState(Qt.CheckState.Checked)
    ppt.rate_box.setCurrentText("custom")
    ppt.custom_rate.setValue(250)
    ppt.rest_box.setValue(0)
    ppt.order_box.setCurrentText("alternating")
    window.record_button.click()
    assert ppt.start()
    decisions = 0
    while not ppt.session.run.finished:
        qtbot.waitUntil(
            lambda: ppt.session.run.finished or ppt.session.run.pending is not None,
            timeout=20_000,
        )
        if ppt.session.run.pending is not None:  # a too-fast ramp: repeat once, then keep
            assert ppt.repeat_button.isVisible()
            (ppt.repeat_button if decisions % 2 == 0 else ppt.keep_button).click()
            decisions += 1
    window.record_button.click()
    assert decisions >= 2

    assert ppt.table.rowCount() == 6
    for row in range(6):
        values = ppt.table.item(row, 2).text().split()
        assert len(values) == 3 and all(200 <= float(v) <= 460 for v in values)
    (file,) = tmp_path.glob("session-*.h5")
    recording = read_recording(file)
    table = recording.ppt_trials
    (protocol,) = recording.events[recording.events["kind"] == "ppt_protocol"]["label"]
    settings = json.loads(protocol)
    assert settings["order"] == "alternating" and settings["rate_kpa_s"] == 250
    assert settings["sites"] == list(sites) and settings["tolerance"] == 0.2
    assert len(table) == 18
    assert {(site, side) for site, side in zip(table["site"], table["side"], strict=True)} == {
        (site, side) for site in sites for side in ("left", "right")
    }
    assert {"button", "release"} <= set(table["stop_source"])  # the fallback was needed
    assert (table["accepted"] == 0).sum() == decisions // 2  # the kept flagged trials
    assert set(table["target_rate_kpa_s"]) == {250.0}
    ppt.export_pdf(tmp_path / "walk.pdf", "Pressure-pain thresholds: C-0099", [])
    assert len(PdfReader(tmp_path / "walk.pdf").pages) == 1


def test_a_trial_reaching_the_safety_maximum_stops_with_an_alarm(open_window, qtbot) -> None:
    window = open_window("ppt", rate_hz=200, ppt_rate=250.0, ppt_rest=0.5)
    ppt = window.ppt
    window.tabs.setCurrentWidget(ppt)
    ppt.site_list.item(0).setCheckState(Qt.CheckState.Checked)
    ppt.sides_box.setCurrentText("left only")
    ppt.rate_box.setCurrentText("custom")
    ppt.custom_rate.setValue(250)
    ppt.safety_box.setValue(150)  # below every simulated threshold
    assert ppt.start()
    qtbot.waitUntil(lambda: ppt.session.run.pending is not None, timeout=15_000)
    assert "safety maximum of 150 kPa" in ppt.flag_label.text()
    assert window.player.played[-1] is Cue.OVER  # the alarm, not the chime of a normal stop
