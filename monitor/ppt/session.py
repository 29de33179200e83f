"""One PPT protocol being measured: the stream in; trials, the run, the ramp guide and the
results out. Qt-free, and driven by the samples' own clock (``t``), so it runs the same on a
live device, in a replay and in tests fed numpy blocks.

The PPT screen hands it calibrated blocks (structured arrays with ``t``, ``force`` in N and
``flags``) and the examiner's actions (stop, repeat, keep, delete, redo); it turns force into
pressure on the probe, refuses loading during the rest, finds trials, keeps each trial's
trace, and says what the screen shows and what the recording gets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

import numpy as np

from calibration.units import to_display, unit_named
from firmware_bridge.samples import FLAG_BUTTON
from monitor import numbers
from monitor.ppt.protocol import Entry, PptProtocol, PptRun, ppt_trial_row
from monitor.ppt.results import (
    MEAN_OF_ALL,
    MEAN_RULES,
    Reference,
    ResultRow,
    check_mean_rule,
    results_table,
)
from monitor.ppt.trial import (
    MIN_LOADING_S,
    MIN_RAMP_SHARE,
    GuideFrame,
    PptSettings,
    RampGuide,
    TrialDetector,
    TrialTrace,
)

#: The guide looks back this far at most (its window is 0.25-1 s).
GUIDE_HISTORY_S = 1.0
KPA = unit_named("kPa")


class Phase(Enum):
    """Where the protocol is, as the examiner must know it before pressing."""

    NO_DATA = "no data"  # no reading from the device yet
    LOADING = "loading"  # a trial is under way
    REFUSED = "refused"  # loaded during the rest: not measured until the probe is lifted
    DECIDE = "decide"  # a flagged trial awaits Repeat or Keep
    RESTING = "resting"  # the rest between trials
    LIFT = "lift"  # the rest is over, but the probe is still on from before
    READY = "ready"  # the probe is off and the rest over: load now
    COMPLETE = "complete"


#: What the guide's big place says in each phase (a rate while loading, the rest left while
#: resting); every one of them fits its width.
PHASE_WORDS = {
    Phase.NO_DATA: "no data",
    Phase.REFUSED: "lift probe",
    Phase.DECIDE: "decide first",  # Repeat or Keep: the question is said below
    Phase.LIFT: "lift probe",
    Phase.READY: "ready: load",
    Phase.COMPLETE: "complete",
}


@dataclass(frozen=True)
class Status:
    """What is true now, in the guide's words: ``short`` for its big place, ``words`` for the
    line that says why and what to do."""

    phase: Phase
    short: str
    words: str
    rest_left_s: float = 0.0

    @property
    def alert(self) -> bool:
        """A refusal: shown in the alert colour while it lasts."""
        return self.phase is Phase.REFUSED


def rest_words(seconds: float) -> str:
    """The rest left, in whole seconds rounded up: never "0 s" while resting."""
    return numbers.with_unit(math.ceil(seconds), "s", 0)


@dataclass(frozen=True)
class Fed:
    """What one block brought."""

    measured: list[Entry]  # trials completed (accepted, or flagged and now pending)
    refused: bool  # loading began during the rest and was not measured


class PptSession:
    def __init__(
        self,
        protocol: PptProtocol,
        probe_area_cm2: float = 1.0,
        sample_rate_hz: float = 1000.0,
        tolerance: float = 0.20,
        safety_max_kpa: float = 1000.0,
        mean_of: str = MEAN_OF_ALL,
    ) -> None:
        check_mean_rule(mean_of, protocol.trials_per_site)
        self.mean_of = mean_of
        self.settings = PptSettings(
            target_rate_kpa_s=protocol.rate_kpa_s,
            tolerance=tolerance,
            safety_max_kpa=safety_max_kpa,
        )
        self.run = PptRun(protocol)
        self.detector = TrialDetector(self.settings, rest_s=protocol.interval_s)
        self.guide = RampGuide(self.settings, sample_rate_hz)
        self.probe_area_cm2 = probe_area_cm2
        self._recent_t = np.zeros(0)
        self._recent_kpa = np.zeros(0)
        self._changes = 0  # every change to what was measured
        self._exported_at = 0

    # --- the stream -------------------------------------------------------------------

    def kpa(self, force_n: np.ndarray) -> np.ndarray:
        return to_display(force_n, KPA, self.probe_area_cm2)

    @property
    def now(self) -> float:
        """The newest sample's time: the session clock the rest is counted on."""
        return float(self._recent_t[-1]) if self._recent_t.size else math.nan

    def feed(self, block: np.ndarray) -> Fed:
        """A calibrated block (fields ``t``, ``force``, ``flags``)."""
        t = np.asarray(block["t"], dtype=np.float64)
        kpa = self.kpa(block["force"])
        self._keep_recent(t, kpa)
        if self.run.finished or not t.size:  # nothing runs after the protocol completes
            return Fed([], False)
        refusals = self.detector.refusals
        measured = []
        for trial in self.detector.feed(t, kpa, (block["flags"] & FLAG_BUTTON) > 0):
            planned = self.run.current
            if planned is None:
                break
            inside = (self._recent_t >= trial.t_start) & (self._recent_t <= trial.t_stop)
            flags = "".join(f", {flag.value}" for flag in trial.flags)
            trace = TrialTrace(  # the report names each trial's stop source and flags
                f"{planned.site} {planned.side[0].upper()}{planned.trial} "
                f"({trial.stop_source.value}{flags})",
                self._recent_t[inside] - trial.t_start,
                self._recent_kpa[inside],
                trial.target_rate_kpa_s,
                trial.threshold_kpa,
                not trial.accepted,
            )
            entry = self.run.add(trial, trial.t_stop, trace)
            if entry is not None:
                measured.append(entry)
                self._changes += 1
            if self.run.finished:
                break
        return Fed(measured, self.detector.refusals > refusals)

    def _keep_recent(self, t: np.ndarray, kpa: np.ndarray) -> None:
        """The trial under way (for its plot and trace), else the last second."""
        if not t.size:
            return
        since = self.detector.loading_since
        start = float(t[-1]) - GUIDE_HISTORY_S
        keep = self._recent_t >= (min(since, start) if since is not None else start)
        self._recent_t = np.concatenate([self._recent_t[keep], t])
        self._recent_kpa = np.concatenate([self._recent_kpa[keep], kpa])

    # --- the examiner's actions -------------------------------------------------------

    def trial_running(self) -> bool:
        """A trial is loading now (Space then means "stop: pain now")."""
        return self.detector.loading and not self.run.finished

    def stop_now(self) -> None:
        """The examiner's key or foot pedal: the trial stops at the newest sample."""
        if self.trial_running() and self._recent_t.size:
            self.detector.stop_now(float(self._recent_t[-1]))

    def repeat(self) -> None:
        self.run.repeat()
        self._changes += 1

    def keep(self) -> None:
        if self.run.keep() is not None:
            self._changes += 1

    def delete(self, entry: Entry) -> None:
        self.run.delete(entry)
        self._changes += 1

    def redo(self, entry: Entry) -> None:
        self.run.redo(entry)
        self._changes += 1

    def end(self) -> None:
        """This protocol is left for a new one: a flagged trial still waiting for Repeat or
        Keep is decided as left undecided, so its row still reaches the recording."""
        self.run.abandon()

    def take_rows(self) -> list[tuple]:
        """Rows for the recording's PPT table since the last call: every trial as it is
        decided (accepted, kept, or repeated with its flags), in that order. A deleted or
        redone trial keeps its row; the screen records the withdrawal beside it."""
        return [ppt_trial_row(entry) for entry in self.run.take_decided()]

    # --- what is shown ----------------------------------------------------------------

    def phase(self) -> Phase:
        """Where the protocol is now. Ready only when loading now would be measured: the
        rest is over, no flagged trial waits, and the probe was seen off since the last
        trial (or refusal, or the start)."""
        run, detector = self.run, self.detector
        checks = (
            (run.finished, Phase.COMPLETE),
            (detector.loading, Phase.LOADING),
            (not self._recent_t.size, Phase.NO_DATA),
            (detector.refused_load, Phase.REFUSED),
            (run.pending is not None, Phase.DECIDE),
            (run.ready_in(self.now) > 0, Phase.RESTING),
            (detector.awaiting_unload, Phase.LIFT),
        )
        return next((phase for hit, phase in checks if hit), Phase.READY)

    def status(self) -> Status:
        """The phase, and what the examiner is to do in it, in words."""
        phase = self.phase()
        left = self.run.ready_in(self.now)
        lift = "Lift the probe, then load: a trial starts from the probe off"
        if left > 0:
            off = "lift the probe" if self.detector.awaiting_unload else "keep the probe off"
            resting = f"Resting: {rest_words(left)} left — {off}"
        else:
            resting = lift if self.detector.awaiting_unload else ""
        then = f" ({rest_words(left)} of rest left)" if left > 0 else ", then load"
        words = {
            Phase.COMPLETE: "",
            Phase.LOADING: "Measuring: stop (Space) when the subject says “now”.",
            Phase.NO_DATA: "No readings from the device yet.",
            Phase.REFUSED: f"Not measured: loading began during the rest. Lift the probe{then}.",
            Phase.DECIDE: "Repeat the flagged trial or keep it"
            + (f". {resting}." if resting else "."),
            Phase.RESTING: f"{resting}.",
            Phase.LIFT: f"{lift}.",
            Phase.READY: "Ready: load the probe now.",
        }[phase]
        short = f"rest {rest_words(left)}" if phase is Phase.RESTING else PHASE_WORDS.get(phase, "")
        return Status(phase, short, words, left)

    def guide_frame(self) -> GuideFrame:
        if self.run.finished:
            return GuideFrame(math.nan, math.nan, None)
        return self.guide.frame(self._recent_t, self._recent_kpa, self.detector.loading_since)

    def recent(self) -> tuple[np.ndarray, np.ndarray]:
        """(time, pressure) since the trial under way started loading, at least the last
        second: what the guide's plot draws."""
        return self._recent_t, self._recent_kpa

    @property
    def current_kpa(self) -> float:
        return float(self._recent_kpa[-1]) if self._recent_kpa.size else math.nan

    def results(self, sex: str = "", references: list[Reference] | None = None) -> list[ResultRow]:
        return results_table(self.run.trial_records(), self.mean_of, sex, references)

    def set_mean_of(self, mean_of: str) -> None:
        check_mean_rule(mean_of, self.run.protocol.trials_per_site)
        if mean_of != self.mean_of:
            self.mean_of = mean_of
            self._changes += 1

    def traces(self) -> list[TrialTrace]:
        return [entry.trace for entry in self.run.entries if entry.trace is not None]

    # --- exported or not --------------------------------------------------------------

    @property
    def unexported(self) -> bool:
        """Trials were measured, deleted or kept since the last export."""
        return bool(self.run.entries) and self._changes != self._exported_at

    def mark_exported(self) -> None:
        self._exported_at = self._changes

    def describe(self) -> dict[str, object]:
        """The protocol and its settings, as recorded with the trials (order seed included, so
        a randomised order can be reproduced)."""
        protocol = self.run.protocol
        return {
            "sites": list(protocol.sites),
            "sides": list(protocol.sides),
            "trials_per_site": protocol.trials_per_site,
            "rate_kpa_s": protocol.rate_kpa_s,
            "interval_s": protocol.interval_s,
            "order": protocol.order,
            "seed": protocol.seed,
            "tolerance": self.settings.tolerance,
            "safety_max_kpa": self.settings.safety_max_kpa,
            "probe_area_cm2": self.probe_area_cm2,
            "mean_of": self.mean_of,
            "min_loading_s": MIN_LOADING_S,
            "min_threshold_kpa": self.settings.min_threshold_kpa,
            "min_ramp_share": MIN_RAMP_SHARE,
        }

    def describe_text(self) -> str:
        """The protocol in one line, for the exports' headers."""
        p = self.run.protocol
        return (
            f"{p.trials_per_site} trials per site at {numbers.as_given(p.rate_kpa_s, 'kPa/s')} "
            f"(± {numbers.percent(100 * self.settings.tolerance)}), "
            f"{numbers.as_given(p.interval_s, 's')} rest, {p.order} "
            f"(seed {p.seed}), sides {', '.join(p.sides)}; {MEAN_RULES[self.mean_of]}; "
            f"safety maximum {numbers.as_given(self.settings.safety_max_kpa, 'kPa')}"
        )
