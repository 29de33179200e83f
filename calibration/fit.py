"""Multi-point calibration: known loads in, a calibration and how good it is out.

Loads are the independent variable (masses and reference gauges are known far better than
the cell's reading), so the fit is raw = a + b F (+ c F^2) by least squares, and the
residuals are reported in newtons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from calibration.linear import CalibrationError, LinearCalibration
from calibration.quadratic import QuadraticCalibration

#: Default acceptance: linearity error at most this % of full scale (good load cells and
#: commercial gauges stay within 0.1-0.5 %; beyond 1 % something is wrong with the set-up).
MAX_LINEARITY_PCT_FS = 1.0
#: A second-order fit is offered only when it cuts the worst residual at least this much
#: and the straight line is off by more than QUADRATIC_WORTH_PCT_FS.
QUADRATIC_GAIN = 2.0
QUADRATIC_WORTH_PCT_FS = 0.1


@dataclass(frozen=True)
class CalibrationPoint:
    load_n: float  # the known load
    raw: float  # the cell's mean reading under it
    unloading: bool = False  # taken on the way down (for hysteresis)


@dataclass(frozen=True)
class FitReport:
    linear: LinearCalibration
    residuals_n: np.ndarray  # of the linear fit, one per point, in point order
    linearity_pct_fs: float
    hysteresis_pct_fs: float | None  # None without loading and unloading at the same load
    full_scale_n: float
    quadratic: QuadraticCalibration | None  # offered only when the residuals call for it
    quadratic_residuals_n: np.ndarray | None
    quadratic_linearity_pct_fs: float | None

    def accept(
        self, second_order: bool = False, max_linearity_pct_fs: float = MAX_LINEARITY_PCT_FS
    ) -> LinearCalibration | QuadraticCalibration:
        """The calibration to use, or CalibrationError when it is not good enough."""
        chosen: LinearCalibration | QuadraticCalibration
        if second_order:
            if self.quadratic is None or self.quadratic_linearity_pct_fs is None:
                raise CalibrationError("no second-order fit is offered for these points")
            chosen, linearity = self.quadratic, self.quadratic_linearity_pct_fs
        else:
            chosen, linearity = self.linear, self.linearity_pct_fs
        if linearity > max_linearity_pct_fs:
            hint = (
                "; the second-order fit does better"
                if not second_order and self.quadratic is not None
                else "; check that the cell is mounted straight and each load sat still"
            )
            raise CalibrationError(
                f"linearity error {linearity:.2f} % of full scale exceeds "
                f"{max_linearity_pct_fs:g} %{hint}"
            )
        return chosen


def fit(
    points: list[CalibrationPoint], full_scale_n: float | None = None, source: str = "fit"
) -> FitReport:
    loads = np.array([p.load_n for p in points], dtype=np.float64)
    raw = np.array([p.raw for p in points], dtype=np.float64)
    if not (np.isfinite(loads).all() and np.isfinite(raw).all()):
        raise CalibrationError("every load and reading must be a number")
    if (loads < 0).any():
        raise CalibrationError("loads must not be negative")
    distinct = np.unique(loads)
    if distinct.size < 2:
        raise CalibrationError(f"need readings at two or more different loads, got {distinct.size}")
    _check_monotonic(loads, raw, distinct)

    b, a = np.polyfit(loads, raw, 1)
    full_scale = full_scale_n or float(loads.max())
    residuals = (raw - (a + b * loads)) / b
    linearity = _pct(np.abs(residuals).max(), full_scale)
    second = _second_order(loads, raw, distinct, full_scale, source)
    if second is not None and not (
        linearity > QUADRATIC_WORTH_PCT_FS
        and np.abs(second[1]).max() * QUADRATIC_GAIN <= np.abs(residuals).max()
    ):
        second = None  # not worth offering
    quadratic, q_residuals, q_linearity = second or (None, None, None)
    return FitReport(
        linear=LinearCalibration(offset=float(a), gain_n_per_unit=float(1 / b), source=source),
        residuals_n=residuals,
        linearity_pct_fs=linearity,
        hysteresis_pct_fs=_hysteresis(points, b, full_scale),
        full_scale_n=full_scale,
        quadratic=quadratic,
        quadratic_residuals_n=q_residuals,
        quadratic_linearity_pct_fs=q_linearity,
    )


def _pct(value_n: float, full_scale_n: float) -> float:
    return 100.0 * float(value_n) / full_scale_n


def _check_monotonic(loads: np.ndarray, raw: np.ndarray, distinct: np.ndarray) -> None:
    means = np.array([raw[loads == load].mean() for load in distinct])
    steps = np.diff(means)
    direction = np.sign(steps[np.argmax(np.abs(steps))])
    if direction == 0 or (np.sign(steps) != direction).any():
        bad = distinct[1:][np.sign(steps) != direction][0] if direction else distinct[1]
        raise CalibrationError(
            f"the reading does not change steadily with the load (it turns back at "
            f"{bad:g} N): check that each load was really on the cell and nothing touched it"
        )


def _second_order(
    loads: np.ndarray, raw: np.ndarray, distinct: np.ndarray, full_scale: float, source: str
) -> tuple[QuadraticCalibration, np.ndarray, float] | None:
    """The second-order fit, its residuals (N) and linearity (% FS); None when it cannot be
    made (fewer than three loads) or does not give a finite load for every reading."""
    if distinct.size < 3:
        return None
    c, b, a = np.polyfit(loads, raw, 2)
    calibration = QuadraticCalibration(float(a), float(b), float(c), source)
    residuals = calibration.apply(raw) - loads
    if not np.isfinite(residuals).all():
        return None
    return calibration, residuals, _pct(np.abs(residuals).max(), full_scale)


def _hysteresis(points: list[CalibrationPoint], b: float, full_scale: float) -> float | None:
    worst = None
    for load in {p.load_n for p in points}:
        up = [p.raw for p in points if p.load_n == load and not p.unloading]
        down = [p.raw for p in points if p.load_n == load and p.unloading]
        if up and down:
            gap = abs(np.mean(up) - np.mean(down)) / abs(b)
            worst = gap if worst is None else max(worst, gap)
    return None if worst is None else _pct(worst, full_scale)
