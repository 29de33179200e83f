"""A PPT protocol and its run: which site and side comes next, when, and what was measured.

Qt-free: the PPT screen shows ``PptRun.current`` and ``ready_in``; the trial detector's trials
go to ``PptRun.add``. A flagged trial is repeated unless the examiner keeps it (it then counts
in the mean, marked as kept); any measured trial can later be deleted or redone. Every trial
is logged once it is decided (accepted, kept or repeated), for the recording's PPT table: a
recording is evidence, so a repeated trial is written too, marked as such.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from monitor.ppt.results import TrialRecord
from monitor.ppt.trial import DFNS_RATE_KPA_S, FISCHER_RATE_KPA_S, Trial, TrialTrace

RATE_PRESETS_KPA_S = {
    "DFNS QST, 50 kPa/s": DFNS_RATE_KPA_S,
    "Fischer, 1 kgf/cm²/s": FISCHER_RATE_KPA_S,
    "Computer-controlled (CCPA), 10 kPa/s": 10.0,
}
#: A saved rate within this share of a preset's is that preset (settings saved before the
#: Fischer rate was exact hold 98.07 for its 98.0665 kPa/s).
PRESET_MATCH_REL = 1e-3


def rate_preset_named(rate_kpa_s: float) -> str | None:
    """The name of the preset ``rate_kpa_s`` is, or None for a custom rate."""
    for name, rate in RATE_PRESETS_KPA_S.items():
        if math.isclose(rate, rate_kpa_s, rel_tol=PRESET_MATCH_REL):
            return name
    return None


#: The sides a protocol can measure, by the name the screen and the settings use.
SIDE_CHOICES = {
    "left and right": ("left", "right"),
    "left only": ("left",),
    "right only": ("right",),
}
LEFT_THEN_RIGHT, ALTERNATING, RANDOMISED = "left then right", "alternating", "randomised"
ORDERS = (LEFT_THEN_RIGHT, ALTERNATING, RANDOMISED)


@dataclass(frozen=True)
class PlannedTrial:
    site: str
    side: str
    trial: int  # 1-based at this site and side


@dataclass(frozen=True)
class PptProtocol:
    sites: tuple[str, ...]
    sides: tuple[str, ...] = ("left", "right")
    trials_per_site: int = 3
    rate_kpa_s: float = DFNS_RATE_KPA_S
    interval_s: float = 30.0  # rest between trials
    order: str = LEFT_THEN_RIGHT
    seed: int = 0  # the randomised order's seed, recorded so the order can be reproduced

    def __post_init__(self) -> None:
        if not self.sites or not self.sides:
            raise ValueError("a protocol needs at least one site and one side")
        if not 1 <= self.trials_per_site <= 10:
            raise ValueError("1 to 10 trials per site")
        if self.order not in ORDERS:
            raise ValueError(f"unknown order {self.order!r} (known: {', '.join(ORDERS)})")
        if not self.rate_kpa_s > 0 or self.interval_s < 0:
            raise ValueError("the ramp rate must be positive and the interval not negative")

    def plan(self) -> list[PlannedTrial]:
        trials = range(1, self.trials_per_site + 1)
        if self.order == LEFT_THEN_RIGHT:  # every site on one side, then the other
            return [
                PlannedTrial(site, side, n)
                for side in self.sides
                for site in self.sites
                for n in trials
            ]
        if self.order == ALTERNATING:  # never the same spot twice running
            return [
                PlannedTrial(site, side, n)
                for site in self.sites
                for n in trials
                for side in self.sides
            ]
        # Randomised: the sequence of site-sides is shuffled, each keeping its trials in order.
        slots = [(site, side) for site in self.sites for side in self.sides] * self.trials_per_site
        random.Random(self.seed).shuffle(slots)
        counts: dict[tuple[str, str], int] = {}
        planned = []
        for site, side in slots:
            counts[(site, side)] = counts.get((site, side), 0) + 1
            planned.append(PlannedTrial(site, side, counts[(site, side)]))
        return planned


@dataclass
class Entry:
    """One measured trial of the run, with the examiner's decision on it."""

    planned: PlannedTrial
    trial: Trial
    kept: bool = False  # flagged, and kept by the examiner: it counts in the mean
    repeated: bool = False  # flagged, and measured again: out of the results
    abandoned: bool = False  # flagged, and a new protocol started before a decision
    trace: TrialTrace | None = None

    @property
    def counted(self) -> bool:
        """In the mean: accepted as measured, or kept by the examiner, and with a threshold
        (a trial stopped at the safety maximum has none, kept or not)."""
        return (self.trial.accepted or self.kept) and math.isfinite(self.trial.threshold_kpa)

    def label(self) -> str:
        return f"{self.planned.site} {self.planned.side[0].upper()}{self.planned.trial}"


@dataclass
class PptRun:
    """What is left to measure, what was measured, and a flagged trial awaiting the
    examiner's decision. Times are on the session clock (the samples' ``t``)."""

    protocol: PptProtocol
    plan: list[PlannedTrial] = field(init=False)
    entries: list[Entry] = field(default_factory=list)
    todo: list[PlannedTrial] = field(init=False)
    _last_stop: float | None = None
    pending: Entry | None = None  # a flagged trial awaiting repeat-or-keep
    #: Flagged trials measured and then repeated: out of the results, but not unsaid.
    repeated: list[Entry] = field(default_factory=list)
    #: Trials decided (accepted, kept or repeated) and not yet taken for the recording.
    _decided: list[Entry] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.plan = self.protocol.plan()
        self.todo = list(self.plan)

    @property
    def current(self) -> PlannedTrial | None:
        return self.todo[0] if self.todo else None

    @property
    def finished(self) -> bool:
        return not self.todo and self.pending is None

    @property
    def rest_until(self) -> float:
        """Loading may begin from this session time on."""
        if self._last_stop is None:
            return -math.inf
        return self._last_stop + self.protocol.interval_s

    def ready_in(self, now: float) -> float:
        """Seconds of rest left before the next trial (0: go)."""
        return max(0.0, self.rest_until - now)

    def add(self, trial: Trial, now: float, trace: TrialTrace | None = None) -> Entry | None:
        """A trial for the current site: kept if accepted, else held for repeat-or-keep (a
        flagged trial still waiting is dropped: the examiner measured again)."""
        planned = self.current
        if planned is None:
            return None
        self.repeat()  # measuring again without deciding is a repeat
        self._last_stop = now
        entry = Entry(planned, trial, trace=trace)
        if trial.accepted:
            self.entries.append(entry)
            self.todo.pop(0)
            self._decided.append(entry)
        else:
            self.pending = entry
        return entry

    def repeat(self) -> None:
        """Drop the flagged trial from the results (it is listed as repeated): the same site
        and side is measured again."""
        if self.pending is not None:
            self.pending.repeated = True
            self.repeated.append(self.pending)
            self._decided.append(self.pending)
        self.pending = None

    def keep(self) -> Entry | None:
        """Keep the flagged trial (recorded with its flag, counted where it has a threshold)
        and move on."""
        entry, self.pending = self.pending, None
        if entry is not None:
            entry.kept = True
            self.entries.append(entry)
            self.todo.pop(0)
            self._decided.append(entry)
        return entry

    def abandon(self) -> None:
        """The protocol is left (a new one starts) with a flagged trial undecided: it is
        out of the results, and logged as such (it was measured)."""
        if self.pending is not None:
            self.pending.abandoned = True
            self._decided.append(self.pending)
        self.pending = None

    def take_decided(self) -> list[Entry]:
        """The trials decided since the last call, in the order they were decided."""
        decided, self._decided = self._decided, []
        return decided

    def listed(self) -> list[Entry]:
        """Every trial measured and not withdrawn, in the order measured: those in the
        results and those repeated (shown, never counted), then the flagged one waiting."""
        measured = sorted([*self.entries, *self.repeated], key=lambda entry: entry.trial.t_start)
        return [*measured, *([self.pending] if self.pending is not None else [])]

    def edit_refusal(self, entry: Entry) -> str:
        """Why ``entry`` cannot be deleted or redone now, or "" when it can."""
        if entry.repeated:
            return (
                f"{entry.label()} was repeated: it is not in the results, and stays listed "
                "as measured."
            )
        if self.pending is not None:
            return "Repeat or keep the flagged trial first."
        return ""

    def delete(self, entry: Entry) -> None:
        """Forget a measured trial: its site keeps one trial fewer."""
        self._require_editable(entry)
        self.entries.remove(entry)

    def redo(self, entry: Entry) -> None:
        """Forget a measured trial and measure its site, side and number again, next."""
        self._require_editable(entry)
        self.entries.remove(entry)
        self.todo.insert(0, entry.planned)

    def _require_editable(self, entry: Entry) -> None:
        if refusal := self.edit_refusal(entry):
            raise ValueError(refusal)

    def trial_records(self) -> list[TrialRecord]:
        return [
            TrialRecord(
                e.planned.site,
                e.planned.side,
                e.planned.trial,
                e.trial.threshold_kpa,
                e.counted,
                e.trial.reason,
                e.trial.stop_source.value,
            )
            for e in self.entries
        ]


#: How a repeated trial's row in the recording ends its reason (after the flags' reasons).
REPEATED_WORDS = "repeated by the examiner: not in the results"
#: ... and a flagged trial's left undecided when a new protocol started.
ABANDONED_WORDS = "undecided when a new protocol started: not in the results"


def ppt_trial_row(entry: Entry) -> tuple:
    """One row of a recording's PPT table (``recordings.schema.PPT_TRIAL_DTYPE`` order)."""
    planned, trial = entry.planned, entry.trial
    reason = trial.reason
    if entry.repeated:
        reason += f"; {REPEATED_WORDS}"
    elif entry.abandoned:
        reason += f"; {ABANDONED_WORDS}"
    elif entry.kept and trial.reason:
        reason += "; kept by the examiner" + ("" if entry.counted else " (no threshold)")
    return (
        trial.t_start,
        trial.t_stop,
        planned.site,
        planned.side,
        planned.trial,
        trial.target_rate_kpa_s,
        trial.achieved_rate_kpa_s,
        trial.threshold_kpa,
        trial.stop_source.value,
        int(trial.accepted),
        reason,
    )
