"""The PPT ramp guide: the trial under way against its target ramp (``LivePlot``), and the
words beside it (``GuidePanel``): the pressure, the rate and its pace, what comes next, and
the examiner's stop, repeat and keep. Both show a ``PptSession``; neither changes it."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from monitor import numbers
from monitor.feedback import Zone
from monitor.ppt.session import PHASE_WORDS, PptSession, Status, rest_words
from monitor.ppt.trial import Pace
from monitor.ui import theme

#: Each pace in a zone's colour and words' sense: too slow is under, too fast is over. The
#: colour itself is read from the theme in force when it is shown (``pace_colour``).
PACE_ZONES = {Pace.SLOW: Zone.UNDER, Pace.ON: Zone.IN, Pace.FAST: Zone.OVER}
#: Everything the rate's place says at its widest: a rate while loading, else the rest left
#: or what the phase asks (lift the probe, decide, load, done).
RATE_WORDS = (
    numbers.with_unit(888, "kPa/s", 0),
    f"rest {rest_words(888)}",
    *PHASE_WORDS.values(),
)
#: The status line's room, in lines: its longest words (a refusal) take two at 1280x720, and
#: the guide below does not move when they come and go.
STATUS_LINES = 2


def pace_colour(pace: Pace) -> QColor:
    """The pace's colour in the theme in force."""
    return theme.ZONE_STYLES[PACE_ZONES[pace]].colour


class LivePlot(pg.PlotWidget):
    """The trial under way, from the start of its loading, against the target ramp."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.setMinimumHeight(150)
        # Its 480-pixel wish ignored: at 1280x720 the tables below have the room they need
        # and the plot the rest, whatever it is.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.setLabel("bottom", "seconds since loading started")
        self.setLabel("left", "kPa")
        self.showGrid(x=True, y=True, alpha=0.15)
        self.target_curve = self.plot()
        self.pressure_curve = self.plot()
        theme.follow_theme(self, self.restyle)

    def restyle(self) -> None:
        """Every pen from the theme in force."""
        self.setBackground(theme.background())
        for name in ("left", "bottom"):
            self.getAxis(name).setPen(pg.mkPen(theme.muted()))
            self.getAxis(name).setTextPen(pg.mkPen(theme.muted()))
        inside = theme.ZONE_STYLES[Zone.IN].colour
        self.target_curve.setPen(pg.mkPen(inside, width=2, style=Qt.PenStyle.DashLine))
        self.pressure_curve.setPen(pg.mkPen(theme.foreground(), width=3))

    def show_trial(self, session: PptSession) -> None:
        """The pressure since loading started and the target ramp over the same time."""
        since = session.detector.loading_since
        t, kpa = session.recent()
        if since is None or not t.size:
            return
        mine = t >= since
        self.pressure_curve.setData(t[mine] - since, kpa[mine])
        span = max(float(t[-1]) - since, 1.0)
        start = session.settings.start_kpa
        self.target_curve.setData(
            [0, span], [start, start + session.settings.target_rate_kpa_s * span]
        )


class GuidePanel(QWidget):
    """The guide's words and the examiner's buttons; ``say`` puts a message where the next
    step is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pace: Pace | None = None  # the pace shown
        self.pressure_label = QLabel(numbers.NO_VALUE, alignment=Qt.AlignmentFlag.AlignCenter)
        self.rate_label = QLabel("", alignment=Qt.AlignmentFlag.AlignCenter)
        self.pace_label = QLabel("", alignment=Qt.AlignmentFlag.AlignCenter)
        self.next_label = QLabel("Choose sites and start the protocol.")
        self.next_label.setWordWrap(True)
        self.reply_label = QLabel()  # the answer to the examiner's last action
        self.reply_label.setWordWrap(True)
        # What is true now (resting, lift the probe, refused, decide, ready), in the alert
        # colour while a loading is refused.
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setMinimumHeight(STATUS_LINES * self.status_label.fontMetrics().height())
        self._status_alert = False
        self.flag_label = QLabel()
        self.flag_label.setWordWrap(True)
        self.stop_button = QPushButton("Stop: pain now (Space)")
        self.repeat_button = QPushButton("&Repeat trial")
        self.keep_button = QPushButton("&Keep it")
        for label, size, words in (
            (self.pressure_label, 56, (numbers.pressure(888),)),
            (self.rate_label, 30, RATE_WORDS),
            (self.pace_label, 30, tuple(pace.value.upper() for pace in Pace)),
        ):
            font = label.font()
            font.setPixelSize(size)
            font.setBold(True)
            label.setFont(font)
            # As wide as its widest words from the start: the plot does not jump when a
            # protocol starts, nor the trials when loading does, nor the words when the pace
            # changes.
            metrics = label.fontMetrics()
            label.setMinimumWidth(max(map(metrics.horizontalAdvance, words)) + 8)
        self._lay_out()
        self.show_decision(False)
        theme.follow_theme(self, self.restyle)

    def _lay_out(self) -> None:
        # The pressure beside the rate and the pace, not above them: the ramp guide keeps
        # its words at 1280x720 and leaves the height to the trials.
        guide = QGridLayout()
        guide.addWidget(self.pressure_label, 0, 0, 2, 1)
        guide.addWidget(self.rate_label, 0, 1)
        guide.addWidget(self.pace_label, 1, 1)
        side = QVBoxLayout(self)
        side.setContentsMargins(0, 0, 0, 0)  # the tab's margins are the panel's
        side.addWidget(self.next_label)
        side.addWidget(self.reply_label)
        side.addWidget(self.status_label)
        side.addLayout(guide)
        side.addWidget(self.stop_button)
        side.addWidget(self.flag_label)
        decide = QHBoxLayout()
        decide.addWidget(self.repeat_button)
        decide.addWidget(self.keep_button)
        side.addLayout(decide)
        side.addStretch(1)

    def restyle(self) -> None:
        """Every colour held in a style sheet, from the theme in force (the labels follow
        the palette by themselves)."""
        self.flag_label.setStyleSheet(f"color: {theme.alert().name()};")
        self._paint_pace()
        self._paint_status()

    def say(self, text: str) -> None:
        """The answer to an action (not started, not exported, choose a trial first) under
        the next step, which stays; it goes with the next change."""
        self.reply_label.setText(text)

    def show_status(self, status: Status) -> None:
        """What is true now: in the big place (unless a rate is shown there) and in words."""
        if status.short:
            self.rate_label.setText(status.short)
        self.status_label.setText(status.words)
        if status.alert != self._status_alert:
            self._status_alert = status.alert
            self._paint_status()

    def _paint_status(self) -> None:
        colour = theme.alert() if self._status_alert else theme.foreground()
        weight = "bold" if self._status_alert else "normal"
        self.status_label.setStyleSheet(f"color: {colour.name()}; font-weight: {weight};")

    def show_pace(self, pace: Pace | None) -> bool:
        """The pace in words, in its zone's colour; whether it changed (a style sheet is
        set only then, not at every refresh)."""
        if pace is self.pace:
            return False
        self.pace = pace
        self._paint_pace()
        return True

    def _paint_pace(self) -> None:
        pace = self.pace
        self.pace_label.setText(pace.value.upper() if pace else "")
        colour = pace_colour(pace).name() if pace else theme.foreground().name()
        self.pace_label.setStyleSheet(f"color: {colour};")

    def show_decision(self, shown: bool) -> None:
        self.repeat_button.setVisible(shown)
        self.keep_button.setVisible(shown)

    def show_pressure(self, kpa: float) -> None:
        self.pressure_label.setText(numbers.pressure(kpa))

    def show_rate(self, rate_kpa_s: float) -> None:
        self.rate_label.setText(numbers.with_unit(rate_kpa_s, "kPa/s", 0))

    def show_step(self, session: PptSession) -> None:
        """What comes next: the planned trial, the flagged one's question, or the end."""
        run = session.run
        self.say("")
        pending = run.pending
        self.show_decision(pending is not None)
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
            rate = numbers.as_given(run.protocol.rate_kpa_s, "kPa/s")
            self.next_label.setText(
                f"Now: {planned.site}, {planned.side}, trial {planned.trial} of "
                f"{run.protocol.trials_per_site} at {rate}"
            )
