"""What a PPT protocol's trials come to, per site and side: the threshold to report, its
spread, left/right asymmetry, and where it lies against reference values (with their source).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import numpy as np

from monitor import numbers
from monitor.clients import ClientStore
from monitor.json_documents import parse_document

#: Which trials make the reported threshold: all counted ones (DFNS, Commander AVG), or
#: trials 2 and 3 where the first is a familiarisation (Mailloux 2021, Balaguier 2016).
MEAN_OF_ALL, MEAN_OF_2_3 = "all", "2-3"
MEAN_RULES = {MEAN_OF_ALL: "mean of all trials", MEAN_OF_2_3: "mean of trials 2 and 3"}
#: What the asymmetry column is, wherever it is shown.
ASYMMETRY_TEXT = "L/R asymmetry: |left - right| as % of the higher side"
#: The results' columns on the screen and in the report, as ``ResultRow.cells`` fills them.
RESULT_COLUMNS = (
    "Site",
    "Side",
    "Trials, kPa",
    "Mean, kPa",
    "In mean",
    "SD",
    "CV",
    "L/R asymmetry",
    "Reference",
)


def check_mean_rule(mean_of: str, trials_per_site: int) -> None:
    """Trials 2 and 3 need three trials per site."""
    if mean_of not in MEAN_RULES:
        raise ValueError(f"unknown mean rule {mean_of!r}")
    if mean_of == MEAN_OF_2_3 and trials_per_site < 3:
        raise ValueError("the mean of trials 2 and 3 needs 3 trials per site")


@dataclass(frozen=True)
class TrialRecord:
    site: str
    side: str
    trial: int  # 1, 2, 3 ... at this site and side
    threshold_kpa: float
    counted: bool  # may enter the mean: accepted, or flagged and kept by the examiner
    flags: str = ""  # why it was flagged ("" for none)
    stop: str = ""  # what stopped it (a StopSource value)


@dataclass(frozen=True)
class SiteResult:
    site: str
    side: str
    thresholds_kpa: tuple[float, ...]  # every trial, in order (NaN where none)
    trials: tuple[TrialRecord, ...]  # the same trials, whole
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
    usable = [t for t in trials if t.counted and math.isfinite(t.threshold_kpa)]
    if mean_of == MEAN_OF_2_3:  # exactly those two: never trial 1 or 4 in their place
        usable = [t for t in usable if t.trial in (2, 3)]
    values = np.array([t.threshold_kpa for t in usable])
    mean = float(values.mean()) if values.size else math.nan
    sd = float(values.std(ddof=1)) if values.size > 1 else math.nan
    return SiteResult(
        site=trials[0].site,
        side=trials[0].side,
        thresholds_kpa=tuple(t.threshold_kpa for t in trials),
        trials=tuple(trials),
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


@dataclass(frozen=True)
class ResultRow:
    """One line of the results view, the CSV and the report."""

    result: SiteResult
    asymmetry_pct: float  # this site's left/right asymmetry (NaN with one side)
    reference: Reference | None
    lower_side: str = ""  # the side with the lower threshold ("" when equal or one side)
    #: Why there is no reference, when there is none: the site has none, or it has one
    #: per sex and the client's sex was not given.
    no_reference: str = "no reference"

    def cells(self) -> list[str]:
        """The row as the screen and the report show it, in ``RESULT_COLUMNS``' order (the
        headings name the unit: kPa, the SD too)."""
        result = self.result
        return [
            result.site,
            result.side,
            self.trials_text(),
            numbers.number(result.mean_kpa, numbers.KPA.decimals),
            self.used_text(),
            numbers.number(result.sd_kpa, numbers.KPA.decimals),
            numbers.percent(result.cv_pct, 1),
            self.asymmetry_text(),
            self.reference_text(),
        ]

    def asymmetry_text(self) -> str:
        if not math.isfinite(self.asymmetry_pct):
            return numbers.NO_VALUE
        shown = numbers.percent(self.asymmetry_pct)
        if shown == numbers.percent(0.0):  # 303 against 302.5 kPa: no side is "lower"
            return shown
        lower = f" ({self.lower_side} lower)" if self.lower_side else ""
        return f"{shown}{lower}"

    def trials_text(self) -> str:
        """Every trial's threshold; a flagged one in brackets when it is not in the mean,
        with an asterisk when the examiner kept it into the mean."""
        words = []
        used = set(self.result.used)
        for trial in self.result.trials:
            value = numbers.number(trial.threshold_kpa, numbers.KPA.decimals)
            if trial.trial not in used:
                value = f"[{value}]"
            elif trial.flags:
                value += "*"
            words.append(value)
        return " ".join(words)

    def used_text(self) -> str:
        return ", ".join(map(str, self.result.used)) or "none"

    def reference_text(self) -> str:
        if self.reference is None:
            return self.no_reference
        return (
            f"{self.reference.place(self.result.mean_kpa)} of healthy {self.reference.sex}s "
            f"(median {numbers.as_given(self.reference.median_kpa, 'kPa')})"
        )


def results_table(
    records: Iterable[TrialRecord],
    mean_of: str = MEAN_OF_ALL,
    sex: str = "",
    references: list[Reference] | None = None,
) -> list[ResultRow]:
    """Per site and side, in the order the sites were measured."""
    groups: dict[tuple[str, str], list[TrialRecord]] = {}
    for record in records:
        groups.setdefault((record.site, record.side), []).append(record)
    results = {key: site_result(trials, mean_of) for key, trials in groups.items()}
    rows = []
    for (site, _), result in results.items():
        left, right = results.get((site, "left")), results.get((site, "right"))
        asymmetry, lower = math.nan, ""
        if left and right:
            asymmetry = asymmetry_pct(left.mean_kpa, right.mean_kpa)
            if math.isfinite(asymmetry) and left.mean_kpa != right.mean_kpa:
                lower = "left" if left.mean_kpa < right.mean_kpa else "right"
        reference = reference_for(references or [], site, sex) if sex else None
        by_sex = not sex and any(r.site.lower() == site.lower() for r in references or [])
        missing = "no reference: sex not given" if by_sex else "no reference"
        rows.append(ResultRow(result, asymmetry, reference, lower, missing))
    return rows


def remember_thresholds(
    store: ClientStore, client: str, rows: list[ResultRow], recording: str
) -> int:
    """Each site's measured PPT becomes the client's basis for relative bands; returns how
    many were remembered (sites without a usable threshold are left as they were)."""
    remembered = 0
    for row in rows:
        if math.isfinite(row.result.mean_kpa):
            store.set_threshold(
                client,
                row.result.site,
                row.result.side,
                row.result.mean_kpa,
                source=f"measured ({recording})",
            )
            remembered += 1
    return remembered
