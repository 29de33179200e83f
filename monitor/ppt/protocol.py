"""A PPT protocol and its run: which site and side comes next, when, and what was measured.

Qt-free: the PPT screen shows ``PptRun.current`` and ``ready_in``; the trial detector's trials
go to ``PptRun.add``. A trial flagged for its ramp rate is repeated unless the examiner keeps
it; the run then moves on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from monitor.ppt.results import TrialRecord
from monitor.ppt.trial import DFNS_RATE_KPA_S, FISCHER_RATE_KPA_S, Trial

RATE_PRESETS_KPA_S = {
    "DFNS QST, 50 kPa/s": DFNS_RATE_KPA_S,
    "Fischer, 1 kgf/cm²/s": FISCHER_RATE_KPA_S,
    "Computer-controlled (CCPA), 10 kPa/s": 10.0,
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
class PptRun:
    protocol: PptProtocol
    plan: list[PlannedTrial] = field(init=False)
    records: list[tuple[PlannedTrial, Trial]] = field(default_factory=list)
    _index: int = 0
    _last_stop: float | None = None  # monotonic time of the last stop
    pending: tuple[PlannedTrial, Trial] | None = None  # a flagged trial awaiting a decision

    def __post_init__(self) -> None:
        self.plan = self.protocol.plan()

    @property
    def current(self) -> PlannedTrial | None:
        return self.plan[self._index] if self._index < len(self.plan) else None

    @property
    def finished(self) -> bool:
        return self.current is None

    def ready_in(self, now: float) -> float:
        """Seconds of rest left before the next trial (0: go)."""
        if self._last_stop is None:
            return 0.0
        return max(0.0, self._last_stop + self.protocol.interval_s - now)

    def add(self, trial: Trial, now: float) -> None:
        """A trial for the current site: kept if accepted, else held for repeat-or-keep (a
        flagged trial still waiting is dropped: the examiner measured again)."""
        planned = self.current
        if planned is None:
            return
        self.pending = None  # measuring again without deciding is a repeat
        self._last_stop = now
        if trial.accepted:
            self.records.append((planned, trial))
            self._index += 1
        else:
            self.pending = (planned, trial)

    def repeat(self) -> None:
        """Drop the flagged trial: the same site and side is measured again."""
        self.pending = None

    def keep(self) -> None:
        """Keep the flagged trial as it is (recorded with its flag) and move on."""
        if self.pending is not None:
            self.records.append(self.pending)
            self.pending = None
            self._index += 1

    def trial_records(self) -> list[TrialRecord]:
        return [
            TrialRecord(p.site, p.side, p.trial, t.threshold_kpa, t.accepted)
            for p, t in self.records
        ]


def ppt_trial_row(planned: PlannedTrial, trial: Trial) -> tuple:
    """One row of a recording's PPT table (``recordings.schema.PPT_TRIAL_DTYPE`` order)."""
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
        trial.reason,
    )
