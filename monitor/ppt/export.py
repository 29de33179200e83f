"""What the PPT exports say: who, when, with what, how; the results as a spreadsheet-safe CSV;
the file name the save dialog suggests; and the values a "treatment basis" would store. Qt-free.
"""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import datetime
from pathlib import Path

from monitor import numbers
from monitor.ppt.protocol import Entry
from monitor.ppt.results import ASYMMETRY_TEXT, MEAN_RULES, ResultRow
from monitor.review import comment_line, csv_number, spreadsheet_safe

NOT_RECORDED = "not recorded"
#: The context keys the window provides, and how the exports name them.
CONTEXT_FIELDS = {
    "client": "client",
    "date": "date and time",
    "examiner": "examiner",
    "device": "device",
    "serial": "serial",
    "calibration": "calibration",
    "probe_area_cm2": "probe area (cm²)",
}


def repeated_text(repeated: list[Entry]) -> str:
    """The flagged trials measured and repeated, with why they were flagged: out of the
    results, and said so."""
    return "; ".join(
        f"{entry.label()} {numbers.pressure(entry.trial.threshold_kpa)} "
        f"({entry.trial.stop_source.value}: {entry.trial.reason})"
        for entry in repeated
    )


def export_header(
    context: dict[str, str], protocol: str, mean_of: str, repeated: list[Entry] | None = None
) -> dict[str, str]:
    """Every field the exports carry, in order; a missing one says "not recorded"."""
    header = {label: str(context.get(key) or NOT_RECORDED) for key, label in CONTEXT_FIELDS.items()}
    header["protocol"] = protocol
    header["threshold"] = MEAN_RULES[mean_of]
    header["repeated, not in the results"] = repeated_text(repeated or []) or "none"
    header["marks"] = (
        "[value]: flagged, not in the mean; value*: flagged and kept by the examiner, in the mean"
    )
    return header


#: The CSV's columns after each trial's four (``trial_<n>_<part>``).
RESULT_FIELDS = (
    "mean_kpa",
    "sd_kpa",
    "cv_pct",
    "trials_in_mean",
    "asymmetry_pct",
    "lower_side",
    "reference",
    "reference_source",
)
TRIAL_PARTS = ("kpa", "stop", "flags", "in_mean")
#: A kPa cell's decimals in the CSV: one more than the screen's, for a later analysis.
CSV_DECIMALS = 1


def results_csv(rows: list[ResultRow], header: dict[str, str]) -> str:
    """The results as CSV, after ``# key: value`` lines saying who, when and how: one line
    per site and side; for each trial its threshold, what stopped it, its flags and whether
    it is in the mean. No cell a spreadsheet opens can run as a formula, whatever a client's
    pseudonym or a site's name holds (OWASP's CSV injection): text cells go through
    ``spreadsheet_safe``, and no part of a ``#`` line that a spreadsheet splits off at a
    comma can start a formula. Number cells are for a spreadsheet, not a person (that is
    ``monitor.numbers``): ``csv_number`` writes a plain "-" and "." (a negative one stays a
    number), no unit (the column's name says it), and nothing for no value."""
    out = io.StringIO()
    comments = {**header, "asymmetry_pct": ASYMMETRY_TEXT}
    for key, value in comments.items():
        out.write(comment_line(key, value) + "\n")
    writer = csv.writer(out, lineterminator="\n")
    measured = sorted({trial.trial for row in rows for trial in row.result.trials})
    writer.writerow(
        ["site", "side"]
        + [f"trial_{n}_{part}" for n in measured for part in TRIAL_PARTS]
        + list(RESULT_FIELDS)
    )
    safe = spreadsheet_safe  # text cells; numbers by csv_number, never a formula
    for row in rows:
        result = row.result
        by_number = {trial.trial: trial for trial in result.trials}
        cells = [safe(result.site), safe(result.side)]
        for n in measured:
            trial = by_number.get(n)
            if trial is None:  # deleted, or not measured
                cells += ["", "", "not measured", ""]
            else:
                in_mean = "yes" if n in result.used else "no"
                cells += [
                    csv_number(trial.threshold_kpa, CSV_DECIMALS),
                    safe(trial.stop),
                    safe(trial.flags),
                ]
                cells += [in_mean]
        cells += [
            csv_number(value, CSV_DECIMALS)
            for value in (result.mean_kpa, result.sd_kpa, result.cv_pct)
        ]
        cells += [" ".join(map(str, result.used)), csv_number(row.asymmetry_pct, CSV_DECIMALS)]
        cells += [safe(row.lower_side), safe(row.reference_text())]
        cells += [safe(row.reference.source) if row.reference else ""]
        writer.writerow(cells)
    return out.getvalue()


def write_results_csv(rows: list[ResultRow], path: Path, header: dict[str, str]) -> None:
    """``results_csv`` to ``path``; raises OSError."""
    Path(path).write_text(results_csv(rows, header), encoding="utf-8", newline="")


def suggested_path(folder: Path | None, context: dict[str, str], suffix: str) -> Path:
    """``ppt-<client>-<date>.<suffix>`` in ``folder`` (the recordings folder)."""
    client = _safe(context.get("client") or "") or "no-client"
    date = _safe(context.get("date") or "") or f"{datetime.now():%Y-%m-%d_%H%M}"
    return (folder or Path.home()) / f"ppt-{client}-{date}.{suffix}"


def _safe(text: str) -> str:
    """A file-name part: letters, digits, '-', '_' and '.' (a date's colons go)."""
    return re.sub(r"[^\w.-]+", "_", text.strip()).strip("_.")


def basis_lines(rows: list[ResultRow]) -> list[str]:
    """What "use as treatment basis" would store, one line per site and side; a site without
    a usable threshold is said to be left as it was."""
    lines = []
    for row in rows:
        result = row.result
        where = f"{result.site}, {result.side}"
        if not math.isfinite(result.mean_kpa):
            lines.append(f"{where}: no usable threshold, left as it was")
            continue
        kept = [t.trial for t in result.trials if t.trial in result.used and t.flags]
        note = f"; trial {', '.join(map(str, kept))} flagged but kept" if kept else ""
        lines.append(
            f"{where}: {numbers.pressure(result.mean_kpa)} "
            f"(mean of trial {', '.join(map(str, result.used))}{note})"
        )
    return lines


def basis_spread(rows: list[ResultRow]) -> str:
    """How far each usable site's trials spread (their CV), for the examiner to weigh before
    storing the means as a basis; "" when no site has two trials to spread."""
    spread = [
        f"{row.result.site}, {row.result.side}: {numbers.percent(row.result.cv_pct, 1)}"
        for row in rows
        if math.isfinite(row.result.mean_kpa) and math.isfinite(row.result.cv_pct)
    ]
    return f"Spread between trials (CV): {'; '.join(spread)}." if spread else ""
