"""The last 30 s as context: the band as a stripe, the trace coloured by zone."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QGradient, QLinearGradient, QPainter, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem, QWidget

from monitor.feedback import Zone
from monitor.live_view import LiveFrame
from monitor.ui import theme

#: Where ``_WideCurve`` draws its 1-pixel passes, in pixels: together a line 2 pixels wide
#: in every direction.
_PASSES = ((0, 0), (1, 0), (0, 1))
#: The curve's width in pixels: one min/max pair per this many pixels is all it can show.
PEN_WIDTH = 1 + max(max(offset) for offset in _PASSES)


class _WideCurve(pg.PlotCurveItem):
    """A ``PEN_WIDTH`` line drawn as a 1-pixel line in a few passes a pixel apart.

    Qt rasterises a 1-pixel cosmetic pen directly, but strokes any wider pen into an outline
    first: three 1-pixel passes paint the same 2-pixel line in a third of the time, which
    was most of the trace's cost at 20 frames a second.
    """

    def pixelPadding(self) -> float:
        """Room for the passes' extra pixel, so a repaint also clears it."""
        return super().pixelPadding() + PEN_WIDTH - 1

    def paint(self, painter: QPainter, option: object, widget: QWidget | None = None) -> None:
        if self.xData is None or len(self.xData) == 0:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(self.opts["pen"])
        path = self.getPath()
        world = painter.transform()
        for dx, dy in _PASSES:
            painter.setTransform(world * QTransform.fromTranslate(dx, dy))
            painter.drawPath(path)
        painter.setTransform(world)


class TracePlot(pg.PlotWidget):
    """One curve whose pen is a vertical gradient with hard stops at the band's edges: each
    stretch is drawn in its zone's colour by the painter itself, from one path."""

    #: How many points the curve can show at its current width (one min/max pair per pen
    #: width): asking the view for more only costs paint time.
    points_changed = Signal(int)

    def __init__(self, window_s: float, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, background=theme.background())
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.showGrid(x=True, y=True, alpha=0.15)
        self.setLabel("bottom", "seconds ago")
        self.setXRange(-window_s, 0, padding=0)
        for axis in ("left", "bottom"):  # unchanged between frames: blit them from a cache
            self.getAxis(axis).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        band_colour = theme.ZONE_STYLES[Zone.IN].colour
        self.band = pg.LinearRegionItem(
            orientation="horizontal",
            movable=False,
            brush=pg.mkBrush(band_colour.red(), band_colour.green(), band_colour.blue(), 60),
            pen=pg.mkPen(band_colour, width=2),
        )
        self.addItem(self.band)
        self.curve = _WideCurve(pen=_zone_pen(None))
        self.addItem(self.curve)
        # The frame already holds min/max pairs, one per pen width: nothing to downsample.
        self._scale: tuple[float, str] | None = None
        self._band: object = ()  # not yet shown (None means: no band)
        self._marker_lines: list[pg.InfiniteLine] = []
        self.getViewBox().sigResized.connect(self._resized)

    def _resized(self, view_box: pg.ViewBox) -> None:
        self.points_changed.emit(2 * max(1, int(view_box.width()) // PEN_WIDTH))

    def set_window(self, window_s: float) -> None:
        self.setXRange(-window_s, 0, padding=0)

    def show_frame(self, frame: LiveFrame) -> None:
        self._show_markers(frame.markers)
        if self._scale != (frame.scale_max, frame.unit.symbol):
            self._scale = (frame.scale_max, frame.unit.symbol)
            self.setYRange(0, frame.scale_max, padding=0.02)
            self.setLabel("left", frame.unit.symbol)
        if frame.band != self._band:
            self._band = frame.band
            self.band.setVisible(frame.band is not None)
            if frame.band is not None:
                self.band.setRegion(frame.band)
            self.curve.setPen(_zone_pen(frame.band))
        self.curve.setData(frame.t, frame.value)

    def _show_markers(self, markers: tuple[tuple[float, str], ...]) -> None:
        """Vertical lines with their labels, reusing the line items frame after frame."""
        while len(self._marker_lines) < len(markers):
            line = pg.InfiniteLine(
                angle=90,
                movable=False,
                pen=pg.mkPen(theme.foreground(), width=2, style=Qt.PenStyle.DashLine),
                label="",
                labelOpts={"position": 0.92, "color": theme.foreground(), "fill": theme.surface()},
            )
            self.addItem(line)
            self._marker_lines.append(line)
        for index, line in enumerate(self._marker_lines):
            shown = index < len(markers)
            line.setVisible(shown)
            if shown:
                when, label, _ = markers[index]
                line.setValue(when)
                line.label.setFormat(label)


def _zone_pen(band: tuple[float, float] | None) -> QPen:
    """Under, in and over in their colours, switching exactly at the band's edges (in data
    coordinates, which is where the curve paints); grey without a band. One pixel wide:
    ``_WideCurve`` widens it."""
    if band is None:
        return pg.mkPen(theme.NO_BAND.colour, width=1)
    low, high = band
    gradient = QLinearGradient(0.0, low, 0.0, high)  # stops 0 and 1 are the band's edges
    gradient.setSpread(QGradient.Spread.PadSpread)  # below low and above high: the end colours
    under, inside, over = (theme.ZONE_STYLES[zone].colour for zone in Zone)
    epsilon = 1e-9
    gradient.setStops([(0.0, under), (epsilon, inside), (1 - epsilon, inside), (1.0, over)])
    pen = QPen(QBrush(gradient), 1)  # drawn in passes, see _WideCurve
    pen.setCosmetic(True)
    return pen
