"""The big number, its unit and the zone in words: legible from across the room."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from monitor import numbers
from monitor.live_view import LiveFrame
from monitor.ui import theme


class Readout(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.value_label = QLabel("—", alignment=Qt.AlignmentFlag.AlignCenter)
        self.unit_label = QLabel("", alignment=Qt.AlignmentFlag.AlignCenter)
        self.zone_label = QLabel(theme.NO_DATA.text, alignment=Qt.AlignmentFlag.AlignCenter)
        for label in (self.value_label, self.unit_label, self.zone_label):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.value_label, 5)
        layout.addWidget(self.unit_label, 1)
        layout.addWidget(self.zone_label, 2)
        layout.addStretch(1)
        self._zone_style = None
        self._apply_fonts()

    def show_frame(self, frame: LiveFrame) -> None:
        self.value_label.setText(numbers.value(frame.current, frame.unit))
        self.unit_label.setText(frame.unit.symbol)
        style = theme.style_for(frame.zone, has_band=frame.band is not None)
        if style is not self._zone_style:
            self._zone_style = style
            self.zone_label.setText(style.text)
            self.zone_label.setStyleSheet(
                f"background: {style.colour.name()}; color: {theme.ON_ZONE.name()};"
                "border-radius: 8px; padding: 4px;"
            )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        height, width = self.height(), self.width()
        for label, share, chars in (
            (self.value_label, 0.42, 4.0),
            (self.unit_label, 0.08, 8.0),
            (self.zone_label, 0.12, 9.0),
        ):
            font = QFont(label.font())
            font.setBold(True)
            font.setPixelSize(max(10, int(min(height * share, width / chars * 1.6))))
            label.setFont(font)
