"""What a PPT protocol's trials come to, per site and side: the threshold to report, its
spread, left/right asymmetry, and where it lies against reference values (with their source).
"""

from __future__ import annotations

import csv
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


@dataclass(frozen=True)
class ResultRow:
    """One line of the results view, the CSV and the report."""

    result: SiteResult
    asymmetry_pct: float  # this site's left/right asymmetry (NaN with one side)
    reference: Reference | None

    def reference_text(self) -> str:
        if self.reference is None:
            return "no reference"
        return (
            f"{self.reference.place(self.result.mean_kpa)} of healthy {self.reference.sex}s "
            f"(median {self.reference.median_kpa:g} kPa)"
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
        asymmetry = asymmetry_pct(left.mean_kpa, right.mean_kpa) if left and right else math.nan
        reference = reference_for(references or [], site, sex) if sex else None
        rows.append(ResultRow(result, asymmetry, reference))
    return rows


def write_results_csv(rows: list[ResultRow], path, header: dict[str, str]) -> None:
    """The results as CSV, preceded by ``# key: value`` lines saying what was measured how."""
    with open(path, "w", newline="", encoding="utf-8") as out:
        for key, value in header.items():
            out.write(f"# {key}: {value}\n")
        writer = csv.writer(out)
        trials = max((len(row.result.thresholds_kpa) for row in rows), default=0)
        writer.writerow(
            ["site", "side"]
            + [f"trial_{n}_kpa" for n in range(1, trials + 1)]
            + [
                "mean_kpa",
                "sd_kpa",
                "cv_pct",
                "trials_in_mean",
                "asymmetry_pct",
                "reference",
                "reference_source",
            ]
        )
        for row in rows:
            result = row.result
            values = list(result.thresholds_kpa) + [math.nan] * (
                trials - len(result.thresholds_kpa)
            )
            writer.writerow(
                [result.site, result.side]
                + [_fmt(value) for value in values]
                + [
                    _fmt(result.mean_kpa),
                    _fmt(result.sd_kpa),
                    _fmt(result.cv_pct),
                    " ".join(map(str, result.used)),
                    _fmt(row.asymmetry_pct),
                    row.reference_text(),
                    row.reference.source if row.reference else "",
                ]
            )


def _fmt(value: float) -> str:
    return "" if not math.isfinite(value) else f"{value:.1f}"


def remember_thresholds(store, client: str, rows: list[ResultRow], recording: str) -> int:
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
