"""The review tab on real files: figures per segment, zoom from the overview, bad files."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QGraphicsRectItem
from test_damaged_files import attribute, delete, edit, flip_chunk, replace

from calibration.units import unit_named
from monitor.acquisition import CALIBRATED_DTYPE
from monitor.feedback import Zone
from monitor.review import NAME_CHARS
from monitor.ui import theme
from monitor.ui.review_tab import ReviewTab
from recordings import RecordingWriter, SessionInfo

DEVICE = {"protocol": "fgb1", "identity": "SIM1", "raw_unit": "counts", "nominal_rate_hz": 1000.0}


def make_session(
    path: Path, area_cm2: float = 1.0, start_s: float = 0.0, muscles=("Rhomboids",) * 2
) -> None:
    """Two 60 s segments at 1 kHz: left holds 150 kPa for 40 s, right goes over for 20 s.
    The recording starts ``start_s`` into the session clock."""
    t = np.arange(120_000) / 1000
    kpa = np.zeros(t.size)
    kpa[(t >= 10) & (t < 50)] = 150
    kpa[(t >= 70) & (t < 90)] = 150
    kpa[(t >= 90) & (t < 110)] = 300
    samples = np.zeros(t.size, CALIBRATED_DTYPE)
    samples["seq"] = np.arange(t.size)
    samples["t"] = samples["t_device"] = t + start_s
    samples["force"] = kpa * area_cm2 / 10
    writer = RecordingWriter(
        path,
        SessionInfo(client="C-9", notes="left first", probe_area_cm2=area_cm2),
        DEVICE,
        {"source": "test"},
    )
    writer.start()
    for part in np.array_split(samples, 40):
        writer.append(part)
    writer.add_segment(start_s, start_s + 59.999, muscles[0], 100, 200, "left", "deep")
    writer.add_segment(start_s + 60.0, start_s + 119.999, muscles[1], 100, 200, "right", "deep")
    writer.add_event(start_s + 30.0, "marker", "trigger point found")
    writer.add_event(start_s + 95.0, "marker", "client discomfort")
    writer.close()


@pytest.fixture
def review(qtbot) -> ReviewTab:
    tab = ReviewTab()
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    yield tab
    tab.close_file()


@pytest.mark.parametrize("area", [1.0, 0.5])
def test_segment_figures_in_the_table(review: ReviewTab, tmp_path: Path, area: float) -> None:
    make_session(tmp_path / "s.h5", area)
    assert review.open(tmp_path / "s.h5")
    rows = [
        [review.table.item(row, col).text() for col in range(review.table.columnCount())]
        for row in range(review.table.rowCount())
    ]
    assert rows[0] == [
        "Rhomboids",
        "left",
        "deep",
        "100–200",
        "1:00",
        "40\u202fs",
        "100\u202f%",
        "150",
        "150",
        "0.0\u202f%",
        "40\u202fs",
    ]
    assert rows[1][5:] == ["40\u202fs", "50\u202f%", "225", "300", "33.3\u202f%", "20\u202fs"]
    assert "C-9" in review.title.text() and "left first" in review.title.text()


def test_overview_range_drives_the_detail(review: ReviewTab, tmp_path: Path) -> None:
    make_session(tmp_path / "s.h5")
    review.open(tmp_path / "s.h5")
    x, _ = review.overview.data()
    assert x.min() == pytest.approx(0, abs=0.1) and x.max() == pytest.approx(120, abs=0.1)
    review.range.setRegion((29.0, 31.0))  # two seconds: every sample
    x, _ = review.detail.data()
    assert 28.8 <= x.min() <= 29.0 and 31.0 <= x.max() <= 31.2  # a few samples past the edges
    assert np.unique(np.diff(np.unique(x))).max() == pytest.approx(0.001)
    review.zoom_to_segment(1)
    assert review.range.getRegion() == pytest.approx((57.0, 123.0), abs=0.01)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "Cannot open bad.h5"), (b"\x89HDF\r\n\x1a\n" + b"\0" * 100, "Cannot open bad.h5")],
)
def test_a_bad_file_gives_a_message_and_keeps_what_was_open(
    review: ReviewTab, tmp_path: Path, content: bytes, message: str
) -> None:
    make_session(tmp_path / "good.h5")
    review.open(tmp_path / "good.h5")
    (tmp_path / "bad.h5").write_bytes(content)
    assert not review.open(tmp_path / "bad.h5")
    assert message in review.problem.text()
    assert review.file is not None and review.file.path.name == "good.h5"
    assert review.table.rowCount() == 2
    assert not review.open(tmp_path / "missing.h5")


def test_an_empty_recording_opens_with_nothing_to_show(review: ReviewTab, tmp_path: Path) -> None:
    writer = RecordingWriter(tmp_path / "empty.h5", SessionInfo(), DEVICE, {"source": "test"})
    writer.start()
    writer.close()
    assert review.open(tmp_path / "empty.h5")
    x, _ = review.overview.data()
    assert review.table.rowCount() == 0 and (x is None or x.size == 0)


# --- damaged files, and what files say ---------------------------------------------------


def screen(review: ReviewTab) -> tuple:
    """What the tab shows: title, table, overview and detail curves."""
    rows = [
        [review.table.item(row, col).text() for col in range(review.table.columnCount())]
        for row in range(review.table.rowCount())
    ]
    curves = [plot.data() for plot in (review.overview, review.detail)]
    return review.title.text(), rows, [(x.tolist(), y.tolist()) for x, y in curves]


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (attribute("session", "probe_area_cm2", "abc"), "probe_area_cm2 is 'abc'"),
        (flip_chunk("samples/force", 20), "/samples/force cannot be read"),  # found by the figures
        (delete("samples/t"), "/samples/t is missing"),
    ],
    ids=["attribute", "garbled chunk", "missing column"],
)
def test_a_damaged_file_leaves_the_previous_view_whole(
    review: ReviewTab, tmp_path: Path, damage, reason: str
) -> None:
    make_session(tmp_path / "good.h5")
    assert review.open(tmp_path / "good.h5")
    before = screen(review)
    make_session(tmp_path / "bad.h5")
    damage(tmp_path / "bad.h5")
    assert not review.open(tmp_path / "bad.h5")
    assert f"Cannot open bad.h5: {tmp_path / 'bad.h5'}: damaged (" in review.problem.text()
    assert reason in review.problem.text()
    assert review.file is not None and review.file.path.name == "good.h5"
    assert screen(review) == before
    review.range.setRegion((29.0, 31.0))  # and it still works
    assert review.detail.data()[0].min() >= 28.8


def test_a_garbled_stretch_is_named_when_zoomed_into(review: ReviewTab, tmp_path: Path) -> None:
    """Opening reads the overview; the garbled samples only when the detail needs them."""
    path = tmp_path / "s.h5"
    writer = RecordingWriter(path, SessionInfo(client="C-9"), DEVICE, {"source": "test"})
    writer.start()
    samples = np.zeros(120_000, CALIBRATED_DTYPE)
    samples["seq"] = np.arange(samples.size)
    samples["t"] = samples["seq"] / 1000
    writer.append(samples)
    writer.close()
    flip_chunk("samples/force", 20)(path)  # samples 81920-86015: 81.9-86.0 s
    assert review.open(path)
    review.range.setRegion((10.0, 12.0))
    shown = review.detail.data()
    review.range.setRegion((83.0, 84.0))
    assert "Cannot show 83.0–84.0\u202fs" in review.problem.text()
    assert "damaged (/samples/force cannot be read" in review.problem.text()
    assert [a.tolist() for a in review.detail.data()] == [a.tolist() for a in shown]


def test_a_file_says_plain_text_of_a_length_a_screen_holds(
    review: ReviewTab, tmp_path: Path, qtbot
) -> None:
    """Markup in a pseudonym is shown, not run (an <img> was fetched and drawn); 50 MB of
    notes are cut, not laid out for minutes; an event label with braces is a label."""
    picture = QImage(20, 2000, QImage.Format.Format_RGB32)
    picture.fill(QColor("red"))
    picture.save(str(tmp_path / "x.png"))
    path = tmp_path / "s.h5"
    make_session(path)
    client = f'<img src="{tmp_path / "x.png"}"><b>C-9</b>'
    attribute("session", "client", client)(path)
    attribute("session", "notes", "word " * 10_000_000)(path)
    edit(lambda file: file["events"].__setitem__(0, (30.0, "marker", "{x} <i>", 0.0)))(path)
    started = time.monotonic()
    assert review.open(path)
    qtbot.wait(50)  # laid out and painted
    assert time.monotonic() - started < 5
    assert review.title.textFormat() == Qt.TextFormat.PlainText
    assert review.title.text().startswith(f"s.h5 · {client[:NAME_CHARS]}… (")
    assert review.title.sizeHint().height() < 1000  # no 2000-pixel picture in it
    assert len(review.title.text()) < 1000 and "more characters" in review.title.text()
    review.close_file()
    attribute("session", "notes", "n" * 1_000_000)(path)  # one word wider than any screen
    assert review.open(path)
    qtbot.wait(50)  # laid out again
    assert review.minimumSizeHint().width() < 1280, "the window is not widened by it"
    labels = [name.item.textItem.toPlainText() for name in review.detail.names if name.is_line]
    assert labels == ["{x} <i>", "client discomfort"]  # plain text


# --- time from the start, zones, unit, markers, the table as CSV ----------------------------


def test_time_runs_from_the_recordings_first_sample(review: ReviewTab, tmp_path: Path) -> None:
    """A recording begun 600 s into the session clock reads from 0 s, figures and all."""
    make_session(tmp_path / "s.h5", start_s=600.0)
    assert review.open(tmp_path / "s.h5")
    x, _ = review.overview.data()
    assert x.min() == pytest.approx(0, abs=0.1) and x.max() == pytest.approx(120, abs=0.1)
    assert review.range.getRegion() == pytest.approx((0.0, 119.999), abs=0.01)
    review.range.setRegion((29.0, 31.0))
    x, y = review.detail.data()
    assert 28.8 <= x.min() <= 29.0 and 31.0 <= x.max() <= 31.2
    assert np.all(y[(x > 29.5) & (x < 30.5)] == pytest.approx(150))
    review.zoom_to_segment(1)
    assert review.range.getRegion() == pytest.approx((57.0, 123.0), abs=0.01)
    lines = [item for item in review.detail.plotItem.items if isinstance(item, pg.InfiniteLine)]
    assert [line.value() for line in lines] == pytest.approx([30.0, 95.0])
    bands = [item for item in review.detail.plotItem.items if isinstance(item, QGraphicsRectItem)]
    assert sorted(band.rect().left() for band in bands) == pytest.approx([0.0, 60.0])


def drawn_zones(plot) -> dict:
    """Per zone curve, the x of the points it joins to their next."""
    found = {}
    for zone, curve in plot.curves.items():
        x, _ = curve.getData()
        found[zone] = x[np.asarray(curve.opts["connect"], dtype=bool)]
    return found


def test_the_trace_is_coloured_by_zone_with_a_legend(review: ReviewTab, tmp_path: Path) -> None:
    """Right side: 150 kPa in the 100-200 band (70-90 s), 300 kPa over it (90-110 s), rests
    under it; each stretch in its zone's colour, and the legend names every colour."""
    make_session(tmp_path / "s.h5", start_s=600.0)
    review.open(tmp_path / "s.h5")
    review.range.setRegion((60.0, 120.0))
    zones = drawn_zones(review.detail)
    assert zones[Zone.IN].size and zones[Zone.IN].min() >= 69.9 and zones[Zone.IN].max() < 90
    assert zones[Zone.OVER].min() >= 89.9 and zones[Zone.OVER].max() < 110
    assert zones[Zone.UNDER].size and np.all((zones[Zone.UNDER] < 70) | (zones[Zone.UNDER] > 109))
    assert zones[None].size == 0  # a band was in force throughout
    for zone in (Zone.UNDER, Zone.IN, Zone.OVER):
        assert review.detail.curves[zone].opts["pen"].color() == theme.ZONE_STYLES[zone].colour
    legend = review.legend.text()
    for zone, name in ((Zone.UNDER, "▲ under"), (Zone.IN, "● in band"), (Zone.OVER, "▼ over")):
        colour = theme.ZONE_STYLES[zone].colour.name()
        assert f'color: {colour}"><b>━━</b></span>&nbsp;{name}' in legend
    assert legend.endswith("&nbsp;no band")
    overview = drawn_zones(review.overview)
    assert overview[Zone.OVER].size and overview[Zone.OVER].min() >= 89.5


def test_values_follow_the_users_unit(review: ReviewTab, tmp_path: Path) -> None:
    """On a 0.5 cm² probe 150 kPa is 7.5 N; the trace, band and table say N, the view kept."""
    make_session(tmp_path / "s.h5", area_cm2=0.5)
    review.open(tmp_path / "s.h5")
    review.range.setRegion((29.0, 31.0))
    review.set_unit(unit_named("N"))
    assert review.range.getRegion() == pytest.approx((29.0, 31.0))
    x, y = review.detail.data()
    assert y[(x > 29.5) & (x < 30.5)] == pytest.approx(7.5)
    assert review.detail.getAxis("left").labelText == "N"
    header = [review.table.horizontalHeaderItem(c).text() for c in range(3, 9)]
    assert header[0] == "Band N" and header[4:] == ["Mean N", "Peak N"]
    row = [review.table.item(1, c).text() for c in range(review.table.columnCount())]
    assert row[3] == "5.0–10.0" and row[7:9] == ["11.2", "15.0"]
    bands = [item for item in review.detail.plotItem.items if isinstance(item, QGraphicsRectItem)]
    assert {(band.rect().top(), band.rect().bottom()) for band in bands} == {(5.0, 10.0)}
    review.set_unit(unit_named("psi"))
    assert review.table.item(0, 7).text() == "21.8"  # 150 kPa


def test_choosing_a_marker_shows_it(review: ReviewTab, tmp_path: Path, qtbot) -> None:
    make_session(tmp_path / "s.h5", start_s=600.0)
    review.open(tmp_path / "s.h5")
    items = [review.marker_list.item(r).text() for r in range(review.marker_list.count())]
    assert items == ["0:30.0  trigger point found", "1:35.0  client discomfort"]
    review.marker_list.setCurrentRow(1)
    assert review.range.getRegion() == pytest.approx((85.0, 105.0))
    review.range.setRegion((0.0, 4.0))  # zoomed in further: the zoom is kept
    review.marker_list.setFocus()
    qtbot.keyClick(review.marker_list, Qt.Key.Key_Up)
    assert review.range.getRegion() == pytest.approx((28.0, 32.0))
    x, _ = review.detail.data()
    assert x.min() <= 28.01 and x.max() >= 31.99


def test_the_segment_table_exports_as_safe_csv(review: ReviewTab, tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    assert not review.export_button.isEnabled() and not review.export_table(tmp_path / "x.csv")
    make_session(path, start_s=600.0, muscles=("=HYPERLINK(1)", "@SUM(A1)"))
    attribute("session", "client", "C-9, =cmd|' /C calc'!A0")(path)
    review.open(path)
    review.set_unit(unit_named("N"))
    assert review.export_button.isEnabled()
    out = tmp_path / "table.csv"
    assert review.export_table(out)
    assert "table.csv" in review.note.text()
    text = out.read_text("utf-8")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert "# source: s.h5" in comments and "# session.client: C-9, '=cmd|' /C calc'!A0" in comments
    assert "# device.identity: SIM1" in comments and "# calibration.source: test" in comments
    rows = list(csv.reader(line for line in text.splitlines() if not line.startswith("#")))
    assert rows[0][:3] == ["muscle", "side", "technique"] and "mean_N" in rows[0]
    assert [row[0] for row in rows[1:]] == ["'=HYPERLINK(1)", "'@SUM(A1)"]
    figures = dict(zip(rows[0], rows[2], strict=True))
    assert figures["start_s"] == "60.000" and figures["peak_N"] == "30.00"
    assert figures["in_band_pct"] == "50.0" and figures["longest_hold_s"] == "20.000"
    assert not review.export_table(tmp_path / "missing" / "table.csv")
    assert "Table not exported" in review.problem.text()


@pytest.mark.parametrize("make", [lambda n: np.full(n, np.nan), lambda n: np.full(n, np.inf)])
def test_times_that_are_not_numbers_draw_nothing_and_crash_nothing(
    review: ReviewTab, tmp_path: Path, qtbot, make
) -> None:
    """The zone curves' connect arrays once took NaN times into pyqtgraph's path: a crash."""
    path = tmp_path / "s.h5"
    make_session(path)
    replace("samples/t", make)(path)
    assert review.open(path)
    review.range.setRegion((2.0, 6.0))
    qtbot.wait(20)  # painted
    for plot in (review.overview, review.detail):
        for curve in plot.curves.values():
            x, y = curve.getData()
            assert x is None or (np.isfinite(x).all() and np.isfinite(y).all())


def test_a_theme_change_applies_at_once(review: ReviewTab, tmp_path: Path, qapp) -> None:
    make_session(tmp_path / "s.h5")
    review.open(tmp_path / "s.h5")
    palette = qapp.palette()
    try:
        theme.apply_theme(qapp, "light")
        light = theme.THEMES["light"]
        for plot in (review.overview, review.detail):
            assert plot.backgroundBrush().color() == light.background
            assert plot.curves[Zone.IN].opts["pen"].color() == light.inside
            assert plot.curves[None].opts["pen"].color() == light.foreground
        lines = [i for i in review.detail.plotItem.items if isinstance(i, pg.InfiniteLine)]
        assert lines[0].pen.color() == light.foreground
        assert f"color: {light.inside.name()}" in review.legend.text()
    finally:
        theme.apply_theme(qapp, "dark")
        qapp.setPalette(palette)
    assert review.detail.backgroundBrush().color() == theme.THEMES["dark"].background
