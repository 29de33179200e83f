"""The calibration wizard's logic, Qt-free: tare, loads captured when still, fit, verify, save.

Fed the last second of raw readings again and again (the GUI does it on its timer); each
step captures by itself when the signal is still, so nobody has to click at the right
moment with a mass in the other hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from calibration import (
    Calibration,
    CalibrationError,
    CalibrationPoint,
    CalibrationRecord,
    FitReport,
    QuadraticCalibration,
    Verification,
    fit,
    still_mean,
    verify,
)

#: A new load must move the reading this many times the unloaded noise: the same load
#: left on, or a hand resting on the cell, is not a new point.
NEW_LOAD_NOISES = 20.0
#: The unloaded noise is never taken below this (raw units), for a perfectly quiet input.
MIN_NOISE = 1e-9


class Step(Enum):
    TARE = "tare"
    LOADS = "loads"
    FIT = "fit"
    VERIFY = "verify"
    DONE = "done"


@dataclass(frozen=True)
class Target:
    load_n: float
    unloading: bool


class CalibrationWizard:
    def __init__(
        self,
        loads_n: list[float],
        identity: str,
        raw_unit: str,
        with_unloading: bool = True,
        verify_n: float | None = None,
    ) -> None:
        if not loads_n or min(loads_n) <= 0:
            raise CalibrationError("give one or more known loads, each above zero")
        loads = sorted(loads_n)
        self.targets = [Target(load, False) for load in loads]
        if with_unloading:
            self.targets += [Target(load, True) for load in reversed([0.0, *loads[:-1]])]
        self.identity = identity
        self.raw_unit = raw_unit
        self.verify_n = verify_n
        self.step = Step.TARE
        self.noise: float | None = None
        self.points: list[CalibrationPoint] = []
        self.report: FitReport | None = None
        self.chosen: Calibration | None = None
        self.verification: Verification | None = None
        self._last_capture: float | None = None

    @property
    def next_target(self) -> Target | None:
        captured = len(self.points) - 1  # the first point is the tare
        return self.targets[captured] if 0 <= captured < len(self.targets) else None

    def instruction(self) -> str:
        """What the user should do now, in one line."""
        if self.step is Step.TARE:
            return "Take every load off the cell and keep it still: zero is taken automatically."
        if self.step is Step.LOADS and self.next_target:
            target = self.next_target
            action = "Take off down to" if target.unloading else "Place"
            return f"{action} {_load(target.load_n)} and let it settle: it is captured when still."
        if self.step is Step.FIT:
            return "Check the fit and its residuals, then accept it."
        if self.step is Step.VERIFY:
            return f"Place the verification load, {_load(self.verify_n or 0)}, and let it settle."
        return "Done: save the calibration."

    def feed(self, raw: np.ndarray) -> bool:
        """Offer the last second of raw readings; True when it was captured."""
        if self.step in (Step.FIT, Step.DONE):
            return False
        try:
            mean = still_mean(raw, self.noise)
        except CalibrationError:
            return False
        if self.step is Step.TARE:
            self.noise = max(float(np.std(raw)), MIN_NOISE)
            self._capture(CalibrationPoint(0.0, mean))
            self.step = Step.LOADS
            return True
        assert self.noise is not None and self._last_capture is not None
        if abs(mean - self._last_capture) < NEW_LOAD_NOISES * self.noise:
            return False  # still the previous load
        if self.step is Step.LOADS:
            target = self.next_target
            assert target is not None
            self._capture(CalibrationPoint(target.load_n, mean, target.unloading))
            if self.next_target is None:
                self.report = fit(self.points)
                self.step = Step.FIT
            return True
        assert self.chosen is not None and self.verify_n is not None
        self.verification = verify(self.chosen, self.verify_n, mean)
        self._last_capture = mean
        self.step = Step.DONE
        return True

    def accept_fit(self, second_order: bool = False) -> Calibration:
        """Use the fit (raises CalibrationError when it is not good enough)."""
        if self.report is None:
            raise CalibrationError("there is no fit yet: capture every load first")
        self.chosen = self.report.accept(second_order)
        self.step = Step.VERIFY if self.verify_n else Step.DONE
        return self.chosen

    def record(self, operator: str = "", note: str = "") -> CalibrationRecord:
        if self.chosen is None or self.report is None:
            raise CalibrationError("nothing to save: accept a fit first")
        if not self.identity:
            raise CalibrationError("name this device first: it reports no serial number")
        quadratic = isinstance(self.chosen, QuadraticCalibration)
        coefficients = self.chosen.as_attributes()
        coefficients = {k: v for k, v in coefficients.items() if k not in ("kind", "source")}
        return CalibrationRecord(
            device_identity=self.identity,
            kind="quadratic" if quadratic else "linear",
            coefficients=coefficients,
            raw_unit=self.raw_unit,
            full_scale_n=self.report.full_scale_n,
            linearity_pct_fs=(
                self.report.quadratic_linearity_pct_fs
                if quadratic
                else self.report.linearity_pct_fs
            ),
            hysteresis_pct_fs=self.report.hysteresis_pct_fs,
            points=[
                {"load_n": p.load_n, "raw": p.raw, "unloading": p.unloading} for p in self.points
            ],
            verification=self.verification.as_dict() if self.verification else None,
            operator=operator,
            note=note,
        )

    def _capture(self, point: CalibrationPoint) -> None:
        self.points.append(point)
        self._last_capture = point.raw


def _load(newtons: float) -> str:
    return f"{newtons / 9.80665:.3f} kg ({newtons:.2f} N)"
