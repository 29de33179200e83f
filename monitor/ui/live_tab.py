"""The live tab's instruments: the gauge, the big number with its hold timer, the trace and the
recording's notes, below the rows of treatment and instrument controls the window gives it.

Shows ``LiveView`` frames at the cadence each part needs: the gauge every frame (it moves
smoothly), digits and hold timer ~10 times a second (as fast as anyone reads digits, and at once
on a new zone), the trace ~20 times a second.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLayout, QPlainTextEdit, QVBoxLayout, QWidget

from monitor.live_view import LiveFrame, LiveView
from monitor.ui.hold_display import HoldDisplay
from monitor.ui.pressure_gauge import PressureGauge
from monitor.ui.readout import Readout
from monitor.ui.trace_plot import TracePlot

#: Every how many frames the rest follows the gauge: the trace scrolls about 2 pixels per
#: update at 20/s (30 s across 1300 pixels); digits and the hold timer change ~10 times a second.
TRACE_EVERY = 3
NUMBERS_EVERY = 6


class LiveTab(QWidget):
    def __init__(self, view: LiveView, controls: QLayout, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.gauge = PressureGauge()
        self.readout = Readout()
        self.hold_display = HoldDisplay()
        self.trace = TracePlot(view.window_s)
        self.trace.points_changed.connect(self._fit_trace)
        self.notes_edit = QPlainTextEdit(
            placeholderText="Notes for this recording: saved in its file; the next recording "
            "starts with an empty box (N to write, Esc to leave)"
        )
        self.notes_edit.setMaximumHeight(56)
        self.notes_edit.setTabChangesFocus(True)
        self._frames = 0
        self._shown_state: tuple = ()

        numbers = QVBoxLayout()
        numbers.addWidget(self.readout, 5)
        numbers.addWidget(self.hold_display, 1)
        instruments = QHBoxLayout()
        instruments.addWidget(self.gauge, 2)
        instruments.addLayout(numbers, 3)
        column = QVBoxLayout(self)
        column.addLayout(controls)
        column.addLayout(instruments, 5)
        column.addWidget(self.trace, 3)
        column.addWidget(self.notes_edit)

    def set_window(self, window_s: float) -> None:
        self.view.window_s = window_s
        self.trace.set_window(window_s)

    def show_now(self, now: float) -> LiveFrame:
        """Show the view at session time ``now``; returns the frame (for the cues)."""
        self._frames += 1
        with_trace = self._frames % TRACE_EVERY == 0
        frame = self.view.frame(with_trace=with_trace, now=now)
        self.gauge.show_frame(frame)
        state = (frame.zone, frame.hold.reached)
        if self._frames % NUMBERS_EVERY == 0 or state != self._shown_state:
            self._shown_state = state  # a new zone or a reached hold shows at once
            self.readout.show_frame(frame)
            self.hold_display.show_hold(frame.hold)
        if with_trace:
            self.trace.show_frame(frame)
        return frame

    def clear_notes(self) -> None:
        """The notes went into their recording's file: a clean box for the next, quietly."""
        self.notes_edit.blockSignals(True)
        self.notes_edit.clear()
        self.notes_edit.blockSignals(False)

    def _fit_trace(self, points: int) -> None:
        self.view.trace_points = points
