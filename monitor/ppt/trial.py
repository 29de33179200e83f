"""Pressure-pain-threshold trials found in the live stream: Qt-free, fed numpy blocks.

A trial starts when loading starts (pressure rises past ``start_kpa``) and stops at the first
of: a stop from a key or foot pedal (``stop_now``), the device's own button (FLAG_BUTTON in
the samples), the release (pressure falling well below its peak: the threshold is then the
peak before the drop), or the safety maximum. The achieved ramp rate is the least-squares
slope of pressure over the ramp; a rate off the target by more than the tolerance flags the
trial for repeating, because a faster ramp gives a higher threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

import numpy as np

from calibration.units import convert, unit_named
from monitor import numbers

#: Ramp rates in use (domain.md §2.3): DFNS QST 50 kPa/s; Fischer 1 kgf/cm²/s (98.0665 kPa/s).
DFNS_RATE_KPA_S = 50.0
FISCHER_RATE_KPA_S = float(convert(1.0, unit_named("kgf/cm²"), unit_named("kPa")))


#: Plausibility. A stop sooner than this after loading began is flagged "too short": a simple
#: reaction takes about 0.2-0.3 s, so within about twice that the subject answers the touch
#: itself, not a pressure the ramp reached (the overshoot is about rate x reaction time,
#: domain.md §2.3); and at 10 Hz (an HX711) a ramp's rate needs a 0.5-1 s window to be
#: measured at all (domain.md §4, item 7).
MIN_LOADING_S = 0.5
#: A fitted rate below this share of the target is "no ramp": a hold or a slow creep, so the
#: value depends on how long the pressure was held, not on a known rate. It lies below any
#: rate tolerance on offer (at most ±50 %), so a mere slow ramp is "too slow", not this.
MIN_RAMP_SHARE = 0.25


class Flag(Enum):
    """Why a trial is not accepted as it is. The first three mean it is implausible."""

    TOO_SHORT = "too short"
    TOO_LOW = "too low"
    NO_RAMP = "no ramp"
    RATE = "ramp rate"
    SAFETY = "safety maximum"


class StopSource(Enum):
    KEY = "key"  # the examiner's key or foot pedal, when the subject says "now"
    BUTTON = "button"  # the device's own stop button
    RELEASE = "release"  # no stop signal: the peak before the pressure dropped
    SAFETY = "safety"  # the safety maximum was reached first


@dataclass(frozen=True)
class PptSettings:
    target_rate_kpa_s: float = DFNS_RATE_KPA_S
    tolerance: float = 0.20  # a trial whose rate is off by more is flagged (±20 %)
    start_kpa: float = 10.0  # loading has started above this
    safety_max_kpa: float = 1000.0
    release_fraction: float = 0.8  # below this share of the peak, the probe is being lifted
    #: A threshold below this is flagged "too low": three times the pressure at which loading
    #: is recognised (within reach of merely setting the probe on the skin) and under a third
    #: of the lowest PPT reported in healthy adults at the trapezius (88 kPa, Persson 2004,
    #: domain.md §7): a slip or an early press. A true threshold this low (allodynia) is
    #: possible, so it is flagged for the examiner to redo or keep, never silently used.
    min_threshold_kpa: float = 30.0

    def __post_init__(self) -> None:
        if not self.target_rate_kpa_s > 0:
            raise ValueError("the target ramp rate must be positive")
        if not 0 < self.tolerance < 1:
            raise ValueError("the rate tolerance must be between 0 and 100 %")
        if not 0 < self.start_kpa < self.safety_max_kpa:
            raise ValueError("the start pressure must be below the safety maximum")


@dataclass(frozen=True)
class Trial:
    t_start: float  # loading started (session time, s)
    t_stop: float  # the stop
    threshold_kpa: float  # NaN when the safety maximum came first
    stop_source: StopSource
    achieved_rate_kpa_s: float
    target_rate_kpa_s: float
    reason: str  # why it is not accepted; "" when it is
    flags: tuple[Flag, ...] = ()

    @property
    def accepted(self) -> bool:
        return not self.flags

    @property
    def implausible(self) -> bool:
        return bool({Flag.TOO_SHORT, Flag.TOO_LOW, Flag.NO_RAMP} & set(self.flags))


@dataclass(frozen=True)
class TrialTrace:
    """What was applied during one trial, for the report's small multiples."""

    label: str  # e.g. "Upper trapezius L2"
    t: np.ndarray  # s since loading started
    pressure_kpa: np.ndarray
    target_rate_kpa_s: float
    threshold_kpa: float
    flagged: bool


def judge(
    settings: PptSettings,
    source: StopSource,
    duration_s: float,
    threshold_kpa: float,
    rate_kpa_s: float,
) -> list[tuple[Flag, str]]:
    """Every reason not to accept a trial as it is, with the words that say it (none: it is
    accepted)."""
    if source is StopSource.SAFETY:
        return [
            (
                Flag.SAFETY,
                "no threshold below the safety maximum of "
                + numbers.as_given(settings.safety_max_kpa, "kPa"),
            )
        ]
    found = []
    if duration_s < MIN_LOADING_S:
        found.append(
            (
                Flag.TOO_SHORT,
                f"too short: stopped {numbers.with_unit(duration_s, 's', 2)} into loading "
                f"(less than {numbers.as_given(MIN_LOADING_S, 's')} is the reaction to the "
                "touch)",
            )
        )
    if threshold_kpa < settings.min_threshold_kpa:
        found.append(
            (
                Flag.TOO_LOW,
                f"too low: {numbers.pressure(threshold_kpa)} "
                f"(below {numbers.as_given(settings.min_threshold_kpa, 'kPa')})",
            )
        )
    target = settings.target_rate_kpa_s
    wanted = numbers.as_given(target, "kPa/s")
    rate = numbers.with_unit(rate_kpa_s, "kPa/s", 0)
    if not math.isfinite(rate_kpa_s) or rate_kpa_s < MIN_RAMP_SHARE * target:
        rate = "not measurable" if not math.isfinite(rate_kpa_s) else rate
        found.append((Flag.NO_RAMP, f"no ramp: rate {rate} (target {wanted})"))
        return found
    off = rate_kpa_s / target - 1
    if abs(off) > settings.tolerance:
        word = "fast" if off > 0 else "slow"
        found.append(
            (
                Flag.RATE,
                f"ramp {rate} is {numbers.percent(100 * abs(off))} too {word} "
                f"(target {wanted} ± {numbers.percent(100 * settings.tolerance)})",
            )
        )
    return found


def fitted_rate(t: np.ndarray, pressure_kpa: np.ndarray) -> float:
    """Least-squares slope (kPa/s): robust to the sample-to-sample jitter of a hand."""
    if t.size < 3 or t[-1] == t[0]:
        return math.nan
    return float(np.polyfit(t - t[0], pressure_kpa, 1)[0])


def rate_window_s(sample_rate_hz: float) -> float:
    """How much signal the live rate gauge smooths over: about ten samples, between 0.25 s
    (fast devices) and 1 s (an HX711 at 10 Hz, where each sample spans 5 kPa at 50 kPa/s)."""
    if not sample_rate_hz > 0:
        return 1.0
    return float(np.clip(10.0 / sample_rate_hz, 0.25, 1.0))


class TrialDetector:
    """Finds trials in a stream of (time, pressure, button) blocks."""

    def __init__(self, settings: PptSettings | None = None, rest_s: float = 0.0) -> None:
        self.settings = settings or PptSettings()
        self.rest_s = rest_s  # after a stop, loading is refused for this long
        self._t: list[np.ndarray] = []  # the trial under way, or nothing
        self._p: list[np.ndarray] = []
        self._peak = -np.inf  # the trial's highest pressure so far
        self._start: float | None = None
        #: A trial starts only from the probe off: at the start of a protocol (the probe may
        #: already be pressed), after a stop and after a refused loading, the probe must be
        #: seen below ``start_kpa`` first.
        self._waiting_for_unload = True
        self._refused_load = False  # the load not yet lifted began during the rest
        self._stop_requested: float | None = None
        #: Loading that begins before this (session time, s) is refused: the rest between
        #: trials. The probe must then come off before a trial can begin.
        self.not_before = -math.inf
        self.refusals = 0  # loadings refused so far

    @property
    def loading(self) -> bool:
        return self._start is not None

    @property
    def awaiting_unload(self) -> bool:
        """The probe has not been seen off since the start, the last stop or a refusal: no
        trial can begin until it is."""
        return self._waiting_for_unload

    @property
    def refused_load(self) -> bool:
        """The load on the probe now began during the rest and is not being measured."""
        return self._refused_load

    @property
    def loading_since(self) -> float | None:
        """When the trial under way started loading (for the ramp guide's target line)."""
        return self._start

    def stop_now(self, t: float) -> None:
        """The key or foot pedal: the trial under way stops at ``t`` (with the next block)."""
        if self.loading:
            self._stop_requested = t

    def feed(
        self, t: np.ndarray, pressure_kpa: np.ndarray, button: np.ndarray | None = None
    ) -> list[Trial]:
        """Trials completed by this block, oldest first."""
        done: list[Trial] = []
        button = np.zeros(t.size, dtype=bool) if button is None else button
        start = self.settings.start_kpa
        i = 0
        while i < t.size:
            if self._waiting_for_unload:  # after a stop: the probe must come off first
                off = np.flatnonzero(pressure_kpa[i:] < start)
                if off.size == 0:
                    return done
                i += int(off[0])
                self._waiting_for_unload = self._refused_load = False
            if not self.loading:
                rise = np.flatnonzero(pressure_kpa[i:] >= start)
                if rise.size == 0:
                    return done
                i += int(rise[0])
                if t[i] < self.not_before:
                    self.refusals += 1
                    self._waiting_for_unload = self._refused_load = True
                    continue
                self._start = float(t[i])
            trial, used = self._continue(t[i:], pressure_kpa[i:], button[i:])
            i += used
            if trial is not None:
                done.append(trial)
        return done

    def _continue(
        self, t: np.ndarray, p: np.ndarray, button: np.ndarray
    ) -> tuple[Trial | None, int]:
        """Extend the trial with this stretch; the trial if it stopped, and samples used."""
        settings = self.settings
        running_peak = np.maximum.accumulate(np.maximum(p, self._peak))
        candidates: list[tuple[int, StopSource]] = []
        for mask, source in (
            (t >= (self._stop_requested or math.inf), StopSource.KEY),
            (button, StopSource.BUTTON),
            (p >= settings.safety_max_kpa, StopSource.SAFETY),
            (  # lifted: well below the peak, by more than a tremor at low pressure could
                (p < settings.release_fraction * running_peak)
                & (running_peak - p >= settings.start_kpa),
                StopSource.RELEASE,
            ),
        ):
            hits = np.flatnonzero(mask)
            if hits.size:
                candidates.append((int(hits[0]), source))
        if not candidates:
            self._t.append(t)
            self._p.append(p)
            self._peak = float(running_peak[-1]) if p.size else self._peak
            return None, t.size
        index, source = min(candidates, key=lambda c: c[0])
        self._t.append(t[: index + 1])
        self._p.append(p[: index + 1])
        return self._finish(source), index + 1

    def _finish(self, source: StopSource) -> Trial:
        t, p = np.concatenate(self._t), np.concatenate(self._p)
        settings = self.settings
        if source is StopSource.RELEASE:  # the peak before the drop
            top = int(np.argmax(p))
            t_stop, threshold = float(t[top]), float(p[top])
            ramp = slice(0, top + 1)
        elif source is StopSource.SAFETY:
            t_stop, threshold, ramp = float(t[-1]), math.nan, slice(0, t.size)
        else:
            t_stop, threshold, ramp = float(t[-1]), float(p[-1]), slice(0, t.size)
        rate = fitted_rate(t[ramp], p[ramp])
        t_start = float(self._start if self._start is not None else t[0])
        found = judge(settings, source, t_stop - t_start, threshold, rate)
        trial = Trial(
            t_start=t_start,
            t_stop=t_stop,
            threshold_kpa=threshold,
            stop_source=source,
            achieved_rate_kpa_s=rate,
            target_rate_kpa_s=settings.target_rate_kpa_s,
            reason="; ".join(words for _, words in found),
            flags=tuple(flag for flag, _ in found),
        )
        self._t, self._p, self._peak = [], [], -np.inf
        self._start, self._stop_requested = None, None
        self._waiting_for_unload = True
        self.not_before = t_stop + self.rest_s
        return trial


class Pace(Enum):
    SLOW = "too slow"
    ON = "on pace"
    FAST = "too fast"


@dataclass(frozen=True)
class GuideFrame:
    """What the ramp guide shows now (while no trial is loading: target and rate are NaN)."""

    target_kpa: float  # where the pressure should be now, rising at the target rate
    rate_kpa_s: float  # the achieved rate, smoothed over ``window_s``
    pace: Pace | None


class RampGuide:
    """The live ramp guide: a target line rising at the chosen rate from the start of loading,
    the achieved rate smoothed over a window that suits the device's sample rate, and whether
    the examiner is too slow or too fast (by the same tolerance that flags trials)."""

    def __init__(self, settings: PptSettings, sample_rate_hz: float) -> None:
        self.settings = settings
        self.window_s = rate_window_s(sample_rate_hz)

    def frame(
        self, t: np.ndarray, pressure_kpa: np.ndarray, loading_since: float | None
    ) -> GuideFrame:
        """From the recent samples (at least ``window_s`` of them) and the trial's start."""
        if loading_since is None or t.size == 0:
            return GuideFrame(math.nan, math.nan, None)
        now = float(t[-1])
        target = self.settings.target_rate_kpa_s * (now - loading_since) + self.settings.start_kpa
        recent = t >= max(now - self.window_s, loading_since)
        rate = fitted_rate(t[recent], pressure_kpa[recent])
        if not math.isfinite(rate):
            return GuideFrame(target, rate, None)
        off = rate / self.settings.target_rate_kpa_s - 1
        tolerance = self.settings.tolerance
        pace = Pace.FAST if off > tolerance else Pace.SLOW if off < -tolerance else Pace.ON
        return GuideFrame(target, rate, pace)
