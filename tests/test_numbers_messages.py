"""The numbers in messages, dialogs and command-line text go through monitor.numbers: a true
minus, never "-0", a dash for no value, a narrow no-break space before the unit, no exponent."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import h5py
import numpy as np
import pytest
from test_calibration_dialog import verified

from calibration import CalibrationStore, LinearCalibration
from firmware_bridge.reader import StreamEvent
from firmware_bridge.samples import SAMPLE_DTYPE
from monitor import numbers
from monitor.acquisition import CALIBRATED_DTYPE, Acquisition
from monitor.calibration_wizard import CalibrationWizard
from monitor.cli import main
from monitor.live_buffer import LiveBuffer
from monitor.targets import NEWTON, PERCENT_PPT, BandError, BandSpec, TargetBand
from monitor.ui.calibration_dialog import CalibrationDialog
from recordings import RecordingWriter, SessionInfo
from recordings.events import EventKind

NNBSP = numbers.UNIT_SPACE


def test_a_drifted_zero_below_zero_reads_with_a_true_minus_and_its_unit() -> None:
    acquisition = Acquisition("fgsim://?profile=steady", "fgb1")
    acquisition.use_calibration(LinearCalibration(gain_n_per_unit=1.0, source="test"))
    events: list[StreamEvent] = []
    acquisition.connect(on_event=events.append)
    for start in np.arange(0.0, 2.0, 0.1):  # two seconds of an unloaded probe at -0.8 N
        block = np.zeros(100, SAMPLE_DTYPE)
        block["t"] = start + np.arange(100) / 1000
        block["raw"] = -0.8
        acquisition.feed(block)
    drift = [event for event in events if event.kind == EventKind.DRIFT]
    assert drift and drift[0].detail == f"the unloaded probe reads −0.80{NNBSP}N: re-tare"
    acquisition.tare(np.full(1000, 0.8))  # zeroed 0.8 N low: the unloaded probe reads +0.8 N
    events.clear()
    for start in np.arange(2.0, 4.0, 0.1):
        block = np.zeros(100, SAMPLE_DTYPE)
        block["t"] = start + np.arange(100) / 1000
        block["raw"] = 1.6
        acquisition.feed(block)
    drift = [event for event in events if event.kind == EventKind.DRIFT]
    assert drift and drift[0].detail == f"the unloaded probe reads +0.80{NNBSP}N: re-tare"


def test_a_fit_near_zero_has_no_minus_zero_and_a_large_gain_no_exponent() -> None:
    """A cell whose zero reads -0.02 and 20000 counts per newton: the summary said
    "raw = -0.0 + 2e+04 F"."""
    rng = np.random.default_rng(5)

    def still(load_n: float) -> np.ndarray:
        return -0.02 + 20000 * load_n + rng.normal(0, 0.001, 1000)

    wizard = CalibrationWizard([1.0, 2.0], "X", "counts", with_unloading=False)
    wizard.confirm()  # no calibration in force: the user vouches for the zero
    assert wizard.feed(still(0)) and wizard.feed(still(1.0)) and wizard.feed(still(2.0))
    wizard.accept_fit()
    lines = wizard.summary()
    assert lines[1] == "Fit: straight line: raw = 0.0 + 20000 F (F in N, raw in counts)"
    assert re.fullmatch(
        rf"Worst residual \d\.\d{{3}}{NNBSP}N; linearity \d\.\d{{3}}{NNBSP}% of "
        rf"2\.0{NNBSP}N full scale",
        lines[2],
    )


def test_the_verdict_and_the_fit_in_the_dialog_are_written_through_numbers(
    qtbot, tmp_path, themed_app
) -> None:
    acquisition = Acquisition("fgsim://", "fgb1")
    dialog = CalibrationDialog(acquisition, LiveBuffer(), CalibrationStore(tmp_path / "cal"))
    qtbot.addWidget(dialog)
    dialog.open()
    verified(dialog)
    signed_percent = rf"(\+|−)?\d+\.\d\d{NNBSP}%"
    assert re.fullmatch(
        rf"Verification ✓ PASS: 15\.00{NNBSP}N reads \d+\.\d\d{NNBSP}N "
        rf"\({signed_percent}, tolerance ±\d+\.\d\d{NNBSP}N\)",
        dialog.verdict.text(),
    )
    assert re.fullmatch(
        rf"Sensitivity \d+\.\d\d{NNBSP}raw/N · zero \d+\.\d · linearity \d\.\d{{3}}{NNBSP}% FS · "
        rf"hysteresis — · full scale 20\.0{NNBSP}N",
        dialog.fit_summary.text(),
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [(1.254, "+1.25\u202f%"), (-0.4, "−0.40\u202f%"), (-0.001, "0.00\u202f%"), (np.nan, "—")],
)
def test_a_deviation_says_which_way_and_a_rounded_zero_neither(value: float, text: str) -> None:
    assert numbers.signed(value, 2, "%") == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(20000.0, "20000"), (1234.56, "1235"), (-0.00012345, "−0.0001234"), (1.0, "1"), (0.0, "0")],
)
def test_a_coefficient_keeps_its_significant_digits_without_an_exponent(value, text) -> None:
    assert numbers.significant(value, 4) == text


def test_a_band_reads_as_given_with_its_unit_after_a_narrow_space() -> None:
    assert BandSpec(12.25, 17.5, NEWTON).describe() == f"12.25–17.5{NNBSP}N"
    assert BandSpec(70, 90, PERCENT_PPT).describe() == f"70–90{NNBSP}% of PPT"
    with pytest.raises(BandError, match=f"got −5–10{NNBSP}kPa"):
        TargetBand(-5, 10)
    with pytest.raises(BandError, match=f"above 150{NNBSP}% of the PPT"):
        BandSpec(70, 160, PERCENT_PPT)


def test_a_threshold_that_is_not_a_number_is_recorded_as_not_measured() -> None:
    """A NaN PPT (a client's threshold read from a damaged file) was "PPT nan kPa"."""
    relative = BandSpec(70, 90, PERCENT_PPT)
    assert relative.basis_note(math.nan) == f"70–90{NNBSP}% of PPT not measured"
    assert relative.basis_note(312.5) == f"70–90{NNBSP}% of PPT 312.5{NNBSP}kPa"


def test_info_says_a_damaged_duration_has_no_value_and_json_keeps_numbers(
    tmp_path: Path, capsys
) -> None:
    """A recording whose last time stamp is NaN: the text said "over nan s"."""
    path = tmp_path / "damaged.h5"
    writer = RecordingWriter(
        path, SessionInfo(client="C-1"), {"protocol": "fgb1"}, {"gain_n_per_unit": 1.0}
    )
    writer.start()
    block = np.zeros(100, dtype=CALIBRATED_DTYPE)
    block["seq"] = np.arange(100)
    block["t"] = block["seq"] * 0.01
    writer.append(block)
    writer.close()
    assert main(["info", str(path)]) == 0
    assert f"samples   100 over 0.990{NNBSP}s (100.0{NNBSP}Hz)" in capsys.readouterr().out
    with h5py.File(path, "r+") as file:
        file["samples/t"][-1] = np.nan
    assert main(["info", str(path)]) == 0
    assert f"samples   100 over — (0.0{NNBSP}Hz)" in capsys.readouterr().out
    assert main(["info", "--json", str(path)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["duration_s"] is None and summary["rate_hz"] == 0.0
