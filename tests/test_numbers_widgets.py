"""The live widgets write their numbers through monitor.numbers."""

from __future__ import annotations

import numpy as np

from calibration import unit_named
from monitor.feedback import Zone
from monitor.hold_timer import HoldState
from monitor.live_view import LiveFrame
from monitor.ui.readout import Readout


def frame(current: float, unit: str = "kPa", zone: Zone | None = Zone.UNDER) -> LiveFrame:
    return LiveFrame(
        t=np.empty(0),
        value=np.empty(0),
        current=current,
        zone=zone,
        band=(120.0, 170.0),
        scale_max=300.0,
        unit=unit_named(unit),
        hold=HoldState(),
    )


def test_the_readout_at_rest_shows_zero_not_minus_zero(qtbot) -> None:
    readout = Readout()
    qtbot.addWidget(readout)
    readout.show_frame(frame(-0.4))  # kPa: no decimals
    assert readout.value_label.text() == "0"
    readout.show_frame(frame(-0.04, "N"))
    assert readout.value_label.text() == "0.0"
    readout.show_frame(frame(-3.0, "N"))
    assert readout.value_label.text() == "−3.0"
    readout.show_frame(frame(float("nan"), zone=None))
    assert readout.value_label.text() == "—"
