"""What an instructor or therapist reads per segment of a recording: how well the band was kept.

Figures are about the time the probe was pressed (pressure at or above ``CONTACT_KPA``): the
rests between holds are part of good technique and must not dilute "time in band" or the
mean. The longest hold is counted exactly as the live hold timer counts it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from monitor.hold_timer import hold_durations

#: Below this the probe is resting on the skin or lifted, not pressing (kPa).
CONTACT_KPA = 10.0


@dataclass(frozen=True)
class SegmentStats:
    muscle: str
    side: str
    technique: str
    t_start: float
    t_end: float
    band_low_kpa: float  # NaN: a relative band without a threshold
    band_high_kpa: float
    contact_s: float  # time pressed
    in_band_pct: float  # of the time pressed; NaN without a band or without contact
    mean_kpa: float  # while pressed
    peak_kpa: float
    cv_pct: float  # coefficient of variation while pressed
    longest_hold_s: float

    @property
    def duration_s(self) -> float:
        return self.t_end - self.t_start


def segment_stats(segment: np.void, t: np.ndarray, pressure_kpa: np.ndarray) -> SegmentStats:
    """Figures for one row of a recording's segments table, from its samples' times and
    pressures (already cut to the segment)."""
    low, high = float(segment["band_low_kpa"]), float(segment["band_high_kpa"])
    dt = np.diff(t, prepend=t[0]) if t.size else t
    pressed = pressure_kpa >= CONTACT_KPA
    contact_s = float(dt[pressed].sum())
    loaded = pressure_kpa[pressed]
    has_band = math.isfinite(low) and math.isfinite(high)
    in_band = (pressure_kpa >= low) & (pressure_kpa <= high) if has_band else None
    mean = float(loaded.mean()) if loaded.size else math.nan
    holds = hold_durations(t, in_band) if in_band is not None else np.zeros(0)
    return SegmentStats(
        muscle=str(segment["muscle"]),
        side=str(segment["side"]),
        technique=str(segment["technique"]),
        t_start=float(segment["t_start"]),
        t_end=float(segment["t_end"]),
        band_low_kpa=low,
        band_high_kpa=high,
        contact_s=contact_s,
        in_band_pct=(
            100 * float(dt[in_band & pressed].sum()) / contact_s
            if in_band is not None and contact_s > 0
            else math.nan
        ),
        mean_kpa=mean,
        peak_kpa=float(pressure_kpa.max()) if pressure_kpa.size else math.nan,
        cv_pct=100 * float(loaded.std()) / mean if loaded.size > 1 and mean > 0 else math.nan,
        longest_hold_s=float(holds.max()) if holds.size else 0.0,
    )
