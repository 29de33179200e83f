"""The main window offscreen, on the in-process simulator, as a therapist would use it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QMessageBox

from firmware_bridge.sim import SimulatorConfig
from monitor.acquisition import Acquisition
from monitor.cues import Cue
from monitor.feedback import Zone
from monitor.settings import AppSettings
from monitor.ui import theme
from monitor.ui.main_window import MainWindow
from monitor.ui.target_editor import TargetEditor
from recordings import read_recording

STEADY_N = 20.0  # the simulator's steady profile: a 20 N dead weight, 200 kPa on 1 cm²
IN_AT_200 = "Tibialis anterior — deep"  # 165-240 kPa: the steady profile is in band


def readout_value(window: MainWindow) -> float:
    return float(window.readout.value_label.text())


def test_readout_shows_the_applied_pressure(open_window, qtbot) -> None:
    window = open_window("steady")
    # A first start shows trigger-point work on the upper trapezius, 120-170 kPa: over.
    assert window.view.target.label == "Upper trapezius — ischemic compression"
    qtbot.waitUntil(lambda: window.readout.zone_label.text() == theme.ZONE_STYLES[Zone.OVER].text)
    window.treatment.choose(IN_AT_200)
    qtbot.waitUntil(lambda: window.readout.zone_label.text() == theme.ZONE_STYLES[Zone.IN].text)
    assert readout_value(window) == pytest.approx(200, abs=1)
    assert window.readout.unit_label.text() == "kPa"
    assert window.readout.zone_label.text() == theme.ZONE_STYLES[Zone.IN].text
    window.unit_box.setCurrentText("N")
    qtbot.waitUntil(lambda: window.readout.unit_label.text() == "N", timeout=2000)
    assert readout_value(window) == pytest.approx(STEADY_N, abs=0.1)
    window.unit_box.setCurrentText("kgf")
    qtbot.waitUntil(lambda: window.readout.unit_label.text() == "kgf", timeout=2000)
    assert readout_value(window) == pytest.approx(STEADY_N / 9.80665, abs=0.01)


def test_readout_follows_a_changing_signal(open_window, qtbot) -> None:
    window = open_window("therapy")
    seen = set()

    def changing() -> bool:
        seen.add(window.readout.value_label.text())
        return len(seen) > 5

    # The therapist's ramp, hold and release show as changing numbers (within 4 s).
    qtbot.waitUntil(changing, timeout=4000)


def test_zone_changes_with_the_chosen_muscle(open_window, qtbot) -> None:
    window = open_window("steady")  # 200 kPa on the 1 cm² probe
    for label, zone, band in (
        ("Masseter — light", Zone.OVER, (15, 40)),
        (IN_AT_200, Zone.IN, (165, 240)),
        ("Levator scapulae — moderate", Zone.OVER, (60, 110)),
    ):
        window.treatment.choose(label)
        qtbot.waitUntil(lambda b=band: window.trace.band.getRegion() == pytest.approx(b))
        assert window.readout.zone_label.text() == theme.ZONE_STYLES[zone].text
    # No band lies clearly above 200 kPa (one starts at exactly 200, where noise decides):
    # the same load on a 2 cm² probe is 100 kPa, under the band that held it.
    window.treatment.choose(IN_AT_200)
    window.set_probe_area(2.0)
    under = theme.ZONE_STYLES[Zone.UNDER].text
    qtbot.waitUntil(lambda: window.readout.zone_label.text() == under)


def test_band_is_drawn_on_trace_and_gauge(open_window, qtbot) -> None:
    window = open_window("steady")
    qtbot.waitUntil(lambda: window.trace.band.getRegion() == pytest.approx((120, 170)))
    qtbot.wait(200)
    image = window.gauge.grab().toImage()
    frame = window.gauge.frame
    # Sample the gauge's band region beside the fill: it must carry the in-band colour.
    height = image.height()
    band_middle = frame.band[0] + (frame.band[1] - frame.band[0]) / 2
    margin = max(12, int(min(height / 24, image.width() / 14)))
    y = int(margin + (1 - band_middle / frame.scale_max) * (height - 2 * margin))
    x_left_of_fill = int(margin * 4.5 + 3)
    pixel = QColor(image.pixel(x_left_of_fill, y))
    assert pixel.green() > pixel.red() and pixel.green() > pixel.blue()


def test_record_button_makes_a_recording(open_window, qtbot, tmp_path: Path) -> None:
    window = open_window("steady", tmp_path / "sessions")
    window.record_button.click()
    assert window.recorder is not None
    qtbot.wait(1500)
    window.record_button.click()
    assert window.recorder is None
    files = list((tmp_path / "sessions").glob("session-*.h5"))
    assert len(files) == 1
    assert "saved" in window.recording_label.text()
    recording = read_recording(files[0])
    assert 500 < recording.samples["t"].size < 1000
    assert recording.samples["force"].mean() == pytest.approx(STEADY_N, abs=0.1)
    assert recording.segments["muscle"].tolist() == ["Upper trapezius"]
    assert recording.device["identity"] == "SIM000000001"


def test_switching_muscle_while_recording_starts_a_new_segment(open_window, qtbot, tmp_path):
    window = open_window("steady")
    window.record_button.click()
    qtbot.wait(600)
    window.treatment.muscle_box.setCurrentIndex(1)
    qtbot.wait(600)
    window.record_button.click()
    (file,) = tmp_path.glob("session-*.h5")
    segments = read_recording(file).segments
    assert segments["muscle"].tolist() == ["Upper trapezius", "Levator scapulae"]
    assert segments["technique"].tolist() == ["ischemic compression"] * 2
    assert segments["band_low_kpa"].tolist() == [120, 120]
    assert segments["t_end"][0] <= segments["t_start"][1]


def test_closing_the_window_while_recording_asks_first_and_keeps_the_data(
    open_window, qtbot, tmp_path, monkeypatch
):
    window = open_window("steady")
    window.force_close = False
    window.record_button.click()
    qtbot.wait(800)
    asked: list[str] = []

    def answer(choice):
        def question(parent, title, text, *args):
            asked.append(title)
            return choice

        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    assert not window.close()  # Cancel: the session goes on
    assert window.recorder is not None and asked == ["Stop recording and quit?"]
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    assert window.close()
    assert window.recorder is None
    (file,) = tmp_path.glob("session-*.h5")
    recording = read_recording(file)
    assert recording.samples["t"].size > 200
    assert recording.session["end_time"]
    assert not window.acquisition.reader.is_alive()


def test_recording_to_an_impossible_folder_says_so(open_window, qtbot, tmp_path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    window = open_window("steady", blocker / "sessions")
    window.record_button.click()
    assert window.recorder is None
    assert not window.record_button.isChecked()
    assert window.recording_label.text().startswith("Cannot record")


def test_status_bar_reports_rate_and_loss(open_window, qtbot) -> None:
    window = open_window("steady")
    qtbot.waitUntil(lambda: "samples/s" in window.status_label.text(), timeout=3000)
    qtbot.wait(1100)
    message = window.status_label.text()
    assert "connected to built-in simulator" in message
    assert "dropped 0" in message
    rate = float(message.split("\u202fsamples/s")[0].split()[-1])
    assert rate == pytest.approx(500, rel=0.1)


def test_probe_area_changes_pressure_and_is_recorded(open_window, qtbot, tmp_path) -> None:
    window = open_window("steady")  # 20 N
    window.probe_box.setCurrentIndex(1)
    window.probe_box.activated.emit(1)  # 0.5 cm²: twice the pressure
    qtbot.waitUntil(lambda: abs(readout_value(window) - 400) <= 2, timeout=2000)
    window.set_probe_area(0.8)
    assert window.probe_box.currentText() == "0.8\u202fcm²"
    qtbot.waitUntil(lambda: abs(readout_value(window) - 250) <= 2, timeout=2000)
    window.record_button.click()
    qtbot.wait(500)
    window.record_button.click()
    (file,) = tmp_path.glob("session-*.h5")
    assert read_recording(file).session["probe_area_cm2"] == pytest.approx(0.8)


def test_hold_timer_runs_while_in_band_and_says_when_reached(open_window, qtbot) -> None:
    window = open_window("steady")  # 200 kPa
    window.treatment.choose("Tibialis anterior — ischemic compression")  # 185-260 kPa, 60 s
    assert window.view.target.hold_s == 60
    qtbot.waitUntil(lambda: window.hold_display.bar.progress > 0, timeout=3000)
    assert window.hold_display.bar.text.startswith("hold ")
    assert window.hold_display.bar.text.endswith(" of 1:00")
    window.view.holds.reset(target_s=1.0)  # a short target, so the test need not wait 60 s
    qtbot.waitUntil(lambda: "REACHED" in window.hold_display.bar.text, timeout=3000)
    assert window.hold_display.bar.progress == 1.0
    window.treatment.choose("Masseter — light")  # 15-40 kPa: over, no target
    qtbot.waitUntil(lambda: window.hold_display.bar.text == "in band 0 s", timeout=2000)
    assert "longest hold 0 s" in window.hold_display.summary.text()


def test_treatment_flow_client_markers_and_sides(open_window, qtbot, tmp_path) -> None:
    window = open_window("steady")
    window.treatment.client_edit.setText("C-0042")
    window.treatment.side_box.setCurrentText("left")
    window.record_button.click()
    assert not window.treatment.client_edit.isEnabled()
    qtbot.wait(400)
    qtbot.keyClick(window, "1")  # a foot pedal typing "1" does the same
    qtbot.wait(300)
    window.treatment.side_box.setCurrentText("right")
    qtbot.wait(300)
    qtbot.keyClick(window, "m")
    qtbot.waitUntil(lambda: sum(item.line.isVisible() for item in window.trace._markers) == 3)
    shown = [item.label.toPlainText() for item in window.trace._markers if item.marker]
    assert shown == ["trigger point found", "SIDE: RIGHT", "marker"]
    qtbot.wait(300)
    window.record_button.click()
    (file,) = tmp_path.glob("session-*.h5")
    recording = read_recording(file)
    assert recording.session["client"] == "C-0042"
    markers = recording.events[recording.events["kind"] == "marker"]
    assert markers["label"].tolist() == ["trigger point found", "side: right", "marker"]
    segments = recording.segments
    assert segments["side"].tolist() == ["left", "right"]
    assert segments["muscle"].tolist() == ["Upper trapezius"] * 2
    assert segments["t_start"][1] >= segments["t_end"][0]
    assert segments["t_start"][1] < markers["t"][2] < segments["t_end"][1]


def test_demo_command_runs_and_quits_cleanly_on_sigterm(tmp_path: Path) -> None:
    """The README's `pressure-monitor --demo`, as a real process: it starts, keeps running
    on the simulator, and a SIGTERM (or Ctrl-C) from the terminal ends it cleanly."""
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    app = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    time.sleep(4)
    assert app.poll() is None, app.communicate()[1]
    app.send_signal(signal.SIGTERM)
    _, stderr = app.communicate(timeout=15)
    assert app.returncode == 0, stderr
    assert "Traceback" not in stderr


def test_choices_are_remembered_for_the_next_start(qtbot, tmp_path) -> None:
    saved: list[AppSettings] = []
    url = SimulatorConfig(rate_hz=200, profile="steady").to_url()
    first = MainWindow(Acquisition(url, "fgb1"), tmp_path, on_settings_changed=saved.append)
    qtbot.addWidget(first)
    first.unit_box.setCurrentText("N")
    first.set_probe_area(0.5)
    first.treatment.choose("Levator scapulae — moderate", "right")
    first.close()
    second = MainWindow(Acquisition(url, "fgb1"), tmp_path, settings=saved[-1])
    qtbot.addWidget(second)
    assert second.unit_box.currentText() == "N"
    assert second.view.unit.symbol == "N"
    assert second.view.probe_area_cm2 == 0.5 and second.probe_box.currentText() == "0.5\u202fcm²"
    assert second.view.target.label == "Levator scapulae — moderate"
    assert second.treatment.side == "right"
    second.close()


def test_relative_band_waits_for_the_clients_ppt_then_follows_it(open_window, qtbot) -> None:
    window = open_window("steady")  # 200 kPa
    bar = window.treatment
    bar.client_edit.setText("C-0042")
    bar.client_edit.editingFinished.emit()
    bar.choose("Infraspinatus — deep", "left")
    editor = TargetEditor(bar.library, bar.target, window)
    editor.basis_box.setCurrentText("% PPT")  # first: a kPa band is never read as %
    editor.low_box.setValue(70)
    editor.high_box.setValue(90)
    editor.save()
    assert editor.result() == editor.DialogCode.Accepted
    bar._target_changed()  # what closing the editor does
    assert bar.band_label.text() == "70–90\u202f% of PPT (edited)"
    qtbot.waitUntil(lambda: window.readout.zone_label.text() == theme.NO_BAND.text)
    qtbot.waitUntil(lambda: not window.trace.band.isVisible())
    bar.ppt_box.setValue(250)  # 175-225 kPa
    qtbot.waitUntil(lambda: window.readout.zone_label.text() == theme.ZONE_STYLES[Zone.IN].text)
    qtbot.waitUntil(lambda: window.trace.band.getRegion() == pytest.approx((175, 225)))
    assert bar.clients.threshold("C-0042", "Infraspinatus", "left").kpa == 250
    bar.side_box.setCurrentText("right")  # no PPT measured on the right
    qtbot.waitUntil(lambda: window.readout.zone_label.text() == theme.NO_BAND.text)
    bar.side_box.setCurrentText("left")
    assert bar.ppt_kpa == 250


def test_impossible_target_edit_is_refused_in_the_dialog(open_window) -> None:
    window = open_window("steady")
    bar = window.treatment
    editor = TargetEditor(bar.library, bar.target, window)
    editor.low_box.setValue(300)
    editor.high_box.setValue(100)
    editor.save()
    assert (
        "Not saved" in editor.problem_label.text() and "low < high" in editor.problem_label.text()
    )
    assert not bar.library.get(*bar.target.key).edited


def test_sound_cues_follow_the_zone(open_window, qtbot) -> None:
    window = open_window("steady")  # 200 kPa: over the first target's 120-170 kPa
    heard = window.player.played
    assert window.sound_button.isChecked() and window.sound_notice.text() == ""
    qtbot.waitUntil(lambda: Cue.OVER in heard)
    qtbot.waitUntil(lambda: heard.count(Cue.OVER) >= 2, timeout=4000)  # it keeps warning
    window.treatment.choose(IN_AT_200)
    qtbot.waitUntil(lambda: heard[-1] is Cue.IN)
    qtbot.keyClick(window, "s")  # sound off: silence, whatever happens
    assert not window.sound_button.isChecked()
    count = len(heard)
    window.treatment.choose("Masseter — light")  # over again
    qtbot.wait(500)
    assert len(heard) == count


def test_without_an_audio_device_the_app_says_it_is_silent(open_window) -> None:
    window = open_window("steady", sound=(None, "no audio output device"))
    assert window.sound_notice.isVisible()
    assert window.sound_notice.text() == "⚠ No sound: cues are visual only"
    assert "no audio output device" in window.sound_notice.toolTip()
    assert not window.sound_button.isEnabled() and not window.sound_button.isChecked()
    assert window.readout.value_label.text() != "—"  # the live display goes on


def test_notes_are_saved_with_the_session_even_if_it_crashes(open_window, qtbot, tmp_path):
    window = open_window("steady")
    window.notes_edit.setPlainText("Client reports morning stiffness.")
    window.record_button.click()
    qtbot.wait(300)
    window.notes_edit.setPlainText("Client reports morning stiffness. Referred pain to temple.")
    # Logged once typing pauses: a crash after this point keeps the notes as an event.
    qtbot.waitUntil(lambda: window.recorder._writer._notes is not None, timeout=4000)
    window.notes_edit.appendPlainText("Better after the second hold.")
    window.record_button.click()
    (file,) = tmp_path.glob("session-*.h5")
    recording = read_recording(file)
    final = (
        "Client reports morning stiffness. Referred pain to temple.\nBetter after the second hold."
    )
    assert recording.session["notes"] == final
    notes = recording.events[recording.events["kind"] == "note"]["label"].tolist()
    assert notes[0] == "Client reports morning stiffness. Referred pain to temple."
    assert notes[-1] == final


def test_treatment_actions_have_keys(open_window, qtbot) -> None:
    window = open_window("steady")
    bar = window.treatment
    qtbot.keyClick(window, "r")
    assert bar.side == "right"
    qtbot.keyClick(window, "l")
    assert bar.side == "left"
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert bar.target.label == "Levator scapulae — ischemic compression"
    qtbot.keyClick(window, "[")
    assert bar.target.label == "Levator scapulae — deep"
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    assert bar.target.label == "Upper trapezius — deep"
    qtbot.keyClick(window, "n")
    assert window.notes_edit.hasFocus()
    qtbot.keyClicks(window.notes_edit, "tl")  # typing in a field types, it is no shortcut
    assert window.notes_edit.toPlainText() == "tl" and bar.side == "left"
    qtbot.keyClick(window.notes_edit, Qt.Key.Key_Escape)
    qtbot.keyClick(window, "r")
    assert bar.side == "right"
    qtbot.keyClick(window, Qt.Key.Key_F1)
    text = window.shortcuts_box.text()
    assert all(key in text for key, _ in window.shortcuts)
    window.shortcuts_box.close()


def test_the_window_fits_a_1280_pixel_laptop_screen(open_window) -> None:
    """Every tab, with room for the window's frame; long muscle names are cut, not the window."""
    window = open_window("steady", sound=(None, "no audio device here"))  # the longer notice
    size = window.minimumSizeHint()
    assert size.width() <= 1270 and size.height() <= 720
