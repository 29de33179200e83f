"""The row of the recording and the instrument: Record with the recording's state, unit,
probe, tare, calibration, trace length and sound. Widgets only: the window connects them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from calibration import PROBE_AREAS_CM2, UNITS
from monitor.numbers import as_given
from monitor.settings import WINDOW_LENGTHS_S
from monitor.ui import theme

#: A long result (paths) is elided here, whole in the tooltip and the banner: it never widens
#: the window past the screen.
RECORDING_LABEL_MAX_PX = 260


class InstrumentBar(QWidget):
    def __init__(self, sound_problem: str | None, parent: QWidget | None = None) -> None:
        """``sound_problem``: why there is no sound, or None when there is."""
        super().__init__(parent)
        self.record_button = QPushButton("● Record")
        self.record_button.setCheckable(True)
        self.record_button.setToolTip("Start or stop recording this session (Ctrl+R)")
        font = self.record_button.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.record_button.setFont(font)
        self.recording_label = QLabel("not recording")
        self.recording_label.setTextFormat(Qt.TextFormat.PlainText)
        # Its room is kept from the start: a result shown later does not widen the window.
        self.recording_label.setFixedWidth(RECORDING_LABEL_MAX_PX)
        self.unit_box = QComboBox()
        self.unit_box.addItems([unit.symbol for unit in UNITS])
        self.probe_box = QComboBox()
        for area in PROBE_AREAS_CM2:
            self.probe_box.addItem(as_given(area, "cm²"), area)
        self.probe_box.addItem("custom…")  # no area: asks for one
        self.probe_box.setToolTip("The probe's contact area: pressure = force / area")
        self.tare_button = QPushButton("Tare")
        self.tare_button.setToolTip("Zero the probe now: unloaded and still (T)")
        self.calibrate_button = QPushButton("Calibrate…")
        self.calibrate_button.setToolTip("Calibrate this sensor with known loads")
        self.window_box = QComboBox()
        self.window_box.addItems([as_given(length, "s") for length in WINDOW_LENGTHS_S])
        self.window_box.setToolTip("How much of the past the trace shows")
        self.sound_button = QPushButton("♪ Sound cues")
        self.sound_button.setCheckable(True)
        self.sound_notice = QLabel()
        if sound_problem is not None:
            self.sound_notice.setText("⚠ No sound: cues are visual only")
            self.sound_notice.setToolTip(f"Sound is unavailable: {sound_problem}")
            self.sound_button.setToolTip(f"Sound is unavailable: {sound_problem}")
            self.sound_button.setEnabled(False)
        else:
            self.sound_button.setToolTip("Tones for under, in, over and hold reached (S)")
        self._recording_colour: Callable[[], QColor] = theme.muted
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (
            self.record_button,
            self.recording_label,
            QLabel("Unit"),
            self.unit_box,
            QLabel("Probe"),
            self.probe_box,
            self.tare_button,
            self.calibrate_button,
            QLabel("Trace"),
            self.window_box,
            self.sound_button,
            self.sound_notice,
        ):
            row.addWidget(widget)
        row.addStretch(1)
        theme.follow_theme(self, self._restyle)

    def show_recording(self, recording: bool) -> None:
        self.record_button.setText("■ Stop" if recording else "● Record")

    def say_recording(self, text: str, colour: Callable[[], QColor]) -> None:
        """The recording's state or result, elided to fit (whole in the tooltip), in the
        theme's ``colour`` (a function: it is read again after a theme change)."""
        metrics = self.recording_label.fontMetrics()
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, RECORDING_LABEL_MAX_PX)
        self.recording_label.setText(shown)
        self.recording_label.setToolTip(text)
        self._recording_colour = colour
        self._restyle()

    def show_probe(self, area_cm2: float) -> None:
        """A custom area is an entry of its own above "custom…" (the row at 1280 pixels has
        no room for "0.78 cm² (custom…)": it was cut)."""
        box = self.probe_box
        index = box.findData(area_cm2)
        if index < 0:
            custom = len(PROBE_AREAS_CM2)  # the one custom entry, replaced by the next
            if box.count() > custom + 1:
                box.removeItem(custom)
            box.insertItem(custom, as_given(area_cm2, "cm²"), area_cm2)
            box.setItemData(custom, "a custom area", Qt.ItemDataRole.ToolTipRole)
            index = custom
        box.setCurrentIndex(index)

    def area_at(self, index: int) -> float | None:
        """The area an entry stands for; None for "custom…" (ask for one)."""
        data = self.probe_box.itemData(index)
        return float(data) if data is not None else None

    def _restyle(self) -> None:
        self.sound_notice.setStyleSheet(f"color: {theme.alert().name()};")
        self.recording_label.setStyleSheet(f"color: {self._recording_colour().name()};")
