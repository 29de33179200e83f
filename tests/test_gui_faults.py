"""The window under the faults of issue 13, in a real window offscreen: what must not be missed
shows in a banner on every tab while it lasts, and the data are kept."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np
from conftest import HeardCues, needs_pty, speaking_pty
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from test_write_faults import fill, small_disk

from calibration import CalibrationStore
from firmware_bridge.reader import ReaderStatus
from monitor.acquisition import Acquisition
from monitor.alerts import current_alerts
from monitor.target_library import TargetLibrary
from monitor.ui.main_window import MainWindow
from monitor.ui.target_editor import TargetEditor
from recordings import WriterStatus, read_recording


def test_alerts_put_data_at_risk_first() -> None:
    writer = WriterStatus(
        error="no room left to write s.h5",
        latest="no room left to write s.h5",
        held_samples=5000,
        held_seconds=5,
    )
    silent = ReaderStatus(connected=True, silence="no data", silence_reason="no readings for 4 s")
    alerts = current_alerts(silent, writer, "stored calibration not used: damaged")
    assert [a.data_at_risk for a in alerts] == [True, False, False]
    assert alerts[0].text.startswith("Recording: cannot write: no room left to write s.h5")
    assert alerts[1].text == "NO SIGNAL: no readings for 4 s"
    assert "device's own calibration" in alerts[2].text
    assert current_alerts(ReaderStatus(connected=True)) == ()


def start_recording(window: MainWindow, qtbot) -> None:
    qtbot.keyClick(window, "r", Qt.KeyboardModifier.ControlModifier)
    assert window.recorder is not None


def test_a_removed_folder_is_shown_at_once_and_the_rescue_opens_in_review(
    open_window, qtbot, tmp_path: Path
) -> None:
    folder = tmp_path / "recordings"
    window = open_window("steady", recordings_dir=folder)
    start_recording(window, qtbot)
    qtbot.waitUntil(lambda: window.recorder.status().samples_written > 0)  # in the folder
    shutil.rmtree(folder)
    qtbot.waitUntil(lambda: "was removed or moved" in window.banner.text(), timeout=5000)
    assert window.banner.isVisible() and "the recording goes on in" in window.banner.text()
    window.tabs.setCurrentWidget(window.review)
    assert window.banner.isVisible(), "on every tab"
    at_banner = window.recorder.status().samples_written
    qtbot.waitUntil(lambda: window.recorder.status().samples_written > at_banner)  # goes on
    start_written = window.recorder.status().samples_written
    qtbot.keyClick(window, "r", Qt.KeyboardModifier.ControlModifier)  # stop
    label = window.recording_label.toolTip()
    assert "saved" in label and str(folder) not in label.split("saved", 1)[1]
    assert window.banner.text().startswith("⚠ The last recording: "), "it stays in sight"
    assert window.width() <= 1280, "a long result never widens the window past the screen"
    assert window.review.file is not None
    opened = window.review.file.path
    assert opened.parent.name == "rescue", "the review shows the file that holds the samples"
    rescued = read_recording(opened)
    assert rescued.samples["seq"].size >= start_written
    assert np.all(np.diff(rescued.samples["seq"]) == 1), "everything, from the first sample"


def test_a_full_disk_waits_in_memory_and_asks_before_letting_go(
    open_window, qtbot, tmp_path: Path, monkeypatch
) -> None:
    with small_disk(tmp_path / "disk", "4m") as disk:
        monkeypatch.setenv("PRESSURE_MONITOR_DATA", str(disk / "data"))  # rescue: same disk
        window = open_window("steady", recordings_dir=disk / "recordings")
        start_recording(window, qtbot)
        qtbot.waitUntil(lambda: window.recorder.status().samples_written > 0)
        ballast = fill(disk)
        qtbot.waitUntil(lambda: "wait in memory" in window.banner.text(), timeout=8000)
        assert "room for" in window.banner.text()

        asked = []

        def free_space_then_retry() -> None:
            box = QApplication.activeModalWidget()
            if not isinstance(box, QMessageBox):
                QTimer.singleShot(50, free_space_then_retry)
                return
            asked.append(box.text())
            assert "Free some space" in box.text()
            ballast.unlink()
            box.button(QMessageBox.StandardButton.Retry).click()

        QTimer.singleShot(0, free_space_then_retry)
        qtbot.keyClick(window, "r", Qt.KeyboardModifier.ControlModifier)  # stop
        assert asked, "stopping with samples in memory asks first"
        assert window.recorder is None
        result = window.recording_label.toolTip()
        assert result.startswith("saved ") and "writing was held up: no room left" in result
        assert "all in session-" in window.recording_label.text()
        assert not window.banner.isVisible(), "all in the session's file: nothing to fear now"
        window.close()


def test_notes_a_file_cannot_hold_are_refused_and_cost_nothing(
    open_window, qtbot, tmp_path: Path
) -> None:
    window = open_window("steady")
    start_recording(window, qtbot)
    window.notes_edit.setPlainText("left side tender")
    window._save_notes()
    window.notes_edit.setPlainText("left side tender\x00pasted")
    window._save_notes()
    assert "NUL" in window.banner.text() and window.banner.isVisible()
    qtbot.wait(600)
    qtbot.keyClick(window, "r", Qt.KeyboardModifier.ControlModifier)
    assert (
        "lost" not in window.recording_label.toolTip()
        and "⚠" not in window.recording_label.toolTip()
    )
    (path,) = tmp_path.glob("session-*.h5")
    recording = read_recording(path)
    assert recording.session["notes"] == "left side tender"
    assert np.all(np.diff(recording.samples["seq"]) == 1)


@needs_pty
def test_a_silent_device_says_no_signal_and_why(qtbot, tmp_path: Path) -> None:
    readings = (f"{10 + i % 3}.5\r\n".encode() for i in range(30))  # 0.6 s, then silence
    with speaking_pty(readings) as port:
        acquisition = Acquisition(port, "ascii:unit=N")
        window = MainWindow(acquisition, tmp_path, open_sound=lambda: (HeardCues(), ""))
        qtbot.addWidget(window)
        acquisition.start()
        window.show()
        try:
            qtbot.waitUntil(lambda: window.readout.value_label.text() != "—", timeout=5000)
            qtbot.waitUntil(
                lambda: "NO SIGNAL: no readings for" in window.banner.text(), timeout=8000
            )
            assert window.readout.zone_label.text() == "NO SIGNAL"
        finally:
            window.close()


def test_a_damaged_calibration_store_is_shown(open_window, tmp_path: Path) -> None:
    store = CalibrationStore(tmp_path / "calibrations")
    damaged = store.path_for("SIM000000001")
    damaged.parent.mkdir()
    damaged.write_text("{ damaged")
    window = open_window("steady", store=store)
    deadline = time.monotonic() + 3
    while "calibration" not in window.banner.text() and time.monotonic() < deadline:
        QApplication.processEvents()
    assert "stored calibration not used" in window.banner.text()
    assert str(damaged) in window.banner.text()


def test_the_target_editor_says_why_it_cannot_save(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "targets.json"
    path.write_text("{ damaged")
    library = TargetLibrary.load(path)
    editor = TargetEditor(library, library.get("Masseter", "deep"))
    qtbot.addWidget(editor)
    assert "were not used" in editor.problem_label.text()
    editor.low_box.setValue(20)
    editor.save()
    assert editor.problem_label.text().startswith("Not saved: kept the damaged file intact")
    assert path.read_text() == "{ damaged"
