"""The PPT tables: every measured trial, with Delete and Redo (``TrialsPanel``), and the
results per site and side, with the exports and the treatment basis (``ResultsPanel``).
They show what the session worked out; the buttons are for the tab to connect."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from monitor import numbers
from monitor.ppt.protocol import REPEATED_WORDS, Entry
from monitor.ppt.results import ASYMMETRY_TEXT, RESULT_COLUMNS, ResultRow
from monitor.ui import theme

TRIAL_COLUMNS = ("Trial", "kPa", "Rate, kPa/s", "Stop", "Flags", "In mean")
#: Rows the trials table shows without scrolling, at 1280x720 too: a site's three trials on
#: both sides.
TRIAL_ROWS_SHOWN = 6
RESULT_ROWS_SHOWN = 4  # at the least (a site's both sides, twice); more as the window grows
MARKS = "[value]: flagged, not in the mean; value*: flagged and kept, in the mean"


def fit_rows(table: QTableWidget, rows: int) -> None:
    """Compact rows (the font and a little room), and a table never lower than ``rows`` of
    them under its header."""
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader().sizeHint().height()
    frame = 2 * table.frameWidth()
    table.setMinimumHeight(header + frame + rows * table.verticalHeader().defaultSectionSize())


def read_only(table: QTableWidget) -> None:
    """Columns as wide as their contents, the last taking what is left; no row numbers, no
    editing."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)


def kpa_text(entry: Entry) -> str:
    """The threshold; a repeated trial's in brackets, as the results mark a value left out."""
    value = numbers.number(entry.trial.threshold_kpa, numbers.KPA.decimals)
    return f"[{value}]" if entry.repeated else value


def in_mean_text(entry: Entry, pending: Entry | None) -> str:
    if entry is pending:
        return "waiting"  # the guide asks: repeat it or keep it?
    if entry.repeated:
        return "repeated"
    if entry.counted:
        return "yes (kept)" if entry.kept else "yes"
    return "no"


class TrialsTable(QTableWidget):
    """The measured trials; Delete or Backspace deletes the selected one."""

    delete_pressed: Callable[[], None] = staticmethod(lambda: None)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_pressed()
            return
        super().keyPressEvent(event)


class TrialsPanel(QWidget):
    """Every trial of the run in order, the repeated ones too (greyed, italic, never in the
    mean: the examiner sees what was measured and set aside), the flagged one waiting last;
    Delete and Redo act on the selected one (``selected``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[Entry] = []  # the table's rows, in order
        self.table = TrialsTable(0, len(TRIAL_COLUMNS))
        self.table.setHorizontalHeaderLabels(TRIAL_COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        read_only(self.table)
        # Beside the guide the trials have little width: their flags, the one long text,
        # take what is left and are cut with "…" (each row's tooltip says why in full), so
        # that no scroll bar takes a row's height.
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TRIAL_COLUMNS.index("Flags"), QHeaderView.ResizeMode.Stretch)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMaximumWidth(640)  # a wide window's room goes to the plot
        self.table.setToolTip(
            "Del: delete the selected trial; Tab to Redo to measure it again. "
            "[value], repeated: a flagged trial measured again, never in the results"
        )
        fit_rows(self.table, TRIAL_ROWS_SHOWN)
        self.delete_button = QPushButton("&Delete trial (Del)")
        self.redo_button = QPushButton("Red&o trial")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # the tab's margins are the panel's
        layout.addWidget(self.table, 1)
        edit = QHBoxLayout()
        edit.addWidget(self.delete_button)
        edit.addWidget(self.redo_button)
        layout.addLayout(edit)
        theme.follow_theme(self, self._restyle)

    def selected(self) -> Entry | None:
        row = self.table.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def show_entries(self, entries: list[Entry], pending: Entry | None) -> None:
        """The trials (``PptRun.listed``: ``pending`` among them, last), the selection
        staying on the trial it was on; when that trial is gone (deleted) nothing is
        selected: a row that moved up into its place must not be the next Del's target."""
        chosen = self.selected()
        self.entries = list(entries)
        self.table.setRowCount(len(self.entries))
        for index, entry in enumerate(self.entries):
            trial = entry.trial
            values = [
                entry.label(),
                kpa_text(entry),
                numbers.number(trial.achieved_rate_kpa_s, 0),
                trial.stop_source.value,
                ", ".join(flag.value for flag in trial.flags) or numbers.NO_VALUE,
                in_mean_text(entry, pending),
            ]
            why = trial.reason or "accepted"
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(f"{why}; {REPEATED_WORDS}" if entry.repeated else why)
                self.table.setItem(index, column, item)
        self._restyle()
        if chosen is not None and any(entry is chosen for entry in self.entries):
            row = next(i for i, entry in enumerate(self.entries) if entry is chosen)
            self.table.setCurrentCell(row, self.table.currentColumn())
        else:
            self.table.clearSelection()
            self.table.setCurrentCell(-1, -1)

    def _restyle(self) -> None:
        """Repeated rows in the theme's muted colour (AA on the table in both themes) and
        italic; the others as the table draws them."""
        for row, entry in enumerate(self.entries):
            for column in range(self.table.columnCount()):
                item = self.table.item(row, column)
                font = item.font()
                font.setItalic(entry.repeated)
                item.setFont(font)
                item.setForeground(QBrush(theme.muted()) if entry.repeated else QBrush())


class ResultsPanel(QWidget):
    """The results per site and side, and beside them the exports and the basis button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(RESULT_COLUMNS))
        self.table.setHorizontalHeaderLabels(RESULT_COLUMNS)
        self.table.horizontalHeaderItem(RESULT_COLUMNS.index("Trials, kPa")).setToolTip(MARKS)
        self.table.horizontalHeaderItem(RESULT_COLUMNS.index("L/R asymmetry")).setToolTip(
            ASYMMETRY_TEXT
        )
        self.table.setToolTip(
            "Trials: [value] is flagged and not in the mean; value* was flagged and kept "
            f"by the examiner, in the mean. {ASYMMETRY_TEXT}."
        )
        read_only(self.table)
        fit_rows(self.table, RESULT_ROWS_SHOWN)
        self.csv_button = QPushButton("Export CSV…")
        self.pdf_button = QPushButton("Report PDF…")
        self.basis_button = QPushButton("Use as treatment basis…")
        self.basis_button.setToolTip(
            "Remember each site's threshold for this client: relative bands (% of PPT) use it. "
            "The values are listed for confirmation first."
        )
        buttons = QVBoxLayout()
        for button in (self.csv_button, self.pdf_button, self.basis_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # the tab's margins are the panel's
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def show_rows(self, rows: list[ResultRow]) -> None:
        self.table.setRowCount(len(rows))
        asymmetry = RESULT_COLUMNS.index("L/R asymmetry")
        reference = RESULT_COLUMNS.index("Reference")
        for index, row in enumerate(rows):
            for column, value in enumerate(row.cells()):
                item = QTableWidgetItem(value)
                if row.reference is not None and column == reference:
                    item.setToolTip(row.reference.source)
                if column == asymmetry:
                    item.setToolTip(ASYMMETRY_TEXT)
                self.table.setItem(index, column, item)
