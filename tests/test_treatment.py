"""A whole treatment on the simulator, as a therapist does it, then its review."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QVBoxLayout, QWidget

from calibration.units import unit_named
from monitor.clients import ClientStore
from monitor.cues import Cue
from monitor.feedback import Zone
from monitor.segment_stats import segment_stats
from monitor.target_library import TargetLibrary
from monitor.ui import theme
from monitor.ui.target_editor import TargetEditor
from monitor.ui.treatment_bar import TreatmentBar
from recordings import read_recording

HOLD_S = 5.0  # the therapist shortens the target hold for this client (default 60 s)


def test_a_whole_treatment_is_recorded_in_segments_and_reviewed(
    open_window, qtbot, tmp_path: Path
) -> None:
    # The therapy profile's first hold: 140 kPa from about 4.7 s to 22.6 s.
    window = open_window("therapy")
    bar = window.treatment
    bar.client_edit.setText("C-0107")
    bar.choose("Upper trapezius — ischemic compression", "left")  # 120-170 kPa
    editor = TargetEditor(bar.library, bar.target, window)
    editor.hold_box.setValue(HOLD_S)
    editor.save()
    bar._target_changed()
    assert window.view.target.hold_s == HOLD_S
    qtbot.keyClick(window, "r", Qt.KeyboardModifier.ControlModifier)  # record
    assert window.recorder is not None

    qtbot.waitUntil(lambda: window.view.frame().zone is Zone.IN, timeout=10_000)
    qtbot.waitUntil(lambda: window.view.frame().hold.reached, timeout=HOLD_S * 1000 + 3000)
    qtbot.waitUntil(lambda: Cue.REACHED in window.player.played)
    assert "REACHED" in window.hold_display.bar.text
    qtbot.keyClick(window, "1")  # marker: trigger point found
    qtbot.wait(300)
    qtbot.keyClick(window, "r")  # the right side
    qtbot.wait(1500)
    qtbot.keyClick(window, "r", Qt.KeyboardModifier.ControlModifier)  # stop
    assert window.recorder is None

    (path,) = tmp_path.glob("session-*.h5")
    recording = read_recording(path)
    assert recording.session["client"] == "C-0107"
    segments = recording.segments
    assert segments["side"].tolist() == ["left", "right"]
    assert set(segments["muscle"]) == {"Upper trapezius"}
    assert set(segments["technique"]) == {"ischemic compression"}
    assert segments["band_low_kpa"].tolist() == [120, 120]
    markers = recording.events[recording.events["kind"] == "marker"]
    assert markers["label"].tolist() == ["trigger point found", "side: right"]  # R marks it
    assert segments["t_start"][0] < markers["t"][0] < segments["t_end"][0]

    samples = recording.samples
    left = (samples["t"] >= segments["t_start"][0]) & (samples["t"] <= segments["t_end"][0])
    stats = segment_stats(segments[0], samples["t"][left], samples["force"][left] * 10.0)
    assert stats.longest_hold_s >= HOLD_S  # the hold the screen said was reached
    assert 130 <= stats.peak_kpa <= 155  # the held 140 kPa, with tremor and drift
    assert 100 <= stats.mean_kpa < stats.peak_kpa  # the ramp in counts as pressed too

    # Stopping put the file on the review tab, with one row per segment.
    review = window.review
    assert review.file is not None and review.file.path == path
    assert review.table.rowCount() == 2
    assert review.table.item(0, 1).text() == "left"
    assert review.stats[0].longest_hold_s == pytest.approx(stats.longest_hold_s)
    assert "C-0107" in review.title.text()
    qtbot.keyClick(window, "3", Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is review
    review.zoom_to_segment(1)
    low, high = review.range.getRegion()  # from the recording's first sample
    start = samples["t"][0]
    assert low < segments["t_start"][1] - start < segments["t_end"][1] - start < high
    assert review.markers[0].t == pytest.approx(markers["t"][0] - start)


# --- the bar alone: what it says is treated, and fields that keep their keys ---------------


@pytest.fixture
def bar(qtbot, tmp_path: Path):
    """The bar in a window with the main window's single-key shortcuts."""
    window = QWidget()
    qtbot.addWidget(window)
    bar = TreatmentBar(TargetLibrary.load(tmp_path / "targets.json"), ClientStore(tmp_path / "c"))
    QVBoxLayout(window).addWidget(bar)
    fired: list[str] = []
    for key in ("PgDown", "[", "L", "Esc", "F1", "Ctrl+R"):
        QShortcut(QKeySequence(key), window, activated=lambda key=key: fired.append(key))
    bar.fired = fired
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    yield bar  # the window kept alive meanwhile
    window.close()


def test_the_bar_says_plainly_what_is_treated(bar) -> None:
    heard = []
    bar.changed.connect(lambda: heard.append(bar.summary))
    bar.choose("Gluteus medius — deep", "left")
    assert (bar.muscle, bar.technique, bar.side) == ("Gluteus medius", "deep", "left")
    assert bar.target.label == "Gluteus medius — deep"
    assert heard[-1] == bar.summary == "Gluteus medius · left · deep"
    bar.side_box.setCurrentText("—")
    assert heard[-1] == "Gluteus medius · deep"


@pytest.mark.parametrize("field", ["client", "ppt"])
def test_keys_typed_into_a_field_stay_there_and_esc_leaves_it(bar, qtbot, field: str) -> None:
    widget = bar.client_edit if field == "client" else bar.ppt_box.lineEdit()
    muscle = bar.muscle
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    for key in (Qt.Key.Key_PageDown, Qt.Key.Key_BracketLeft, Qt.Key.Key_L):
        qtbot.keyClick(widget, key)
    assert bar.fired == [] and bar.muscle == muscle, "no treatment shortcut fired"
    if field == "client":
        assert bar.client_edit.text() == "[l"
    qtbot.keyClick(widget, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(widget, Qt.Key.Key_F1)
    assert bar.fired == ["Ctrl+R", "F1"], "chords and help still reach the window"
    qtbot.keyClick(widget, Qt.Key.Key_Escape)
    assert not widget.hasFocus() and "Esc" not in bar.fired


def test_enter_in_the_client_field_leaves_it(bar, qtbot) -> None:
    bar.client_edit.setFocus()
    qtbot.waitUntil(bar.client_edit.hasFocus)
    qtbot.keyClicks(bar.client_edit, "C-1")
    qtbot.keyClick(bar.client_edit, Qt.Key.Key_Return)
    assert not bar.client_edit.hasFocus() and bar.client == "C-1"


def test_the_band_is_said_in_the_chosen_unit_and_probe(bar) -> None:
    bar.choose("Upper trapezius — ischemic compression")  # 120-170 kPa, 60 s
    assert bar.band_label.text().startswith("120–170\u202fkPa, hold 60\u202fs")
    bar.set_unit(unit_named("N"))
    bar.set_probe_area(0.5)
    assert bar.band_label.text().startswith("120–170\u202fkPa = 6.0–8.5\u202fN, hold 60\u202fs")


def test_the_band_takes_a_new_themes_colour_at_once(bar, qapp) -> None:
    """It kept the dark theme's near-white on the light theme's near-white."""
    palette = qapp.palette()
    try:
        theme.apply_theme(qapp, "light")
        assert theme.THEMES["light"].foreground.name() in bar.band_label.styleSheet()
    finally:
        theme.apply_theme(qapp, "dark")
        qapp.setPalette(palette)
    assert theme.THEMES["dark"].foreground.name() in bar.band_label.styleSheet()
