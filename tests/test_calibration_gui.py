"""Calibration as a user does it: the wizard window offscreen, tare now, drift warnings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QDialog

from calibration import CalibrationError, CalibrationStore, LinearCalibration
from firmware_bridge.sim import SimulatorConfig, decoded_blocks
from monitor.acquisition import Acquisition, calibration_for
from monitor.live_buffer import LiveBuffer
from monitor.recorder import SessionRecorder
from monitor.ui.calibration_dialog import CalibrationDialog
from recordings import read_recording


@pytest.fixture
def window_on(open_window, tmp_path: Path):
    """The main window with a calibration store of its own."""
    store = CalibrationStore(tmp_path / "calibrations")
    return lambda profile: open_window(profile, store=store, rate_hz=1000)


def put(buffer: LiveBuffer, load_n: float, seed: int = 0) -> None:
    """Two more seconds of a still cell under ``load_n`` (1000 counts/N, zero at 5000): the
    last second the dialog offers holds only this load."""
    start = buffer.columns(0.001, ("t",))["t"]
    t = (start[-1] if start.size else 0.0) + np.arange(1, 2001) / 1000
    raw = 5000 + 1000 * load_n + np.random.default_rng(seed).normal(0, 5, 2000)
    buffer.append(t, np.full(2000, np.nan), raw)


@pytest.fixture
def dialog(calibration_dialog: CalibrationDialog) -> CalibrationDialog:
    return calibration_dialog


def test_the_dialog_shows_refusals_a_failed_fit_and_keeps_the_saved_result(
    dialog: CalibrationDialog, tmp_path: Path
) -> None:
    dialog.loads_edit.setText("10, 10.5")
    dialog.unit_box.setCurrentText("N")
    dialog.unloading_box.setChecked(False)
    dialog.verify_edit.setText("")
    dialog.name_edit.setText("bench cell")
    dialog.start_button.click()
    assert dialog.timer.isActive() and dialog.confirm_zero.isVisible()
    assert not dialog.next_weight.isVisible()  # not the simulator's weights-on-demand
    put(dialog.buffer, 0)
    dialog._feed()
    assert "confirm that nothing is on it" in dialog.message.text()  # no calibration in force
    dialog.confirm_zero.click()
    dialog._feed()
    assert dialog.points_table.rowCount() == 1 and not dialog.confirm_zero.isVisible()
    put(dialog.buffer, 10.0, seed=1)
    dialog._feed()
    put(dialog.buffer, 9.8, seed=2)  # within 10 % of 10.5 N, but lighter than 10 N
    dialog._feed()
    assert "The fit failed: the reading does not change steadily" in dialog.message.text()
    assert not dialog.accept_line.isVisible() and not dialog.timer.isActive()
    assert dialog.retake_button.text() == "&Retake 1.071\u202fkg (10.50\u202fN)"
    dialog.retake_button.click()
    assert dialog.timer.isActive() and dialog.points_table.rowCount() == 2
    put(dialog.buffer, 10.5, seed=3)
    dialog._feed()
    assert dialog.accept_line.isVisible() and "linearity" in dialog.fit_summary.text()
    dialog.save_button.click()  # not shown yet: refused, not raised
    assert "verify the calibration" not in dialog.message.text()
    dialog.accept_line.click()
    assert dialog.save_button.isVisible() and not dialog.skip_verify.isVisible()
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.saved_summary.isVisible()
    result = dialog.saved_summary.text()
    assert (
        "3 points: 0.000\u202fkg (0.00\u202fN), 1.020\u202fkg (10.00\u202fN), "
        "1.071\u202fkg (10.50\u202fN)" in result
    )
    assert "Not verified: no verification load was given" in result
    (saved,) = (tmp_path / "cal").glob("*.json")
    assert f"Saved to {saved}" in result
    assert dialog.close_button.text() == "&Close" and not dialog.back_button.isVisible()
    assert not dialog.timer.isActive()
    assert CalibrationStore(tmp_path / "cal").history("bench cell")[0].verification is None
    assert dialog.acquisition.calibration.source.startswith("calibrated ")
    dialog.close_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_bad_loads_are_refused_and_restart_goes_back_to_them(dialog: CalibrationDialog) -> None:
    dialog.loads_edit.setText("one kilo")
    dialog.start_button.click()
    assert dialog.wizard is None
    assert "numbers separated by commas" in dialog.message.text()
    dialog.loads_edit.setText("1, 2, 2")
    dialog.start_button.click()
    assert dialog.wizard is None and "given twice" in dialog.message.text()
    dialog.loads_edit.setText("1, 2")
    dialog.start_button.click()
    assert dialog.wizard is not None and not dialog.loads_edit.isEnabled()
    assert not dialog.back_button.isEnabled()  # nothing before the zero
    dialog.restart_button.click()
    assert dialog.wizard is None and dialog.loads_edit.isEnabled()
    assert not dialog.timer.isActive()
    dialog.close_button.click()
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_tare_now_zeroes_the_readout(window_on, qtbot) -> None:
    window = window_on("drift")  # the unloaded probe's zero creeps 0.1 N a second
    qtbot.waitUntil(lambda: float(window.readout.value_label.text()) >= 2, timeout=15000)
    qtbot.keyClick(window, "t")
    qtbot.waitUntil(lambda: abs(float(window.readout.value_label.text())) <= 1, timeout=3000)
    assert window.message_line.note_label.toolTip().startswith("Tared")


def test_tare_is_refused_while_the_probe_is_pressed(window_on, qtbot) -> None:
    window = window_on("steady")  # 20 N on the probe, still: a press, not a zero
    qtbot.keyClick(window, "t")
    warning = window.message_line.warning_label.toolTip()
    assert "Not tared: the probe reads 20.0\u202fN: take it off the client" in warning
    qtbot.wait(300)
    assert float(window.readout.value_label.text()) == pytest.approx(200, abs=1)


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
    held = -52000 + 1234.5 * 5 + rng.normal(0, 30, 1000)  # still, but 5 N on it
    with pytest.raises(CalibrationError, match=r"reads 5.0\u202fN: take it off the client"):
        acquisition.tare(held)
    assert acquisition.calibration is calibration  # nothing changed


def test_drift_is_reported_and_recorded(tmp_path: Path) -> None:
    """The drift profile's unloaded zero creeps 0.1 N a second, on the simulator's virtual
    clock through the real decoder: warned once past 0.5 N, and the warning is recorded."""
    info, blocks, _ = decoded_blocks(SimulatorConfig(profile="drift"), 15.0, 0.05)
    for block in blocks:  # on the session clock, as the reader puts them (its offset 0 here)
        block["t"] = block["t_device"]
    acquisition = Acquisition("fgsim://", "fgb1")  # not started: the test feeds its blocks
    acquisition.use_calibration(calibration_for(info))  # the device's own, as the reader finds
    events = []
    acquisition.connect(on_event=events.append)
    for block in blocks[:20]:  # a second shown live before the recording starts
        acquisition.feed(block)
    recorder = SessionRecorder(acquisition, tmp_path / "s.h5")
    recorder.start()
    for block in blocks[20:]:
        acquisition.feed(block)
    result = recorder.stop()
    (drift,) = [e for e in events if e.kind == "drift"]
    assert 0.5 < drift.value < 0.8  # warned soon after the zero passed the 0.5 N tolerance
    assert acquisition.drift.warned
    recording = read_recording(result.path)
    assert recording.events[recording.events["kind"] == "drift"]["t"].tolist() == [drift.t]
