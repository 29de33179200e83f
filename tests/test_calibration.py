"""Linear calibration and units, against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from calibration import (
    UNITS,
    CalibrationError,
    LinearCalibration,
    from_display,
    to_display,
    unit_named,
)


def test_counts_per_newton_form_matches_hand_computation() -> None:
    # HX711-style: force = (raw - offset) / counts_per_N
    calibration = LinearCalibration.from_counts_per_newton(1234.5, -52000, source="device")
    assert calibration.apply(np.array([-52000, -52000 + 12345]))[1] == pytest.approx(10.0)
    assert calibration.apply(np.array([-52000]))[0] == 0.0


@pytest.mark.parametrize("gain", [0.0, math.inf, math.nan])
def test_impossible_gain_is_refused(gain: float) -> None:
    with pytest.raises(CalibrationError, match="gain"):
        LinearCalibration(gain_n_per_unit=gain)


def test_zero_counts_per_newton_is_refused() -> None:
    with pytest.raises(CalibrationError, match="counts per newton"):
        LinearCalibration.from_counts_per_newton(0.0, 0.0, source="device")


def test_non_finite_offset_is_refused() -> None:
    with pytest.raises(CalibrationError, match="offset"):
        LinearCalibration(offset=math.nan)


@pytest.mark.parametrize(
    ("newtons", "symbol", "area", "expected"),
    [
        (10.0, "N", 1.0, 10.0),
        (9.80665, "kgf", 1.0, 1.0),
        (4.4482216152605, "lbf", 1.0, 1.0),
        (10.0, "kPa", 1.0, 100.0),  # 10 N on 1 cm² = 100 kPa
        (10.0, "kPa", 0.5, 200.0),
        (9.80665, "kgf/cm²", 1.0, 1.0),
        (4.4482216152605, "psi", 6.4516, 1.0),  # 1 lbf on 1 in²
    ],
)
def test_conversions(newtons: float, symbol: str, area: float, expected: float) -> None:
    assert to_display(newtons, unit_named(symbol), area) == pytest.approx(expected)


@given(st.floats(0, 1e4), st.sampled_from(UNITS), st.floats(0.05, 10))
def test_display_round_trip(newtons: float, unit, area: float) -> None:
    assert from_display(to_display(newtons, unit, area), unit, area) == pytest.approx(
        newtons, rel=1e-12, abs=1e-12
    )


def test_pressure_needs_a_positive_area() -> None:
    with pytest.raises(ValueError, match="probe area"):
        to_display(1.0, unit_named("kPa"), 0.0)


def test_unknown_unit_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="kgf/cm²"):
        unit_named("stone")
