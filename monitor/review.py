"""What the review tab shows of a recording, worked out without Qt: everything read before the
screen changes, times from the recording's first sample, zones, markers, the user's unit and
the per-segment table as a spreadsheet-safe CSV.

Samples are stamped on the session clock (0 when the device session started), so a recording
begun ten minutes into a session starts at 600 s there; a reviewer reads it from 0 s. The
file's own times stay untouched: ``origin`` is added back whenever the file is read.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from calibration.units import Unit, convert, to_display, unit_named
from monitor import numbers
from monitor.feedback import Zone
from monitor.segment_stats import SegmentStats, segment_stats
from recordings import ReviewFile
from recordings.reader import Envelope
from recordings.schema import EVENTS_DATASET, SEGMENTS_DATASET

KPA = unit_named("kPa")
#: What a link between two neighbouring points is drawn as: a zone, or None where no band
#: was in force (no segment, or a relative band without a threshold).
ZONES: tuple[Zone | None, ...] = (Zone.UNDER, Zone.IN, Zone.OVER, None)
#: The first character that makes a spreadsheet read a cell as a formula (OWASP's list).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_AFTER_COMMA = re.compile(r",(\s*)(?=[=+\-@])")


@dataclass(frozen=True)
class Marker:
    """A marker set during the recording: ``t`` in seconds from the recording's start."""

    t: float
    label: str


@dataclass(frozen=True)
class ReviewData:
    """Everything a file shows, read whole before the screen changes."""

    name: str
    session: dict[str, object]
    device: dict[str, object]
    calibration: dict[str, object]
    area_cm2: float
    origin: float  # session-clock time of the first sample: 0 s on the review's axis
    duration_s: float
    overview: Envelope
    segments: np.ndarray
    events: np.ndarray
    stats: list[SegmentStats]

    @property
    def markers(self) -> list[Marker]:
        rows = self.events[self.events["kind"] == "marker"] if self.events.size else self.events
        return [
            Marker(float(row["t"]) - self.origin, str(row["label"]) or "marker") for row in rows
        ]


def read_review(review: ReviewFile, overview_points: int) -> ReviewData:
    """All a file shows; raises RecordingError (the file unchanged on screen) when any of it
    cannot be read. Only the segment figures read every sample."""
    session = review.session
    area = float(session.get("probe_area_cm2", 1.0))  # the reader checked it
    t0, t1 = review.time_span()
    if not (math.isfinite(t0) and math.isfinite(t1)):
        t0, t1 = 0.0, 0.0
    segments = review.table(SEGMENTS_DATASET)
    stats = []
    for row in segments:
        t, force = review.samples_between(float(row["t_start"]), float(row["t_end"]))
        stats.append(segment_stats(row, t, force_kpa(force, area)))
    return ReviewData(
        name=review.path.name,
        session=dict(session),
        device=dict(review.device),
        calibration=dict(review.calibration),
        area_cm2=area,
        origin=t0,
        duration_s=t1 - t0,
        overview=review.envelope(t0, t1, overview_points),
        segments=segments,
        events=review.table(EVENTS_DATASET),
        stats=stats,
    )


# --- values -------------------------------------------------------------------------------


def force_kpa(force_n: np.ndarray, area_cm2: float) -> np.ndarray:
    return to_display(force_n, KPA, area_cm2)


def kpa_in(unit: Unit, kpa: np.ndarray | list[float] | float, area_cm2: float) -> np.ndarray:
    """Pressure in kPa (as the segments table stores bands) in the user's ``unit``."""
    return convert(kpa, KPA, unit, area_cm2)


def envelope_points(envelope: Envelope) -> tuple[np.ndarray, np.ndarray]:
    """An envelope as one line through each min/max pair: (session times, force in N)."""
    t = np.repeat(np.asarray(envelope.t, dtype=np.float64), 2)
    force = np.column_stack([envelope.low, envelope.high]).ravel().astype(np.float64)
    return t, force


def zone_links(
    t: np.ndarray, kpa: np.ndarray, segments: np.ndarray
) -> dict[Zone | None, np.ndarray]:
    """Per zone, which neighbouring points a line joins (pyqtgraph's ``connect`` array: item
    i joins point i to i+1). A link takes the zone of its higher end, so the overview never
    hides a moment over the band; the band is the one in force at its first point. Links
    touching a missing value (NaN) are not drawn at all."""
    n = t.size
    links = {zone: np.zeros(n, dtype=bool) for zone in ZONES}
    if n < 2 or segments.size == 0:
        if n >= 2:
            links[None][:-1] = np.isfinite(kpa[:-1]) & np.isfinite(kpa[1:])
        return links
    order = np.argsort(segments["t_start"], kind="stable")
    starts = segments["t_start"][order]
    index = np.searchsorted(starts, t[:-1], side="right") - 1
    inside = (index >= 0) & (t[:-1] <= segments["t_end"][order][np.maximum(index, 0)])
    low = np.where(inside, segments["band_low_kpa"][order][np.maximum(index, 0)], np.nan)
    high = np.where(inside, segments["band_high_kpa"][order][np.maximum(index, 0)], np.nan)
    top = np.maximum(kpa[:-1], kpa[1:])  # NaN at either end stays NaN
    drawn = np.isfinite(top)
    banded = drawn & np.isfinite(low) & np.isfinite(high)
    with np.errstate(invalid="ignore"):
        links[Zone.UNDER][:-1] = banded & (top < low)
        links[Zone.OVER][:-1] = banded & (top > high)
    links[Zone.IN][:-1] = banded & ~links[Zone.UNDER][:-1] & ~links[Zone.OVER][:-1]
    links[None][:-1] = drawn & ~banded
    return links


# --- what the screen says ----------------------------------------------------------------


def stats_columns(unit: Unit) -> tuple[str, ...]:
    symbol = unit.symbol
    return (
        "Muscle",
        "Side",
        "Technique",
        f"Band {symbol}",
        "Duration",
        "Pressed",
        "In band",
        f"Mean {symbol}",
        f"Peak {symbol}",
        "CV",
        "Longest hold",
    )


#: Characters of a file's text shown at most: a label laid out 50 MB of notes for minutes.
NAME_CHARS, NOTES_CHARS = 60, 400


def short_text(value: object, limit: int = NAME_CHARS) -> str:
    """Text from a file cut to ``limit`` characters, on one line."""
    text = str(value)
    cut = text[:limit].replace("\r", " ").replace("\n", " ")
    return cut if len(text) <= limit else f"{cut}… ({len(text) - limit:,} more characters)"


def clock(value: float) -> str:
    """A time from the recording's start to a tenth of a second: 1:05.3."""
    minutes, seconds = divmod(max(value, 0.0), 60)
    return f"{int(minutes)}:{seconds:04.1f}"


def _when(iso: object) -> str:
    """A recording's start as a person reads it (local time of the recording, to the minute)."""
    try:
        return datetime.fromisoformat(str(iso)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return "at an unknown time"


def stats_row(stats: SegmentStats, unit: Unit = KPA, area_cm2: float = 1.0) -> list[str]:
    low, high, mean, peak = kpa_in(
        unit, [stats.band_low_kpa, stats.band_high_kpa, stats.mean_kpa, stats.peak_kpa], area_cm2
    )
    band = numbers.span(low, high, unit, symbol=False) if math.isfinite(low) else "no PPT"
    return [
        short_text(stats.muscle),
        short_text(stats.side),
        short_text(stats.technique),
        band,
        numbers.duration(stats.duration_s),
        numbers.duration(stats.contact_s),
        numbers.percent(stats.in_band_pct),
        numbers.value(mean, unit),
        numbers.value(peak, unit),
        numbers.percent(stats.cv_pct, 1),
        numbers.duration(stats.longest_hold_s),
    ]


def title_of(view: ReviewData) -> str:
    """What a recording is, on one line, and its notes (cut to what a screen holds)."""
    session = view.session
    notes = str(session.get("notes", "")).strip()
    return (
        f"{view.name} · {short_text(session.get('client') or 'no client')}"
        f" · started {_when(session.get('start_time'))} · {numbers.duration(view.duration_s)}"
        f" · probe {numbers.as_given(view.area_cm2, 'cm²')}"
        + (f"\nNotes: {short_text(notes, NOTES_CHARS)}" if notes else "")
    )


# --- the per-segment table as CSV ---------------------------------------------------------


def spreadsheet_safe(text: str) -> str:
    """A text cell a spreadsheet shows as text: one starting with = + - @ (or a tab or CR)
    would be run as a formula, so it gets a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def comment_line(key: str, value: object) -> str:
    """One ``# key: value`` line; no cell of it (split at commas) can start a formula. Its
    double quotes become apostrophes: a spreadsheet would read a quoted part as one cell and
    drop its quotes, so ``x,"=1+1"`` would otherwise still open as the formula =1+1."""
    text = str(value).replace("\r", " ").replace("\n", " ").replace("\t", " ")
    text = text.replace('"', "'")
    return f"# {key}: " + _FORMULA_AFTER_COMMA.sub(r",\1'", text)


def csv_number(value: float, decimals: int) -> str:
    """A number cell of an exported CSV, for a spreadsheet rather than a person (that is
    ``monitor.numbers``): a plain "-" and "." it reads as a number, no unit (the column's
    name says it), and empty for no value."""
    return f"{value:.{decimals}f}" if math.isfinite(value) else ""


def segment_csv(data: ReviewData, unit: Unit) -> str:
    """The per-segment figures as CSV: ``#`` metadata lines as ``export --csv`` writes them,
    then a header naming each column's unit, one row a segment; times in seconds from the
    recording's first sample, pressures in ``unit``. An empty cell has no value (no band,
    no contact)."""
    symbol = unit.symbol
    lines = [
        comment_line("source", data.name),
        comment_line("table", "per-segment figures, Pressure Monitor review"),
        comment_line("times", "seconds from the recording's first sample"),
        comment_line("unit", f"{symbol} on a {data.area_cm2:g} cm² probe"),
        comment_line("pressed", "time at 10 kPa or more; in band, mean and CV are of it"),
    ]
    for group, attributes in (
        ("session", data.session),
        ("device", data.device),
        ("calibration", data.calibration),
    ):
        lines += [comment_line(f"{group}.{key}", value) for key, value in attributes.items()]
    out = io.StringIO()
    out.write("\n".join(lines) + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "muscle",
            "side",
            "technique",
            "start_s",
            "end_s",
            "duration_s",
            "pressed_s",
            f"band_low_{symbol}",
            f"band_high_{symbol}",
            "in_band_pct",
            f"mean_{symbol}",
            f"peak_{symbol}",
            "cv_pct",
            "longest_hold_s",
        ]
    )
    decimals = unit.decimals + 1
    for stats in data.stats:
        pressures = kpa_in(
            unit,
            [stats.band_low_kpa, stats.band_high_kpa, stats.mean_kpa, stats.peak_kpa],
            data.area_cm2,
        )
        writer.writerow(
            [spreadsheet_safe(str(text)) for text in (stats.muscle, stats.side, stats.technique)]
            + [
                csv_number(value, 3)
                for value in (stats.t_start - data.origin, stats.t_end - data.origin)
            ]
            + [csv_number(stats.duration_s, 3), csv_number(stats.contact_s, 3)]
            + [csv_number(float(value), decimals) for value in pressures[:2]]
            + [csv_number(stats.in_band_pct, 1)]
            + [csv_number(float(value), decimals) for value in pressures[2:]]
            + [csv_number(stats.cv_pct, 1), csv_number(stats.longest_hold_s, 3)]
        )
    return out.getvalue()


def write_segment_csv(path: Path, data: ReviewData, unit: Unit) -> None:
    """Write the table to ``path``; raises OSError."""
    Path(path).write_text(segment_csv(data, unit), encoding="utf-8", newline="")
