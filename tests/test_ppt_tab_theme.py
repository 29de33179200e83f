"""The PPT tab follows a theme change at once, and what it draws reaches WCAG AA on its
background in both themes (contrast computed as tests/test_theme.py does)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel
from test_ppt_session import blocks, ramp
from test_ppt_tab import make_tab, set_up
from test_theme import GRAPHIC, TEXT, contrast

from monitor.ppt.trial import Pace
from monitor.ui import theme
from monitor.ui.ppt_guide import pace_colour
from monitor.ui.ppt_tab import PptTab


def style_colour(label: QLabel) -> QColor:
    """The text colour a label's style sheet gives it."""
    found = re.search(r"color: (#[0-9a-fA-F]{6})", label.styleSheet())
    assert found, label.styleSheet()
    return QColor(found.group(1))


def loading_too_fast(tab: PptTab) -> None:
    """A trial under way, ramped at twice the target rate: the guide says TOO FAST."""
    set_up(tab, trials=1)
    assert tab.start()
    kpa, _ = ramp(400, 100)
    for block in blocks(kpa[: int(kpa.size * 0.6)], 0.0):
        tab.feed(block)
    tab.refresh()
    assert tab.guide.pace_label.text() == "TOO FAST"


def drawn(tab: PptTab) -> dict[str, tuple[QColor, QColor]]:
    """(foreground, background) of every colour the tab holds in a pen or a style sheet."""
    plot = tab.plot.backgroundBrush().color()
    return {
        "plot background": (plot, plot),
        "pressure line": (tab.plot.pressure_curve.opts["pen"].color(), plot),
        "target line": (tab.plot.target_curve.opts["pen"].color(), plot),
        "axis numbers": (tab.plot.getAxis("left").textPen().color(), plot),
        "pace words": (style_colour(tab.guide.pace_label), theme.background()),
        "status": (style_colour(tab.guide.status_label), theme.background()),
        "flag": (style_colour(tab.guide.flag_label), theme.background()),
    }


@pytest.mark.parametrize("name", ["light", "dark"])
def test_a_theme_change_applies_at_once(themed_app, qtbot, name: str) -> None:
    other = "dark" if name == "light" else "light"
    theme.apply_theme(themed_app, other)
    tab, _, _ = make_tab(qtbot)
    loading_too_fast(tab)
    theme.apply_theme(themed_app, name)  # no refresh in between: it applies now
    c = theme.THEMES[name]
    assert {where: colours[0].name() for where, colours in drawn(tab).items()} == {
        "plot background": c.background.name(),
        "pressure line": c.foreground.name(),
        "target line": c.inside.name(),
        "axis numbers": c.muted.name(),
        "pace words": c.over.name(),
        "status": c.foreground.name(),
        "flag": c.alert.name(),
    }


@pytest.mark.parametrize("name", ["light", "dark"])
def test_what_the_tab_draws_reaches_wcag_aa(themed_app, qtbot, name: str) -> None:
    theme.apply_theme(themed_app, name)
    tab, _, _ = make_tab(qtbot)
    loading_too_fast(tab)
    c = theme.THEMES[name]
    colours = drawn(tab)
    pairs = [
        ("pressure line", *colours["pressure line"], GRAPHIC),
        ("target line", *colours["target line"], GRAPHIC),
        ("axis numbers", *colours["axis numbers"], TEXT),
        ("status", *colours["status"], TEXT),
        ("flag", *colours["flag"], TEXT),
        ("pressure, rate and next-step words", c.foreground, c.background, TEXT),
        *((f"pace {pace.name}", pace_colour(pace), c.background, TEXT) for pace in Pace),
    ]
    low = [
        f"{where}: {contrast(fore, back):.2f} < {needed}"
        for where, fore, back, needed in pairs
        if contrast(fore, back) < needed
    ]
    assert low == []


@pytest.mark.parametrize("name", ["light", "dark"])
def test_a_refusal_is_said_in_the_alert_colour_of_the_theme_in_force(themed_app, qtbot, name):
    other = "dark" if name == "light" else "light"
    theme.apply_theme(themed_app, other)
    tab, _, _ = make_tab(qtbot)
    set_up(tab, trials=2, rest=30)
    assert tab.start()
    kpa, button = ramp(300)
    for block in blocks(kpa, 0.0, button):
        tab.feed(block)
    for block in blocks(kpa, kpa.size / 100, button)[:-20]:  # loading in the rest
        tab.feed(block)
    tab.refresh()
    assert tab.guide.status_label.text().startswith("Not measured")
    theme.apply_theme(themed_app, name)
    c = theme.THEMES[name]
    assert style_colour(tab.guide.status_label).name() == c.alert.name()
    for block in blocks(np.zeros(10), 2 * kpa.size / 100):  # lifted: the rest, in plain words
        tab.feed(block)
    tab.refresh()
    assert tab.guide.status_label.text().startswith("Resting: ")
    assert style_colour(tab.guide.status_label).name() == c.foreground.name()


@pytest.mark.parametrize("name", ["light", "dark"])
def test_a_repeated_trials_row_is_greyed_readably_in_the_theme_in_force(themed_app, qtbot, name):
    """The repeated trial's row is set apart in the muted colour, which still reads at AA
    on the table's own background, and follows a theme change at once."""
    other = "dark" if name == "light" else "light"
    theme.apply_theme(themed_app, other)
    tab, _, _ = make_tab(qtbot)
    set_up(tab, trials=1)
    assert tab.start()
    kpa, button = ramp(300, 90)  # too fast: flagged
    for block in blocks(kpa, 0.0, button):
        tab.feed(block)
    tab.repeat()
    theme.apply_theme(themed_app, name)
    c = theme.THEMES[name]
    table = tab.trials.table
    fore = table.item(0, 1).foreground().color()
    back = c.surface  # the table's background: the palette's Base
    assert table.item(0, 5).text() == "repeated" and fore.name() == c.muted.name()
    assert contrast(fore, back) >= TEXT, f"{contrast(fore, back):.2f}"
