"""Calibration as a user does it: the wizard window offscreen, tare now, drift warnings."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from calibration import CalibrationError, CalibrationStore, LinearCalibration
from firmware_bridge.sim import SimulatorConfig
from monitor.acquisition import Acquisition
from monitor.calibration_wizard import Step
from monitor.live_buffer import LiveBuffer
from monitor.recorder import SessionRecorder
from recordings import read_recording


@pytest.fixture
def window_on(open_window, tmp_path: Path):
    """The main window with a calibration store of its own."""
    store = CalibrationStore(tmp_path / "calibrations")
    return lambda profile: open_window(profile, store=store, rate_hz=1000)


def test_wizard_window_calibrates_and_saves(window_on, qtbot, tmp_path: Path) -> None:
    window = window_on("weights")
    window.calibrate_button.click()
    dialog = window.calibration_dialog
    qtbot.addWidget(dialog)
    dialog.loads_edit.setText("1, 2, 5")
    dialog.unit_box.setCurrentText("kg")
    dialog.verify_edit.setText("2")
    dialog.start_button.click()
    assert dialog.wizard is not None and "zero" in dialog.instruction.text()
    qtbot.waitUntil(lambda: dialog.wizard.step is Step.FIT, timeout=30_000)
    assert dialog.points_table.rowCount() == 7
    assert "linearity" in dialog.fit_summary.text()
    assert dialog.accept_line.isVisible() and not dialog.accept_curve.isVisible()
    dialog.accept_line.click()
    qtbot.waitUntil(lambda: dialog.wizard.step is Step.DONE, timeout=15_000)
    assert dialog.verdict.isVisible()
    assert dialog.verdict.text().startswith("Verification ✓ PASS")
    assert dialog.save_button.isVisible()
    dialog.save_button.click()
    (record,) = CalibrationStore(tmp_path / "calibrations").history("SIM000000001")
    assert record.verification["passed"]
    assert 1 / record.coefficients["gain_n_per_unit"] == pytest.approx(1234.5, rel=1e-3)
    assert window.acquisition.calibration.source.startswith("calibrated ")


def test_bad_loads_are_refused_in_the_wizard(window_on, qtbot) -> None:
    window = window_on("steady")
    window.calibrate_button.click()
    dialog = window.calibration_dialog
    qtbot.addWidget(dialog)
    dialog.loads_edit.setText("one kilo")
    dialog.start_button.click()
    assert dialog.wizard is None
    assert "numbers separated by commas" in dialog.message.text()


def test_tare_now_zeroes_the_readout(window_on, qtbot) -> None:
    window = window_on("steady")  # 20 N on the probe: 200 kPa
    assert float(window.readout.value_label.text()) == pytest.approx(200, abs=1)
    qtbot.keyClick(window, "t")
    qtbot.waitUntil(lambda: abs(float(window.readout.value_label.text())) <= 1, timeout=3000)
    assert "Tared" in window.statusBar().currentMessage()


def test_tare_refuses_a_moving_or_uncalibrated_signal() -> None:
    acquisition = Acquisition("fgsim://", "fgb1")
    with pytest.raises(CalibrationError, match="no calibration to tare"):
        acquisition.tare(np.zeros(100))
    calibration = LinearCalibration(-52000, 1 / 1234.5, "test")
    acquisition.use_calibration(calibration)
    rng = np.random.default_rng(1)
    pressing = -52000 + np.linspace(0, 12345, 1000) + rng.normal(0, 30, 1000)
    with pytest.raises(CalibrationError, match="hold the probe still"):
        acquisition.tare(pressing)
    assert acquisition.calibration is calibration  # nothing changed


def test_drift_is_reported_and_recorded(tmp_path: Path) -> None:
    acquisition = Acquisition(SimulatorConfig(profile="drift").to_url(), "fgb1")
    events = []
    acquisition.connect(on_event=events.append)
    buffer = LiveBuffer()
    acquisition.connect(buffer.on_samples)
    acquisition.start()
    try:
        deadline = time.monotonic() + 5
        while buffer.written < 100 and time.monotonic() < deadline:
            time.sleep(0.05)
        recorder = SessionRecorder(acquisition, tmp_path / "s.h5")
        recorder.start()
        deadline = time.monotonic() + 15
        while not any(e.kind == "drift" for e in events) and time.monotonic() < deadline:
            time.sleep(0.1)
        result = recorder.stop()
    finally:
        acquisition.stop()
    (drift,) = [e for e in events if e.kind == "drift"]
    assert 0.5 < drift.value < 0.8  # warned soon after the zero passed the 0.5 N tolerance
    assert acquisition.drift.warned
    recording = read_recording(result.path)
    assert "drift" in recording.events["kind"].tolist()
