"""The Qt-free live path: ring buffer, zones, and what the screen is told to show."""

from __future__ import annotations

import math

import numpy as np
import pytest

from calibration import unit_named
from monitor.drift import DriftMonitor
from monitor.feedback import Zone, classify
from monitor.live_buffer import LiveBuffer, min_max_decimate
from monitor.live_view import MAX_TRACE_POINTS, LiveView, nice_ceiling
from monitor.targets import BandError, BandSpec, Target, TargetBand

BAND = TargetBand(150, 220)
PRESET = Target("Test muscle", "moderate", BandSpec(150, 220), "test")


def test_buffer_window_wraps_and_keeps_order() -> None:
    buffer = LiveBuffer(capacity=100)
    for start in range(0, 250, 25):
        t = np.arange(start, start + 25) * 0.01
        buffer.append(t, t * 10)
    t, force = buffer.window(0.505)  # off the float boundary of 2.49 - 0.5
    assert t[0] == pytest.approx(1.99) and t[-1] == pytest.approx(2.49)
    assert np.all(np.diff(t) > 0)
    assert force == pytest.approx(t * 10)
    assert buffer.written == 250


def test_buffer_window_longer_than_held() -> None:
    buffer = LiveBuffer(capacity=10)
    buffer.append(np.arange(25.0), np.arange(25.0))
    t, _ = buffer.window(1000)
    assert t.tolist() == list(np.arange(15.0, 25.0))


def test_empty_buffer_window() -> None:
    t, force = LiveBuffer(capacity=8).window(30)
    assert t.size == force.size == 0


@pytest.mark.parametrize(
    ("pressure", "expected"), [(100, Zone.UNDER), (150, Zone.IN), (220, Zone.IN), (221, Zone.OVER)]
)
def test_zone_edges(pressure: float, expected: Zone) -> None:
    assert classify(pressure, BAND) is expected


def test_hysteresis_holds_the_zone_against_tremor_at_an_edge() -> None:
    zone = classify(151, BAND)
    for wobble in (149.5, 150.5, 149.0, 151.0):  # within 3 % of the band width (2.1 kPa)
        zone = classify(wobble, BAND, zone)
        assert zone is Zone.IN
    assert classify(147, BAND, zone) is Zone.UNDER


def test_view_shows_smoothed_value_and_zone_in_chosen_unit() -> None:
    buffer = LiveBuffer(capacity=10_000)
    t = np.arange(0, 5, 0.001)
    buffer.append(t, np.full(t.size, 18.0))  # 18 N on 1 cm² = 180 kPa
    view = LiveView(buffer, PRESET)
    frame = view.frame()
    assert frame.current == pytest.approx(180.0)
    assert frame.zone is Zone.IN
    assert frame.band == pytest.approx((150, 220))
    assert frame.t[-1] == 0 and frame.t[0] == pytest.approx(-4.999)
    view.unit = unit_named("N")
    frame = view.frame()
    assert frame.current == pytest.approx(18.0)
    assert frame.band == pytest.approx((15.0, 22.0))
    view.probe_area_cm2 = 0.5
    view.unit = unit_named("kPa")
    assert view.frame().zone is Zone.OVER  # 360 kPa on the smaller tip


def test_a_relative_band_follows_the_threshold_and_a_newton_band_the_probe() -> None:
    buffer = LiveBuffer(capacity=10_000)
    t = np.arange(0, 2, 0.001)
    buffer.append(t, np.full(t.size, 18.0))  # 180 kPa on 1 cm²
    relative = Target("Test muscle", "ischemic compression", BandSpec(70, 90, "% PPT"), "test")
    view = LiveView(buffer, relative)
    frame = view.frame()
    assert frame.band is None and frame.zone is None and "PPT" in frame.band_problem
    view.ppt_kpa = 200.0
    assert view.frame().band == pytest.approx((140, 180)) and view.frame().zone is Zone.IN
    view.ppt_kpa = 400.0
    assert view.frame().band == pytest.approx((280, 360)) and view.frame().zone is Zone.UNDER
    view.target = Target("Test muscle", "deep", BandSpec(10, 15, "N"), "test")
    assert view.frame().band == pytest.approx((100, 150))
    view.probe_area_cm2 = 0.5  # the same newtons on half the area: twice the pressure
    assert view.frame().band == pytest.approx((200, 300))


def test_view_without_data() -> None:
    frame = LiveView(LiveBuffer(capacity=8), PRESET).frame()
    assert math.isnan(frame.current)
    assert frame.zone is None


def test_view_without_calibration_has_no_zone() -> None:
    buffer = LiveBuffer(capacity=100)
    buffer.append(np.arange(10.0), np.full(10, np.nan))
    frame = LiveView(buffer, PRESET).frame()
    assert frame.zone is None and math.isnan(frame.current)


@pytest.mark.parametrize(("value", "ceiling"), [(330, 400), (0.7, 0.8), (100, 100), (101, 120)])
def test_nice_ceiling(value: float, ceiling: float) -> None:
    assert nice_ceiling(value) == pytest.approx(ceiling)


def test_band_must_be_ordered() -> None:
    with pytest.raises(BandError, match="low < high"):
        TargetBand(200, 100)


def test_drift_monitor_warns_once_per_drift() -> None:
    monitor = DriftMonitor(tolerance_n=0.5)
    rng = np.random.default_rng(3)
    warnings = []
    for second in range(30):
        t = second + np.arange(1000) / 1000
        zero = 0.1 * t if second < 15 else np.zeros(1000)  # creeps, then a re-tare
        if second == 15:
            monitor.reset()
        for part in np.array_split(np.arange(1000), 10):
            warning = monitor.check(t[part], zero[part] + rng.normal(0, 0.03, part.size))
            if warning:
                warnings.append(warning)
    assert len(warnings) == 1 and 0.5 < warnings[0].zero_n < 0.7
    pressing = DriftMonitor()
    t = np.arange(3000) / 1000
    assert pressing.check(t, 20 + np.sin(t * 9)) is None  # a loaded probe is no zero


def test_view_counts_the_hold_and_restarts_it_for_a_new_target() -> None:
    buffer = LiveBuffer(capacity=100_000)
    target = Target("Test muscle", "ischemic compression", BandSpec(150, 220), "test", 60.0)
    view = LiveView(buffer, target)
    for second in range(70):
        t = second + np.arange(0, 1, 0.01)
        buffer.append(t, np.full(t.size, 18.0))  # 180 kPa: in band
        frame = view.frame()
    assert frame.hold.current_s == pytest.approx(69, abs=0.1) and frame.hold.reached
    view.target = PRESET
    assert view.frame().hold.current_s == 0 and view.frame().hold.target_s is None


def test_trace_decimation_keeps_peaks_and_bounds_the_points() -> None:
    t = np.arange(300_000) / 10_000  # 30 s at 10 kHz
    force = np.zeros(t.size)
    force[123_457] = 50.0  # a one-sample spike
    force[200_001] = -3.0
    out_t, out_f = min_max_decimate(t, force, MAX_TRACE_POINTS)
    assert out_t.size <= MAX_TRACE_POINTS
    assert out_f.max() == 50.0 and out_f.min() == -3.0
    assert np.all(np.diff(out_t) >= 0) and out_t[0] == 0 and out_t[-1] == t[-1]
    few_t, few_f = min_max_decimate(t[:100], force[:100], MAX_TRACE_POINTS)
    assert np.array_equal(few_t, t[:100]) and np.array_equal(few_f, force[:100])


def test_the_trace_envelope_spans_the_ring_wrap_and_is_the_windows_decimation() -> None:
    """What a trace draws, reduced in place, equals reducing a copy of the window; and a
    frame's arrays stay as they were when the next frame is made."""
    rng = np.random.default_rng(7)
    buffer = LiveBuffer(capacity=5_000)
    for start in range(0, 12_000, 700):  # the window straddles the ring's end
        t = np.arange(start, start + 700) / 1000
        buffer.append(t, rng.normal(20, 5, t.size))
    t, force = buffer.window(3.0)
    first_t, first_force = buffer.envelope(3.0, 400)
    expected_t, expected_force = min_max_decimate(t, force, 400)
    assert np.array_equal(first_t, expected_t) and np.array_equal(first_force, expected_force)
    assert first_t.size <= 400 and first_force.max() == force.max()
    kept = first_force.copy()
    buffer.append(np.array([12.6]), np.array([99.0]))
    buffer.envelope(3.0, 400)
    assert np.array_equal(first_force, kept)
    short_t, _ = buffer.envelope(0.0505, 400)  # fewer samples than points: all of them
    assert short_t.size == 51 and short_t[-1] == 12.6


def test_a_stream_that_stopped_shows_no_pressure_and_stops_the_hold() -> None:
    """A pulled cable: the last value is not shown as if it were now."""
    buffer = LiveBuffer(capacity=10_000)
    target = Target("Test muscle", "ischemic compression", BandSpec(150, 220), "test", 60.0)
    view = LiveView(buffer, target)
    for second in range(5):  # 180 kPa, in band, for 5 s
        t = second + np.arange(0, 1, 0.01)
        buffer.append(t, np.full(t.size, 18.0))
        assert view.frame(now=t[-1]).zone is Zone.IN
    stale = view.frame(now=6.5)  # 1.5 s without a sample
    assert stale.zone is None and math.isnan(stale.current)
    stale = view.frame(now=7.1)  # and the hold's grace for a slip has passed too
    assert stale.hold.current_s == 0 and stale.hold.longest_s == pytest.approx(4, abs=0.1)
