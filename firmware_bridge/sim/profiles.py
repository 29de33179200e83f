"""Force signals the simulated device applies: deterministic in time, evaluated on numpy blocks."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

NOISE_N = 0.03  # load-cell noise, standard deviation


class ForceProfile(Protocol):
    def force_at(self, t: np.ndarray) -> np.ndarray:
        """Force in newtons at times ``t`` (s since streaming started), without noise."""


@dataclass
class TherapyProfile:
    """A therapist working trigger points: rest, ramp in, hold with tremor and drift, release.

    The hold levels (12-35 N, i.e. 120-350 kPa on a 1 cm² probe) cover light to deep work.
    """

    seed: int = 1
    _knots_t: list[float] = field(default_factory=lambda: [0.0], repr=False)
    _knots_f: list[float] = field(default_factory=lambda: [0.0], repr=False)

    def __post_init__(self) -> None:
        self._rng = np.random.default_rng(self.seed)

    def _extend_to(self, t_end: float) -> None:
        rng = self._rng
        while self._knots_t[-1] < t_end:
            level = rng.uniform(12.0, 35.0)
            t = self._knots_t[-1]
            for duration, force in (
                (rng.uniform(1.5, 3.5), 0.0),  # rest
                (rng.uniform(1.5, 3.0), level),  # ramp in
                (rng.uniform(8.0, 25.0), level),  # hold
                (rng.uniform(0.5, 1.5), 0.0),  # release
            ):
                t += duration
                self._knots_t.append(t)
                self._knots_f.append(force)

    def force_at(self, t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, dtype=np.float64)
        if t.size:
            self._extend_to(float(t.max()))
        base = np.interp(t, self._knots_t, self._knots_f)
        drift = 0.04 * np.sin(2 * np.pi * 0.07 * t)  # slow wander of a held pressure
        tremor = 0.015 * np.sin(2 * np.pi * 8.5 * t)  # physiological tremor, ~8-12 Hz
        return base * (1.0 + drift + tremor)


@dataclass
class SteadyProfile:
    """A constant load, as a dead weight on the probe: for checking a set-up."""

    level_n: float = 20.0

    def force_at(self, t: np.ndarray) -> np.ndarray:
        return np.full(np.shape(t), self.level_n, dtype=np.float64)


STANDARD_GRAVITY = 9.80665


#: Known masses placed and taken off, as for a calibration: 0, 1, 2, 5, 2, 1, 0 kg (loading,
#: then unloading), then 2 kg to verify, then off.
WEIGHTS_KG = (0.0, 0.0, 1.0, 2.0, 5.0, 2.0, 1.0, 0.0, 2.0, 0.0)


@dataclass
class DeadWeightsProfile:
    """``WEIGHTS_KG`` placed in turn, each resting ``hold_s``, and again from the start (the
    sequence starts and ends unloaded, so it joins up)."""

    masses_kg: tuple[float, ...] = WEIGHTS_KG
    hold_s: float = 1.6
    place_s: float = 0.4

    def force_at(self, t: np.ndarray) -> np.ndarray:
        step = self.hold_s + self.place_s
        knots_t = [0.0]
        knots_f = [self.masses_kg[0] * STANDARD_GRAVITY]
        for i, mass in enumerate(self.masses_kg):
            knots_t += [i * step + self.place_s, (i + 1) * step]
            knots_f += [mass * STANDARD_GRAVITY] * 2
        return np.interp(np.mod(t, len(self.masses_kg) * step), knots_t, knots_f)


@dataclass
class WeightsOnDemandProfile:
    """The same masses, but each stays on until ``next_weight`` is called (a person at the
    bench who takes their time); then the next one is placed within ``place_s``."""

    masses_kg: tuple[float, ...] = WEIGHTS_KG[1:-1]  # from 2 kg back to 0, then 1 kg
    place_s: float = 0.4
    _steps: list[float] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def next_weight(self, t: float) -> float:
        """Place the next mass at time ``t`` (or as soon as the last one is on); its kg."""
        with self._lock:
            if self._steps:
                t = max(t, self._steps[-1] + self.place_s)
            self._steps.append(t)
            return self.masses_kg[len(self._steps) % len(self.masses_kg)]

    def force_at(self, t: np.ndarray) -> np.ndarray:
        with self._lock:
            steps = np.array(self._steps)
        masses = np.take(self.masses_kg, np.arange(steps.size + 1), mode="wrap")
        knots_t = np.concatenate([[0.0], np.column_stack([steps, steps + self.place_s]).ravel()])
        knots_f = np.concatenate([masses[:1], np.column_stack([masses[:-1], masses[1:]]).ravel()])
        return np.interp(t, knots_t, knots_f * STANDARD_GRAVITY)


@dataclass
class DriftingZeroProfile:
    """An unloaded cell whose zero creeps (temperature, creep): 0.1 N a second."""

    rate_n_per_s: float = 0.1

    def force_at(self, t: np.ndarray) -> np.ndarray:
        return self.rate_n_per_s * np.asarray(t, dtype=np.float64)


@dataclass(frozen=True)
class PptTrialPlan:
    """One simulated pressure-pain-threshold trial, as the test knows it."""

    start_s: float  # loading starts
    rate_kpa_s: float  # the examiner's mean ramp rate
    threshold_kpa: float  # where the subject presses the stop button
    pressed: bool  # False: the subject never presses; the examiner releases at the threshold
    stop_s: float  # when the ramp reaches the threshold


def _ramp(rate_kpa_s: float, since: np.ndarray) -> np.ndarray:
    """A hand's ramp: the mean rate with a slow wobble of ±8 % of it (0.4 Hz)."""
    wobble = 0.08 * rate_kpa_s / (2 * np.pi * 0.4) * np.sin(2 * np.pi * 0.4 * since)
    return rate_kpa_s * since + wobble


@dataclass
class PptProfile:
    """An examiner ramping a 1 cm² probe at about ``rate_kpa_s`` with a hand's unsteadiness;
    the subject presses the device's stop button at a known threshold, then the probe is
    lifted and rested before the next trial. Every 4th trial is ramped 50 % too fast; every
    5th the subject does not press and the examiner simply releases (the release fallback).

    On a 1 cm² probe 1 N is 10 kPa, so the force is pressure / 10.
    """

    seed: int = 1
    rate_kpa_s: float = 50.0
    rest_s: float = 4.0
    _plans: list[PptTrialPlan] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._rng = np.random.default_rng(self.seed)

    def plans_until(self, t_end: float) -> list[PptTrialPlan]:
        while not self._plans or self._plans[-1].stop_s + self.rest_s < t_end:
            number = len(self._plans) + 1
            start = (self._plans[-1].stop_s + self.rest_s) if self._plans else 1.0
            rate = self.rate_kpa_s * (1.5 if number % 4 == 0 else self._rng.uniform(0.93, 1.07))
            ramp_s = self._rng.uniform(200.0, 450.0) / rate
            threshold = float(_ramp(rate, np.array([ramp_s]))[0])  # where the hand really is
            self._plans.append(
                PptTrialPlan(start, rate, threshold, number % 5 != 0, start + ramp_s)
            )
        return self._plans

    def _pressure_kpa(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        plans = self.plans_until(float(t.max()) if t.size else 0.0)
        pressure = np.zeros(t.shape)
        pressed = np.zeros(t.shape, dtype=bool)
        for plan in plans:
            ramp = (t >= plan.start_s) & (t < plan.stop_s)
            pressure[ramp] = _ramp(plan.rate_kpa_s, t[ramp] - plan.start_s)
            # The examiner reacts (0.25 s, holding still), then lifts the probe within 0.3 s.
            held = (t >= plan.stop_s) & (t < plan.stop_s + 0.25)
            pressure[held] = plan.threshold_kpa
            release = (t >= plan.stop_s + 0.25) & (t < plan.stop_s + 0.55)
            lifted = (t[release] - plan.stop_s - 0.25) / 0.3
            pressure[release] = plan.threshold_kpa * (1 - lifted)
            if plan.pressed:  # the button is held from the threshold for 0.2 s
                pressed |= (t >= plan.stop_s) & (t < plan.stop_s + 0.2)
        return pressure, pressed

    def force_at(self, t: np.ndarray) -> np.ndarray:
        return self._pressure_kpa(np.asarray(t, dtype=np.float64))[0] / 10.0

    def button_at(self, t: np.ndarray) -> np.ndarray:
        return self._pressure_kpa(np.asarray(t, dtype=np.float64))[1]


PROFILES: dict[str, Callable[[int], ForceProfile]] = {
    "therapy": lambda seed: TherapyProfile(seed=seed),
    "steady": lambda seed: SteadyProfile(),
    "weights": lambda seed: DeadWeightsProfile(),
    "weights-on-demand": lambda seed: WeightsOnDemandProfile(),
    "drift": lambda seed: DriftingZeroProfile(),
    "ppt": lambda seed: PptProfile(seed=seed),
}

#: What each profile does, in a line for a menu or --help.
PROFILE_DESCRIPTIONS = {
    "therapy": "a therapist's holds at light to deep pressure",
    "weights": "known masses on and off (0-1-2-5-2-1-0 kg, 2 kg to verify), looping",
    "weights-on-demand": "the same masses, the next one placed when asked",
    "ppt": "pressure-pain-threshold ramps at 50 kPa/s with a stop button",
    "drift": "an unloaded cell whose zero creeps 0.1 N/s",
    "steady": "a 20 N dead weight",
}


def make_ppt_profile(seed: int, rate_kpa_s: float, rest_s: float) -> PptProfile:
    """The PPT profile at another pace (tests run whole protocols in a minute)."""
    return PptProfile(seed=seed, rate_kpa_s=rate_kpa_s, rest_s=rest_s)


def make_profile(name: str, seed: int = 1) -> ForceProfile:
    try:
        return PROFILES[name](seed)
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise ValueError(f"unknown profile {name!r} (known: {known})") from None
