"""Per-segment figures for review: checked against hand-made signals, and the review's hold
count against the live hold timer on any signal."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.feedback import Zone
from monitor.hold_timer import GRACE_S, HoldTimer, hold_durations
from monitor.segment_stats import segment_stats
from recordings.schema import SEGMENT_DTYPE


def segment(low: float = 100.0, high: float = 200.0) -> np.void:
    row = np.zeros(1, SEGMENT_DTYPE)
    row[0] = (0.0, 60.0, "Upper trapezius", "left", "ischemic compression", low, high, "absolute")
    return row[0]


def test_a_hold_with_rests_around_it() -> None:
    t = np.arange(0, 60, 0.01)  # 60 s at 100 Hz
    pressure = np.zeros(t.size)  # resting ...
    pressure[(t >= 10) & (t < 50)] = 150.0  # ... a 40 s hold in band ...
    pressure[(t >= 20) & (t < 30)] = 250.0  # ... of which 10 s over
    stats = segment_stats(segment(), t, pressure)
    assert stats.contact_s == pytest.approx(40, abs=0.02)
    assert stats.in_band_pct == pytest.approx(75, abs=0.1)  # 30 of the 40 s pressed
    assert stats.mean_kpa == pytest.approx((30 * 150 + 10 * 250) / 40, rel=1e-3)
    assert stats.peak_kpa == 250
    assert stats.cv_pct == pytest.approx(100 * np.std([150] * 3 + [250]) / 175, rel=1e-3)
    assert stats.longest_hold_s == pytest.approx(20, abs=0.02)  # after the 10 s over


def test_a_dip_shorter_than_the_grace_does_not_end_the_hold() -> None:
    t = np.arange(0, 30, 0.01)
    pressure = np.full(t.size, 150.0)
    pressure[(t >= 10) & (t < 10 + GRACE_S / 2)] = 90.0  # a tremor dip
    stats = segment_stats(segment(), t, pressure)
    assert stats.longest_hold_s == pytest.approx(30 - GRACE_S / 2, abs=0.02)


def test_no_band_and_no_contact_give_nan_not_nonsense() -> None:
    t = np.arange(0, 5, 0.01)
    unbanded = segment_stats(segment(math.nan, math.nan), t, np.full(t.size, 150.0))
    assert math.isnan(unbanded.in_band_pct) and unbanded.longest_hold_s == 0
    assert unbanded.mean_kpa == 150
    resting = segment_stats(segment(), t, np.zeros(t.size))
    assert resting.contact_s == 0 and math.isnan(resting.mean_kpa)
    assert math.isnan(resting.in_band_pct)
    empty = segment_stats(segment(), np.zeros(0), np.zeros(0))
    assert empty.contact_s == 0 and math.isnan(empty.peak_kpa)


@settings(max_examples=300, deadline=None)
@given(steps=st.lists(st.tuples(st.floats(0.001, 0.4), st.booleans()), min_size=1, max_size=300))
def test_review_counts_holds_as_the_live_timer_does(steps) -> None:
    t = np.cumsum([dt for dt, _ in steps])
    in_band = np.array([inside for _, inside in steps])
    timer = HoldTimer()
    longest = 0.0
    for when, inside in zip(t, in_band, strict=True):
        longest = timer.update(float(when), Zone.IN if inside else Zone.UNDER).longest_s
    holds = hold_durations(t, in_band)
    assert (holds.max() if holds.size else 0.0) == pytest.approx(longest, abs=1e-9)
    assert holds.sum() == pytest.approx(timer.state.total_s, abs=1e-9)
