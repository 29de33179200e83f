"""The last 30 s as context: the band as a stripe, the trace coloured by zone."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from monitor.feedback import Zone
from monitor.live_view import LiveFrame
from monitor.ui import theme


class TracePlot(pg.PlotWidget):
    def __init__(self, window_s: float, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, background=theme.BACKGROUND)
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.showGrid(x=True, y=True, alpha=0.15)
        self.setLabel("bottom", "seconds ago")
        self.setXRange(-window_s, 0, padding=0)
        band_colour = theme.ZONE_STYLES[Zone.IN].colour
        self.band = pg.LinearRegionItem(
            orientation="horizontal",
            movable=False,
            brush=pg.mkBrush(band_colour.red(), band_colour.green(), band_colour.blue(), 60),
            pen=pg.mkPen(band_colour, width=2),
        )
        self.addItem(self.band)
        self.curves = {
            zone: self.plot(pen=pg.mkPen(style.colour, width=2), connect="finite")
            for zone, style in theme.ZONE_STYLES.items()
        }
        self.unbanded = self.plot(pen=pg.mkPen(theme.NO_BAND.colour, width=2))
        # The live view already hands over min/max pairs: nothing left to downsample here.
        self._scale: tuple[float, str] | None = None
        self._marker_lines: list[pg.InfiniteLine] = []

    def set_window(self, window_s: float) -> None:
        self.setXRange(-window_s, 0, padding=0)

    def show_frame(self, frame: LiveFrame) -> None:
        self._show_markers(frame.markers)
        if self._scale != (frame.scale_max, frame.unit.symbol):
            self._scale = (frame.scale_max, frame.unit.symbol)
            self.setYRange(0, frame.scale_max, padding=0.02)
            self.setLabel("left", frame.unit.symbol)
        self.band.setVisible(frame.band is not None)
        if frame.band is None:
            for curve in self.curves.values():
                curve.setData([], [])
            self.unbanded.setData(frame.t, frame.value)
            return
        self.unbanded.setData([], [])
        self.band.setRegion(frame.band)
        low, high = frame.band
        zone_of_sample = np.where(frame.value < low, 0, np.where(frame.value > high, 2, 1))
        for index, curve in enumerate(self.curves.values()):
            mine = zone_of_sample == index
            # Draw each sample's line to its neighbours, so zone changes leave no hole.
            shown = mine | np.roll(mine, 1) | np.roll(mine, -1)
            curve.setData(frame.t, np.where(shown, frame.value, np.nan))

    def _show_markers(self, markers: tuple[tuple[float, str], ...]) -> None:
        """Vertical lines with their labels, reusing the line items frame after frame."""
        while len(self._marker_lines) < len(markers):
            line = pg.InfiniteLine(
                angle=90,
                movable=False,
                pen=pg.mkPen(theme.FOREGROUND, width=2, style=Qt.PenStyle.DashLine),
                label="",
                labelOpts={"position": 0.92, "color": theme.FOREGROUND, "fill": theme.SURFACE},
            )
            self.addItem(line)
            self._marker_lines.append(line)
        for index, line in enumerate(self._marker_lines):
            shown = index < len(markers)
            line.setVisible(shown)
            if shown:
                when, label = markers[index]
                line.setValue(when)
                line.label.setFormat(label)
