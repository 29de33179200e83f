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
from monitor.ui.trace_plot import TracePlot


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


def test_labels_with_no_room_are_shortened_not_left_out(trace, qtbot) -> None:
    trace.resize(900, 140)  # room for three rows
    qtbot.wait(20)
    labels = ("trigger point found", "referred pain", "release felt", "client discomfort")
    markers = tuple(Marker(-2.0 - 0.15 * i, labels[i % 4]) for i in range(6))
    trace.show_frame(_frame(markers))
    qtbot.wait(10)
    rects = _label_rects(trace)
    for a, b in itertools.combinations(rects, 2):
        assert not a.intersects(b), (a, b)
    shown = {item.marker: _text(item) for item in trace._markers if item.label.isVisible()}
    assert len(shown) == 6  # every label, shortened: "trigger", then its key "1"
    assert all(text in marker.forms() for marker, text in shown.items())
    assert shown[markers[0]] == "trigger point found"  # the newest keeps its words
    assert "1" in shown.values()
    assert all(item.line.isVisible() for item in trace._markers)


def _text(item) -> str:
    return item.label.textItem.toPlainText()


def test_labels_stay_apart_after_a_resize(trace, qtbot) -> None:
    markers = tuple(Marker(-5.0 - 0.3 * i, "referred pain") for i in range(3))
    trace.show_frame(_frame(markers))
    trace.resize(500, 300)
    qtbot.wait(20)
    for a, b in itertools.combinations(_label_rects(trace), 2):
        assert not a.intersects(b)


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


#: The live tab's trace at 1280x720 (the window 1211x660 there, the message line shown):
#: its view box is about 66 pixels high, room for three rows of labels.
REAL_SIZE = (1190, 100)


def _inside_the_plot(trace: TracePlot, rect) -> bool:
    view = trace.getViewBox().sceneBoundingRect()
    return view.left() - 1 <= rect.left() and rect.right() <= view.right() + 1


def test_at_the_real_height_every_marker_of_a_walk_keeps_a_label(trace, qtbot) -> None:
    """Seen at 1280x720: 'trigger point found' never got a label, the side change covered the
    rest, and a label at the left edge was cut ('IDE: LEFT') and sat on the band's name."""
    trace.resize(*REAL_SIZE)
    qtbot.wait(20)
    markers = (
        Marker(-29.8, "side: left", MarkerKind.SIDE),  # at the left edge, by the band's name
        Marker(-29.5, "marker"),
        Marker(-14.0, "side: right", MarkerKind.SIDE),
        Marker(-13.6, "marker"),
        Marker(-13.2, "trigger point found"),
        Marker(-12.9, "referred pain"),
        Marker(-3.0, "client discomfort"),
    )
    for height in (100, 90, 80):  # the trace gets shorter: labels shorten, none goes
        trace.resize(REAL_SIZE[0], height)
        qtbot.wait(20)
        trace.show_frame(_frame(markers))
        shown = [item for item in trace._markers if item.label.isVisible()]
        assert len(shown) == len(markers), height
        rects = _label_rects(trace)
        if trace.band_label.isVisible():  # it yields when the markers need its room
            rects.append(trace.band_label.sceneBoundingRect())
        for a, b in itertools.combinations(rects, 2):
            assert not a.intersects(b), (height, a, b)
        for item in shown:
            assert _text(item) in item.marker.forms()
            assert _inside_the_plot(trace, item.label.sceneBoundingRect()), _text(item)
            line_x = item.line.sceneBoundingRect().center().x()
            rect = item.label.sceneBoundingRect()  # its one end at its own line
            assert min(abs(rect.left() - line_x), abs(rect.right() - line_x)) < 3
    assert _text(trace._markers[6]) in ("client discomfort", "client")  # alone: its words


def test_a_press_beyond_the_gauge_stays_on_the_trace(trace, qtbot) -> None:
    """Seen at 264-309 kPa on a 110-160 kPa band: the line left the plot, which looked empty
    while the pressure was highest."""
    trace.resize(*REAL_SIZE)
    buffer = LiveBuffer(capacity=20_000)
    t = np.arange(0, 20, 0.01)
    press = np.interp(t, [0, 5, 8, 14, 17], [0.0, 14.0, 31.0, 31.0, 14.0])  # to 310 kPa
    buffer.append(t, press)
    view = LiveView(buffer, Target("Muscle", "moderate", BandSpec(120, 170), "test"))
    frame = view.frame()
    assert frame.scale_max == 300.0  # the gauge's top, below the press
    trace.show_frame(frame)
    qtbot.wait(10)
    (_, _), (low, high) = trace.getViewBox().viewRange()
    assert high >= 310.0 * 1.05 and low <= 0.0  # the peak with headroom, and rest
    assert high >= frame.band[1]
    # Once the press has scrolled out of the window, the trace comes back to the gauge's scale.
    buffer.append(np.arange(20, 55, 0.01), np.full(3500, 14.0))
    trace.show_frame(view.frame())
    (_, _), (low, high) = trace.getViewBox().viewRange()
    assert 300.0 <= high < 310.0 * 1.05 and low <= 0.0


def test_a_reading_below_zero_stays_on_the_trace(trace, qtbot) -> None:
    """A tare taken under load read -150 kPa at rest: the line must not leave the bottom."""
    buffer = LiveBuffer(capacity=10_000)
    t = np.arange(0, 10, 0.01)
    buffer.append(t, np.full(t.size, -15.0))
    view = LiveView(buffer, Target("Muscle", "moderate", BandSpec(120, 170), "test"))
    trace.show_frame(view.frame())
    (_, _), (low, high) = trace.getViewBox().viewRange()
    assert low <= -150.0 * 1.05 and high >= 170.0


def test_the_bands_name_yields_to_crowded_markers_and_comes_back(trace, qtbot) -> None:
    trace.resize(*REAL_SIZE)
    qtbot.wait(20)
    crowded = (Marker(-29.8, "side: left", MarkerKind.SIDE), Marker(-29.5, "marker"))
    trace.show_frame(_frame(crowded))
    assert all(item.label.isVisible() for item in trace._markers)
    assert not trace.band_label.isVisible()  # no room for all three at the left edge
    trace.show_frame(_frame((Marker(-5.0, "marker"),)))  # they scrolled out
    assert trace.band_label.isVisible()
    trace.show_frame(_frame(()))
    assert trace.band_label.isVisible()
