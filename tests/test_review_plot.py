"""The review's plot on its own: which events it draws, from the one enumeration of kinds,
and in which colour; and the review tab and its plot each keep to one job."""

from __future__ import annotations

import itertools
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


def side_by_side(path: Path) -> Path:
    """The walk's file: left 2 s, right 1 s, left 16 s of one muscle, at 100 Hz."""
    samples = np.zeros(1900, CALIBRATED_DTYPE)
    samples["seq"] = np.arange(samples.size)
    samples["t"] = samples["t_device"] = np.arange(samples.size) / 100
    samples["force"] = 14.0
    writer = RecordingWriter(path, SessionInfo(client="C-1"), DEVICE, {"source": "test"})
    writer.start()
    writer.append(samples)
    for start, end, side in ((0.0, 2.4, "left"), (2.4, 3.1, "right"), (3.1, 19.0, "left")):
        writer.add_segment(start, end, "Levator scapulae", 110, 160, side, "deep")
    for t, label in ((2.4, "side: right"), (2.7, "marker"), (3.1, "side: left")):
        writer.add_event(t, "marker", label)
    writer.close()
    return path


def segment_titles(plot: SessionPlot) -> list[pg.TextItem]:
    """The text drawn on the plot: the segments' names and the events' labels."""
    return [
        item for item in plot.plotItem.items if isinstance(item, pg.TextItem) and item.isVisible()
    ]


def test_segment_names_side_by_side_never_cover_each_other(qtbot, tmp_path: Path) -> None:
    """Seen in the walk: 'Levator scapulae left/right/left' drawn on top of each other."""
    tab = review_tab.ReviewTab()
    qtbot.addWidget(tab)
    tab.resize(1200, 560)  # the review tab in the window at 1280x720
    tab.show()
    qtbot.waitExposed(tab)
    assert tab.open(side_by_side(tmp_path / "s.h5"))
    qtbot.wait(50)
    try:
        (_, _), (_, top) = tab.detail.getViewBox().viewRange()
        assert top < 200  # the y range is the data's (140 kPa), names at its top add nothing
        titles = segment_titles(tab.detail)
        assert len(titles) == 6  # each segment and event named, if only by a number or key
        for a, b in itertools.combinations(titles, 2):
            assert not a.sceneBoundingRect().intersects(b.sceneBoundingRect())
        texts = [title.textItem.toPlainText() for title in titles]
        assert "Levator scapulae left" in texts  # the long one keeps its whole name
        # the whole names in the table (numbered as the plot's short names) and the tooltips
        assert tab.table.verticalHeader().isVisible()
        assert [tab.table.item(row, 1).text() for row in range(3)] == ["left", "right", "left"]
        assert {title.toolTip() for title in titles} == {
            *(
                f"Segment {n}: Levator scapulae {side}, deep"
                for n, side in ((1, "left"), (2, "right"), (3, "left"))
            ),
            *("side: right", "marker", "side: left"),
        }
        tab.range.setRegion((1.9, 3.6))  # zoomed in: room for the whole names
        qtbot.wait(50)
        titles = segment_titles(tab.detail)
        for a, b in itertools.combinations(titles, 2):
            assert not a.sceneBoundingRect().intersects(b.sceneBoundingRect())
        assert "Levator scapulae right" in [title.textItem.toPlainText() for title in titles]
    finally:
        tab.close_file()
