"""The review's plots: a recording's pressure over time from its start, one curve per zone,
with segment stripes, bands and event lines, in the theme in force; and the legend naming
each zone's colour, so that colour is never alone.

The review tab (monitor/ui/review_tab.py) lays two of these out (the whole file and a zoomed
stretch) and tells them what to show; everything drawn is worked out in ``monitor.review``.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem

from calibration.units import Unit
from monitor.feedback import Zone
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
        for index, row in enumerate(view.segments):
            self._segment(index, row, view, unit, labels)
        shown = [row for row in view.events if row["kind"] in SHOWN_EVENTS]
        for index, row in enumerate(shown):
            self._event(index, row, view.origin, labels)

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
            title = pg.TextItem(
                short_text(f"{row['muscle']} {row['side']}".replace(" —", "")),
                color=theme.muted(),
                anchor=(0, 0),
            )
            title.setPos(start, high if math.isfinite(high) else 0)
            self._add(title)

    def _event(self, index: int, row, origin: float, labels: bool) -> None:
        colour = theme.alert() if row["kind"] in ALERT_EVENTS else theme.foreground()
        # The label is a format string to pyqtgraph: braces from the file are escaped.
        label = short_text(row["label"] or row["kind"]).replace("{", "{{").replace("}", "}}")
        line = pg.InfiniteLine(
            float(row["t"]) - origin,
            angle=90,
            movable=False,
            pen=pg.mkPen(colour, width=1, style=Qt.PenStyle.DashLine),
            label=label if labels else None,
            # Neighbouring labels at four heights in turn, so that close ones do not overlap.
            labelOpts={
                "position": 0.9 - 0.1 * (index % 4),
                "color": colour,
                "fill": theme.surface(),
            },
        )
        self._add(line)

    def _add(self, item: object) -> None:
        self.addItem(item)
        self._decorations.append(item)
