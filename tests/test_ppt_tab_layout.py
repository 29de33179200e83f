"""The PPT tab in the whole main window at a laptop's 1280x720 (header, a banner and the
status bar around it) and at 1920x1080: the ramp guide, six trials and the results all show,
none squeezed below what it needs."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget, QWidget
from test_ppt_session import blocks, ramp
from test_ppt_tab import measure

from monitor.alerts import Alert
from monitor.ui.ppt_setup import SITE_ROWS_SHOWN
from monitor.ui.ppt_tables import TRIAL_COLUMNS


def rows_shown(table: QTableWidget) -> int:
    """Rows wholly inside the table's viewport (without scrolling)."""
    height = table.viewport().height()
    return sum(
        1
        for row in range(table.rowCount())
        if table.rowViewportPosition(row) >= 0
        and table.rowViewportPosition(row) + table.rowHeight(row) <= height
    )


def not_squeezed(widget: QWidget) -> bool:
    hint = widget.minimumSizeHint()
    return widget.isVisible() and widget.height() >= hint.height()


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_guide_trials_and_results_all_show(open_window, qtbot, size: tuple[int, int]) -> None:
    window = open_window("steady")
    tab = window.ppt
    tab.timer.stop()  # this test feeds the tab itself
    tab.detach()
    window.timer.stop()  # so that the banner stays: the window would clear it, all being well
    window.banner.show_alerts((Alert("the device's clock drifts: check the calibration"),))
    window.tabs.setCurrentWidget(tab)
    window.resize(*size)
    for row in (0, 1):
        tab.setup.site_list.item(row).setCheckState(Qt.CheckState.Checked)
    tab.setup.sides_box.setCurrentText("left and right")
    tab.setup.trials_box.setValue(3)
    tab.setup.rest_box.setValue(0)
    assert tab.start()
    t = 0.0
    for peak in (300, 320, 310, 280, 290, 300, 330):
        t = measure(tab, t, peak)
    measure(tab, t, 340, rate=90)  # too fast: flagged, waiting for the examiner
    qtbot.wait(50)  # the layout settles
    assert window.banner.isVisible()
    assert window.height() <= size[1] and window.width() <= size[0]
    assert tab.trials.table.rowCount() == 8
    assert rows_shown(tab.trials.table) >= 6
    flags = tab.trials.table.item(7, TRIAL_COLUMNS.index("Flags"))
    assert flags.text() == "ramp rate" and tab.guide.repeat_button.isVisible()
    room = tab.trials.table.columnWidth(TRIAL_COLUMNS.index("Flags"))
    assert room >= tab.trials.table.fontMetrics().horizontalAdvance(flags.text()) + 6
    assert tab.results.table.rowCount() == 3  # site 1 left and right, site 2 left so far
    assert rows_shown(tab.results.table) >= 3
    assert tab.plot.height() >= 150
    for widget in (
        tab.guide.pressure_label,
        tab.guide.rate_label,
        tab.guide.pace_label,
        tab.guide.next_label,
        tab.guide.stop_button,
        tab.guide.flag_label,
        tab.guide.repeat_button,
        tab.trials.delete_button,
        tab.results.csv_button,
        tab.basis_button,
    ):
        assert not_squeezed(widget), widget.objectName() or type(widget).__name__


def test_the_plot_keeps_its_width_when_the_guide_starts(open_window, qtbot) -> None:
    """The guide's words have their room from the start: nothing jumps when a protocol
    starts ("ready: load") nor when loading begins (a rate and a pace)."""
    window = open_window("steady")
    tab = window.ppt
    tab.timer.stop()
    tab.detach()
    window.tabs.setCurrentWidget(tab)
    window.resize(1280, 720)
    qtbot.wait(50)

    def places() -> tuple[int, int, int]:
        return tab.plot.width(), tab.trials.x(), tab.trials.width()

    before = places()
    set_up_one(tab)
    for block in blocks(np.zeros(10), -0.1):  # the probe off
        tab.feed(block)
    tab.refresh()
    qtbot.wait(50)
    assert tab.guide.rate_label.text() == "ready: load"
    assert places() == before
    kpa, _ = ramp(400, 100)  # too fast, and still loading
    for block in blocks(kpa[: kpa.size // 2], 0.0):
        tab.feed(block)
    tab.refresh()
    qtbot.wait(50)
    assert tab.guide.pace_label.text() == "TOO FAST" and "kPa" in tab.guide.pressure_label.text()
    assert places() == before


def set_up_one(tab) -> None:
    tab.setup.site_list.item(0).setCheckState(Qt.CheckState.Checked)
    tab.setup.sides_box.setCurrentText("left only")
    tab.setup.trials_box.setValue(1)
    assert tab.start()


def test_the_sites_list_shows_whole_rows(open_window, qtbot) -> None:
    """At 1280x720 the walk saw the sixth site cut in half ("Sternocleidomastoid")."""
    window = open_window("steady")
    window.tabs.setCurrentWidget(window.ppt)
    window.resize(1280, 720)
    qtbot.wait(50)
    sites = window.ppt.setup.site_list
    row = sites.sizeHintForRow(0)
    assert sites.count() > SITE_ROWS_SHOWN and sites.viewport().height() == SITE_ROWS_SHOWN * row
    assert sites.verticalScrollBar().isVisible()
