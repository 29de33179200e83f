"""Under / in / over the target band, without flicker at the edges."""

from __future__ import annotations

from enum import Enum

from monitor.targets import TargetBand

#: Leaving a zone needs a crossing this far past the edge (fraction of the band's width), so
#: that tremor at an edge does not make the display and the cues flicker.
HYSTERESIS_FRACTION = 0.03


class Zone(Enum):
    UNDER = "under"
    IN = "in"
    OVER = "over"


def classify(pressure_kpa: float, band: TargetBand, previous: Zone | None = None) -> Zone:
    margin = HYSTERESIS_FRACTION * (band.high_kpa - band.low_kpa)
    low, high = band.low_kpa, band.high_kpa
    if previous is Zone.IN:
        low, high = low - margin, high + margin
    elif previous is Zone.UNDER:
        low += margin
    elif previous is Zone.OVER:
        high -= margin
    if pressure_kpa < low:
        return Zone.UNDER
    if pressure_kpa > high:
        return Zone.OVER
    return Zone.IN
