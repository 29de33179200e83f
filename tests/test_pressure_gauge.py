"""The gauge widget repaints only the strip a new value can change: nothing stale may stay."""

from __future__ import annotations

import numpy as np
import pytest

from calibration import unit_named
from monitor.feedback import Zone
from monitor.hold_timer import HoldState
from monitor.live_view import LiveFrame
from monitor.ui.pressure_gauge import PressureGauge


def _frame(kpa: float, band: tuple[float, float] = (120.0, 170.0)) -> LiveFrame:
    zone = Zone.UNDER if kpa < band[0] else Zone.OVER if kpa > band[1] else Zone.IN
    return LiveFrame(
        t=np.empty(0),
        value=np.empty(0),
        current=kpa,
        zone=zone,
        band=band,
        scale_max=300.0,
        unit=unit_named("kPa"),
        hold=HoldState(),
    )


@pytest.fixture
def gauge(qtbot) -> PressureGauge:
    gauge = PressureGauge()
    qtbot.addWidget(gauge)
    gauge.resize(540, 360)
    gauge.show()
    qtbot.waitExposed(gauge)
    return gauge


def _on_screen_is_a_fresh_paint(gauge: PressureGauge) -> bool:
    on_screen = gauge.screen().grabWindow(gauge.winId()).toImage()  # the backing store
    fresh = gauge.grab().toImage()  # everything painted anew
    return on_screen.convertToFormat(fresh.format()) == fresh


def test_what_is_on_screen_after_many_frames_equals_a_fresh_paint(gauge, qtbot) -> None:
    for kpa in (280.0, 40.0, 150.0, 290.0, 10.0, 200.0, 60.0):  # the marker jumps about
        gauge.show_frame(_frame(kpa))
        qtbot.wait(20)
    assert _on_screen_is_a_fresh_paint(gauge)


def test_a_new_band_repaints_the_whole_gauge(gauge, qtbot) -> None:
    gauge.show_frame(_frame(150.0))
    qtbot.wait(20)
    gauge.show_frame(_frame(150.0, band=(60.0, 90.0)))  # the scale labels move too
    qtbot.wait(50)
    assert _on_screen_is_a_fresh_paint(gauge)
