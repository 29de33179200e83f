"""What a PPT protocol's trials come to, per site and side: the threshold to report, its
spread, left/right asymmetry, and where it lies against reference values (with their source).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import numpy as np

from monitor.json_documents import parse_document

#: Which trials make the reported threshold: all accepted ones (DFNS, Commander AVG), or
#: trials 2-3 where the first is a familiarisation (Mailloux 2021, Balaguier 2016).
MEAN_OF_ALL, MEAN_OF_2_3 = "all", "2-3"


@dataclass(frozen=True)
class TrialRecord:
    site: str
    side: str
    trial: int  # 1, 2, 3 ... at this site and side
    threshold_kpa: float
    accepted: bool


@dataclass(frozen=True)
class SiteResult:
    site: str
    side: str
    thresholds_kpa: tuple[float, ...]  # every trial, in order (NaN where none)
    used: tuple[int, ...]  # trial numbers in the mean
    mean_kpa: float
    sd_kpa: float
    cv_pct: float


@dataclass(frozen=True)
class Reference:
    site: str
    sex: str
    q1_kpa: float
    median_kpa: float
    q3_kpa: float
    source: str

    def place(self, kpa: float) -> str:
        """Where a threshold lies against this reference, in words."""
        if not math.isfinite(kpa):
            return "no threshold"
        if kpa < self.q1_kpa:
            return "below the 25th percentile (more sensitive than most)"
        if kpa > self.q3_kpa:
            return "above the 75th percentile"
        return "within the middle half"


def site_result(trials: Iterable[TrialRecord], mean_of: str = MEAN_OF_ALL) -> SiteResult:
    """The reported threshold for one site and side from its trials."""
    trials = sorted(trials, key=lambda trial: trial.trial)
    if not trials:
        raise ValueError("no trials")
    usable = [t for t in trials if t.accepted and math.isfinite(t.threshold_kpa)]
    if mean_of == MEAN_OF_2_3:
        later = [t for t in usable if t.trial >= 2]
        usable = later or usable  # with only trial 1 usable, report it rather than nothing
    values = np.array([t.threshold_kpa for t in usable])
    mean = float(values.mean()) if values.size else math.nan
    sd = float(values.std(ddof=1)) if values.size > 1 else math.nan
    return SiteResult(
        site=trials[0].site,
        side=trials[0].side,
        thresholds_kpa=tuple(t.threshold_kpa for t in trials),
        used=tuple(t.trial for t in usable),
        mean_kpa=mean,
        sd_kpa=sd,
        cv_pct=100 * sd / mean if math.isfinite(sd) and mean > 0 else math.nan,
    )


def asymmetry_pct(left_kpa: float, right_kpa: float) -> float:
    """How far the weaker side falls short of the stronger, in % of the stronger (the
    Commander's ADEF): 0 for equal sides."""
    if not (math.isfinite(left_kpa) and math.isfinite(right_kpa)) or max(left_kpa, right_kpa) <= 0:
        return math.nan
    return 100 * abs(left_kpa - right_kpa) / max(left_kpa, right_kpa)


def load_references() -> list[Reference]:
    text = resources.files("monitor.data").joinpath("ppt_reference.json").read_text("utf-8")
    rows = parse_document(text, "pressure-monitor-ppt-reference", 1)["rows"]
    return [Reference(**row) for row in rows]


def reference_for(references: list[Reference], site: str, sex: str) -> Reference | None:
    """The reference row for a site and sex, or None: no reference is ever invented."""
    for reference in references:
        if reference.site.lower() == site.lower() and reference.sex == sex:
            return reference
    return None
