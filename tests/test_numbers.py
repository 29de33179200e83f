"""One number formatter: the unit's decimals, never "-0", the unit after a narrow space."""

from __future__ import annotations

import math

import numpy as np
import pytest

from calibration import unit_named
from monitor import numbers
from monitor.live_buffer import LiveBuffer
from monitor.live_view import LiveView
from monitor.targets import PERCENT_PPT, BandSpec, Target

N, KPA, LBF = unit_named("N"), unit_named("kPa"), unit_named("lbf")


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (-0.2, 0, "0"),
        (-0.04, 1, "0.0"),
        (-0.004, 2, "0.00"),
        (-0.0, 1, "0.0"),
        (0.2, 0, "0"),
        (-0.6, 0, "−1"),  # a real minus sign where the value is not zero
        (-12.345, 1, "−12.3"),
        (12.35, 1, "12.3"),  # binary 12.35 is below the half: Python's rounding, no surprise
        (141.4, 0, "141"),
    ],
)
def test_number_rounds_to_decimals_and_a_rounded_zero_has_no_sign(value, decimals, text):
    assert numbers.number(value, decimals) == text


@pytest.mark.parametrize("missing", [math.nan, math.inf, -math.inf])
def test_no_value_is_a_dash(missing: float) -> None:
    assert numbers.number(missing, 1) == numbers.NO_VALUE
    assert numbers.quantity(missing, N) == numbers.NO_VALUE  # no unit after a missing value


def test_each_unit_has_its_decimals_and_its_symbol_after_a_narrow_no_break_space() -> None:
    assert numbers.value(-0.2, KPA) == "0"
    assert numbers.quantity(12.04, N) == "12.0\u202fN"
    assert numbers.quantity(2.7, LBF) == "2.70\u202flbf"
    assert numbers.span(120, 170, KPA) == "120–170\u202fkPa"
    assert numbers.span(12.04, 17, N, symbol=False) == "12.0–17.0"  # the heading says N
    assert numbers.value(1.234, N, decimals=2) == "1.23"


def test_the_bands_label_follows_the_chosen_unit() -> None:
    buffer = LiveBuffer(capacity=100)
    buffer.append(np.arange(10) * 0.01, np.full(10, 14.0))
    view = LiveView(buffer, Target("Muscle", "moderate", BandSpec(120, 170), "test"))
    assert view.frame().band_label == "120–170\u202fkPa"
    view.unit = N  # 1 cm² probe: 10 kPa per newton
    assert view.frame().band_label == "12.0–17.0\u202fN"
    view.unit = LBF
    assert view.frame().band_label == "2.70–3.82\u202flbf"
    view.probe_area_cm2 = 0.5
    assert view.frame().band_label == "1.35–1.91\u202flbf"


def test_a_band_that_cannot_be_resolved_has_no_label() -> None:
    relative = Target("Muscle", "moderate", BandSpec(70, 90, basis=PERCENT_PPT), "test")
    view = LiveView(LiveBuffer(capacity=10), relative)
    frame = view.frame()
    assert frame.band_label == "" and frame.band_problem


def test_a_value_with_any_unit_has_the_same_rules() -> None:
    assert numbers.with_unit(49.6, "kPa/s", 0) == "50\u202fkPa/s"
    assert numbers.with_unit(-0.3, "kPa/s", 0) == "0\u202fkPa/s"  # no "-0" at rest
    assert numbers.with_unit(math.nan, "kPa/s", 0) == numbers.NO_VALUE
    assert numbers.with_unit(-12.0, "kPa/s", 0) == "−12\u202fkPa/s"


def test_pressure_is_in_kpa_to_its_decimals_unless_told() -> None:
    assert numbers.pressure(309.6) == "310\u202fkPa"
    assert numbers.pressure(12.04, 1) == "12.0\u202fkPa"
    assert numbers.pressure(-0.4) == "0\u202fkPa"
    assert numbers.pressure(math.nan) == numbers.NO_VALUE


def test_percent_has_a_narrow_space_before_the_sign() -> None:
    assert numbers.percent(33.333, 1) == "33.3\u202f%"
    assert numbers.percent(20.0) == "20\u202f%"
    assert numbers.percent(math.inf) == numbers.NO_VALUE


@pytest.mark.parametrize(
    ("value", "symbol", "text"),
    [
        (98.0665, "kPa/s", "98.0665\u202fkPa/s"),  # Fischer's rate is not rounded to 98
        (50.0, "kPa/s", "50\u202fkPa/s"),
        (0.5, "cm²", "0.5\u202fcm²"),
        (30.0, "s", "30\u202fs"),
        (100.0, "", "100"),
        (-0.00001, "", "0"),
        (math.nan, "s", numbers.NO_VALUE),
    ],
)
def test_a_value_as_given_keeps_its_decimals_but_none_trailing(value, symbol, text) -> None:
    assert numbers.as_given(value, symbol) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(40.2, "40\u202fs"), (59.4, "59\u202fs"), (59.6, "1:00"), (65.0, "1:05"), (math.nan, "—")],
)
def test_a_duration_is_seconds_under_a_minute_and_minutes_from_one(seconds, text) -> None:
    assert numbers.duration(seconds) == text
