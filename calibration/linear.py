"""The linear calibration: force_N = (raw - offset) * gain."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np


class CalibrationError(ValueError):
    """A calibration that cannot be right; the message says why, in one line."""


@dataclass(frozen=True)
class LinearCalibration:
    offset: float = 0.0  # raw value at zero load
    gain_n_per_unit: float = 1.0  # newtons per raw unit
    source: str = "identity"  # where it came from: "device", "identity", a date, ...

    def __post_init__(self) -> None:
        if not math.isfinite(self.offset):
            raise CalibrationError(f"calibration offset must be finite, not {self.offset}")
        if not math.isfinite(self.gain_n_per_unit) or self.gain_n_per_unit == 0:
            raise CalibrationError(
                f"calibration gain must be finite and non-zero, not {self.gain_n_per_unit}"
            )

    @classmethod
    def from_counts_per_newton(
        cls, counts_per_newton: float, zero_offset: float, source: str
    ) -> LinearCalibration:
        """The form load-cell firmware stores (HX711 libraries, our INFO frame)."""
        if not math.isfinite(counts_per_newton) or counts_per_newton == 0:
            raise CalibrationError(
                f"counts per newton must be finite and non-zero, not {counts_per_newton}"
            )
        return cls(offset=zero_offset, gain_n_per_unit=1.0 / counts_per_newton, source=source)

    def with_zero(self, raw_at_zero: float) -> LinearCalibration:
        """The same calibration re-zeroed: what a tare does."""
        return LinearCalibration(raw_at_zero, self.gain_n_per_unit, self.source)

    def apply(self, raw: np.ndarray) -> np.ndarray:
        return (np.asarray(raw, dtype=np.float64) - self.offset) * self.gain_n_per_unit

    def as_attributes(self) -> dict[str, float | str]:
        """Plain typed values, as a recording stores them."""
        return {"kind": "linear"} | asdict(self)
