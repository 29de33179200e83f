"""The big number, its unit and the zone in words: legible from across the room."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from monitor import numbers
from monitor.feedback import Zone
from monitor.live_view import LiveFrame
from monitor.ui import theme

#: Each label's share of the readout's height, and the characters its width must hold.
#: The zone's words get a fifth of the height: at 1280x720 that is letters about 1 cm tall on
#: a 13-inch screen, the size read at 2 m (about 16 minutes of arc).
_SHARES = {"value": (0.46, 4.0), "unit": (0.09, 8.0), "zone": (0.20, 10.0)}


class Readout(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.value_label = QLabel(numbers.NO_VALUE, alignment=Qt.AlignmentFlag.AlignCenter)
        self.unit_label = QLabel("", alignment=Qt.AlignmentFlag.AlignCenter)
        self.zone_label = QLabel(theme.NO_DATA.text, alignment=Qt.AlignmentFlag.AlignCenter)
        for label in (self.value_label, self.unit_label, self.zone_label):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        for label, (share, _) in zip(
            (self.value_label, self.unit_label, self.zone_label), _SHARES.values(), strict=True
        ):
            layout.addWidget(label, round(share * 100))
        self._zone: tuple[Zone | None, bool] | None = None  # (zone, has a band) shown
        self._apply_fonts()
        theme.follow_theme(self, self._restyle)

    def show_frame(self, frame: LiveFrame) -> None:
        self.value_label.setText(numbers.value(frame.current, frame.unit))
        self.unit_label.setText(frame.unit.symbol)
        zone = (frame.zone, frame.band is not None)
        if zone != self._zone:
            self._zone = zone
            self._restyle()

    def _restyle(self) -> None:
        """The zone's words on its colour, in the theme in force."""
        style = theme.style_for(*(self._zone or (None, True)))
        self.zone_label.setText(style.text)
        self.zone_label.setStyleSheet(
            f"background: {style.colour.name()}; color: {theme.on_zone().name()};"
            "border-radius: 8px; padding: 2px;"
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        height, width = self.height(), self.width()
        for label, (share, chars) in zip(
            (self.value_label, self.unit_label, self.zone_label), _SHARES.values(), strict=True
        ):
            font = QFont(label.font())
            font.setBold(True)
            font.setPixelSize(max(10, int(min(height * share, width / chars * 1.6))))
            label.setFont(font)
