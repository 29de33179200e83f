"""The PPT screen: set up a protocol, follow the ramp guide, see and keep the results.

Thin wiring: ``PptSession`` finds the trials and says what the guide shows; the stream comes
from the acquisition through a queue (its sink runs on the reader thread) and is drained by a
timer here, on the GUI thread.
"""

from __future__ import annotations

import json
import math
import queue
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from monitor.acquisition import Acquisition
from monitor.cues import Cue
from monitor.feedback import Zone
from monitor.ppt.protocol import ORDERS, RATE_PRESETS_KPA_S, PptProtocol, ppt_trial_row
from monitor.ppt.results import (
    MEAN_OF_2_3,
    MEAN_OF_ALL,
    ResultRow,
    load_references,
    results_table,
    write_results_csv,
)
from monitor.ppt.session import PptSession
from monitor.ppt.trial import Pace, StopSource
from monitor.ui import theme
from monitor.ui.ppt_report import TrialTrace, write_pdf

SIDES = {"left and right": ("left", "right"), "left only": ("left",), "right only": ("right",)}
PACE_COLOURS = {
    Pace.SLOW: theme.ZONE_STYLES[Zone.UNDER].colour,
    Pace.ON: theme.ZONE_STYLES[Zone.IN].colour,
    Pace.FAST: theme.ZONE_STYLES[Zone.OVER].colour,
}
PACE_CUES = {Pace.SLOW: Cue.UNDER, Pace.FAST: Cue.OVER}  # heard as well as seen
REFRESH_MS = 33
HISTORY_S = 60.0  # samples kept for the trial traces of the report


class PptTab(QWidget):
    trial_done = Signal(tuple)  # a row for the recording's PPT table
    protocol_started = Signal(str)  # the protocol and its settings, as JSON, for the record

    def __init__(
        self,
        muscles: list[str],
        probe_area: Callable[[], float],
        context: Callable[[], dict[str, str]] = dict,
        sample_rate: Callable[[], float] = lambda: 1000.0,
        play: Callable[[Cue], None] = lambda cue: None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._probe_area = probe_area
        self._context = context  # who and how, for the exports' headers
        self._sample_rate = sample_rate  # the device's achieved rate: the guide smooths to it
        self._play = play
        self._blocks: queue.SimpleQueue[np.ndarray] = queue.SimpleQueue()
        self._disconnect = lambda: None
        self.session: PptSession | None = None
        self.rows: list[ResultRow] = []
        self._history: list[np.ndarray] = []  # recent (t, kPa) blocks for the traces
        self._traces: list[TrialTrace] = []
        self._pending_trace: tuple[TrialTrace, tuple] | None = None  # a flagged trial's
        self._last_pace: Pace | None = None
        self._references = load_references()
        self._make_setup(muscles)
        self._make_live()
        self._make_results()
        layout = QVBoxLayout(self)
        layout.addLayout(self._setup_row)
        layout.addLayout(self._live_row, 5)
        layout.addLayout(self._results_row, 3)
        self.timer = QTimer(self, interval=REFRESH_MS, timeout=self.refresh)
        self.timer.start()

    # --- building -----------------------------------------------------------------------

    def _make_setup(self, muscles: list[str]) -> None:
        self.site_list = QListWidget()
        self.site_list.setMaximumHeight(110)
        self.site_list.setMinimumWidth(230)
        self.site_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for muscle in muscles:
            item = QListWidgetItem(muscle)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.site_list.addItem(item)
        self.sides_box = QComboBox()
        self.sides_box.addItems(SIDES)
        self.trials_box = QSpinBox(minimum=1, maximum=10, value=3)
        self.rate_box = QComboBox()
        self.rate_box.addItems([*RATE_PRESETS_KPA_S, "custom"])
        self.rate_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.rate_box.setMinimumContentsLength(18)  # the full name shows when it opens
        self.custom_rate = QDoubleSpinBox(minimum=1, maximum=500, value=50, suffix=" kPa/s")
        self.rest_box = QSpinBox(minimum=0, maximum=600, value=30, suffix=" s rest")
        self.order_box = QComboBox()
        self.order_box.addItems(ORDERS)
        self.mean_box = QComboBox()
        self.mean_box.addItems(["mean of all trials", "mean of trials 2-3"])
        self.sex_box = QComboBox()
        self.sex_box.addItems(["sex: not given", "female", "male"])
        self.sex_box.setToolTip("For the reference values, which are by sex")
        self.tolerance_box = QSpinBox(minimum=5, maximum=50, value=20, prefix="± ", suffix=" %")
        self.tolerance_box.setToolTip("A trial ramped further than this from the target is flagged")
        self.safety_box = QSpinBox(minimum=50, maximum=3000, value=1000, suffix=" kPa")
        self.safety_box.setToolTip("A trial reaching this pressure stops, with an alarm tone")
        self.start_button = QPushButton("Start protocol")
        self.start_button.clicked.connect(self.start)
        self.custom_rate.setEnabled(False)
        self.rate_box.currentTextChanged.connect(
            lambda name: self.custom_rate.setEnabled(name == "custom")
        )
        grid = QGridLayout()
        grid.addWidget(QLabel("Sites"), 0, 0)
        grid.addWidget(self.site_list, 1, 0, 3, 1)
        for column, cells in enumerate(
            (
                (
                    ("Sides", self.sides_box),
                    ("Trials per site", self.trials_box),
                    ("Site order", self.order_box),
                ),
                (
                    ("Ramp", self.rate_box),
                    ("Custom rate", self.custom_rate),
                    ("Between trials", self.rest_box),
                ),
                (("Threshold", self.mean_box), ("Reference", self.sex_box)),
                (("Rate tolerance", self.tolerance_box), ("Safety maximum", self.safety_box)),
            ),
        ):
            for row, (label, widget) in enumerate(cells, start=1):
                grid.addWidget(QLabel(label), row, 1 + 2 * column)
                grid.addWidget(widget, row, 2 + 2 * column)
        grid.addWidget(self.start_button, 1, 9, 3, 1)
        self._setup_row = grid

    def _make_live(self) -> None:
        self.plot = pg.PlotWidget(background=theme.background())
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setLabel("bottom", "seconds since loading started")
        self.plot.setLabel("left", "kPa")
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.target_curve = self.plot.plot(
            pen=pg.mkPen(theme.ZONE_STYLES[Zone.IN].colour, width=2, style=Qt.PenStyle.DashLine)
        )
        self.pressure_curve = self.plot.plot(pen=pg.mkPen(theme.foreground(), width=3))
        self.pressure_label = QLabel("—", alignment=Qt.AlignmentFlag.AlignCenter)
        self.rate_label = QLabel("", alignment=Qt.AlignmentFlag.AlignCenter)
        self.pace_label = QLabel("", alignment=Qt.AlignmentFlag.AlignCenter)
        self.next_label = QLabel("Choose sites and start the protocol.")
        self.next_label.setWordWrap(True)
        self.flag_label = QLabel()
        self.flag_label.setWordWrap(True)
        self.flag_label.setStyleSheet(f"color: {theme.alert().name()};")
        self.stop_button = QPushButton("Stop: pain now (Space)")
        self.stop_button.clicked.connect(self.stop_now)
        self.repeat_button = QPushButton("Repeat trial")
        self.keep_button = QPushButton("Keep it")
        self.repeat_button.clicked.connect(self.repeat)
        self.keep_button.clicked.connect(self.keep)
        for label, size in (
            (self.pressure_label, 56),
            (self.rate_label, 30),
            (self.pace_label, 30),
        ):
            font = label.font()
            font.setPixelSize(size)
            font.setBold(True)
            label.setFont(font)
        side = QVBoxLayout()
        for widget in (
            self.next_label,
            self.pressure_label,
            self.rate_label,
            self.pace_label,
            self.stop_button,
            self.flag_label,
        ):
            side.addWidget(widget)
        decide = QHBoxLayout()
        decide.addWidget(self.repeat_button)
        decide.addWidget(self.keep_button)
        side.addLayout(decide)
        side.addStretch(1)
        self._live_row = QHBoxLayout()
        self._live_row.addWidget(self.plot, 3)
        self._live_row.addLayout(side, 2)
        self._show_decision(False)

    def _make_results(self) -> None:
        self.table = QTableWidget(0, 8)
        self.table.setHorizontalHeaderLabels(
            ["Site", "Side", "Trials (kPa)", "Mean", "SD", "CV", "L/R", "Reference"]
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(7, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.csv_button = QPushButton("Export CSV…")
        self.pdf_button = QPushButton("Report PDF…")
        self.basis_button = QPushButton("Use as treatment basis")
        self.basis_button.setToolTip(
            "Remember each site's threshold for this client: relative bands (% of PPT) use it"
        )
        self.csv_button.clicked.connect(lambda: self._export("csv"))
        self.pdf_button.clicked.connect(lambda: self._export("pdf"))
        buttons = QVBoxLayout()
        for button in (self.csv_button, self.pdf_button, self.basis_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self._results_row = QHBoxLayout()
        self._results_row.addWidget(self.table, 5)
        self._results_row.addLayout(buttons, 1)

    # --- the stream ---------------------------------------------------------------------

    def attach(self, acquisition: Acquisition) -> None:
        """Take blocks from this device (a sink on its reader thread: only a queue put)."""
        self._disconnect()
        self._disconnect = acquisition.connect(self._receive)

    def _receive(self, block: np.ndarray) -> None:
        """On the reader thread. Before a protocol starts nothing is measured, so nothing
        needs keeping (the live tab runs on its own buffer)."""
        if self.session is not None:
            self._blocks.put(block)

    def detach(self) -> None:
        self._disconnect()
        self._disconnect = lambda: None

    # --- protocol -----------------------------------------------------------------------

    def chosen_sites(self) -> tuple[str, ...]:
        return tuple(
            self.site_list.item(i).text()
            for i in range(self.site_list.count())
            if self.site_list.item(i).checkState() == Qt.CheckState.Checked
        )

    def protocol(self) -> PptProtocol:
        rate_name = self.rate_box.currentText()
        rate = RATE_PRESETS_KPA_S.get(rate_name, self.custom_rate.value())
        return PptProtocol(
            sites=self.chosen_sites(),
            sides=SIDES[self.sides_box.currentText()],
            trials_per_site=self.trials_box.value(),
            rate_kpa_s=rate,
            interval_s=float(self.rest_box.value()),
            order=self.order_box.currentText(),
            seed=int(time.time()),
        )

    def start(self) -> bool:
        try:
            protocol = self.protocol()
        except ValueError as exc:
            self.next_label.setText(f"Cannot start: {exc}")
            return False
        self.session = PptSession(
            protocol,
            self._probe_area(),
            self._sample_rate() or 1000.0,
            tolerance=self.tolerance_box.value() / 100,
            safety_max_kpa=float(self.safety_box.value()),
        )
        self.protocol_started.emit(json.dumps(self.session.describe()))
        self._traces = []
        self.rows = []
        self.table.setRowCount(0)
        self._show_next()
        return True

    def stop_now(self) -> None:
        if self.session is not None:
            self.session.stop_now()

    def repeat(self) -> None:
        if self.session is not None:
            self.session.run.repeat()
            self._after_decision(kept=False)

    def keep(self) -> None:
        if self.session is not None:
            self.session.run.keep()
            self._after_decision(kept=True)

    # --- refresh ------------------------------------------------------------------------

    def refresh(self) -> None:
        blocks = []
        while True:
            try:
                blocks.append(self._blocks.get_nowait())
            except queue.Empty:
                break
        if blocks:
            block = np.concatenate(blocks)
            self._keep_history(block)
            if self.session is not None:
                done = self.session.feed(
                    block["t"], block["force"], block["flags"], time.monotonic()
                )
                for planned, trial in done:
                    self._trial_done(planned, trial)
        self._show_live()

    def _keep_history(self, block: np.ndarray) -> None:
        self._history.append(np.column_stack([block["t"], block["force"]]))
        newest = float(block["t"][-1])
        while self._history and self._history[0][-1, 0] < newest - HISTORY_S:
            self._history.pop(0)

    def _trial_done(self, planned, trial) -> None:
        history = np.concatenate(self._history) if self._history else np.zeros((0, 2))
        inside = (history[:, 0] >= trial.t_start) & (history[:, 0] <= trial.t_stop)
        assert self.session is not None
        kpa = self.session.kpa(history[inside, 1])
        label = f"{planned.site} {planned.side[0].upper()}{planned.trial}"
        trace = TrialTrace(
            label,
            history[inside, 0] - trial.t_start,
            kpa,
            trial.target_rate_kpa_s,
            trial.threshold_kpa,
            not trial.accepted,
        )
        self._pending_trace = None  # a flagged trial still waiting was measured again
        if trial.accepted:
            self._traces.append(trace)
            self.trial_done.emit(ppt_trial_row(planned, trial))
        else:
            self._pending_trace = (trace, ppt_trial_row(planned, trial))
        self._play(Cue.OVER if trial.stop_source is StopSource.SAFETY else Cue.REACHED)
        self._update_results()
        self._show_next()

    def _after_decision(self, kept: bool) -> None:
        if kept and self._pending_trace is not None:  # recorded with its flag
            trace, row = self._pending_trace
            self._traces.append(trace)
            self.trial_done.emit(row)
        self._pending_trace = None
        self._update_results()
        self._show_next()

    def _update_results(self) -> None:
        if self.session is None:
            return
        mean_of = MEAN_OF_2_3 if "2-3" in self.mean_box.currentText() else MEAN_OF_ALL
        sex = self.sex_box.currentText() if self.sex_box.currentIndex() > 0 else ""
        self.rows = results_table(self.session.run.trial_records(), mean_of, sex, self._references)
        self.table.setRowCount(len(self.rows))
        for index, row in enumerate(self.rows):
            result = row.result
            values = [
                result.site,
                result.side,
                " ".join(
                    "—" if not math.isfinite(v) else f"{v:.0f}" for v in result.thresholds_kpa
                ),
                _num(result.mean_kpa),
                _num(result.sd_kpa),
                _num(result.cv_pct, 1, " %"),
                _num(row.asymmetry_pct, 0, " %"),
                row.reference_text(),
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if row.reference is not None and column == 7:
                    item.setToolTip(row.reference.source)
                self.table.setItem(index, column, item)

    def _show_next(self) -> None:
        run = self.session.run if self.session else None
        if run is None:
            return
        self._show_decision(run.pending is not None)
        if run.pending is not None:
            self.flag_label.setText(
                f"Trial flagged: {run.pending[1].reason}. Repeat it or keep it?"
            )
        else:
            self.flag_label.setText("")
        if run.finished:
            self.next_label.setText("Protocol complete: see the results below.")
        else:
            planned = run.current
            self.next_label.setText(
                f"Now: {planned.site}, {planned.side}, trial {planned.trial} of "
                f"{run.protocol.trials_per_site} at {run.protocol.rate_kpa_s:g} kPa/s"
            )

    def _show_decision(self, shown: bool) -> None:
        self.repeat_button.setVisible(shown)
        self.keep_button.setVisible(shown)

    def _show_live(self) -> None:
        session = self.session
        if session is None:
            return
        current = session.current_kpa
        self.pressure_label.setText("—" if not math.isfinite(current) else f"{round(current)} kPa")
        rest = session.run.ready_in(time.monotonic())
        frame = session.guide_frame()
        if frame.pace is None:
            self.rate_label.setText(f"rest {rest:.0f} s" if rest > 0 else "ready: start loading")
            self.pace_label.setText("")
            self._last_pace = None
            return
        self.rate_label.setText(f"{frame.rate_kpa_s:.0f} kPa/s")
        colour = PACE_COLOURS[frame.pace]
        self.pace_label.setText(frame.pace.value.upper())
        self.pace_label.setStyleSheet(f"color: {colour.name()};")
        if frame.pace is not self._last_pace and frame.pace in PACE_CUES:
            self._play(PACE_CUES[frame.pace])
        self._last_pace = frame.pace
        since = session.detector.loading_since
        t, kpa = session._recent_t, session._recent_kpa
        if since is not None and t.size:
            mine = t >= since
            self.pressure_curve.setData(t[mine] - since, kpa[mine])
            span = max(float(t[-1]) - since, 1.0)
            start = session.settings.start_kpa
            self.target_curve.setData(
                [0, span], [start, start + session.settings.target_rate_kpa_s * span]
            )

    # --- export -------------------------------------------------------------------------

    def export_csv(self, path: Path, header: dict[str, str]) -> None:
        protocol = self.session.run.protocol if self.session else None
        details = {"ramp_rate_kpa_s": f"{protocol.rate_kpa_s:g}"} if protocol else {}
        write_results_csv(self.rows, path, header | details)

    def export_pdf(self, path: Path, title: str, header: list[str]) -> None:
        write_pdf(path, title, header, self.rows, self._traces)

    def _export(self, kind: str) -> None:
        if not self.rows:
            self.next_label.setText("Nothing to export yet: measure some trials first.")
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export", "", f"*.{kind}")
        if not path:
            return
        try:
            if kind == "csv":
                self.export_csv(
                    Path(path), {"rate_kpa_s": str(self.session.run.protocol.rate_kpa_s)}
                )
            else:
                self.export_pdf(Path(path), "Pressure-pain thresholds", [])
        except OSError as exc:
            self.next_label.setText(f"Not exported: {exc}")


def _num(value: float, decimals: int = 0, suffix: str = "") -> str:
    return "—" if not math.isfinite(value) else f"{value:.{decimals}f}{suffix}"
