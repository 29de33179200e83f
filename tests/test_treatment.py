"""A whole treatment on the simulator, as a therapist does it, then its review."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from monitor.cues import Cue
from monitor.feedback import Zone
from monitor.segment_stats import segment_stats
from monitor.ui.target_editor import TargetEditor
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
    assert markers["label"].tolist() == ["trigger point found"]
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
    low, high = review.range.getRegion()
    assert low < segments["t_start"][1] < segments["t_end"][1] < high
