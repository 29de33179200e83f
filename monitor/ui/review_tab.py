"""Review a recording: the whole session at a glance, a zoomed stretch, bands, segments,
events, and how well each segment kept its band.

The overview shows the whole file from its min/max pyramid; dragging the highlighted range
on it (or zooming the detail plot) chooses what the detail shows, read from the file at the
resolution the screen can use. Only the segment figures read every sample, once per file.

A file opens whole or not at all: everything shown is read before anything on screen
changes, so a damaged file leaves its reason and the previous file's view as it was. What a
file says (client, notes, labels) is shown as plain text, cut to a length a screen can hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import (
    QFileDialog,
    QGraphicsRectItem,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from monitor.feedback import Zone
from monitor.segment_stats import SegmentStats, segment_stats
from monitor.ui import theme
from recordings import RecordingError, ReviewFile
from recordings.reader import Envelope
from recordings.schema import EVENTS_DATASET, SEGMENTS_DATASET

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
DETAIL_POINTS = 4000  # about two screen widths: min/max pairs keep every peak
OVERVIEW_POINTS = 2000
#: Events drawn on the plots; connection chatter (connected, closed) would only clutter.
SHOWN_EVENTS = {"marker", "gap", "error", "tare", "drift", "calibration", "continued"}
STATS_COLUMNS = (
    "Muscle",
    "Side",
    "Technique",
    "Band kPa",
    "Duration",
    "Pressed",
    "In band",
    "Mean kPa",
    "Peak kPa",
    "CV",
    "Longest hold",
)


#: Characters of a file's text shown at most: a label laid out 50 MB of notes for minutes.
NAME_CHARS, NOTES_CHARS = 60, 400


def _short(value: object, limit: int = NAME_CHARS) -> str:
    """Text from a file cut to ``limit`` characters, on one line."""
    text = str(value)
    cut = text[:limit].replace("\r", " ").replace("\n", " ")
    return cut if len(text) <= limit else f"{cut}… ({len(text) - limit:,} more characters)"


def _seconds(value: float) -> str:
    if not math.isfinite(value):
        return "—"
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes}:{seconds:02d}" if minutes else f"{seconds} s"


def _when(iso: object) -> str:
    """A recording's start as a person reads it (local time of the recording, to the minute)."""
    try:
        return datetime.fromisoformat(str(iso)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return "at an unknown time"


def _number(value: float, suffix: str = "", decimals: int = 0) -> str:
    return "—" if not math.isfinite(value) else f"{value:.{decimals}f}{suffix}"


def stats_row(stats: SegmentStats) -> list[str]:
    band = (
        f"{stats.band_low_kpa:.0f}–{stats.band_high_kpa:.0f}"
        if math.isfinite(stats.band_low_kpa)
        else "no PPT"
    )
    return [
        _short(stats.muscle),
        _short(stats.side),
        _short(stats.technique),
        band,
        _seconds(stats.duration_s),
        _seconds(stats.contact_s),
        _number(stats.in_band_pct, " %"),
        _number(stats.mean_kpa),
        _number(stats.peak_kpa),
        _number(stats.cv_pct, " %", 1),
        _seconds(stats.longest_hold_s),
    ]


class _SessionPlot(pg.PlotWidget):
    """Pressure over session time with segment bands and event lines."""

    def __init__(self) -> None:
        super().__init__(background=theme.background())
        self.setMenuEnabled(False)
        self.showGrid(x=True, y=True, alpha=0.15)
        self.setLabel("bottom", "session time", units="s")
        self.setLabel("left", "kPa")
        self.curve = self.plot(pen=pg.mkPen(theme.foreground(), width=1.5))
        self._decorations: list[object] = []

    def decorate(self, segments: np.ndarray, events: np.ndarray, labels: bool) -> None:
        for item in self._decorations:
            self.removeItem(item)
        self._decorations = []
        band_colour = QColor(theme.ZONE_STYLES[Zone.IN].colour)
        for index, row in enumerate(segments):
            start, end = float(row["t_start"]), float(row["t_end"])
            shade = QColor(theme.surface() if index % 2 else theme.background())
            shade.setAlpha(255)
            stripe = pg.LinearRegionItem(
                (start, end), movable=False, brush=pg.mkBrush(shade), pen=pg.mkPen(None)
            )
            stripe.setZValue(-20)
            self._add(stripe)
            low, high = float(row["band_low_kpa"]), float(row["band_high_kpa"])
            if math.isfinite(low) and math.isfinite(high):
                band = QGraphicsRectItem(QRectF(start, low, end - start, high - low))
                fill = QColor(band_colour)
                fill.setAlpha(70)
                band.setBrush(QBrush(fill))
                edge = QPen(band_colour, 1)
                edge.setCosmetic(True)
                band.setPen(edge)
                band.setZValue(-10)
                self._add(band)
            if labels:
                title = pg.TextItem(
                    _short(f"{row['muscle']} {row['side']}".replace(" —", "")),
                    color=theme.muted(),
                    anchor=(0, 0),
                )
                title.setPos(start, high if math.isfinite(high) else 0)
                self._add(title)
        for row in events:
            if row["kind"] not in SHOWN_EVENTS:
                continue
            colour = theme.alert() if row["kind"] in ("gap", "error") else theme.foreground()
            # The label is a format string to pyqtgraph: braces from the file are escaped.
            label = _short(row["label"] or row["kind"]).replace("{", "{{").replace("}", "}}")
            line = pg.InfiniteLine(
                float(row["t"]),
                angle=90,
                movable=False,
                pen=pg.mkPen(colour, width=1, style=Qt.PenStyle.DashLine),
                label=label if labels else None,
                labelOpts={"position": 0.95, "color": colour, "fill": theme.surface()},
            )
            self._add(line)

    def _add(self, item: object) -> None:
        self.addItem(item)
        self._decorations.append(item)


@dataclass(frozen=True)
class _View:
    """Everything a file shows, read before the screen changes."""

    area_cm2: float
    span: tuple[float, float]
    title: str
    overview: Envelope
    segments: np.ndarray
    events: np.ndarray
    stats: list[SegmentStats]


class ReviewTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.file: ReviewFile | None = None
        self.stats: list[SegmentStats] = []
        self.area_cm2 = 1.0
        self.open_button = QPushButton("Open recording…")
        self.open_button.setToolTip("Open a session file (Ctrl+O)")
        self.open_button.clicked.connect(self.choose_file)
        self.title = QLabel("No recording open.")
        self.title.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {theme.alert().name()};")
        for label in (self.title, self.problem):  # a file's text is never markup
            label.setTextFormat(Qt.TextFormat.PlainText)
            # A word longer than the window (a path, notes without spaces) is clipped here
            # rather than widen the window past the screen.
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.overview = _SessionPlot()
        self.overview.setMouseEnabled(x=False, y=False)
        self.overview.setMaximumHeight(170)
        self.range = pg.LinearRegionItem(
            brush=pg.mkBrush(86, 180, 233, 50), pen=pg.mkPen(theme.ZONE_STYLES[Zone.UNDER].colour)
        )
        self.range.setZValue(10)
        self.overview.addItem(self.range)
        self.detail = _SessionPlot()
        self.detail.setMouseEnabled(x=True, y=False)
        self.range.sigRegionChanged.connect(self._range_moved)
        self.detail.sigXRangeChanged.connect(self._detail_zoomed)
        self.table = QTableWidget(0, len(STATS_COLUMNS))
        self.table.setHorizontalHeaderLabels(STATS_COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setMaximumHeight(180)
        self.table.cellDoubleClicked.connect(self.zoom_to_segment)
        self.table.setToolTip(
            "Pressed: time at 10 kPa or more. In band, mean and CV are of the pressed time. "
            "Double-click a row to zoom to it."
        )
        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.problem)
        layout.addWidget(self.overview, 2)
        layout.addWidget(self.detail, 5)
        layout.addWidget(self.table, 2)
        self._syncing = False

    # --- opening ------------------------------------------------------------------------

    def choose_file(self, folder: Path | None = None) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open recording", str(folder or ""), "Recordings (*.h5);;All files (*)"
        )
        if path:
            self.open(Path(path))

    def open(self, path: Path) -> bool:
        """Show ``path`` whole, or not at all: a file that is not a readable recording leaves
        its reason, and whatever was open stays open and shown as it was."""
        try:
            review = ReviewFile(path)
        except (RecordingError, OSError) as exc:
            self.problem.setText(f"Cannot open {path.name}: {exc}")
            return False
        try:
            view = self._read_view(review)
        except RecordingError as exc:
            review.close()
            self.problem.setText(f"Cannot open {path.name}: {exc}")
            return False
        self.close_file()
        self.file = review
        self.problem.setText("")
        self._show(view)
        return True

    def close_file(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    def _read_view(self, review: ReviewFile) -> _View:
        session = review.session
        area = float(session.get("probe_area_cm2", 1.0))  # the reader checked it
        t0, t1 = review.time_span()
        if not (math.isfinite(t0) and math.isfinite(t1)):
            t0, t1 = 0.0, 0.0
        segments = review.table(SEGMENTS_DATASET)
        notes = str(session.get("notes", "")).strip()
        title = (
            f"{review.path.name} · {_short(session.get('client') or 'no client')}"
            f" · started {_when(session.get('start_time'))} · {_seconds(t1 - t0)}"
            f" · probe {area:g} cm²" + (f"\nNotes: {_short(notes, NOTES_CHARS)}" if notes else "")
        )
        return _View(
            area_cm2=area,
            span=(t0, t1),
            title=title,
            overview=review.envelope(t0, t1, OVERVIEW_POINTS),
            segments=segments,
            events=review.table(EVENTS_DATASET),
            stats=[_segment_figures(review, row, area) for row in segments],
        )

    def _show(self, view: _View) -> None:
        t0, t1 = view.span
        self.area_cm2 = view.area_cm2
        self.title.setText(view.title)
        self._draw(self.overview, view.overview)
        self.overview.decorate(view.segments, view.events, labels=False)
        self.detail.decorate(view.segments, view.events, labels=True)
        self.overview.setXRange(t0, t1, padding=0.01)
        self.stats = view.stats
        self._fill_table()
        self.range.setRegion((t0, t1))

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self.stats))
        for row, stats in enumerate(self.stats):
            for column, text in enumerate(stats_row(stats)):
                item = QTableWidgetItem(text)
                if column >= 3:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)

    # --- zoom ---------------------------------------------------------------------------

    def _draw(self, plot: _SessionPlot, envelope: Envelope) -> None:
        t = np.repeat(envelope.t, 2)
        values = np.column_stack([envelope.low, envelope.high]).ravel()
        plot.curve.setData(t, _kpa(values, self.area_cm2))

    def _draw_detail(self, t0: float, t1: float) -> None:
        """The detail from the file; a stretch that cannot be read (a garbled chunk) leaves
        its reason and the detail as it was."""
        assert self.file is not None
        try:
            envelope = self.file.envelope(t0, t1, DETAIL_POINTS)
        except RecordingError as exc:
            self.problem.setText(f"Cannot show {t0:.1f}–{t1:.1f} s: {exc}")
            return
        self._draw(self.detail, envelope)

    def _range_moved(self) -> None:
        if self._syncing or self.file is None:
            return
        t0, t1 = self.range.getRegion()
        self._syncing = True
        self.detail.setXRange(t0, t1, padding=0)
        self._syncing = False
        self._draw_detail(t0, t1)

    def _detail_zoomed(self, _: object, x_range: tuple[float, float]) -> None:
        if self._syncing or self.file is None:
            return
        self._syncing = True
        self.range.setRegion(x_range)
        self._syncing = False
        self._draw_detail(*x_range)

    def zoom_to_segment(self, row: int, _: int = 0) -> None:
        stats = self.stats[row]
        margin = 0.05 * max(stats.duration_s, 1.0)
        self.range.setRegion((stats.t_start - margin, stats.t_end + margin))


def _kpa(force_n: np.ndarray, area_cm2: float) -> np.ndarray:
    return np.asarray(force_n, dtype=np.float64) * 10.0 / area_cm2


def _segment_figures(review: ReviewFile, segment: np.void, area_cm2: float) -> SegmentStats:
    t, force = review.samples_between(float(segment["t_start"]), float(segment["t_end"]))
    return segment_stats(segment, t, _kpa(force, area_cm2))
