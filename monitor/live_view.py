"""What the live screen shows, computed from the live buffer: Qt-free, so tested without a GUI."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple

import numpy as np

from calibration import Unit, convert, to_display, unit_named
from monitor.feedback import Zone, classify
from monitor.hold_timer import HoldState, HoldTimer
from monitor.live_buffer import LiveBuffer
from monitor.markers import MARKER_KEYS
from monitor.numbers import span
from monitor.targets import BandError, Target, TargetBand

WINDOW_S = 30.0  # the trace's fixed width
SMOOTHING_S = 0.15  # the readout averages this much, so tremor does not make digits dance
#: A newest sample older than this is no current pressure (a pulled cable, a device that
#: stopped): the readout says NO SIGNAL rather than show the last value as if it were now.
STALE_AFTER_S = 1.0
GAUGE_HEADROOM = 1.5  # the gauge reaches this far above the band's top
#: The trace reaches this far beyond its highest (and lowest, below zero) point shown.
TRACE_HEADROOM = 1.1
#: The trace's points until the window says how wide it is: min/max pairs, so peaks stay
#: visible while redrawing stays cheap at any sample rate (the stroke is the largest cost of
#: a frame). The window asks for one pair per 2 pixels, its pen's width (``trace_points``).
MAX_TRACE_POINTS = 1600
_KPA = unit_named("kPa")


class MarkerKind(Enum):
    """What a marker on the trace stands for: drawn differently, so a side change is not taken
    for one more note."""

    NOTE = "note"  # a marker key or a typed note
    SIDE = "side"  # the treatment moved to the other side


#: A marker key's label -> its key: the shortest name a crowded trace gives that marker.
_KEY_OF = {label: key for key, label in MARKER_KEYS.items()}


class Marker(NamedTuple):
    t: float  # session time in the view; s before the newest sample in a frame
    label: str
    kind: MarkerKind = MarkerKind.NOTE

    def forms(self) -> tuple[str, ...]:
        """The label as the trace can show it, longest first: whole, its first word, and its
        marker key (the side's letter), so a crowded trace shortens labels, not drops them."""
        words = self.label.split()
        if self.kind is MarkerKind.SIDE:  # "side: left" -> "SIDE: LEFT", "LEFT", "L"
            side = words[-1].upper() if words else ""
            forms = (self.label.upper(), side, side[:1])
        else:
            key = _KEY_OF.get(self.label)
            shortest = key if key is not None else f"{self.label[:1]}…"
            forms = (self.label, words[0] if words else "", shortest)
        return tuple(dict.fromkeys(form for form in forms if form))


@dataclass(frozen=True)
class LiveFrame:
    t: np.ndarray  # s before the newest sample (-WINDOW_S .. 0), at most ``trace_points``
    value: np.ndarray  # in ``unit``, min/max pairs where the window holds more samples
    current: float  # smoothed newest value in ``unit``; NaN without data
    zone: Zone | None  # None without data or without a calibration
    band: tuple[float, float] | None  # in ``unit``; None when it cannot be resolved
    scale_max: float  # the gauge's and the trace's top, in ``unit``
    unit: Unit
    hold: HoldState
    markers: tuple[Marker, ...] = ()  # their times in s before the newest sample
    band_problem: str = ""  # why there is no band (a relative band without the client's PPT)
    band_label: str = ""  # the band in ``unit`` with its symbol, e.g. "12.0–17.0 N"
    #: The trace's y range in ``unit``: the band and all the trace shows, with headroom; None
    #: for 0 to ``scale_max`` (a frame without the trace).
    trace_range: tuple[float, float] | None = None


_NICE_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceiling(value: float) -> float:
    """The next round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k) at or above ``value``."""
    if not value > 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in _NICE_STEPS if step * power >= value * (1 - 1e-12))


class LiveView:
    def __init__(
        self,
        buffer: LiveBuffer,
        target: Target,
        unit: Unit = _KPA,
        probe_area_cm2: float = 1.0,
        window_s: float = WINDOW_S,
    ) -> None:
        self.buffer = buffer
        self.holds = HoldTimer()
        self._ppt_kpa: float | None = None
        self.target = target
        self.unit = unit
        self.probe_area_cm2 = probe_area_cm2
        self.window_s = window_s
        self.trace_points = MAX_TRACE_POINTS
        self._markers: list[Marker] = []  # at session times
        self._band_key: tuple = ()
        self._band_cache: tuple[TargetBand | None, tuple[float, float] | None, str]

    def add_marker(self, t: float, label: str, kind: MarkerKind = MarkerKind.NOTE) -> None:
        self._markers.append(Marker(t, label, kind))

    def add_side_change(self, t: float, side: str) -> None:
        """The treatment moved to ``side`` at session time ``t``: a marker drawn apart."""
        self.add_marker(t, f"side: {side}", MarkerKind.SIDE)

    def clear_markers(self) -> None:
        self._markers.clear()

    @property
    def target(self) -> Target:
        return self._target

    @target.setter
    def target(self, target: Target) -> None:
        """A new muscle, technique or side: a new band and a new hold count."""
        self._target = target
        self.restart()

    @property
    def ppt_kpa(self) -> float | None:
        return self._ppt_kpa

    @ppt_kpa.setter
    def ppt_kpa(self, ppt_kpa: float | None) -> None:
        """The client's threshold at this site: the basis of a relative band."""
        self._ppt_kpa = ppt_kpa
        if self._target.band.relative:
            self.restart()

    def restart(self) -> None:
        self._zone: Zone | None = None
        self.holds.reset(self._target.hold_s)

    def band_kpa(self) -> TargetBand:
        """The band in kPa on the current probe (BandError when it cannot be resolved)."""
        return self._target.band.resolve(self.probe_area_cm2, self._ppt_kpa)

    def _kpa_to_unit(self, kpa: float) -> float:
        return float(convert(kpa, _KPA, self.unit, self.probe_area_cm2))

    def frame(self, with_trace: bool = True, now: float | None = None) -> LiveFrame:
        """What the screen shows at session time ``now`` (default: the newest sample's);
        without ``with_trace`` the trace arrays are left empty (a frame that only moves the
        gauge need not reduce the whole window)."""
        t, force = self.buffer.window(SMOOTHING_S)
        band, band_in_unit, band_problem = self._band()
        current_n = float("nan")
        stale = t.size > 0 and now is not None and now - t[-1] > STALE_AFTER_S
        if t.size and not stale:
            current_n = float(force.mean())
        if math.isfinite(current_n) and band is not None:
            pressure_kpa = float(to_display(current_n, _KPA, self.probe_area_cm2))
            self._zone = classify(pressure_kpa, band, self._zone)
        else:
            self._zone = None
        if stale and now is not None:
            # no signal: time passes out of band, so the hold ends after its grace
            hold = self.holds.update(now, None)
        else:
            hold = self.holds.update(float(t[-1]), self._zone) if t.size else self.holds.state
        newest = float(t[-1]) if t.size else 0.0
        markers = tuple(
            marker._replace(t=marker.t - newest)
            for marker in self._markers
            if newest - self.window_s <= marker.t <= newest + 1.0
        )
        trace_t, trace_force = (
            self.buffer.envelope(self.window_s, self.trace_points) if with_trace else (t[:0], t[:0])
        )
        value = to_display(trace_force, self.unit, self.probe_area_cm2)
        scale_max = self._scale_max(band_in_unit, current_n)
        return LiveFrame(
            t=trace_t - trace_t[-1] if trace_t.size else trace_t,
            value=value,
            current=float(to_display(current_n, self.unit, self.probe_area_cm2)),
            zone=self._zone,
            band=band_in_unit,
            scale_max=scale_max,
            unit=self.unit,
            hold=hold,
            markers=markers,
            band_problem=band_problem,
            band_label=self.band_label(),
            trace_range=trace_range(value, scale_max) if with_trace else None,
        )

    def band_label(self) -> str:
        """The band as the screen names it, in the chosen unit ("" without a band)."""
        band = self._band()[1]
        return "" if band is None else span(*band, self.unit)

    def _band(self) -> tuple[TargetBand | None, tuple[float, float] | None, str]:
        """The band in kPa and in the display unit, or why there is none; worked out again
        only when the target, threshold, probe or unit changes (not 60 times a second)."""
        key = (self._target, self._ppt_kpa, self.probe_area_cm2, self.unit)
        if key != self._band_key:
            try:
                band = self.band_kpa()
            except BandError as exc:
                self._band_cache = (None, None, str(exc))
            else:
                in_unit = (self._kpa_to_unit(band.low_kpa), self._kpa_to_unit(band.high_kpa))
                self._band_cache = (band, in_unit, "")
            self._band_key = key
        return self._band_cache

    def _scale_max(self, band: tuple[float, float] | None, current_n: float) -> float:
        if band is not None:
            return nice_ceiling(band[1] * GAUGE_HEADROOM)
        # No band: a scale that fits what is pressed now, at least 500 kPa's worth.
        floor = self._kpa_to_unit(500.0)
        current = float(to_display(current_n, self.unit, self.probe_area_cm2))
        return nice_ceiling(max(floor, current * GAUGE_HEADROOM if math.isfinite(current) else 0))


def trace_range(values: np.ndarray, scale_max: float) -> tuple[float, float]:
    """The trace's y range: at least 0 to ``scale_max`` (the gauge's, which holds the band),
    widened to a round number with headroom past the highest and the lowest value shown, so a
    press beyond the gauge's top, or a reading below zero, stays on the plot."""
    finite = values[np.isfinite(values)] if values.size else values
    if not finite.size:
        return 0.0, scale_max
    high, low = float(finite.max()), float(finite.min())
    top = max(scale_max, nice_ceiling(high * TRACE_HEADROOM))
    # Noise a hair below zero stays inside the plot's own padding; a real negative reading
    # (a tare taken under load) gets room of its own.
    bottom = -nice_ceiling(-low * TRACE_HEADROOM) if low < -0.02 * scale_max else 0.0
    return bottom, top
