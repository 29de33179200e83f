"""The PPT tab shows saved preferences as they were chosen: a rate saved before the Fischer
preset was exact (98.07 kPa/s, now 98.0665) is still that preset, not "custom"."""

from __future__ import annotations

import pytest
from test_ppt_tab import make_tab

from monitor.ppt.protocol import RATE_PRESETS_KPA_S
from monitor.ppt.trial import FISCHER_RATE_KPA_S
from monitor.settings import PptPreferences

FISCHER = "Fischer, 1 kgf/cm²/s"


@pytest.mark.parametrize("saved", [98.07, FISCHER_RATE_KPA_S])
def test_a_saved_fischer_rate_shows_the_fischer_preset(qtbot, saved: float) -> None:
    tab, _, _ = make_tab(qtbot, preferences=PptPreferences(rate_kpa_s=saved))
    assert tab.setup.rate_box.currentText() == FISCHER
    assert tab.preferences().rate_kpa_s == RATE_PRESETS_KPA_S[FISCHER]


def test_a_rate_that_is_no_preset_shows_as_custom(qtbot) -> None:
    tab, _, _ = make_tab(qtbot, preferences=PptPreferences(rate_kpa_s=40.0))
    assert tab.setup.rate_box.currentText() == "custom"
    assert tab.setup.custom_rate.value() == 40.0 and tab.preferences().rate_kpa_s == 40.0
