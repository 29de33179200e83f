"""The big number, its unit and the zone in words: legible from across the room.

Read from 2 m, a letter needs about 16 minutes of arc (9 mm): at 1280x720 on a 13-inch
screen (0.22 mm a pixel, the smallest pixel that resolution comes with) that is 42 pixels of
capital height. The zone's words get that wherever the readout is wider than tall enough to
set them beside the number (as the live tab at 1280x720 is), and stack under it otherwise.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from monitor import numbers
from monitor.feedback import Zone
from monitor.live_view import LiveFrame
from monitor.ui import theme

#: Capital height read at 2 m (16 arcmin = 9.3 mm) at 0.22 mm a pixel.
LEGIBLE_AT_2M_PX = 42
#: Wider than this many heights, the zone's words go beside the number rather than under it.
SIDE_BY_SIDE_ASPECT = 2.2
_MARGIN = 4


class Readout(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.value_label = QLabel(numbers.NO_VALUE, alignment=Qt.AlignmentFlag.AlignCenter)
        self.unit_label = QLabel("", alignment=Qt.AlignmentFlag.AlignCenter)
        self.zone_label = QLabel(theme.NO_DATA.text, alignment=Qt.AlignmentFlag.AlignCenter)
        for label in (self.value_label, self.unit_label, self.zone_label):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(_MARGIN, _MARGIN, _MARGIN, _MARGIN)
        self._side_by_side: bool | None = None
        self._zone: tuple[Zone | None, bool] | None = None  # (zone, has a band) shown
        self._arrange()
        theme.follow_theme(self, self._restyle)

    @property
    def side_by_side(self) -> bool:
        return bool(self._side_by_side)

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
            "border-radius: 8px;"
        )
        self._fit_zone()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        """Number over unit, and the zone's words beside them or under them; the fonts."""
        width, height = self.width() - 2 * _MARGIN, self.height() - 2 * _MARGIN
        side_by_side = width >= SIDE_BY_SIDE_ASPECT * height
        if side_by_side != self._side_by_side:
            self._side_by_side = side_by_side
            grid = self._grid
            for label in (self.value_label, self.unit_label, self.zone_label):
                grid.removeWidget(label)
            grid.addWidget(self.value_label, 0, 0)
            grid.addWidget(self.unit_label, 1, 0)
            if side_by_side:
                grid.addWidget(self.zone_label, 0, 1, 2, 1)
                stretches, columns = (5, 1, 0), (9, 11)
            else:
                grid.addWidget(self.zone_label, 2, 0)
                stretches, columns = (46, 9, 22), (1, 0)
            for row, stretch in enumerate(stretches):
                grid.setRowStretch(row, stretch)
            for column, stretch in enumerate(columns):
                grid.setColumnStretch(column, stretch)
        if side_by_side:
            number_width, rows = width * 0.45, (0.72, 0.14)
            self._zone_box = (width * 0.55, height * 0.42)
        else:
            number_width, rows = width, (0.46, 0.09)
            self._zone_box = (width, height * 0.22)
        for label, share, chars in (
            (self.value_label, rows[0], 4.0),
            (self.unit_label, rows[1], 8.0),
        ):
            _set_pixel_size(label, min(height * share, number_width / chars * 1.6))
        self._fit_zone()

    def _fit_zone(self) -> None:
        """As large as its share of the height allows, narrowed to fit the words it says; on
        two lines where that leaves them larger (NO BAND: SET PPT beside the number)."""
        width, size = self._zone_box
        room = width * 0.94 - 16  # the rounded box's padding
        text = self.zone_label.text()
        _set_pixel_size(self.zone_label, size)
        metrics = QFontMetricsF(self.zone_label.font())
        one_line = min(size, size * room / max(metrics.horizontalAdvance(text), 1))
        words = text.split()
        middle = len(words) // 2
        halves = (" ".join(words[:middle]), " ".join(words[middle:]))
        widest = max(metrics.horizontalAdvance(half) for half in halves)
        lines_height = 2 * metrics.lineSpacing() / size + 0.1  # in sizes, with some slack
        two_lines = min(size, self._zone_cell_height() / lines_height, size * room / max(widest, 1))
        wrap = len(words) > 1 and two_lines > one_line
        self.zone_label.setWordWrap(wrap)
        _set_pixel_size(self.zone_label, two_lines if wrap else one_line)

    def _zone_cell_height(self) -> float:
        height = self.height() - 2 * _MARGIN
        return height if self._side_by_side else height * 0.22 / 0.77


def _set_pixel_size(label: QLabel, pixels: float) -> None:
    font = QFont(label.font())
    font.setBold(True)
    font.setPixelSize(max(10, int(pixels)))
    if font != label.font():
        label.setFont(font)
