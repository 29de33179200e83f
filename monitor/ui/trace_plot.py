"""The last 30 s as context: the band as a stripe named in the chosen unit, the trace coloured by
zone and always inside the plot, markers as lines whose labels never cover each other (nor the
band's name) and shorten rather than vanish when the plot is short, side changes drawn apart."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QGradient, QLinearGradient, QPainter, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem, QWidget

from monitor.feedback import Zone
from monitor.label_layout import Label, group_close, joined_forms, place_labels
from monitor.live_view import LiveFrame, Marker, MarkerKind
from monitor.ui import theme

#: Where ``_WideCurve`` draws its 1-pixel passes, in pixels: together a line 2 pixels wide
#: in every direction.
_PASSES = ((0, 0), (1, 0), (0, 1))
#: The curve's width in pixels: one min/max pair per this many pixels is all it can show.
PEN_WIDTH = 1 + max(max(offset) for offset in _PASSES)
#: The band's stripe: the in-band colour at this opacity (out of 255) over the background.
BAND_ALPHA = 60
MARKER_GAP_PX = 4  # between two labels in a row
ROW_GAP_PX = 1  # between two rows of labels
LABEL_MARGIN_PX = 1  # around a label's text, inside its fill: rows as close as they can be
#: Lines this close (pixels) look like one: one label names them all ("R · M · 1").
MERGE_PX = 4
SIDE_LINE_WIDTH = 4


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
        self._window_s = window_s
        self.setXRange(-window_s, 0, padding=0)
        for axis in ("left", "bottom"):  # unchanged between frames: blit them from a cache
            self.getAxis(axis).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.band = pg.LinearRegionItem(orientation="horizontal", movable=False)
        self.addItem(self.band)
        #: The band in the chosen unit, at the stripe's top left.
        self.band_label = pg.TextItem("", anchor=(0, 0))
        self.band_label.textItem.document().setDocumentMargin(LABEL_MARGIN_PX)
        self.band_label.setZValue(5)
        self.addItem(self.band_label)
        self.curve = _WideCurve(pen=_zone_pen(None))
        self.addItem(self.curve)
        # The frame already holds min/max pairs, one per pen width: nothing to downsample.
        self._scale: tuple[tuple[float, float], str] | None = None
        self._widths: dict[str, float] = {}  # a label's width in pixels, by its text
        self._band: tuple = ()  # (band, its label) shown; () before the first frame
        self._markers: list[_MarkerItem] = []
        self.getViewBox().sigResized.connect(self._resized)
        theme.follow_theme(self, self._restyle)

    def _resized(self, view_box: pg.ViewBox) -> None:
        self.points_changed.emit(2 * max(1, int(view_box.width()) // PEN_WIDTH))
        self._layout_markers()

    def set_window(self, window_s: float) -> None:
        self._window_s = window_s
        self.setXRange(-window_s, 0, padding=0)
        self._place_band_label()
        self._layout_markers()

    def show_frame(self, frame: LiveFrame) -> None:
        y_range = frame.trace_range or (0.0, frame.scale_max)
        if self._scale != (y_range, frame.unit.symbol):
            self._scale = (y_range, frame.unit.symbol)
            self.setYRange(*y_range, padding=0.02)
            self.setLabel("left", frame.unit.symbol)
        if (frame.band, frame.band_label) != self._band:
            self._band = (frame.band, frame.band_label)
            self.band.setVisible(frame.band is not None)
            self.band_label.setVisible(frame.band is not None)
            if frame.band is not None:
                self.band.setRegion(frame.band)
                self.band_label.setText(f"target {frame.band_label}")
                self._place_band_label()
            self.curve.setPen(_zone_pen(frame.band))
        self._show_markers(frame.markers)
        self.curve.setData(frame.t, frame.value)

    def _shown_band(self) -> tuple[float, float] | None:
        return self._band[0] if self._band else None

    def _place_band_label(self) -> None:
        band = self._shown_band()
        if band is not None:
            self.band_label.setPos(-self._window_s, band[1])

    def _restyle(self) -> None:
        """Every colour held in an item, from the theme in force."""
        if self.plotItem is None:  # closed
            return
        colours = theme.colours()
        self.setBackground(colours.background)
        for name in ("left", "bottom"):
            axis = self.getAxis(name)
            axis.setPen(pg.mkPen(colours.muted))
            axis.setTextPen(pg.mkPen(colours.muted))
        inside = colours.inside
        self.band.setBrush(pg.mkBrush(inside.red(), inside.green(), inside.blue(), BAND_ALPHA))
        for edge in self.band.lines:
            edge.setPen(pg.mkPen(inside, width=2))
        self.band_label.setColor(colours.foreground)
        self.band_label.fill = pg.mkBrush(colours.surface)
        self.band_label.update()
        self.curve.setPen(_zone_pen(self._shown_band()))
        for item in self._markers:
            item.restyle()
        self._widths.clear()

    def _show_markers(self, markers: tuple[Marker, ...]) -> None:
        """Vertical lines with their labels, reusing the items frame after frame."""
        while len(self._markers) < len(markers):
            self._markers.append(_MarkerItem(self))
        for index, item in enumerate(self._markers):
            item.show(markers[index] if index < len(markers) else None)
        if markers or not self.band_label.isVisible():  # they move every frame
            self._layout_markers()

    def _layout_markers(self) -> None:
        """Labels in rows from the top, none covering another or the band's name: side
        changes first, then the newest; a label with no room is shortened (its first word,
        then its key) before any is left out, and lines that look like one share a label."""
        view = self.getViewBox()
        shown = sorted((item for item in self._markers if item.marker is not None), key=_order)
        if not shown or view.height() <= 0 or view.width() <= 0:
            self.band_label.setVisible(self._shown_band() is not None)
            return
        (x_low, x_high), (y_low, y_high) = view.viewRange()
        px_per_s = view.width() / (x_high - x_low)
        row_px = shown[0].height() + ROW_GAP_PX
        rows = max(1, int((view.height() + ROW_GAP_PX) // row_px))
        xs = [(item.marker.t - x_low) * px_per_s for item in shown]
        groups = group_close(xs, MERGE_PX)
        labels = [
            Label(xs[group[0]], joined_forms([shown[i].marker.forms() for i in group]))
            for group in groups
        ]
        placements = place_labels(
            labels, self._width, rows, MARKER_GAP_PX, self._band_label_spans(row_px, rows)
        )
        # The band's name yields to markers it leaves no room for (the band is named beside
        # the gauge and above the trace too); it comes back when they have scrolled past.
        crowded = None in placements
        if crowded:
            placements = place_labels(labels, self._width, rows, MARKER_GAP_PX)
        self.band_label.setVisible(self._shown_band() is not None and not crowded)
        data_per_px = (y_high - y_low) / view.height()
        for group, label, placement in zip(groups, labels, placements, strict=True):
            first, *named_with_it = (shown[i] for i in group)
            for item in named_with_it:
                item.place(None)
            if placement is None:
                first.place(None)
                continue
            y = y_high - placement.row * row_px * data_per_px
            first.place(y, placement.text, label.forms[0], leftward=placement.right == label.x)

    def _width(self, text: str) -> float:
        """A label's width in pixels, as bold (a side change's) so any label's fits."""
        if text not in self._widths:
            probe = pg.TextItem(text)
            probe.textItem.document().setDocumentMargin(LABEL_MARGIN_PX)
            font = probe.textItem.font()
            font.setBold(True)
            probe.setFont(font)
            self._widths[text] = probe.textItem.boundingRect().width()
        return self._widths[text]

    def _band_label_spans(self, row_px: float, rows: int) -> dict[int, list[tuple[float, float]]]:
        """The band's name as taken room in each row it crosses (from the view's range, which
        is current even before the view has been drawn at it)."""
        band = self._shown_band()
        view = self.getViewBox()
        if band is None:
            return {}
        (_, _), (y_low, y_high) = view.viewRange()
        top = (y_high - band[1]) / (y_high - y_low) * view.height()
        size = self.band_label.textItem.boundingRect()
        return {
            row: [(0.0, size.width())]
            for row in range(rows)
            if row * row_px < top + size.height() and top < (row + 1) * row_px - ROW_GAP_PX
        }


def _order(item: _MarkerItem) -> tuple[bool, float]:
    """Side changes first, then the newest first: they keep their words longest."""
    return item.marker.kind is not MarkerKind.SIDE, -item.marker.t


class _MarkerItem:
    """One marker: its vertical line and its label (left of the line, ending at it, so the
    newest marker's label is on screen; right of it at the plot's left edge)."""

    def __init__(self, plot: pg.PlotWidget) -> None:
        self.marker: Marker | None = None
        self.line = pg.InfiniteLine(angle=90, movable=False)
        self.label = pg.TextItem("", anchor=(1, 0))
        self.label.textItem.document().setDocumentMargin(LABEL_MARGIN_PX)
        self.label.setZValue(10)
        self._leftward = True
        plot.addItem(self.line)
        plot.addItem(self.label)

    def show(self, marker: Marker | None) -> None:
        previous, self.marker = self.marker, marker
        self.line.setVisible(marker is not None)
        if marker is None:
            self.label.setVisible(False)
            return
        self.line.setValue(marker.t)
        if previous is None or previous[1:] != marker[1:]:  # a new label or kind
            self.restyle()
            self.label.setText(marker.forms()[0])

    def width(self) -> float:
        return self.label.textItem.boundingRect().width()

    def height(self) -> float:
        return self.label.textItem.boundingRect().height()

    def place(
        self, y: float | None, text: str = "", whole: str = "", leftward: bool = True
    ) -> None:
        """The label at height ``y``, reading ``text`` (``whole`` in its tooltip), left or
        right of the line; None hides it (its line stays)."""
        self.label.setVisible(y is not None)
        if y is None:
            return
        if leftward != self._leftward:
            self._leftward = leftward
            self.label.setAnchor((1, 0) if leftward else (0, 0))
        if self.label.textItem.toPlainText() != text:
            self.label.setText(text)
            self.label.setToolTip(whole)
        self.label.setPos(self.marker.t, y)

    def restyle(self) -> None:
        colours = theme.colours()
        side = self.marker is not None and self.marker.kind is MarkerKind.SIDE
        if side:  # solid and wide, in a colour no zone has, its words on that colour
            self.line.setPen(pg.mkPen(colours.side, width=SIDE_LINE_WIDTH))
            self.label.setColor(colours.on_zone)
            self.label.fill = pg.mkBrush(colours.side)
        else:
            self.line.setPen(pg.mkPen(colours.foreground, width=2, style=Qt.PenStyle.DashLine))
            self.label.setColor(colours.foreground)
            self.label.fill = pg.mkBrush(colours.surface)
        font = self.label.textItem.font()
        font.setBold(side)
        self.label.setFont(font)
        self.label.update()


def _zone_pen(band: tuple[float, float] | None) -> QPen:
    """Under, in and over in their colours, switching exactly at the band's edges (in data
    coordinates, which is where the curve paints); grey without a band. One pixel wide:
    ``_WideCurve`` widens it."""
    if band is None:
        return pg.mkPen(theme.colours().no_signal, width=1)
    low, high = band
    gradient = QLinearGradient(0.0, low, 0.0, high)  # stops 0 and 1 are the band's edges
    gradient.setSpread(QGradient.Spread.PadSpread)  # below low and above high: the end colours
    under, inside, over = (theme.ZONE_STYLES[zone].colour for zone in Zone)
    epsilon = 1e-9
    gradient.setStops([(0.0, under), (epsilon, inside), (1 - epsilon, inside), (1.0, over)])
    pen = QPen(QBrush(gradient), 1)  # drawn in passes, see _WideCurve
    pen.setCosmetic(True)
    return pen
