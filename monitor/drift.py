"""Zero drift: when the unloaded reading wanders from zero, say so once and suggest a re-tare."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DRIFT_TOLERANCE_N = 0.5  # about 5 kPa on a 1 cm² probe: visible on the gauge, worth a tare
UNLOADED_BELOW_N = 3.0  # readings under this count as "probe off the client"
#: Nobody is pressing: the unloaded reading varies less than this (N). A drifting zero moves
#: slowly, so stillness here is spread, not the absence of a trend.
UNTOUCHED_SPREAD_N = 0.1
WINDOW_S = 1.0
CHECK_EVERY_S = 0.5


@dataclass(frozen=True)
class DriftWarning:
    t: float
    zero_n: float  # what the unloaded probe reads


class DriftMonitor:
    """Fed calibrated blocks; returns a warning the first time the still, unloaded reading
    is off zero by more than the tolerance, and again only after it came back or a tare."""

    def __init__(self, tolerance_n: float = DRIFT_TOLERANCE_N) -> None:
        self.tolerance_n = tolerance_n
        self.warned = False
        self._blocks: list[tuple[np.ndarray, np.ndarray]] = []  # the last WINDOW_S
        self._next_check = -np.inf

    def reset(self) -> None:
        """After a tare: the zero is fresh."""
        self.warned = False

    def check(self, t: np.ndarray, force: np.ndarray) -> DriftWarning | None:
        """Keep the last second; judge it at most every CHECK_EVERY_S of sample time."""
        if not t.size:
            return None
        self._blocks.append((t, force))
        newest = float(t[-1])
        while self._blocks and self._blocks[0][0][-1] < newest - WINDOW_S:
            self._blocks.pop(0)
        if newest < self._next_check:
            return None
        self._next_check = newest + CHECK_EVERY_S
        times = np.concatenate([block[0] for block in self._blocks])
        recent = np.concatenate([block[1] for block in self._blocks])[times >= newest - WINDOW_S]
        if (
            recent.size < 8
            or not np.isfinite(recent).all()
            or np.abs(recent).max() > UNLOADED_BELOW_N
            or float(recent.std()) > UNTOUCHED_SPREAD_N
        ):
            return None
        zero = float(recent.mean())
        if abs(zero) <= self.tolerance_n / 2:
            self.warned = False
        elif abs(zero) > self.tolerance_n and not self.warned:
            self.warned = True
            return DriftWarning(newest, zero)
        return None
