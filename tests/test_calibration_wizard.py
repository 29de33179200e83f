"""The calibration wizard on the simulator acting as a load cell under known masses.

The simulated cell's truth is 1234.5 counts/N with zero at -52000 counts: the wizard must
find it by itself, capturing each mass when it has settled."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from calibration import CalibrationError, CalibrationStore
from firmware_bridge.sim import SimulatorConfig
from firmware_bridge.sim.device import Fgb1Personality
from monitor.acquisition import Acquisition
from monitor.calibration_wizard import CalibrationWizard, Step
from monitor.live_buffer import LiveBuffer

KG = 9.80665
TRUE_COUNTS_PER_N = Fgb1Personality.COUNTS_PER_NEWTON
TRUE_ZERO = Fgb1Personality.ZERO_OFFSET


def run_wizard(wizard: CalibrationWizard, acquisition: Acquisition, buffer: LiveBuffer) -> None:
    deadline = time.monotonic() + 30
    while wizard.step is not Step.DONE:
        assert time.monotonic() < deadline, f"stuck at {wizard.step}: {wizard.instruction()}"
        time.sleep(0.1)
        wizard.feed(buffer.columns(1.0, ("raw",))["raw"])
        if wizard.step is Step.FIT:
            wizard.accept_fit()


def test_wizard_recovers_the_cells_true_calibration(tmp_path: Path) -> None:
    store = CalibrationStore(tmp_path)
    acquisition = Acquisition(SimulatorConfig(profile="weights").to_url(), "fgb1", store)
    buffer = LiveBuffer()
    acquisition.connect(buffer.on_samples)
    acquisition.start()
    try:
        wizard = CalibrationWizard(
            [1 * KG, 2 * KG, 5 * KG], "SIM000000001", "counts", verify_n=2 * KG
        )
        run_wizard(wizard, acquisition, buffer)
    finally:
        acquisition.stop()
    loads = [round(p.load_n / KG, 3) for p in wizard.points]
    assert loads == [0, 1, 2, 5, 2, 1, 0]
    assert [p.unloading for p in wizard.points] == [False] * 4 + [True] * 3
    calibration = wizard.chosen
    assert 1 / calibration.gain_n_per_unit == pytest.approx(TRUE_COUNTS_PER_N, rel=1e-3)
    assert calibration.offset == pytest.approx(TRUE_ZERO, abs=20)
    assert wizard.report.linearity_pct_fs < 0.1
    assert wizard.report.hysteresis_pct_fs < 0.1
    assert wizard.verification.passed
    assert abs(wizard.verification.error_n) < 0.05

    store.save(wizard.record(operator="lab"))
    # The next connection of this device applies it automatically.
    reconnect = Acquisition(SimulatorConfig(profile="steady").to_url(), "fgb1", store)
    buffer = LiveBuffer()
    reconnect.connect(buffer.on_samples)
    reconnect.start()
    try:
        deadline = time.monotonic() + 5
        while buffer.written < 500 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        reconnect.stop()
    assert reconnect.calibration.source.startswith("calibrated ")
    _, force = buffer.window(0.5)
    assert np.mean(force) == pytest.approx(20.0, abs=0.05)  # the steady 20 N dead weight


def test_wizard_needs_loads_and_a_name() -> None:
    with pytest.raises(CalibrationError, match="one or more known loads"):
        CalibrationWizard([], "X", "counts")
    wizard = CalibrationWizard([10.0], "", "N")
    with pytest.raises(CalibrationError, match="no fit yet"):
        wizard.accept_fit()
    with pytest.raises(CalibrationError, match="accept a fit first"):
        wizard.record()


def test_a_load_that_never_settles_is_not_captured() -> None:
    wizard = CalibrationWizard([10.0], "X", "counts", with_unloading=False)
    rng = np.random.default_rng(0)
    assert wizard.feed(rng.normal(0, 5, 1000))  # the tare
    pressing = np.linspace(0, 5000, 1000) + rng.normal(0, 5, 1000)
    assert not wizard.feed(pressing)
    assert not wizard.feed(rng.normal(0, 5, 1000))  # the same (unloaded) reading again
    assert wizard.feed(12345 + rng.normal(0, 5, 1000))
    assert wizard.step is Step.FIT
