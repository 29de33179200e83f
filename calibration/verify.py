"""Verification: does the calibration read a known load within tolerance?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

#: Default tolerance, % of the known load; and a floor for small loads, N.
TOLERANCE_PCT = 1.0
TOLERANCE_FLOOR_N = 0.05


class Calibration(Protocol):
    def apply(self, raw: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class Verification:
    known_n: float
    measured_n: float
    tolerance_n: float

    @property
    def error_n(self) -> float:
        return self.measured_n - self.known_n

    @property
    def error_pct(self) -> float:
        return 100.0 * self.error_n / self.known_n if self.known_n else float("nan")

    @property
    def passed(self) -> bool:
        return abs(self.error_n) <= self.tolerance_n

    def as_dict(self) -> dict[str, float | bool]:
        return {
            "known_n": self.known_n,
            "measured_n": self.measured_n,
            "tolerance_n": self.tolerance_n,
            "passed": self.passed,
        }


def verify(
    calibration: Calibration,
    known_n: float,
    raw_mean: float,
    tolerance_pct: float = TOLERANCE_PCT,
) -> Verification:
    measured = float(calibration.apply(np.array([raw_mean]))[0])
    tolerance = max(tolerance_pct / 100.0 * abs(known_n), TOLERANCE_FLOOR_N)
    return Verification(known_n, measured, tolerance)
