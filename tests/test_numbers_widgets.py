"""The live widgets write their numbers through monitor.numbers."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetricsF

from calibration import unit_named
from monitor.clients import ClientStore
from monitor.feedback import Zone
from monitor.hold_timer import HoldState
from monitor.live_view import LiveFrame
from monitor.target_library import TargetLibrary
from monitor.ui.instrument_bar import InstrumentBar
from monitor.ui.readout import LEGIBLE_AT_2M_PX, Readout
from monitor.ui.treatment_bar import TreatmentBar


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


def _fits(label) -> bool:
    """Whole: as wide as the label at most, and on two lines, as high too."""
    metrics = QFontMetricsF(label.font())
    if not label.wordWrap():
        return metrics.horizontalAdvance(label.text()) <= label.width()
    needed = metrics.boundingRect(QRectF(label.rect()), Qt.TextFlag.TextWordWrap, label.text())
    return needed.width() <= label.width() and needed.height() <= label.height()


def _cap_height(label) -> float:
    return QFontMetricsF(label.font()).capHeight()


# The readout's size in the live tab at 1280x720 and at 1920x1080 (measured in screenshots),
# and a narrow one.
@pytest.mark.parametrize("size", [(754, 145), (1137, 370), (420, 420)])
def test_the_number_and_the_zone_words_are_legible_from_2_m(qtbot, size) -> None:
    readout = Readout()
    qtbot.addWidget(readout)
    readout.resize(*size)
    readout.show()
    qtbot.waitExposed(readout)
    for zone in (Zone.IN, Zone.UNDER, Zone.OVER, None):
        readout.show_frame(frame(140.0 if zone else float("nan"), zone=zone))
        qtbot.wait(1)
        for label in (readout.value_label, readout.zone_label):
            assert _cap_height(label) >= LEGIBLE_AT_2M_PX, (label.text(), size)
            assert _fits(label), (label.text(), size)
    # A relative band without its PPT (set-up, not treatment): said whole, on two lines
    # beside the number; legible from 2 m at 1920x1080, at 1280x720 from about 1.6 m.
    readout.show_frame(replace(frame(float("nan"), zone=None), band=None))
    qtbot.wait(1)
    assert readout.zone_label.text() == "NO BAND: SET PPT" and _fits(readout.zone_label)
    if size == (1137, 370):
        assert _cap_height(readout.zone_label) >= LEGIBLE_AT_2M_PX
    elif size == (754, 145):
        assert _cap_height(readout.zone_label) >= 0.8 * LEGIBLE_AT_2M_PX


def test_the_instrument_bars_choices_name_their_unit_after_a_narrow_space(qtbot) -> None:
    bar = InstrumentBar(sound_problem=None)
    qtbot.addWidget(bar)
    windows = [bar.window_box.itemText(i) for i in range(bar.window_box.count())]
    assert windows == ["10\u202fs", "30\u202fs", "60\u202fs", "90\u202fs"]
    probes = [bar.probe_box.itemText(i) for i in range(bar.probe_box.count())]
    assert probes == ["1\u202fcm²", "0.5\u202fcm²", "custom…"]
    bar.show_probe(0.785)
    assert bar.probe_box.currentText() == "0.785\u202fcm²"


def test_a_ppt_typed_into_the_treatment_bar_reads_with_its_unit(qtbot, tmp_path) -> None:
    bar = TreatmentBar(TargetLibrary.load(tmp_path / "targets.json"), ClientStore(tmp_path / "c"))
    qtbot.addWidget(bar)
    field = bar.ppt_box.lineEdit()
    field.selectAll()
    qtbot.keyClicks(field, "312")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert bar.ppt_box.value() == 312 and bar.ppt_box.text() == "312\u202fkPa"
