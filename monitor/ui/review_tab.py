"""Review a recording: the whole session at a glance, a zoomed stretch, bands, segments,
markers, and how well each segment kept its band.

The overview shows the whole file from its min/max pyramid; dragging the highlighted range
on it (or zooming the detail plot) chooses what the detail shows, read from the file at the
resolution the screen can use. Only the segment figures read every sample, once per file.
Times run from the recording's first sample; the trace is coloured by zone (with a legend
saying which is which) and shown, like every figure, in the user's unit.

A file opens whole or not at all: everything shown is read (``monitor.review``) before
anything on screen changes, so a damaged file leaves its reason and the previous file's view
as it was. What a file says (client, notes, labels) is shown as plain text, cut to a length a
screen can hold.
"""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from calibration.units import Unit
from monitor import numbers
from monitor.feedback import Zone
from monitor.review import (
    KPA,
    Marker,
    ReviewData,
    clock,
    envelope_points,
    force_kpa,
    kpa_in,
    read_review,
    short_text,
    stats_columns,
    stats_row,
    title_of,
    write_segment_csv,
    zone_links,
)
from monitor.segment_stats import SegmentStats
from monitor.ui import theme
from monitor.ui.review_plot import SessionPlot
from recordings import RecordingError, ReviewFile
from recordings.reader import Envelope

DETAIL_POINTS = 4000  # about two screen widths: min/max pairs keep every peak
OVERVIEW_POINTS = 2000
#: Choosing a marker shows this much around it (or the current zoom, when narrower).
MARKER_VIEW_S = 20.0


class ReviewTab(QWidget):
    """Open a recording, choose what stretch of it to see, export its segment table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.file: ReviewFile | None = None
        self.view: ReviewData | None = None
        self.stats: list[SegmentStats] = []
        self.markers: list[Marker] = []
        self.unit = KPA
        self.area_cm2 = 1.0
        self.open_button = QPushButton("Open recording…")
        self.open_button.setToolTip("Open a session file (Ctrl+O)")
        self.open_button.clicked.connect(self.choose_file)
        self.export_button = QPushButton("Export table…")
        self.export_button.setToolTip("Save the per-segment figures as CSV, for a spreadsheet")
        self.export_button.clicked.connect(self.choose_export)
        self.export_button.setEnabled(False)
        self.title = QLabel("No recording open.")
        self.title.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.note = QLabel()  # what was done (the table exported), in plain words
        for label in (self.title, self.problem, self.note):  # a file's text is never markup
            label.setTextFormat(Qt.TextFormat.PlainText)
            # A word longer than the window (a path, notes without spaces) is clipped here
            # rather than widen the window past the screen.
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._syncing = False
        self._make_plots()
        self._make_lists()
        self._lay_out()
        self._set_axis_unit()
        theme.follow_theme(self, self._restyle)

    def _restyle(self) -> None:
        """Every colour held in a style sheet, pen or brush, from the theme in force."""
        self.problem.setStyleSheet(f"color: {theme.alert().name()};")
        self.note.setStyleSheet(f"color: {theme.muted().name()};")
        under = QColor(theme.ZONE_STYLES[Zone.UNDER].colour)
        self.range.setBrush(pg.mkBrush(under.red(), under.green(), under.blue(), 35))
        for line in self.range.lines:
            line.setPen(pg.mkPen(under))
        for plot in (self.overview, self.detail):
            plot.restyle()
        self.legend.setText(self.detail.legend_html())
        if self.view is not None:
            self.overview.decorate(self.view, self.unit, labels=False)
            self.detail.decorate(self.view, self.unit, labels=True)

    def _make_plots(self) -> None:
        self.overview = SessionPlot()
        self.overview.setMouseEnabled(x=False, y=False)
        self.overview.setMaximumHeight(170)
        self.range = pg.LinearRegionItem()
        self.range.setZValue(10)
        self.overview.addItem(self.range)
        self.detail = SessionPlot()
        # So that colour is not alone: each zone's colour named, above the plot, where it
        # never covers the trace.
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setMouseEnabled(x=True, y=False)
        self.range.sigRegionChanged.connect(self._range_moved)
        self.detail.sigXRangeChanged.connect(self._detail_zoomed)

    def _make_lists(self) -> None:
        self.marker_list = QListWidget()
        self.marker_list.setToolTip("Markers set while recording: choose one to see it")
        self.marker_list.setMaximumWidth(260)
        self.marker_list.currentRowChanged.connect(self.show_marker)
        self.marker_list.itemActivated.connect(
            lambda item: self.show_marker(self.marker_list.row(item))
        )
        self.table = QTableWidget(0, len(stats_columns(self.unit)))
        self.table.setHorizontalHeaderLabels(stats_columns(self.unit))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # Numbered rows: a segment too narrow on the plot for its name shows its number.
        self.table.verticalHeader().setToolTip(
            "The segment's number: on the plot where its name does not fit"
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setMaximumHeight(180)
        self.table.cellDoubleClicked.connect(self.zoom_to_segment)
        self.table.setToolTip(
            "Pressed: time at 10 kPa or more. In band, mean and CV are of the pressed time. "
            "Double-click a row to zoom to it."
        )

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(self.title, 1)
        top.addWidget(self.export_button)
        plots = QGridLayout()
        plots.addWidget(self.legend, 0, 0)
        plots.addWidget(QLabel("Markers"), 0, 1)
        plots.addWidget(self.detail, 1, 0)
        plots.addWidget(self.marker_list, 1, 1)
        plots.setColumnStretch(0, 1)
        plots.setRowStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        said = QHBoxLayout()  # one line for what went wrong and what was done
        said.addWidget(self.problem, 1)
        said.addWidget(self.note, 1)
        layout.addLayout(said)
        layout.addWidget(self.overview, 2)
        layout.addLayout(plots, 5)
        layout.addWidget(self.table, 2)

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
            view = read_review(review, OVERVIEW_POINTS)
        except RecordingError as exc:
            review.close()
            self.problem.setText(f"Cannot open {path.name}: {exc}")
            return False
        self.close_file()
        self.file = review
        self.problem.setText("")
        self.note.setText("")
        self._show(view)
        return True

    def close_file(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    def set_unit(self, unit: Unit) -> None:
        """Show every value in ``unit`` (a ``calibration.units`` unit), the view kept."""
        self.unit = unit
        self._set_axis_unit()
        if self.view is not None:
            region = self.range.getRegion()
            self._show(self.view)
            self.range.setRegion(region)

    def _set_axis_unit(self) -> None:
        for plot in (self.overview, self.detail):
            plot.setLabel("left", self.unit.symbol)
        self.table.setHorizontalHeaderLabels(stats_columns(self.unit))

    def _show(self, view: ReviewData) -> None:
        self.view = view
        self.area_cm2 = view.area_cm2
        self.title.setText(title_of(view))
        self._draw(self.overview, view.overview)
        self.overview.decorate(view, self.unit, labels=False)
        self.detail.decorate(view, self.unit, labels=True)
        self.overview.setXRange(0.0, view.duration_s, padding=0.01)
        self.stats = view.stats
        self._fill_table()
        self._fill_markers(view.markers)
        self.export_button.setEnabled(bool(self.stats))
        self.range.setRegion((0.0, view.duration_s))

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self.stats))
        for row, stats in enumerate(self.stats):
            for column, text in enumerate(stats_row(stats, self.unit, self.area_cm2)):
                item = QTableWidgetItem(text)
                if column >= 3:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)

    def _fill_markers(self, markers: list[Marker]) -> None:
        self.markers = markers
        self.marker_list.blockSignals(True)
        self.marker_list.clear()
        self.marker_list.addItems(
            [f"{clock(marker.t)}  {short_text(marker.label)}" for marker in markers]
            or ["(no markers)"]
        )
        self.marker_list.setEnabled(bool(markers))
        self.marker_list.setCurrentRow(-1)
        self.marker_list.blockSignals(False)

    # --- zoom ---------------------------------------------------------------------------

    def _draw(self, plot: SessionPlot, envelope: Envelope) -> None:
        assert self.view is not None
        t, force = envelope_points(envelope)
        kpa = force_kpa(force, self.area_cm2)
        values = kpa_in(self.unit, kpa, self.area_cm2)
        plot.show_trace(t - self.view.origin, values, zone_links(t, kpa, self.view.segments))

    def _draw_detail(self, t0: float, t1: float) -> None:
        """The detail from the file (``t0``, ``t1`` from the recording's start); a stretch
        that cannot be read (a garbled chunk) leaves its reason and the detail as it was."""
        assert self.file is not None and self.view is not None
        origin = self.view.origin
        try:
            envelope = self.file.envelope(origin + t0, origin + t1, DETAIL_POINTS)
        except RecordingError as exc:
            shown = f"{numbers.number(t0, 1)}{numbers.EN_DASH}{numbers.with_unit(t1, 's', 1)}"
            self.problem.setText(f"Cannot show {shown}: {exc}")
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
        origin = self.view.origin if self.view else 0.0
        margin = 0.05 * max(stats.duration_s, 1.0)
        self.range.setRegion((stats.t_start - origin - margin, stats.t_end - origin + margin))

    def show_marker(self, row: int) -> None:
        """Centre the detail on marker ``row``, at the current zoom or MARKER_VIEW_S."""
        if not 0 <= row < len(self.markers):
            return
        t0, t1 = self.range.getRegion()
        half = min(t1 - t0, MARKER_VIEW_S) / 2
        at = self.markers[row].t
        self.range.setRegion((at - half, at + half))

    # --- export -------------------------------------------------------------------------

    def choose_export(self) -> None:
        if self.view is None or self.file is None:
            return
        suggested = self.file.path.with_name(self.file.path.stem + "-segments.csv")
        path, _ = QFileDialog.getSaveFileName(
            self, "Export the segment table", str(suggested), "CSV (*.csv)"
        )
        if path:
            self.export_table(Path(path))

    def export_table(self, path: Path) -> bool:
        """The per-segment table as CSV in the unit shown; says where it went or why not."""
        if self.view is None:
            return False
        try:
            write_segment_csv(path, self.view, self.unit)
        except OSError as exc:
            self.problem.setText(f"Table not exported: {exc}")
            return False
        self.problem.setText("")
        self.note.setText(f"Table exported to {path}")
        return True
