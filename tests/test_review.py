"""The review tab on real files: figures per segment, zoom from the overview, bad files."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from test_damaged_files import attribute, delete, edit, flip_chunk

from monitor.acquisition import CALIBRATED_DTYPE
from monitor.ui.review_tab import NAME_CHARS, ReviewTab
from recordings import RecordingWriter, SessionInfo

DEVICE = {"protocol": "fgb1", "identity": "SIM1", "raw_unit": "counts", "nominal_rate_hz": 1000.0}


def make_session(path: Path, area_cm2: float = 1.0) -> None:
    """Two 60 s segments at 1 kHz: left holds 150 kPa for 40 s, right goes over for 20 s."""
    t = np.arange(120_000) / 1000
    kpa = np.zeros(t.size)
    kpa[(t >= 10) & (t < 50)] = 150
    kpa[(t >= 70) & (t < 90)] = 150
    kpa[(t >= 90) & (t < 110)] = 300
    samples = np.zeros(t.size, CALIBRATED_DTYPE)
    samples["seq"] = np.arange(t.size)
    samples["t"] = samples["t_device"] = t
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
    writer.add_segment(0.0, 59.999, "Rhomboids", 100, 200, "left", "deep")
    writer.add_segment(60.0, 119.999, "Rhomboids", 100, 200, "right", "deep")
    writer.add_event(30.0, "marker", "trigger point found")
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
        "40 s",
        "100 %",
        "150",
        "150",
        "0.0 %",
        "40 s",
    ]
    assert rows[1][5:] == ["40 s", "50 %", "225", "300", "33.3 %", "20 s"]
    assert "C-9" in review.title.text() and "left first" in review.title.text()


def test_overview_range_drives_the_detail(review: ReviewTab, tmp_path: Path) -> None:
    make_session(tmp_path / "s.h5")
    review.open(tmp_path / "s.h5")
    x, _ = review.overview.curve.getData()
    assert x.min() == pytest.approx(0, abs=0.1) and x.max() == pytest.approx(120, abs=0.1)
    review.range.setRegion((29.0, 31.0))  # two seconds: every sample
    x, _ = review.detail.curve.getData()
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
    x, _ = review.overview.curve.getData()
    assert review.table.rowCount() == 0 and (x is None or x.size == 0)


# --- damaged files, and what files say ---------------------------------------------------


def screen(review: ReviewTab) -> tuple:
    """What the tab shows: title, table, overview and detail curves."""
    rows = [
        [review.table.item(row, col).text() for col in range(review.table.columnCount())]
        for row in range(review.table.rowCount())
    ]
    curves = [plot.curve.getData() for plot in (review.overview, review.detail)]
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
    assert review.detail.curve.getData()[0].min() >= 28.8


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
    shown = review.detail.curve.getData()
    review.range.setRegion((83.0, 84.0))
    assert "Cannot show 83.0–84.0 s" in review.problem.text()
    assert "damaged (/samples/force cannot be read" in review.problem.text()
    assert [a.tolist() for a in review.detail.curve.getData()] == [a.tolist() for a in shown]


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
    lines = [item for item in review.detail.plotItem.items if isinstance(item, pg.InfiniteLine)]
    assert [line.label.textItem.toPlainText() for line in lines] == ["{x} <i>"]
