"""The live trace in the window as a laptop shows it (1280x720): every marker of a treatment
keeps a readable label, none covering another, at the trace's real height there."""

from __future__ import annotations

import itertools
import time

from monitor.markers import MARKER_KEYS

#: The window as it opens on a 1280x720 screen (seen in the walk), a warning shown above.
WINDOW = (1211, 660)


def test_marker_and_side_labels_at_1280x720(open_window, qtbot) -> None:
    window = open_window("steady")
    window.resize(*WINDOW)
    window.session.messages.warn("Not tared: hold the probe still", time.monotonic())
    qtbot.wait(200)
    assert window.trace.height() <= 110  # the walk's trace: about 100 px
    window.treatment.side_box.setCurrentText("left")
    window.treatment.side_box.setCurrentText("right")  # a side change, then markers at once
    for key in ("M", "1", "2", "3"):
        window.mark(MARKER_KEYS[key])
    qtbot.wait(400)  # a few trace frames
    trace = window.trace
    marked = [item.marker for item in trace._markers if item.marker is not None]
    assert len(marked) == 5  # the side change and four markers, within a few pixels
    labels = [item.label for item in trace._markers if item.label.isVisible()]
    said = " · ".join(label.textItem.toPlainText() for label in labels)
    for marker in marked:  # each named, if only by its key (their lines look like one)
        assert any(form in said for form in marker.forms()), (marker, said)
    rects = [label.sceneBoundingRect() for label in labels]
    if trace.band_label.isVisible():
        rects.append(trace.band_label.sceneBoundingRect())
    for a, b in itertools.combinations(rects, 2):
        assert not a.intersects(b), (a, b)
    plot = trace.getViewBox().sceneBoundingRect()
    for rect in rects:
        assert plot.top() - 1 <= rect.top() and rect.bottom() <= plot.bottom() + 1
        assert plot.left() - 1 <= rect.left() and rect.right() <= plot.right() + 1
