"""A theme chosen applies at once to the live widgets, with nothing kept from the old one."""

from __future__ import annotations

import gc
import weakref

import numpy as np
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QLabel, QWidget

from calibration import unit_named
from monitor.feedback import Zone
from monitor.hold_timer import HoldState
from monitor.live_view import LiveFrame, Marker, MarkerKind
from monitor.ui import theme
from monitor.ui.hold_display import HoldDisplay
from monitor.ui.pressure_gauge import PressureGauge
from monitor.ui.readout import Readout
from monitor.ui.trace_plot import TracePlot

DARK, LIGHT = theme.THEMES["dark"], theme.THEMES["light"]


def _frame(zone: Zone = Zone.IN, current: float = 150.0) -> LiveFrame:
    return LiveFrame(
        t=np.array([-1.0, 0.0]),
        value=np.array([current, current]),
        current=current,
        zone=zone,
        band=(120.0, 170.0),
        scale_max=300.0,
        unit=unit_named("kPa"),
        hold=HoldState(current_s=20.0, longest_s=20.0, total_s=20.0, target_s=60.0),
        markers=(Marker(-3.0, "side: left", MarkerKind.SIDE), Marker(-6.0, "referred pain")),
        band_label="120–170\u202fkPa",
    )


def _shown(widget: QWidget, qtbot) -> None:
    qtbot.addWidget(widget)
    widget.resize(600, 300)
    widget.show()
    qtbot.waitExposed(widget)


def test_the_readouts_zone_takes_the_new_themes_colours_at_once(themed_app, qtbot) -> None:
    readout = Readout()
    _shown(readout, qtbot)
    readout.show_frame(_frame(Zone.IN))
    assert DARK.inside.name() in readout.zone_label.styleSheet()
    theme.apply_theme(themed_app, "light")
    sheet = readout.zone_label.styleSheet()
    assert LIGHT.inside.name() in sheet and LIGHT.on_zone.name() in sheet
    assert readout.zone_label.text() == theme.ZONE_STYLES[Zone.IN].text
    readout.show_frame(_frame(None, float("nan")))  # NO SIGNAL in the light grey
    assert LIGHT.no_signal.name() in readout.zone_label.styleSheet()


def test_the_traces_background_band_axes_and_markers_follow(themed_app, qtbot) -> None:
    trace = TracePlot(30.0)
    _shown(trace, qtbot)
    trace.show_frame(_frame())
    theme.apply_theme(themed_app, "light")
    assert trace.backgroundBrush().color() == LIGHT.background
    assert trace.band.brush.color().rgb() == LIGHT.inside.rgb()
    assert trace.getAxis("left").textPen().color() == LIGHT.muted
    side, note = trace._markers[:2]
    assert side.line.pen.color() == LIGHT.side
    assert note.line.pen.color() == LIGHT.foreground
    assert trace.band_label.color == LIGHT.foreground


def _pixel(widget: QWidget, point: QPoint):
    return widget.grab().toImage().pixelColor(point)


def test_the_painted_widgets_repaint_in_the_new_theme(themed_app, qtbot) -> None:
    gauge, hold = PressureGauge(), HoldDisplay()
    for widget in (gauge, hold):
        _shown(widget, qtbot)
    gauge.show_frame(_frame())
    hold.show_hold(_frame().hold)
    corner = QPoint(2, 2)
    assert _pixel(gauge, corner) == DARK.background
    theme.apply_theme(themed_app, "light")
    qtbot.wait(10)
    assert _pixel(gauge, corner) == LIGHT.background  # the cached background is redrawn
    bar = hold.bar
    right = QPoint(bar.width() - 4, bar.height() // 2)  # past the fill: the bar's surface
    assert _pixel(bar, right) == LIGHT.surface
    left = QPoint(4, bar.height() // 2)
    assert _pixel(bar, left) == LIGHT.inside


def test_follow_theme_restyles_now_and_after_each_change_while_the_widget_lives(themed_app, qtbot):
    label = QLabel("x")
    qtbot.addWidget(label)
    calls: list[str] = []
    theme.follow_theme(label, lambda: calls.append(theme.theme_name()))
    theme.apply_theme(themed_app, "light")
    assert calls == ["dark", "light"]
    label.deleteLater()
    qtbot.wait(10)
    theme.apply_theme(themed_app, "dark")  # the follower went with its widget: no call, no error
    assert calls == ["dark", "light"]


class _Restyled(QWidget):
    def restyle(self) -> None:
        pass


def test_following_the_theme_does_not_keep_a_widget_alive(themed_app) -> None:
    widget = _Restyled()
    theme.follow_theme(widget, widget.restyle)
    alive = weakref.ref(widget)
    del widget
    gc.collect()
    assert alive() is None
    theme.apply_theme(themed_app, "light")  # nothing left to call
