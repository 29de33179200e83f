"""The calibration wizard's logic, Qt-free: zero, loads captured when still, fit, verify, save.

Fed the last second of raw readings again and again (the GUI does it on its timer); each
step captures by itself when the signal is still, so nobody has to click at the right
moment with a mass in the other hand. Because capture is automatic, the wizard also has to
refuse what it should not take: a zero under load, a reading that does not fit the load
asked for. It says what it waits for, or why it refused, in ``status``; every action a user
can take at the wrong moment raises CalibrationError saying why instead of corrupting the
sequence.
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
    convert,
    fit,
    still_mean,
    unit_named,
    verify,
)
from monitor.numbers import as_given, number, percent, significant, with_unit

#: A new load must move the reading this many times the unloaded noise: the same load
#: left on, or a hand resting on the cell, is not a new point.
NEW_LOAD_NOISES = 20.0
#: The unloaded noise is never taken below this (raw units), for a perfectly quiet input.
MIN_NOISE = 1e-9
#: Zero is taken only while the calibration in force reads the cell within this fraction of
#: the smallest known load of nothing: the smallest mass left on would be refused.
ZERO_FRACTION = 0.25
#: A load is refused when the loads already taken put it further than this from the load
#: asked for, in % of that load (of the smallest one for the final zero). A wrong mass is
#: off by tens of %; a load cell's non-linearity and hysteresis by well under 1 %.
LOAD_TOLERANCE_PCT = 10.0
#: The first load has no loads taken to check it against: the calibration in force must read
#: it within this % (a wrong mass is 50 % or more off; a device's own calibration a few %).
REFERENCE_TOLERANCE_PCT = 30.0


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


@dataclass(frozen=True)
class Status:
    """What the wizard is waiting for, or why it refused the reading it was offered."""

    text: str = ""
    refused: bool = False


class CalibrationWizard:
    def __init__(
        self,
        loads_n: list[float],
        identity: str,
        raw_unit: str,
        with_unloading: bool = True,
        verify_n: float | None = None,
        reference: Calibration | None = None,
    ) -> None:
        """``reference`` is the calibration in force: only used to tell an unloaded cell
        from a loaded one and which way the reading goes under load."""
        if not loads_n or min(loads_n) <= 0:
            raise CalibrationError("give one or more known loads, each above zero")
        loads = sorted(loads_n)
        repeated = sorted({load for load in loads if loads.count(load) > 1})
        if repeated:
            raise CalibrationError(f"{_load(repeated[0])} is given twice: give each load once")
        if verify_n is not None and verify_n <= 0:
            raise CalibrationError("the verification load must be above zero")
        self.targets = [Target(load, False) for load in loads]
        if with_unloading:
            self.targets += [Target(load, True) for load in reversed([0.0, *loads[:-1]])]
        self.identity = identity
        self.raw_unit = raw_unit
        self.verify_n = verify_n
        self.reference = reference
        self.status = Status()
        self.step = Step.TARE
        self.noise: float | None = None
        self.points: list[CalibrationPoint] = []
        self.report: FitReport | None = None
        self.fit_error = ""
        self.chosen: Calibration | None = None
        self.verification: Verification | None = None
        self.verification_skipped = False
        self._confirmed = False  # the user vouches for the zero or the first load
        self._anchor: float | None = None  # the reading the next capture must move away from
        self._moved = True

    # --- where it stands ------------------------------------------------------------------

    @property
    def next_target(self) -> Target | None:
        captured = len(self.points) - 1  # the first point is the zero
        return self.targets[captured] if 0 <= captured < len(self.targets) else None

    def instruction(self) -> str:
        """What the user should do now, in one line."""
        if self.step is Step.TARE:
            return "Take every load off the cell and keep it still: zero is taken when it is."
        if self.step is Step.LOADS and self.next_target:
            target = self.next_target
            action = "Take off down to" if target.unloading else "Place"
            return f"{action} {_load(target.load_n)} and let it settle: it is captured when still."
        if self.step is Step.FIT and self.fit_error:
            return "The fit failed: retake the load that is wrong, or restart."
        if self.step is Step.FIT:
            return "Check the fit and its residuals, then accept it."
        if self.step is Step.VERIFY:
            return (
                f"Place the verification load, {_load(self.verify_n or 0)}, and let it "
                "settle (or skip verification)."
            )
        return "Done: save the calibration."

    @property
    def can_retake(self) -> bool:
        return bool(self.points) or self.verification is not None

    def retake_label(self) -> str:
        """What Retake takes again: the latest reading."""
        if self.verification is not None:
            return "the verification load"
        if not self.points:
            return ""
        if len(self.points) == 1:
            return "the zero"
        return _load(self.points[-1].load_n)

    def summary(self) -> list[str]:
        """What is (or would be) saved, line by line: the points, the fit, its checks."""
        lines = [f"{len(self.points)} points: " + ", ".join(_load(p.load_n) for p in self.points)]
        report, chosen = self.report, self.chosen
        if report is None or chosen is None:
            return lines
        if isinstance(chosen, QuadraticCalibration):
            fit_text = (
                f"second order: raw = {number(chosen.a, 1)} + {significant(chosen.b, 4)} F + "
                f"{significant(chosen.c, 4)} F²"
            )
        else:
            gain = 1 / chosen.gain_n_per_unit
            fit_text = f"straight line: raw = {number(chosen.offset, 1)} + {significant(gain, 4)} F"
        _, linearity, residuals = self._fit_in_use(report, chosen)
        worst = float(np.abs(residuals).max())
        lines.append(f"Fit: {fit_text} (F in N, raw in {self.raw_unit})")
        lines.append(
            f"Worst residual {_newtons(worst, 3)}; linearity {percent(linearity, 3)} of "
            f"{_newtons(report.full_scale_n, 1)} full scale"
        )
        if self.verification is not None:
            result = self.verification
            verdict = "passed" if result.passed else "FAILED"
            lines.append(
                f"Verification {verdict}: {_load(result.known_n)} read "
                f"{_newtons(result.measured_n)}"
            )
        elif self.verification_skipped:
            lines.append("Not verified: verification was skipped")
        elif self.step is Step.DONE:
            lines.append("Not verified: no verification load was given")
        return lines

    # --- the readings ---------------------------------------------------------------------

    def feed(self, raw: np.ndarray) -> bool:
        """Offer the last second of raw readings; True when it was captured. ``status``
        says what it waits for or why the reading was refused."""
        if self.step in (Step.FIT, Step.DONE):
            return False
        raw = np.asarray(raw, dtype=np.float64)
        if self._anchor is not None and self.noise is not None and raw.size:
            self._moved |= abs(float(np.nanmean(raw)) - self._anchor) > NEW_LOAD_NOISES * self.noise
        try:
            mean = still_mean(raw, self.noise)
        except CalibrationError as exc:
            self.status = Status(f"Waiting for the reading to settle: {exc}.")
            return False
        if self.step is Step.TARE:
            return self._zero(mean, max(float(np.std(raw)), MIN_NOISE))
        if not self._moved:
            self.status = Status(
                f"Waiting for the load to change: it reads {number(mean, 1)}, as at the last "
                "reading."
            )
            return False
        if self.step is Step.LOADS:
            return self._load_point(mean)
        return self._verify(mean)

    def confirm_label(self) -> str:
        """What ``confirm`` vouches for now, or "" when there is nothing to vouch for."""
        if self.step is Step.TARE:
            return "Nothing is on it: zero now"
        if self.step is Step.LOADS and len(self.points) == 1 and self.reference is not None:
            return f"It is {_load(self.targets[0].load_n)}: take it"
        return ""

    def confirm(self) -> None:
        """The user vouches for what the calibration in force cannot: that nothing is on
        the cell (there is no calibration, or its zero has drifted), or that the first load
        is the mass asked for (the calibration in force is far off). The next still reading
        is then taken without that check."""
        if not self.confirm_label():
            raise CalibrationError(
                "only the zero and the first load can be vouched for: the loads already "
                "taken check the others"
            )
        self._confirmed = True

    def _zero(self, mean: float, noise: float) -> bool:
        if not self._confirmed:
            if self.reference is None:
                self.status = Status(
                    "Cannot tell whether the cell is unloaded (no calibration in force): take "
                    "every load off, then confirm that nothing is on it.",
                    refused=True,
                )
                return False
            reads = float(self.reference.apply(np.array([mean]))[0])
            limit = ZERO_FRACTION * self.targets[0].load_n
            if abs(reads) > limit:
                self.status = Status(
                    f"Not zeroed: the cell reads {_newtons(reads)} by the calibration in "
                    f"force ({self.reference.source}), more than ±{_newtons(limit)}. Take "
                    "every load off; if nothing is on it, confirm that.",
                    refused=True,
                )
                return False
        self.noise = noise
        self._capture(CalibrationPoint(0.0, mean))
        self.step = Step.LOADS
        return True

    def _load_point(self, mean: float) -> bool:
        target = self.next_target
        if target is None:  # cannot happen: the last load moves on to the fit
            raise CalibrationError("every load is taken")
        assert self.noise is not None  # set with the zero, before any load
        if abs(mean - self.points[-1].raw) < NEW_LOAD_NOISES * self.noise:
            self.status = Status(f"Waiting for {_load(target.load_n)}: the reading is unchanged.")
            return False
        reason = self._misfit(mean, target)
        if reason:
            self.status = Status(f"Not taken as {_load(target.load_n)}: {reason}", refused=True)
            return False
        self._capture(CalibrationPoint(target.load_n, mean, target.unloading))
        if self.next_target is None:
            try:
                self.report = fit(self.points)
            except CalibrationError as exc:
                self.fit_error = str(exc)
                self.status = Status(f"The fit failed: {exc}", refused=True)
            self.step = Step.FIT
        return True

    def _misfit(self, mean: float, target: Target) -> str:
        """Why ``mean`` cannot be ``target``'s reading, or "" when it may be."""
        zero = self.points[0].raw
        loads = np.array([p.load_n for p in self.points])
        raws = np.array([p.raw for p in self.points])
        if np.unique(loads).size >= 2:
            slope, offset = np.polyfit(loads, raws, 1)
            reads = (mean - offset) / slope
            tolerance = LOAD_TOLERANCE_PCT / 100 * max(target.load_n, self.targets[0].load_n)
            if reads < -tolerance:
                return f"it is below the zero ({_newtons(reads)} by the loads already taken)"
            if abs(reads - target.load_n) <= tolerance:
                return ""
            taken = [load for load in np.unique(loads) if abs(reads - load) <= tolerance]
            which = f", a load already taken ({_load(taken[0])})" if taken else ""
            return (
                f"the loads already taken put it at {_newtons(reads)}{which}, more than "
                f"±{as_given(LOAD_TOLERANCE_PCT, '%')} from {_newtons(target.load_n)}. Check the "
                "mass on the cell, or retake the earlier load if that one was wrong."
            )
        return self._misfit_by_reference(zero, mean, target)

    def _misfit_by_reference(self, zero: float, mean: float, target: Target) -> str:
        """The first load, checked by the calibration in force (unless vouched for)."""
        if self.reference is None or self._confirmed:
            return ""
        at_zero, at_mean = self.reference.apply(np.array([zero, mean]))
        reads = float(at_mean - at_zero)
        if reads < 0:
            return (
                f"it is below the zero ({_newtons(reads)} by the calibration in force): is the "
                "cell pulled instead of pressed?"
            )
        if abs(reads - target.load_n) > REFERENCE_TOLERANCE_PCT / 100 * target.load_n:
            return (
                f"the calibration in force ({self.reference.source}) reads {_newtons(reads)}, "
                f"more than ±{as_given(REFERENCE_TOLERANCE_PCT, '%')} from "
                f"{_newtons(target.load_n)}. Check the mass; "
                "if it is right, the calibration in force is far off: confirm the mass."
            )
        return ""

    def _verify(self, mean: float) -> bool:
        if self.chosen is None or self.verify_n is None:  # VERIFY is entered with both
            raise CalibrationError("accept a fit before verifying it")
        self.verification = verify(self.chosen, self.verify_n, mean)
        self._anchor, self._moved = mean, False
        self.step = Step.DONE
        self.status = Status()
        return True

    def _capture(self, point: CalibrationPoint) -> None:
        self.points.append(point)
        self._anchor, self._moved, self._confirmed = point.raw, False, False
        self.status = Status()

    # --- the user's actions, in any order -------------------------------------------------

    def accept_fit(self, second_order: bool = False) -> Calibration:
        """Use the fit (raises CalibrationError when it is not good enough)."""
        if self.step is not Step.FIT:
            raise CalibrationError("there is no fit yet: capture every load first")
        if self.report is None:
            raise CalibrationError(f"the fit failed: {self.fit_error}")
        self.chosen = self.report.accept(second_order)
        self.step = Step.VERIFY if self.verify_n else Step.DONE
        self.verification_skipped = False
        return self.chosen

    def skip_verification(self) -> None:
        """Go on without verifying: the result and the saved record say it was not."""
        if self.step is not Step.VERIFY:
            raise CalibrationError("there is nothing to verify yet: accept a fit first")
        self.verification_skipped = True
        self.step = Step.DONE
        self.status = Status()

    def retake(self) -> None:
        """Drop the latest reading and wait for it again; the reading must move away from
        the one dropped first (a wrong mass still on the cell is not taken again)."""
        self.status = Status()
        if self.verification is not None:  # it must move off the reading it took first
            self.verification, self.step, self._moved = None, Step.VERIFY, False
            return
        if not self.points:
            raise CalibrationError("nothing is taken yet: there is nothing to retake")
        dropped_point = self.points.pop()
        self.report, self.fit_error = None, ""
        self.chosen, self.verification_skipped, self._confirmed = None, False, False
        self._anchor, self._moved = dropped_point.raw, False
        if self.points:
            self.step = Step.LOADS
        else:
            self.step, self.noise = Step.TARE, None

    def back(self) -> None:
        """One step back: from the result to the verification or the fit, from the fit to
        its last load, and in the loads the latest reading is taken again."""
        if self.step is Step.DONE and self.verification_skipped:
            self.verification_skipped, self.step = False, Step.VERIFY
        elif self.step in (Step.DONE, Step.VERIFY) and self.verification is None and self.chosen:
            self.chosen, self.step = None, Step.FIT
        elif self.step is Step.TARE:
            raise CalibrationError("this is the first step: there is nothing before it")
        else:
            self.retake()
        self.status = Status()

    def record(self, operator: str = "", note: str = "") -> CalibrationRecord:
        if self.chosen is None or self.report is None:
            raise CalibrationError("nothing to save: accept a fit first")
        if self.step is not Step.DONE:
            raise CalibrationError("verify the calibration or skip verification before saving")
        if not self.identity:
            raise CalibrationError("name this device first: it reports no serial number")
        kind, linearity, _ = self._fit_in_use(self.report, self.chosen)
        coefficients = {
            key: float(value)
            for key, value in self.chosen.as_attributes().items()
            if key not in ("kind", "source")
        }
        return CalibrationRecord(
            device_identity=self.identity,
            kind=kind,
            coefficients=coefficients,
            raw_unit=self.raw_unit,
            full_scale_n=self.report.full_scale_n,
            linearity_pct_fs=linearity,
            hysteresis_pct_fs=self.report.hysteresis_pct_fs,
            points=[
                {"load_n": p.load_n, "raw": p.raw, "unloading": p.unloading} for p in self.points
            ],
            verification=self.verification.as_dict() if self.verification else None,
            operator=operator,
            note=note,
        )

    @staticmethod
    def _fit_in_use(report: FitReport, chosen: Calibration) -> tuple[str, float, np.ndarray]:
        """The chosen fit's kind, linearity (% FS) and residuals (N)."""
        if (
            isinstance(chosen, QuadraticCalibration)
            and report.quadratic_linearity_pct_fs is not None
            and report.quadratic_residuals_n is not None
        ):
            return "quadratic", report.quadratic_linearity_pct_fs, report.quadratic_residuals_n
        return "linear", report.linearity_pct_fs, report.residuals_n


def _load(newtons: float) -> str:
    """A load as the mass that weighs it (kg) and in newtons."""
    kg = float(convert(newtons, unit_named("N"), unit_named("kgf")))
    return f"{with_unit(kg, 'kg', 3)} ({_newtons(newtons)})"


def _newtons(newtons: float, decimals: int = 2) -> str:
    """A force as the wizard checks it: to the hundredth of a newton unless told."""
    return with_unit(newtons, "N", decimals)
