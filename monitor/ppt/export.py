"""What the PPT exports say besides the numbers: who, when, with what, how; the file name the
save dialog suggests; and the values a "treatment basis" would store. Qt-free."""

from __future__ import annotations

import math
import re
from datetime import datetime
from pathlib import Path

from monitor.ppt.results import MEAN_RULES, ResultRow

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


def export_header(context: dict[str, str], protocol: str, mean_of: str) -> dict[str, str]:
    """Every field the exports carry, in order; a missing one says "not recorded"."""
    header = {label: str(context.get(key) or NOT_RECORDED) for key, label in CONTEXT_FIELDS.items()}
    header["protocol"] = protocol
    header["threshold"] = MEAN_RULES[mean_of]
    header["marks"] = (
        "[value]: flagged, not in the mean; value*: flagged and kept by the examiner, in the mean"
    )
    return header


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
            f"{where}: {result.mean_kpa:.0f} kPa "
            f"(mean of trial {', '.join(map(str, result.used))}{note})"
        )
    return lines
