"""Is the signal still? Tare and automatic capture average only a still window."""

from __future__ import annotations

import math

import numpy as np

from calibration.linear import CalibrationError

#: Half-means may differ by this many standard errors before the window counts as moving.
TREND_LIMIT = 4.0
#: With a known noise level, the spread may reach this many times it (tremor, vibration).
SPREAD_LIMIT = 3.0


def still_mean(values: np.ndarray, noise: float | None = None) -> float:
    """The mean of ``values`` if they are still; else CalibrationError saying why.

    Still means no trend (the means of the two halves agree within the noise) and, once the
    noise of the unloaded cell is known, a spread close to it.
    """
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    if values.size < 8:
        raise CalibrationError("too few readings to judge stillness; hold still a moment longer")
    half = values.size // 2
    first, second = values[:half], values[half:]
    spread = float(values.std())
    floor = max(spread, noise or 0.0, 1e-12 * max(1.0, abs(float(values.mean()))))
    standard_error = floor * math.sqrt(1 / first.size + 1 / second.size)
    trend = abs(float(second.mean() - first.mean()))
    if trend > TREND_LIMIT * standard_error + (noise or 0.0):
        raise CalibrationError(
            f"the reading is still moving ({trend:.3g} between the two halves of the window)"
        )
    if noise is not None and spread > SPREAD_LIMIT * noise:
        raise CalibrationError(
            f"the reading is not steady (spread {spread:.3g}, {spread / noise:.1f}x the "
            "unloaded noise)"
        )
    return float(values.mean())


def is_still(values: np.ndarray, noise: float | None = None) -> bool:
    try:
        still_mean(values, noise)
    except CalibrationError:
        return False
    return True
