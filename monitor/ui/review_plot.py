"""The review's plots: a recording's pressure over time from its start, one curve per zone,
with segment stripes, bands and event lines, in the theme in force; and the legend naming
each zone's colour, so that colour is never alone. Segment names are laid out anew at every
zoom, so that none covers another: shortened where a segment is narrow (to the muscle's first
word, then the segment's number in the table), whole in the tooltip and the table.

The review tab (monitor/ui/review_tab.py) lays two of these out (the whole file and a zoomed
stretch) and tells them what to show; everything drawn is worked out in ``monitor.review``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem

from calibration.units import Unit
from monitor.feedback import Zone
from monitor.label_layout import Label, place_labels
from monitor.live_session import SIDE_MARKER
from monitor.live_view import Marker, MarkerKind
from monitor.review import ZONES, ReviewData, kpa_in, short_text
from monitor.ui import theme
from recordings import EventKind

#: Events drawn on the plots; connection chatter (connected, closed) would only clutter.
#: Tuples: membership by ``==``, so the file's plain text matches a member.
SHOWN_EVENTS = (
    EventKind.MARKER,
    EventKind.GAP,
    EventKind.ERROR,
    EventKind.TARE,
    EventKind.DRIFT,
    EventKind.CALIBRATION,
    EventKind.CONTINUED,
)
#: Events that say samples were lost or the device failed: drawn in the alert colour.
ALERT_EVENTS = (EventKind.GAP, EventKind.ERROR)
#: What the legend calls each zone's colour: the zone words of the live display.
ZONE_NAMES = {zone: theme.ZONE_STYLES[zone].text.lower() for zone in ZONES if zone} | {
    None: "no band"
}
BAND_FILL_ALPHA = 35  # faint: an in-band trace stays clear on it
NAME_GAP_PX = 6  # between two names in a row
#: Names and labels take rows from the top down to this share of the plot's height.
NAME_ROWS_SHARE = 0.6


@dataclass
class _Name:
    """A segment's name (over ``start``..``end``) or an event line's label (at ``start``)."""

    forms: tuple[str, ...]  # longest first
    start: float  # s from the recording's start
    end: float
    is_line: bool
    item: pg.TextItem | None = None

    def label(self, x_low: float, x_high: float, px_per_s: float) -> Label:
        if self.is_line:
            return Label((self.start - x_low) * px_per_s, self.forms)
        left, right = max(self.start, x_low), min(self.end, x_high)
        room = (right - left) * px_per_s - NAME_GAP_PX
        return Label((left - x_low) * px_per_s, self.forms, leftward=False, room=room)


class SessionPlot(pg.PlotWidget):
    """Pressure over time from the recording's start, one curve per zone, with segment bands
    and event lines."""

    def __init__(self) -> None:
        super().__init__()
        self.setMenuEnabled(False)
        self.showGrid(x=True, y=True, alpha=0.15)
        self.setLabel("bottom", "time from the recording's start", units="s")
        self.curves = {zone: self.plot() for zone in ZONES}
        self._decorations: list[object] = []
        #: The segments' names and the events' labels (the detail's), laid out at each zoom.
        self.names: list[_Name] = []
        self.getViewBox().sigRangeChanged.connect(self.layout_names)
        self.getViewBox().sigResized.connect(self.layout_names)
        self.restyle()

    def restyle(self) -> None:
        """The theme in force on the background, axes and curves (decorations are drawn
        anew by ``decorate``)."""
        if self.plotItem is None:  # closed
            return
        self.setBackground(theme.background())
        for name in ("left", "bottom"):
            self.getAxis(name).setPen(pg.mkPen(theme.muted()))
            self.getAxis(name).setTextPen(pg.mkPen(theme.muted()))
        for zone, curve in self.curves.items():
            colour = theme.ZONE_STYLES[zone].colour if zone else theme.foreground()
            curve.setPen(pg.mkPen(colour, width=2))

    def legend_html(self) -> str:
        """Each curve's colour as a short line, named: for a rich-text label above the plot."""
        return "&nbsp;&nbsp;&nbsp;".join(
            f'<span style="color: {self.curves[zone].opts["pen"].color().name()}">'
            f"<b>━━</b></span>&nbsp;{ZONE_NAMES[zone]}"
            for zone in ZONES
        )

    def show_trace(self, t: np.ndarray, values: np.ndarray, links: dict) -> None:
        # Only finite points, no link to a missing one: pyqtgraph's path from a connect array
        # crashed on a file whose times were all NaN.
        keep = np.isfinite(t) & np.isfinite(values)
        joined = keep & np.append(keep[1:], False)
        for zone, curve in self.curves.items():
            connect = (links[zone] & joined)[keep].astype(np.int32)
            curve.setData(t[keep], values[keep], connect=connect)

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """What is drawn: times from the start and values in the unit (all zones together)."""
        x, y = self.curves[None].getData()
        return (np.zeros(0), np.zeros(0)) if x is None else (x, y)

    def decorate(self, view: ReviewData, unit: Unit, labels: bool) -> None:
        """Segment stripes and bands, and the events worth seeing, in the theme in force;
        ``labels`` names the segments and events (the detail, not the overview)."""
        for item in self._decorations:
            self.removeItem(item)
        self._decorations = []
        self.names = []
        for index, row in enumerate(view.segments):
            self._segment(index, row, view, unit, labels)
        for row in view.events:
            if row["kind"] in SHOWN_EVENTS:
                self._event(row, view.origin, labels)
        self.layout_names()

    def _segment(self, index: int, row, view: ReviewData, unit: Unit, labels: bool) -> None:
        start, end = float(row["t_start"]) - view.origin, float(row["t_end"]) - view.origin
        shade = QColor(theme.surface() if index % 2 else theme.background())
        shade.setAlpha(255)
        stripe = pg.LinearRegionItem(
            (start, end), movable=False, brush=pg.mkBrush(shade), pen=pg.mkPen(None)
        )
        stripe.setZValue(-20)
        self._add(stripe)
        low, high = kpa_in(
            unit, [float(row["band_low_kpa"]), float(row["band_high_kpa"])], view.area_cm2
        )
        if math.isfinite(low) and math.isfinite(high):
            band_colour = QColor(theme.ZONE_STYLES[Zone.IN].colour)
            band = QGraphicsRectItem(QRectF(start, low, end - start, high - low))
            fill = QColor(band_colour)
            fill.setAlpha(BAND_FILL_ALPHA)
            band.setBrush(QBrush(fill))
            edge = QPen(band_colour, 1)
            edge.setCosmetic(True)
            band.setPen(edge)
            band.setZValue(-10)
            self._add(band)
        if labels:
            self._name_segment(index, row, start, end)

    def _name_segment(self, index: int, row, start: float, end: float) -> None:
        """The segment's name, as long as its width allows when laid out."""
        muscle, side = short_text(row["muscle"]), short_text(row["side"]).replace("—", "")
        whole = f"{muscle} {side}".strip()
        first_word = f"{muscle.split()[0] if muscle.split() else ''} {side}".strip()
        forms = tuple(dict.fromkeys(form for form in (whole, first_word, str(index + 1)) if form))
        tip = f"Segment {index + 1}: {whole}, {short_text(row['technique'])}"
        self._name(_Name(forms, start, end, is_line=False), theme.muted(), theme.background(), tip)

    def _event(self, row, origin: float, labels: bool) -> None:
        colour = theme.alert() if row["kind"] in ALERT_EVENTS else theme.foreground()
        t = float(row["t"]) - origin
        line = pg.InfiniteLine(
            t, angle=90, movable=False, pen=pg.mkPen(colour, width=1, style=Qt.PenStyle.DashLine)
        )
        self._add(line)
        if labels:
            text = short_text(row["label"] or row["kind"])
            side = text.startswith(SIDE_MARKER.format(side=""))
            marker = Marker(t, text, MarkerKind.SIDE if side else MarkerKind.NOTE)
            self._name(_Name(marker.forms(), t, t, is_line=True), colour, theme.surface(), text)

    def _name(self, name: _Name, colour: QColor, fill: QColor, tip: str) -> None:
        name.item = pg.TextItem(name.forms[0], color=colour, fill=pg.mkBrush(fill))
        name.item.textItem.document().setDocumentMargin(1)
        name.item.setToolTip(tip)
        name.item.setZValue(5)
        self._add(name.item, ignore_bounds=True)  # at the top: the y range is the data's
        self.names.append(name)

    def layout_names(self) -> None:
        """Segment names and event labels in rows from the top, so that none covers another
        at this zoom: a name within its segment's visible part, a label ending at its line
        (starting at it by the left edge), each shortened as far as it must be."""
        view = self.getViewBox()
        if not self.names or view.width() <= 0 or view.height() <= 0:
            return
        (x_low, x_high), (y_low, y_high) = view.viewRange()
        px_per_s = view.width() / (x_high - x_low)
        on_screen = [name for name in self.names if name.end >= x_low and name.start <= x_high]
        labels = [name.label(x_low, x_high, px_per_s) for name in on_screen]
        row_px = self.names[0].item.textItem.boundingRect().height() + 1
        rows = max(1, int(view.height() * NAME_ROWS_SHARE // row_px))
        placements = place_labels(labels, self._width, rows, NAME_GAP_PX)
        data_per_px = (y_high - y_low) / view.height()
        for name in self.names:
            name.item.setVisible(False)
        for name, label, placement in zip(on_screen, labels, placements, strict=True):
            if placement is None:
                continue
            name.item.setText(placement.text)
            name.item.setAnchor((1, 0) if label.leftward and placement.right == label.x else (0, 0))
            x = name.start if name.is_line else max(name.start, x_low)
            name.item.setPos(x, y_high - placement.row * row_px * data_per_px)
            name.item.setVisible(True)

    def _width(self, text: str) -> float:
        probe = pg.TextItem(text)
        probe.textItem.document().setDocumentMargin(1)
        return probe.textItem.boundingRect().width()

    def _add(self, item: object, ignore_bounds: bool = False) -> None:
        self.addItem(item, ignoreBounds=ignore_bounds)
        self._decorations.append(item)
