"""The vertical pressure gauge: the band shaded on a bar, a marker at the current value.

Read from position first (as CPR-feedback bars are, mid-task): under is below the band, over
is above it and hatched; colour and the zone words only repeat what position says.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from monitor import numbers
from monitor.feedback import Zone
from monitor.live_view import LiveFrame
from monitor.ui import theme

_EDGE_WIDTH = 3  # the band's edges, in pixels
_EDGE_OVERHANG = 6  # how far they reach past the bar
_MARKER_GAP = 4  # between the bar and the marker's tip
#: The zones' shading on the bar: their colours at this opacity (out of 255) over the
#: background; the over zone's hatching on top at HATCH_ALPHA.
TINT_ALPHA = 50
HATCH_ALPHA = 120


class PressureGauge(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 240)
        # Every pixel is painted (the background pixmap is opaque): Qt need not repaint the
        # widgets behind the gauge 60 times a second.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.frame: LiveFrame | None = None
        # The zones, their words and the scale change only with the band, scale or size:
        # drawn once into a pixmap, so a frame paints just the fill, the edges and the marker.
        self._background: tuple[tuple, QPixmap] | None = None
        self._geometry: _Layout | None = None

    def show_frame(self, frame: LiveFrame) -> None:
        previous, self.frame = self.frame, frame
        if previous is not None and _scale_of(previous) == _scale_of(frame):
            self.update(self._layout().live_strip)  # all a frame can change
        else:
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        if self.frame is None:
            painter.fillRect(self.rect(), self._backdrop())
        else:
            painter.drawPixmap(0, 0, self._background_for(self.frame))
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            _Painter(painter, self._layout(), self.frame).paint_live()
        painter.end()

    def _layout(self) -> _Layout:
        if self._geometry is None or self._geometry.size != self.size().toTuple():
            self._geometry = _Layout.of(self.size().toTuple())
        return self._geometry

    def _backdrop(self) -> QColor:
        return self.palette().color(self.backgroundRole())

    def _background_for(self, frame: LiveFrame) -> QPixmap:
        ratio = self.devicePixelRatioF()
        backdrop = self._backdrop()
        key = (self.size().toTuple(), ratio, backdrop.rgba(), theme.theme_name(), _scale_of(frame))
        if self._background is None or self._background[0] != key:
            pixmap = QPixmap(self.size() * ratio)
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(backdrop)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            _Painter(painter, self._layout(), frame).paint_background()
            painter.end()
            self._background = (key, pixmap)
        return self._background[1]


def _scale_of(frame: LiveFrame) -> tuple:
    """What the gauge's background depends on, besides its size."""
    return frame.band, frame.scale_max, frame.unit.symbol


@dataclass(frozen=True)
class _Layout:
    """The gauge's geometry, from its size alone."""

    size: tuple[int, int]
    font: QFont
    bar: QRectF
    words_x: float  # where the zones' words start, clear of the marker
    marker_size: float
    live_strip: QRect  # all that a new value changes: the bar, the band's edges, the marker

    @classmethod
    def of(cls, size: tuple[int, int]) -> _Layout:
        width, height = size
        font_px = max(12, int(min(height / 24, width / 14)))
        font = QFont()
        font.setPixelSize(font_px)
        font.setBold(True)
        label_width = font_px * 4.5
        bar_width = min(width * 0.38, height * 0.3)
        bar = QRectF(label_width, font_px, bar_width, height - 2 * font_px)
        marker_size = font_px * 1.3
        strip_left = math.floor(bar.left() - _EDGE_OVERHANG - _EDGE_WIDTH)
        strip_right = math.ceil(bar.right() + _MARKER_GAP + marker_size + _EDGE_WIDTH)
        return cls(
            size=size,
            font=font,
            bar=bar,
            words_x=bar.right() + font_px * 2.6,
            marker_size=marker_size,
            live_strip=QRect(strip_left, 0, strip_right - strip_left, height),
        )


class _Painter:
    """One paint of the gauge, on a layout."""

    def __init__(self, painter: QPainter, layout: _Layout, frame: LiveFrame) -> None:
        self.p = painter
        self.frame = frame
        self.font = layout.font
        self.bar = layout.bar
        self.words_x = layout.words_x
        self.marker_size = layout.marker_size

    def y_of(self, value: float) -> float:
        fraction = min(max(value / self.frame.scale_max, 0.0), 1.0)
        return self.bar.bottom() - fraction * self.bar.height()

    def paint_background(self) -> None:
        """What stays until the band, the scale or the size changes."""
        edges = self.frame.band or ()
        if self.frame.band is not None:
            low, high = self.frame.band
            self._region(0.0, low, Zone.UNDER, Qt.BrushStyle.SolidPattern)
            self._region(low, high, Zone.IN, Qt.BrushStyle.SolidPattern)
            self._region(high, self.frame.scale_max, Zone.OVER, Qt.BrushStyle.BDiagPattern)
        self._outline()
        self._scale_labels(*edges)

    def paint_live(self) -> None:
        """What every frame changes: the fill to the current value, then on top the band's
        edges (so they cross the fill) and the marker."""
        self._fill()
        self._band_edges(*(self.frame.band or ()))
        self._marker()

    def _region(self, start: float, end: float, zone: Zone, pattern: Qt.BrushStyle) -> None:
        colour = QColor(theme.ZONE_STYLES[zone].colour)
        top, bottom = self.y_of(end), self.y_of(start)
        rect = QRectF(self.bar.left(), top, self.bar.width(), bottom - top)
        colour.setAlpha(TINT_ALPHA)
        self.p.fillRect(rect, QBrush(colour))
        if pattern != Qt.BrushStyle.SolidPattern:
            colour.setAlpha(HATCH_ALPHA)
            self.p.fillRect(rect, QBrush(colour, pattern))
        words = {Zone.UNDER: "UNDER", Zone.IN: "TARGET", Zone.OVER: "OVER"}[zone]
        self.p.setPen(theme.ZONE_STYLES[zone].colour)
        self.p.setFont(self.font)
        text_rect = QRectF(self.words_x, top, 7 * self.font.pixelSize(), bottom - top)
        self.p.drawText(
            text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, words
        )

    def _fill(self) -> None:
        value = self.frame.current
        if not math.isfinite(value):
            return
        top = self.y_of(value)
        inset = self.bar.width() * 0.22
        fill = QRectF(
            self.bar.left() + inset, top, self.bar.width() - 2 * inset, self.bar.bottom() - top
        )
        has_band = self.frame.band is not None
        self.p.fillRect(fill, theme.style_for(self.frame.zone, has_band).colour)

    def _band_edges(self, *edges: float) -> None:
        pen = QPen(theme.ZONE_STYLES[Zone.IN].colour, _EDGE_WIDTH)
        self.p.setPen(pen)
        left, right = self.bar.left() - _EDGE_OVERHANG, self.bar.right() + _EDGE_OVERHANG
        for value in edges:
            y = self.y_of(value)
            self.p.drawLine(QPointF(left, y), QPointF(right, y))

    def _outline(self) -> None:
        self.p.setPen(QPen(theme.muted(), 1))
        self.p.setBrush(Qt.BrushStyle.NoBrush)
        self.p.drawRect(self.bar)

    def _scale_labels(self, *edges: float) -> None:
        self.p.setFont(self.font)
        height = self.font.pixelSize() * 1.4
        for value, colour in (
            (0.0, theme.muted()),
            *((edge, theme.foreground()) for edge in edges),
            (self.frame.scale_max, theme.muted()),
        ):
            y = self.y_of(value)
            rect = QRectF(0, y - height / 2, self.bar.left() - 10, height)
            self.p.setPen(colour)
            align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            self.p.drawText(rect, align, numbers.value(value, self.frame.unit))

    def _marker(self) -> None:
        value = self.frame.current
        if not math.isfinite(value):
            return
        y = self.y_of(value)
        size = self.marker_size
        x = self.bar.right() + _MARKER_GAP
        triangle = QPolygonF(
            [QPointF(x, y), QPointF(x + size, y - size * 0.6), QPointF(x + size, y + size * 0.6)]
        )
        self.p.setPen(QPen(theme.background(), 2))
        self.p.setBrush(theme.foreground())
        self.p.drawPolygon(triangle)
        self.p.setPen(QPen(theme.foreground(), 3))
        self.p.drawLine(QPointF(self.bar.left(), y), QPointF(self.bar.right(), y))
