"""The review's plot on its own: which events it draws, from the one enumeration of kinds,
and in which colour; and the review tab and its plot each keep to one job."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from test_review import DEVICE

from monitor.acquisition import CALIBRATED_DTYPE
from monitor.review import KPA, read_review
from monitor.ui import review_plot, review_tab, theme
from monitor.ui.review_plot import ALERT_EVENTS, SHOWN_EVENTS, SessionPlot
from recordings import EventKind, RecordingWriter, ReviewFile, SessionInfo


def test_the_kinds_drawn_are_members_of_the_one_enumeration() -> None:
    assert all(isinstance(kind, EventKind) for kind in (*SHOWN_EVENTS, *ALERT_EVENTS))
    assert set(ALERT_EVENTS) <= set(SHOWN_EVENTS)
    assert EventKind.CONNECTED not in SHOWN_EVENTS  # connection chatter would clutter


def test_each_module_keeps_to_one_job() -> None:
    for module in (review_tab, review_plot):
        lines = Path(module.__file__).read_text(encoding="utf-8").count("\n")
        assert lines < 350, f"{module.__name__} has {lines} lines"
    assert not hasattr(review_tab, "_SessionPlot")  # the plot lives in review_plot


def with_events(path: Path) -> Path:
    """Ten seconds at 100 Hz, and one event of each of five kinds at 4-8 s."""
    samples = np.zeros(1000, CALIBRATED_DTYPE)
    samples["seq"] = np.arange(samples.size)
    samples["t"] = samples["t_device"] = np.arange(samples.size) / 100
    writer = RecordingWriter(path, SessionInfo(client="C-1"), DEVICE, {"source": "test"})
    writer.start()
    writer.append(samples)
    for t, kind in enumerate(("connected", "marker", "gap", "error", "tare"), start=4):
        writer.add_event(float(t), kind, f"a {kind}")
    writer.close()
    return path


def test_events_read_from_a_file_are_drawn_by_kind(qtbot, tmp_path: Path) -> None:
    """The file's plain-text kinds match the members: a gap and an error in the alert colour,
    a marker and a tare in the foreground, a connection not at all."""
    plot = SessionPlot()
    qtbot.addWidget(plot)
    review = ReviewFile(with_events(tmp_path / "s.h5"))
    try:
        view = read_review(review, 500)
    finally:
        review.close()
    plot.decorate(view, KPA, labels=True)
    lines = [item for item in plot.plotItem.items if isinstance(item, pg.InfiniteLine)]
    drawn = {round(line.value()): line.pen.color() for line in lines}
    assert drawn == {
        5: theme.foreground(),  # marker
        6: theme.alert(),  # gap
        7: theme.alert(),  # error
        8: theme.foreground(),  # tare
    }
