"""The second-order calibration, raw = a + b*F + c*F^2, for cells whose response bends."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from calibration.linear import CalibrationError


@dataclass(frozen=True)
class QuadraticCalibration:
    a: float  # raw value at zero load
    b: float  # raw units per newton, near zero load
    c: float  # raw units per newton squared
    source: str = "fit"

    def __post_init__(self) -> None:
        if not all(math.isfinite(v) for v in (self.a, self.b, self.c)) or self.b == 0:
            raise CalibrationError(
                f"second-order coefficients must be finite with b != 0, not {self.a}, "
                f"{self.b}, {self.c}"
            )

    @property
    def offset(self) -> float:
        return self.a

    def with_zero(self, raw_at_zero: float) -> QuadraticCalibration:
        return QuadraticCalibration(raw_at_zero, self.b, self.c, self.source)

    def apply(self, raw: np.ndarray) -> np.ndarray:
        """Invert raw = a + b F + c F^2 on the branch that meets the linear one at c -> 0.

        F = 2 (raw - a) / (b + sign(b) sqrt(b^2 + 4 c (raw - a))) is the stable form of the
        quadratic formula; readings beyond the curve's turning point give NaN.
        """
        delta = np.asarray(raw, dtype=np.float64) - self.a
        discriminant = self.b**2 + 4 * self.c * delta
        with np.errstate(invalid="ignore"):
            root = np.sqrt(np.where(discriminant >= 0, discriminant, np.nan))
        return 2 * delta / (self.b + math.copysign(1.0, self.b) * root)

    def as_attributes(self) -> dict[str, float | str]:
        return {"kind": "quadratic"} | asdict(self)
