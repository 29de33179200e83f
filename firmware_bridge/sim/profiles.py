"""Force signals the simulated device applies: deterministic in time, evaluated on numpy blocks."""

from __future__ import annotations

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


@dataclass
class DeadWeightsProfile:
    """Known masses placed and taken off in turn, as for a calibration: 0, 1, 2, 5, 2, 1,
    0 kg (loading, then unloading), then 2 kg to verify, then off. Each rests ``hold_s``."""

    masses_kg: tuple[float, ...] = (0, 0, 1, 2, 5, 2, 1, 0, 2, 0)
    hold_s: float = 1.6
    place_s: float = 0.4

    def force_at(self, t: np.ndarray) -> np.ndarray:
        step = self.hold_s + self.place_s
        knots_t = [0.0]
        knots_f = [self.masses_kg[0] * STANDARD_GRAVITY]
        for i, mass in enumerate(self.masses_kg):
            knots_t += [i * step + self.place_s, (i + 1) * step]
            knots_f += [mass * STANDARD_GRAVITY] * 2
        return np.interp(t, knots_t, knots_f)


@dataclass
class DriftingZeroProfile:
    """An unloaded cell whose zero creeps (temperature, creep): 0.1 N a second."""

    rate_n_per_s: float = 0.1

    def force_at(self, t: np.ndarray) -> np.ndarray:
        return self.rate_n_per_s * np.asarray(t, dtype=np.float64)


PROFILES = {
    "therapy": lambda seed: TherapyProfile(seed=seed),
    "steady": lambda seed: SteadyProfile(),
    "weights": lambda seed: DeadWeightsProfile(),
    "drift": lambda seed: DriftingZeroProfile(),
}


def make_profile(name: str, seed: int = 1) -> ForceProfile:
    try:
        return PROFILES[name](seed)
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise ValueError(f"unknown profile {name!r} (known: {known})") from None
