"""The PPT screen: set up a protocol, follow the ramp guide, see, correct and keep the results.

A view of ``PptSession`` (monitor/ppt/session.py), which owns the run, the trials, their
traces and the results: this tab shows it and forwards the examiner's actions. The stream
comes from the acquisition through a queue (its sink runs on the reader thread) and is drained
by a timer here, on the GUI thread.
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
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QColor
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
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from monitor.acquisition import Acquisition
from monitor.cues import Cue
from monitor.feedback import Zone
from monitor.ppt.export import basis_lines, export_header, suggested_path, write_results_csv
from monitor.ppt.protocol import (
    ORDERS,
    RATE_PRESETS_KPA_S,
    SIDE_CHOICES,
    Entry,
    PptProtocol,
    rate_preset_named,
)
from monitor.ppt.results import (
    ASYMMETRY_TEXT,
    MEAN_RULES,
    ResultRow,
    load_references,
)
from monitor.ppt.session import PptSession
from monitor.ppt.trial import Pace, StopSource
from monitor.settings import PptPreferences
from monitor.ui import theme
from monitor.ui.ppt_report import write_pdf

#: Each pace in a zone's colour and words' sense: too slow is under, too fast is over. The
#: colour itself is read from the theme in force when it is shown (``pace_colour``).
PACE_ZONES = {Pace.SLOW: Zone.UNDER, Pace.ON: Zone.IN, Pace.FAST: Zone.OVER}
PACE_CUES = {Pace.SLOW: Cue.UNDER, Pace.FAST: Cue.OVER}  # heard as well as seen
REFUSED_CUE = Cue.OVER  # loading during the rest: lift the probe
REFRESH_MS = 33
CUSTOM = "custom"
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
TRIAL_COLUMNS = ("Trial", "kPa", "Rate, kPa/s", "Stop", "Flags", "In mean")
#: Rows the trials table shows without scrolling, at 1280x720 too: a site's three trials on
#: both sides.
TRIAL_ROWS_SHOWN = 6
RESULT_ROWS_SHOWN = 4  # at the least (a site's both sides, twice); more as the window grows


def pace_colour(pace: Pace) -> QColor:
    """The pace's colour in the theme in force."""
    return theme.ZONE_STYLES[PACE_ZONES[pace]].colour


def fit_rows(table: QTableWidget, rows: int) -> None:
    """Compact rows (the font and a little room), and a table never lower than ``rows`` of
    them under its header."""
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader().sizeHint().height()
    frame = 2 * table.frameWidth()
    table.setMinimumHeight(header + frame + rows * table.verticalHeader().defaultSectionSize())


def ask(parent: QWidget, title: str, text: str) -> bool:
    """A yes/no question; No is the default."""
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    answer = QMessageBox.question(parent, title, text, buttons, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


class SiteList(QListWidget):
    """Checkable sites: Space or Enter checks the current one, even where the window uses
    Space as a shortcut (the list claims the key while it has the focus)."""

    TOGGLE_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Select)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in self.TOGGLE_KEYS:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        item = self.currentItem()
        if event.key() in self.TOGGLE_KEYS and item is not None:
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
            return
        super().keyPressEvent(event)


class TrialsTable(QTableWidget):
    """The measured trials; Delete or Backspace deletes the selected one."""

    delete_pressed: Callable[[], None] = staticmethod(lambda: None)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_pressed()
            return
        super().keyPressEvent(event)


class PptTab(QWidget):
    trial_done = Signal(tuple)  # a row for the recording's PPT table
    protocol_started = Signal(str)  # the protocol and its settings, as JSON, for the record
    basis_confirmed = Signal()  # the examiner confirmed the thresholds listed as the basis
    trial_withdrawn = Signal(str)  # a recorded trial deleted or redone: what, for the record
    preferences_changed = Signal(object)  # PptPreferences, to remember across restarts

    def __init__(
        self,
        muscles: list[str],
        probe_area: Callable[[], float],
        context: Callable[[], dict[str, str]] = dict,
        sample_rate: Callable[[], float] = lambda: 1000.0,
        play: Callable[[Cue], None] = lambda cue: None,
        parent: QWidget | None = None,
        *,
        save_dir: Path | None = None,
        preferences: PptPreferences | None = None,
        confirm: Callable[[str, str], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self._probe_area = probe_area
        self._context = context  # who and how, for the exports' headers
        self._sample_rate = sample_rate  # the device's achieved rate: the guide smooths to it
        self._play = play
        self.save_dir = save_dir
        #: Asks the examiner (title, text) -> yes; a dialog unless a test gives its own.
        self.confirm = confirm or (lambda title, text: ask(self, title, text))
        self._blocks: queue.SimpleQueue[np.ndarray] = queue.SimpleQueue()
        self._disconnect = lambda: None
        self.session: PptSession | None = None
        self.rows: list[ResultRow] = []
        self._shown_entries: list[Entry] = []  # the trials table's rows, in order
        self._last_pace: Pace | None = None
        self._references = load_references()
        self._make_setup(muscles)
        self._make_live()
        self._make_results()
        layout = QVBoxLayout(self)
        layout.addLayout(self._setup_row)
        layout.addLayout(self._live_row, 2)
        layout.addLayout(self._results_row, 1)
        theme.follow_theme(self, self._restyle)
        self.show_preferences(preferences or PptPreferences())
        self._watch_preferences()
        self.timer = QTimer(self, interval=REFRESH_MS, timeout=self.refresh)
        self.timer.start()

    # --- building -----------------------------------------------------------------------

    def _make_setup(self, muscles: list[str]) -> None:
        self.site_list = SiteList()
        self.site_list.setMaximumHeight(110)
        self.site_list.setMinimumWidth(190)
        # A long name is cut with "…" (its tooltip says it whole) rather than scrolled: a
        # scroll bar would take a row's height.
        self.site_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.site_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.site_list.setToolTip("Space or Enter checks the site under the cursor")
        for muscle in muscles:
            item = QListWidgetItem(muscle)
            item.setToolTip(muscle)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.site_list.addItem(item)
        self.site_list.setCurrentRow(0)
        self.sides_box = QComboBox()
        self.sides_box.addItems(SIDE_CHOICES)
        self.trials_box = QSpinBox(minimum=1, maximum=10, value=3)
        self.rate_box = QComboBox()
        self.rate_box.addItems([*RATE_PRESETS_KPA_S, CUSTOM])
        self.rate_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.rate_box.setMinimumContentsLength(14)  # the full name shows when it opens
        self.custom_rate = QDoubleSpinBox(minimum=1, maximum=500, value=50, suffix=" kPa/s")
        self.rest_box = QSpinBox(minimum=0, maximum=600, value=30, suffix=" s rest")
        self.order_box = QComboBox()
        self.order_box.addItems(ORDERS)
        self.mean_box = QComboBox()
        for key, text in MEAN_RULES.items():
            self.mean_box.addItem(text, key)
        self.mean_box.setToolTip("Trials 2 and 3 (the first as a familiarisation) need 3 trials")
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
            lambda name: self.custom_rate.setEnabled(name == CUSTOM)
        )
        self.mean_box.currentIndexChanged.connect(self._mean_rule_changed)
        self.sex_box.currentIndexChanged.connect(self._update_results)
        grid = QGridLayout()
        grid.addWidget(QLabel("Sites (Space checks)"), 0, 0)
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
        grid.setColumnStretch(10, 1)  # a wide window's room goes after the settings
        self._setup_row = grid

    def _make_live(self) -> None:
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setMinimumHeight(150)
        # Its 480-pixel wish ignored: at 1280x720 the tables below have the room they need
        # and the plot the rest, whatever it is.
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.plot.setLabel("bottom", "seconds since loading started")
        self.plot.setLabel("left", "kPa")
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.target_curve = self.plot.plot()
        self.pressure_curve = self.plot.plot()
        self.pressure_label = QLabel("—", alignment=Qt.AlignmentFlag.AlignCenter)
        self.rate_label = QLabel("", alignment=Qt.AlignmentFlag.AlignCenter)
        self.pace_label = QLabel("", alignment=Qt.AlignmentFlag.AlignCenter)
        self.next_label = QLabel("Choose sites and start the protocol.")
        self.next_label.setWordWrap(True)
        self.notice_label = QLabel()  # loading refused during the rest
        self.notice_label.setWordWrap(True)
        self.flag_label = QLabel()
        self.flag_label.setWordWrap(True)
        self.stop_button = QPushButton("Stop: pain now (Space)")
        self.stop_button.clicked.connect(self.stop_now)
        self.repeat_button = QPushButton("&Repeat trial")
        self.keep_button = QPushButton("&Keep it")
        self.repeat_button.clicked.connect(self.repeat)
        self.keep_button.clicked.connect(self.keep)
        for label, size, widest in (
            (self.pressure_label, 56, "888 kPa"),
            (self.rate_label, 30, "888 kPa/s"),
            (self.pace_label, 30, max((pace.value.upper() for pace in Pace), key=len)),
        ):
            font = label.font()
            font.setPixelSize(size)
            font.setBold(True)
            label.setFont(font)
            # As wide as its widest words from the start: the plot does not jump when a
            # protocol starts, nor the words when the pace changes.
            label.setMinimumWidth(label.fontMetrics().horizontalAdvance(widest) + 8)
        # The pressure beside the rate and the pace, not above them: the ramp guide keeps
        # its words at 1280x720 and leaves the height to the trials.
        guide = QGridLayout()
        guide.addWidget(self.pressure_label, 0, 0, 2, 1)
        guide.addWidget(self.rate_label, 0, 1)
        guide.addWidget(self.pace_label, 1, 1)
        side = QVBoxLayout()
        side.addWidget(self.next_label)
        side.addWidget(self.notice_label)
        side.addLayout(guide)
        side.addWidget(self.stop_button)
        side.addWidget(self.flag_label)
        decide = QHBoxLayout()
        decide.addWidget(self.repeat_button)
        decide.addWidget(self.keep_button)
        side.addLayout(decide)
        side.addStretch(1)
        self._live_row = QHBoxLayout()
        self._live_row.addWidget(self.plot, 4)
        self._live_row.addLayout(side, 0)  # as wide as its words
        self._show_decision(False)

    def _restyle(self) -> None:
        """Every colour held in a pen or a style sheet, from the theme in force (the tables
        and labels follow the palette by themselves)."""
        self.plot.setBackground(theme.background())
        for name in ("left", "bottom"):
            self.plot.getAxis(name).setPen(pg.mkPen(theme.muted()))
            self.plot.getAxis(name).setTextPen(pg.mkPen(theme.muted()))
        inside = theme.ZONE_STYLES[Zone.IN].colour
        self.target_curve.setPen(pg.mkPen(inside, width=2, style=Qt.PenStyle.DashLine))
        self.pressure_curve.setPen(pg.mkPen(theme.foreground(), width=3))
        alert = theme.alert().name()
        self.notice_label.setStyleSheet(f"color: {alert}; font-weight: bold;")
        self.flag_label.setStyleSheet(f"color: {alert};")
        self._show_pace(self._last_pace)

    def _show_pace(self, pace: Pace | None) -> None:
        """The pace in words, in its zone's colour in the theme in force."""
        self.pace_label.setText(pace.value.upper() if pace else "")
        colour = pace_colour(pace).name() if pace else theme.foreground().name()
        self.pace_label.setStyleSheet(f"color: {colour};")

    def _make_results(self) -> None:
        self.table = QTableWidget(0, len(RESULT_COLUMNS))
        self.table.setHorizontalHeaderLabels(RESULT_COLUMNS)
        self.table.horizontalHeaderItem(2).setToolTip(
            "[value]: flagged, not in the mean; value*: flagged and kept, in the mean"
        )
        self.table.horizontalHeaderItem(7).setToolTip(ASYMMETRY_TEXT)
        self.table.setToolTip(
            "Trials: [value] is flagged and not in the mean; value* was flagged and kept "
            f"by the examiner, in the mean. {ASYMMETRY_TEXT}."
        )
        self.trials_table = TrialsTable(0, len(TRIAL_COLUMNS))
        self.trials_table.setHorizontalHeaderLabels(TRIAL_COLUMNS)
        self.trials_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.trials_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for table in (self.table, self.trials_table):
            header = table.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setStretchLastSection(True)
            table.verticalHeader().setVisible(False)
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # Beside the guide the trials have little width: their flags, the one long text,
        # take what is left and are cut with "…" (each row's tooltip says why in full), so
        # that no scroll bar takes a row's height.
        trial_header = self.trials_table.horizontalHeader()
        trial_header.setStretchLastSection(False)
        trial_header.setSectionResizeMode(
            TRIAL_COLUMNS.index("Flags"), QHeaderView.ResizeMode.Stretch
        )
        self.trials_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.trials_table.setMaximumWidth(640)  # a wide window's room goes to the plot
        self.delete_button = QPushButton("&Delete trial (Del)")
        self.redo_button = QPushButton("Red&o trial")
        self.delete_button.clicked.connect(self.delete_selected)
        self.redo_button.clicked.connect(self.redo_selected)
        self.trials_table.delete_pressed = self.delete_selected
        self.trials_table.setToolTip(
            "Del: delete the selected trial; Tab to Redo to measure it again"
        )
        self.csv_button = QPushButton("Export CSV…")
        self.pdf_button = QPushButton("Report PDF…")
        self.basis_button = QPushButton("Use as treatment basis…")
        self.basis_button.setToolTip(
            "Remember each site's threshold for this client: relative bands (% of PPT) use it. "
            "The values are listed for confirmation first."
        )
        self.csv_button.clicked.connect(lambda: self._export("csv"))
        self.pdf_button.clicked.connect(lambda: self._export("pdf"))
        self.basis_button.clicked.connect(self.confirm_basis)
        fit_rows(self.trials_table, TRIAL_ROWS_SHOWN)
        fit_rows(self.table, RESULT_ROWS_SHOWN)
        # The trials beside the ramp guide, where the height is; the results below, across
        # the window's width (their reference text is long).
        trials = QVBoxLayout()
        trials.addWidget(self.trials_table, 1)
        edit = QHBoxLayout()
        edit.addWidget(self.delete_button)
        edit.addWidget(self.redo_button)
        trials.addLayout(edit)
        self._live_row.addLayout(trials, 5)
        buttons = QVBoxLayout()
        for button in (self.csv_button, self.pdf_button, self.basis_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self._results_row = QHBoxLayout()
        self._results_row.addWidget(self.table, 1)
        self._results_row.addLayout(buttons)

    # --- preferences --------------------------------------------------------------------

    def preferences(self) -> PptPreferences:
        rate_name = self.rate_box.currentText()
        return PptPreferences(
            sites=self.chosen_sites(),
            sides=self.sides_box.currentText(),
            trials=self.trials_box.value(),
            rate_kpa_s=RATE_PRESETS_KPA_S.get(rate_name, self.custom_rate.value()),
            order=self.order_box.currentText(),
            rest_s=self.rest_box.value(),
            mean_of=self.mean_box.currentData(),
            tolerance_pct=self.tolerance_box.value(),
            safety_max_kpa=self.safety_box.value(),
        )

    def show_preferences(self, preferences: PptPreferences) -> None:
        for row in range(self.site_list.count()):
            item = self.site_list.item(row)
            chosen = item.text() in preferences.sites
            item.setCheckState(Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)
        self.sides_box.setCurrentText(preferences.sides)
        self.trials_box.setValue(preferences.trials)
        preset = rate_preset_named(preferences.rate_kpa_s)  # 98.07 saved is Fischer's 98.0665
        self.rate_box.setCurrentText(preset or CUSTOM)
        if preset is None:
            self.custom_rate.setValue(preferences.rate_kpa_s)
        self.order_box.setCurrentText(preferences.order)
        self.rest_box.setValue(preferences.rest_s)
        self.mean_box.setCurrentIndex(max(0, self.mean_box.findData(preferences.mean_of)))
        self.tolerance_box.setValue(preferences.tolerance_pct)
        self.safety_box.setValue(preferences.safety_max_kpa)

    def _watch_preferences(self) -> None:
        def changed(*_: object) -> None:
            self.preferences_changed.emit(self.preferences())

        self.site_list.itemChanged.connect(changed)
        for box in (self.sides_box, self.rate_box, self.order_box, self.mean_box):
            box.currentIndexChanged.connect(changed)
        for spin in (
            self.trials_box,
            self.custom_rate,
            self.rest_box,
            self.tolerance_box,
            self.safety_box,
        ):
            spin.valueChanged.connect(changed)

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
        chosen = self.preferences()
        return PptProtocol(
            sites=chosen.sites,
            sides=SIDE_CHOICES[chosen.sides],
            trials_per_site=chosen.trials,
            rate_kpa_s=chosen.rate_kpa_s,
            interval_s=float(chosen.rest_s),
            order=chosen.order,
            seed=int(time.time()),
        )

    def start(self) -> bool:
        """A new protocol; results not exported yet are discarded only if the examiner
        says so."""
        if (
            self.session is not None
            and self.session.unexported
            and not self.confirm(
                "Discard the results?",
                "The trials measured so far have not been exported (CSV or PDF). "
                "Starting a new protocol discards them. Start anyway?",
            )
        ):
            self.next_label.setText("Not started: export the results first, or start again.")
            return False
        try:
            protocol = self.protocol()
            session = PptSession(
                protocol,
                self._probe_area(),
                self._sample_rate() or 1000.0,
                tolerance=self.tolerance_box.value() / 100,
                safety_max_kpa=float(self.safety_box.value()),
                mean_of=self.mean_box.currentData(),
            )
        except ValueError as exc:
            self.next_label.setText(f"Cannot start: {exc}")
            return False
        self.session = session
        self.protocol_started.emit(json.dumps(session.describe()))
        self._update_results()
        self._show_next()
        return True

    def trial_running(self) -> bool:
        """A trial is loading now: only then does Space mean "stop: pain now"."""
        return self.session is not None and self.session.trial_running()

    def stop_now(self) -> None:
        if self.session is not None:
            self.session.stop_now()

    def repeat(self) -> None:
        if self.session is not None:
            self.session.repeat()
            self._after_change()

    def keep(self) -> None:
        if self.session is not None:
            self.session.keep()
            self._after_change()

    def selected_entry(self) -> Entry | None:
        row = self.trials_table.currentRow()
        if 0 <= row < len(self._shown_entries):
            return self._shown_entries[row]
        return None

    def delete_selected(self) -> None:
        self._edit_selected(redo=False)

    def redo_selected(self) -> None:
        self._edit_selected(redo=True)

    def _edit_selected(self, redo: bool) -> None:
        session, entry = self.session, self.selected_entry()
        if session is None or entry is None:
            self.next_label.setText("Choose a trial in the list first.")
            return
        if session.run.pending is not None:
            self.next_label.setText("Repeat or keep the flagged trial first.")
            return
        if entry not in session.run.entries:  # the flagged one: repeat is its redo
            return
        what = f"{entry.label()} ({_num(entry.trial.threshold_kpa)} kPa)"
        verb = "Measure again" if redo else "Delete"
        if not self.confirm(f"{verb} this trial?", f"{verb} {what}? Its value is dropped."):
            return
        (session.redo if redo else session.delete)(entry)
        self.trial_withdrawn.emit(f"{'redo' if redo else 'deleted'}: {what}")
        self._after_change()

    def confirm_basis(self) -> None:
        """List what would be stored; ``basis_confirmed`` only after a yes."""
        usable = [row for row in self.rows if math.isfinite(row.result.mean_kpa)]
        if not usable:
            self.next_label.setText("No threshold to use yet: measure some trials first.")
            return
        client = self._context().get("client") or "this client"
        text = (
            f"Remember these thresholds for {client}? Relative bands (% of PPT) will use "
            "them.\n\n" + "\n".join(basis_lines(self.rows))
        )
        if self.confirm("Use as treatment basis?", text):
            self.basis_confirmed.emit()

    # --- refresh ------------------------------------------------------------------------

    def refresh(self) -> None:
        blocks = []
        while True:
            try:
                blocks.append(self._blocks.get_nowait())
            except queue.Empty:
                break
        if blocks and self.session is not None:
            self.feed(np.concatenate(blocks))
        self._show_live()

    def feed(self, block: np.ndarray) -> None:
        """A calibrated block into the session, and what it brought onto the screen."""
        session = self.session
        if session is None:
            return
        fed = session.feed(block)
        if fed.refused:
            self._play(REFUSED_CUE)
        for entry in fed.measured:
            safety = entry.trial.stop_source is StopSource.SAFETY
            self._play(Cue.OVER if safety else Cue.REACHED)
        if fed.measured or fed.refused:
            self._after_change()

    def _after_change(self) -> None:
        if self.session is not None:
            for row in self.session.take_rows():
                self.trial_done.emit(row)
        self._update_results()
        self._show_next()

    def _mean_rule_changed(self) -> None:
        if self.session is None:
            return
        try:
            self.session.set_mean_of(self.mean_box.currentData())
        except ValueError as exc:
            self.next_label.setText(f"{exc}: the mean stays {MEAN_RULES[self.session.mean_of]}")
            self.mean_box.setCurrentIndex(self.mean_box.findData(self.session.mean_of))
            return
        self._update_results()

    def _update_results(self) -> None:
        session = self.session
        if session is None:
            return
        sex = self.sex_box.currentText() if self.sex_box.currentIndex() > 0 else ""
        self.rows = session.results(sex, self._references)
        self.table.setRowCount(len(self.rows))
        for index, row in enumerate(self.rows):
            result = row.result
            values = [
                result.site,
                result.side,
                row.trials_text(),
                _num(result.mean_kpa),
                row.used_text(),
                _num(result.sd_kpa),
                _num(result.cv_pct, 1, " %"),
                row.asymmetry_text(),
                row.reference_text(),
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if row.reference is not None and column == 8:
                    item.setToolTip(row.reference.source)
                if column == 7:
                    item.setToolTip(ASYMMETRY_TEXT)
                self.table.setItem(index, column, item)
        pending = session.run.pending
        self._shown_entries = [*session.run.entries, *([pending] if pending else [])]
        self.trials_table.setRowCount(len(self._shown_entries))
        for index, entry in enumerate(self._shown_entries):
            trial = entry.trial
            if entry is pending:
                in_mean = "waiting"  # the guide asks: repeat it or keep it?
            elif entry.counted:
                in_mean = "yes (kept)" if entry.kept else "yes"
            else:
                in_mean = "no"
            values = [
                entry.label(),
                _num(trial.threshold_kpa),
                _num(trial.achieved_rate_kpa_s),
                trial.stop_source.value,
                ", ".join(flag.value for flag in trial.flags) or "—",
                in_mean,
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(trial.reason or "accepted")
                self.trials_table.setItem(index, column, item)

    def _show_next(self) -> None:
        session = self.session
        if session is None:
            return
        run = session.run
        self.notice_label.setText(session.notice)
        pending = run.pending
        self._show_decision(pending is not None)
        if pending is not None:
            counts = pending.trial.accepted or math.isfinite(pending.trial.threshold_kpa)
            self.keep_button.setText(
                "&Keep it (counts in the mean)" if counts else "&Keep it (no threshold)"
            )
            self.flag_label.setText(f"Trial flagged: {pending.trial.reason}. Repeat it or keep it?")
        else:
            self.flag_label.setText("")
        self.stop_button.setEnabled(not run.finished)
        if run.finished:
            self.next_label.setText(
                "Protocol complete: see the results below. Nothing more is measured."
            )
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
        frame = session.guide_frame()
        if frame.pace is None:
            if session.run.finished:
                self.rate_label.setText("complete")
            else:
                rest = session.run.ready_in(session.now) if math.isfinite(session.now) else 0
                self.rate_label.setText(f"rest {rest:.0f} s" if rest > 0 else "ready: load")
                if rest <= 0 and session.notice:
                    session.notice = ""
                    self.notice_label.setText("")
            if self._last_pace is not None:
                self._show_pace(None)
            self._last_pace = None
            return
        self.rate_label.setText(f"{frame.rate_kpa_s:.0f} kPa/s")
        if frame.pace is not self._last_pace:
            self._show_pace(frame.pace)
        if frame.pace is not self._last_pace and frame.pace in PACE_CUES:
            self._play(PACE_CUES[frame.pace])
        self._last_pace = frame.pace
        since = session.detector.loading_since
        t, kpa = session.recent()
        if since is not None and t.size:
            mine = t >= since
            self.pressure_curve.setData(t[mine] - since, kpa[mine])
            span = max(float(t[-1]) - since, 1.0)
            start = session.settings.start_kpa
            self.target_curve.setData(
                [0, span], [start, start + session.settings.target_rate_kpa_s * span]
            )

    # --- export -------------------------------------------------------------------------

    def export_header(self) -> dict[str, str]:
        """Who, when, with what and how: for the CSV's and the PDF's headers."""
        if self.session is None:
            return {}
        context = dict(self._context())
        context.setdefault("probe_area_cm2", f"{self.session.probe_area_cm2:g}")
        return export_header(context, self.session.describe_text(), self.session.mean_of)

    def export_csv(self, path: Path, header: dict[str, str] | None = None) -> None:
        """The results as CSV: the export header, then ``header``'s extra lines."""
        write_results_csv(self.rows, path, self.export_header() | (header or {}))
        if self.session is not None:
            self.session.mark_exported()

    def export_pdf(self, path: Path, title: str = "", header: list[str] | None = None) -> None:
        client = self._context().get("client") or "client not recorded"
        lines = [f"{key}: {value}" for key, value in self.export_header().items()]
        write_pdf(
            path,
            title or f"Pressure-pain thresholds: {client}",
            [*lines, *(header or [])],
            self.rows,
            self.session.traces() if self.session else [],
        )
        if self.session is not None:
            self.session.mark_exported()

    def suggested_path(self, kind: str) -> Path:
        return suggested_path(self.save_dir, self._context(), kind)

    def _export(self, kind: str) -> None:
        if not self.rows:
            self.next_label.setText("Nothing to export yet: measure some trials first.")
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Export", str(self.suggested_path(kind)), f"*.{kind}"
        )
        if not path:
            return
        try:
            if kind == "csv":
                self.export_csv(Path(path))
            else:
                self.export_pdf(Path(path))
        except OSError as exc:
            self.next_label.setText(f"Not exported: {exc}")
            return
        self.next_label.setText(f"Exported to {Path(path).name}")


def _num(value: float, decimals: int = 0, suffix: str = "") -> str:
    return "—" if not math.isfinite(value) else f"{value:.{decimals}f}{suffix}"
