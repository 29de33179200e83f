"""The trace: the band named in the chosen unit, marker labels that never cover each other,
side changes drawn apart from markers."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from calibration import unit_named
from monitor.feedback import Zone
from monitor.hold_timer import HoldState
from monitor.live_buffer import LiveBuffer
from monitor.live_view import LiveFrame, LiveView, Marker, MarkerKind
from monitor.targets import BandSpec, Target
from monitor.ui import theme
from monitor.ui.trace_plot import TracePlot, free_row


@pytest.fixture
def trace(qtbot) -> TracePlot:
    plot = TracePlot(30.0)
    qtbot.addWidget(plot)
    plot.resize(900, 220)
    plot.show()
    qtbot.waitExposed(plot)
    return plot


def _view(unit: str = "kPa") -> LiveView:
    buffer = LiveBuffer(capacity=10_000)
    t = np.arange(0, 20, 0.01)
    buffer.append(t, np.full(t.size, 14.0))  # 140 kPa on 1 cm²
    view = LiveView(buffer, Target("Muscle", "moderate", BandSpec(120, 170), "test"))
    view.unit = unit_named(unit)
    return view


def _frame(markers: tuple[Marker, ...]) -> LiveFrame:
    return LiveFrame(
        t=np.array([-1.0, 0.0]),
        value=np.array([140.0, 141.0]),
        current=141.0,
        zone=Zone.IN,
        band=(120.0, 170.0),
        scale_max=300.0,
        unit=unit_named("kPa"),
        hold=HoldState(),
        markers=markers,
        band_label="120–170\u202fkPa",
    )


def test_the_band_is_named_on_the_trace_in_the_chosen_unit(trace, qtbot) -> None:
    view = _view()
    trace.show_frame(view.frame())
    assert trace.band_label.isVisible()
    assert trace.band_label.textItem.toPlainText() == "target 120–170\u202fkPa"
    view.unit = unit_named("lbf")
    trace.show_frame(view.frame())
    assert trace.band_label.textItem.toPlainText() == "target 2.70–3.82\u202flbf"
    assert trace.band_label.pos().y() == pytest.approx(view.frame().band[1])  # at its top


def _label_rects(trace: TracePlot) -> list:
    return [
        item.label.sceneBoundingRect()
        for item in trace._markers
        if item.marker is not None and item.label.isVisible()
    ]


def test_marker_labels_a_fraction_of_a_second_apart_do_not_overlap(trace, qtbot) -> None:
    labels = ("trigger point found", "referred pain", "release felt", "client discomfort")
    markers = tuple(Marker(-2.0 - 0.2 * i, label) for i, label in enumerate(labels))
    trace.show_frame(_frame(markers))
    qtbot.wait(10)
    rects = _label_rects(trace)
    assert len(rects) == 4  # each label is shown, staggered in rows
    for a, b in itertools.combinations(rects, 2):
        assert not a.intersects(b), (a, b)
    assert len({round(rect.top()) for rect in rects}) > 1
    # Each label ends at its own line, to its left.
    for item in trace._markers:
        line_x = item.line.sceneBoundingRect().center().x()
        assert item.label.sceneBoundingRect().right() == pytest.approx(line_x, abs=3)


def test_labels_that_fit_in_no_row_are_left_out_and_their_lines_stay(trace, qtbot) -> None:
    trace.resize(900, 140)  # room for two rows
    qtbot.wait(20)
    markers = tuple(Marker(-2.0 - 0.05 * i, f"trigger point found {i}") for i in range(12))
    trace.show_frame(_frame(markers))
    qtbot.wait(10)
    rects = _label_rects(trace)
    for a, b in itertools.combinations(rects, 2):
        assert not a.intersects(b), (a, b)
    shown = [item.marker.label for item in trace._markers if item.label.isVisible()]
    assert shown[:1] == ["trigger point found 0"]  # the newest keeps its label
    assert 1 <= len(shown) < 12
    assert all(item.line.isVisible() for item in trace._markers)


def test_labels_stay_apart_after_a_resize(trace, qtbot) -> None:
    markers = tuple(Marker(-5.0 - 0.3 * i, "referred pain") for i in range(3))
    trace.show_frame(_frame(markers))
    trace.resize(500, 300)
    qtbot.wait(20)
    for a, b in itertools.combinations(_label_rects(trace), 2):
        assert not a.intersects(b)


def test_free_row_takes_the_first_row_clear_of_the_span() -> None:
    taken = [[(0.0, 10.0)], [(20.0, 30.0)], []]
    assert free_row(taken, 10.0, 15.0) == 0  # touching is clear
    assert free_row(taken, 5.0, 25.0) == 2
    assert free_row([[(0.0, 10.0)]], 5.0, 8.0) is None


def test_a_side_change_is_drawn_apart_from_a_marker(trace, qtbot) -> None:
    view = _view()
    view.add_marker(15.0, "referred pain")
    view.add_side_change(16.0, "left")
    frame = view.frame()
    assert [marker.kind for marker in frame.markers] == [MarkerKind.NOTE, MarkerKind.SIDE]
    assert frame.markers[1].label == "side: left"
    trace.show_frame(frame)
    note, side = trace._markers[:2]
    assert side.line.pen.color() == theme.colours().side
    assert side.line.pen.width() > note.line.pen.width()
    assert side.line.pen.style() != note.line.pen.style()
    assert side.label.textItem.toPlainText() == "SIDE: LEFT"
    assert side.label.textItem.font().bold() and not note.label.textItem.font().bold()
    # the side change keeps the top row
    assert side.label.sceneBoundingRect().top() <= note.label.sceneBoundingRect().top()
