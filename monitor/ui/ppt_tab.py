"""The PPT screen: set up a protocol, follow the ramp guide, see, correct and keep the results.

A view of ``PptSession`` (monitor/ppt/session.py), which owns the run, the trials, their
traces and the results: this tab composes its parts (the settings, ppt_setup.py; the ramp
guide, ppt_guide.py; the trials and results, ppt_tables.py), shows the session in them and
forwards the examiner's actions to it. The stream comes from the acquisition through a queue
(its sink runs on the reader thread) and is drained by a timer here, on the GUI thread.
"""

from __future__ import annotations

import contextlib
import json
import math
import queue
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QMessageBox, QVBoxLayout, QWidget

from monitor import numbers
from monitor.acquisition import Acquisition
from monitor.cues import Cue
from monitor.ppt.export import (
    basis_lines,
    basis_spread,
    export_header,
    suggested_path,
    write_results_csv,
)
from monitor.ppt.protocol import Entry
from monitor.ppt.results import MEAN_RULES, ResultRow, load_references
from monitor.ppt.session import Phase, PptSession
from monitor.ppt.trial import Pace, StopSource
from monitor.settings import PptPreferences
from monitor.ui.ppt_guide import GuidePanel, LivePlot
from monitor.ui.ppt_report import write_pdf
from monitor.ui.ppt_setup import PptSetup
from monitor.ui.ppt_tables import ResultsPanel, TrialsPanel

PACE_CUES = {Pace.SLOW: Cue.UNDER, Pace.FAST: Cue.OVER}  # heard as well as seen
REFUSED_CUE = Cue.OVER  # loading during the rest: lift the probe
REFRESH_MS = 33


def ask(parent: QWidget, title: str, text: str) -> bool:
    """A yes/no question; No is the default."""
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    answer = QMessageBox.question(parent, title, text, buttons, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


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
        self._references = load_references()
        self.setup = PptSetup(muscles)
        self.plot = LivePlot()
        self.guide = GuidePanel()
        self.trials = TrialsPanel()
        self.results = ResultsPanel()
        self.basis_button = self.results.basis_button
        self._lay_out()
        self._connect()
        self.setup.show_preferences(preferences or PptPreferences())
        self.setup.changed.connect(lambda: self.preferences_changed.emit(self.preferences()))
        self.timer = QTimer(self, interval=REFRESH_MS, timeout=self.refresh)
        self.timer.start()

    def _lay_out(self) -> None:
        # The trials beside the ramp guide, where the height is; the results below, across
        # the window's width (their reference text is long).
        live = QHBoxLayout()
        live.addWidget(self.plot, 4)
        live.addWidget(self.guide, 0)  # as wide as its words
        live.addWidget(self.trials, 5)
        layout = QVBoxLayout(self)
        layout.addWidget(self.setup)
        layout.addLayout(live, 2)
        layout.addWidget(self.results, 1)

    def _connect(self) -> None:
        self.setup.start_button.clicked.connect(self.start)
        self.setup.mean_box.currentIndexChanged.connect(self._mean_rule_changed)
        self.setup.sex_box.currentIndexChanged.connect(self._update_results)
        self.guide.stop_button.clicked.connect(self.stop_now)
        self.guide.repeat_button.clicked.connect(self.repeat)
        self.guide.keep_button.clicked.connect(self.keep)
        self.trials.delete_button.clicked.connect(self.delete_selected)
        self.trials.redo_button.clicked.connect(self.redo_selected)
        self.trials.table.delete_pressed = self.delete_selected
        self.results.csv_button.clicked.connect(lambda: self._export("csv"))
        self.results.pdf_button.clicked.connect(lambda: self._export("pdf"))
        self.basis_button.clicked.connect(self.confirm_basis)

    # --- settings -----------------------------------------------------------------------

    def preferences(self) -> PptPreferences:
        return self.setup.preferences()

    def show_preferences(self, preferences: PptPreferences) -> None:
        self.setup.show_preferences(preferences)

    def chosen_sites(self) -> tuple[str, ...]:
        return self.setup.chosen_sites()

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
            self.guide.say("Not started: export the results first, or start again.")
            return False
        try:
            setup = self.setup
            session = PptSession(
                setup.protocol(),
                self._probe_area(),
                self._sample_rate() or 1000.0,
                tolerance=setup.tolerance_box.value() / 100,
                safety_max_kpa=float(setup.safety_box.value()),
                mean_of=setup.mean_of(),
            )
        except ValueError as exc:
            self.guide.say(f"Cannot start: {exc}")
            return False
        if self.session is not None:  # its flagged trial still waiting is recorded as such
            self.session.end()
            self._send_rows()
        self.session = session
        self.protocol_started.emit(json.dumps(session.describe()))
        self._update_results()
        self.guide.show_step(session)
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
        return self.trials.selected()

    def delete_selected(self) -> None:
        self._edit_selected(redo=False)

    def redo_selected(self) -> None:
        self._edit_selected(redo=True)

    def _edit_selected(self, redo: bool) -> None:
        session, entry = self.session, self.selected_entry()
        if session is None or entry is None:
            self.guide.say("Choose a trial in the list first.")
            return
        if entry is session.run.pending:  # the flagged one: deleting or redoing it is Repeat
            what = f"{entry.label()} ({numbers.pressure(entry.trial.threshold_kpa)})"
            if self.confirm("Repeat this trial?", f"Drop {what} and measure it again?"):
                self.repeat()
            return
        if refusal := session.run.edit_refusal(entry):  # a repeated one, or one waits
            self.guide.say(refusal)
            return
        what = f"{entry.label()} ({numbers.pressure(entry.trial.threshold_kpa)})"
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
            self.guide.say("No threshold to use yet: measure some trials first.")
            return
        client = self._context().get("client") or "this client"
        text = (
            f"Remember these thresholds for {client}? Relative bands (% of PPT) will use "
            "them.\n\n" + "\n".join(basis_lines(self.rows))
        )
        if spread := basis_spread(self.rows):
            text += f"\n\n{spread}"
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

    def _send_rows(self) -> None:
        """The trials decided since the last time, to the recording."""
        if self.session is not None:
            for row in self.session.take_rows():
                self.trial_done.emit(row)

    def _after_change(self) -> None:
        if self.session is not None:
            self._send_rows()
            self._update_results()
            self.guide.show_step(self.session)

    def _mean_rule_changed(self) -> None:
        if self.session is None:
            return
        try:
            self.session.set_mean_of(self.setup.mean_of())
        except ValueError as exc:
            self.guide.say(f"{exc}: the mean stays {MEAN_RULES[self.session.mean_of]}")
            self.setup.show_mean_of(self.session.mean_of)
            return
        self._update_results()

    def _update_results(self) -> None:
        session = self.session
        if session is None:
            return
        self.rows = session.results(self.setup.sex(), self._references)
        self.results.show_rows(self.rows)
        self.trials.show_entries(session.run.listed(), session.run.pending)

    def _show_live(self) -> None:
        session = self.session
        if session is None:
            return
        self.guide.show_pressure(session.current_kpa)
        status = session.status()
        self.guide.show_status(status)
        frame = session.guide_frame()  # no rate and no pace unless a trial is loading
        if status.phase is Phase.LOADING:
            self.guide.show_rate(frame.rate_kpa_s)
            self.plot.show_trial(session)
        if self.guide.show_pace(frame.pace) and frame.pace in PACE_CUES:
            self._play(PACE_CUES[frame.pace])

    # --- export -------------------------------------------------------------------------

    def export_header(self) -> dict[str, str]:
        """Who, when, with what and how: for the CSV's and the PDF's headers."""
        if self.session is None:
            return {}
        context = dict(self._context())
        context.setdefault("probe_area_cm2", numbers.as_given(self.session.probe_area_cm2))
        session = self.session
        return export_header(
            context, session.describe_text(), session.mean_of, session.run.repeated
        )

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
        """In the recordings folder, made now if no recording has made it yet: a save
        dialog given a folder that does not exist opens wherever the app was started."""
        path = suggested_path(self.save_dir, self._context(), kind)
        with contextlib.suppress(OSError):  # the dialog still offers the name
            path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def _export(self, kind: str) -> None:
        if not self.rows:
            self.guide.say("Nothing to export yet: measure some trials first.")
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
            self.guide.say(f"Not exported: {exc}")
            return
        self.guide.say(f"Exported to {Path(path).name}")
