"""The one-page PPT report, written as a real PDF and read back."""

from __future__ import annotations

import numpy as np
import pytest
from pypdf import PdfReader
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from test_ppt import stream

from monitor.ppt.protocol import PptProtocol, PptRun
from monitor.ppt.report_axes import Axis, wrapped
from monitor.ppt.results import load_references, results_table
from monitor.ppt.trial import TrialDetector, TrialTrace
from monitor.ui.ppt_report import draw_traces, write_pdf


def measured_run():
    blocks, _ = stream(100.0)
    t = np.concatenate([b[0] for b in blocks])
    kpa = np.concatenate([b[1] for b in blocks])
    button = np.concatenate([b[2] for b in blocks])
    protocol = PptProtocol(("Upper trapezius", "Masseter"), interval_s=0)
    run = PptRun(protocol)
    for trial in TrialDetector().feed(t, kpa, button):
        run.add(trial, now=trial.t_stop)
        if run.pending:
            run.keep()
        if run.finished:
            break
    traces = []
    for entry in run.entries:
        planned, trial = entry.planned, entry.trial
        inside = (t >= trial.t_start) & (t <= trial.t_stop)
        traces.append(
            TrialTrace(
                f"{planned.site} {planned.side[0].upper()}{planned.trial}",
                t[inside] - trial.t_start,
                kpa[inside],
                trial.target_rate_kpa_s,
                trial.threshold_kpa,
                not trial.accepted,
            )
        )
    return run, traces


def test_report_is_one_a4_page_with_the_results(qapp, tmp_path) -> None:
    run, traces = measured_run()
    assert run.finished and len(traces) == 12
    rows = results_table(run.trial_records(), sex="female", references=load_references())
    path = tmp_path / "ppt.pdf"
    write_pdf(
        path, "Pressure-pain thresholds: C-0042", ["Rate 50 kPa/s, 1 cm² probe"], rows, traces
    )
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    width_mm = float(reader.pages[0].mediabox.width) / 72 * 25.4
    assert width_mm == pytest.approx(210, abs=1)
    # The PDF's text as words (the extractor gives tabs for spaces and the "fl" ligature).
    text = " ".join(reader.pages[0].extract_text().replace("\ufb02", "fl").split())
    for expected in (
        "Pressure-pain thresholds: C-0042",
        "Upper trapezius",
        "Masseter",
        "no reference",
        "UWO-Algometer",
        "(flagged)",
        f"{rows[0].result.mean_kpa:.0f}",
    ):
        assert expected in text, expected


def test_a_trial_without_a_threshold_reads_a_dash_without_a_unit(qapp, tmp_path) -> None:
    t = np.linspace(0, 2, 201)
    traces = [
        TrialTrace("Masseter L1", t, 10 + 50 * t, 50.0, float("nan"), True),
        TrialTrace("Masseter L2", t, 10 + 50 * t, 50.0, 109.6, False),
    ]
    path = tmp_path / "ppt.pdf"
    write_pdf(path, "Pressure-pain thresholds: C-7", [], [], traces)
    text = " ".join(PdfReader(path).pages[0].extract_text().replace("\ufb02", "fl").split())
    assert "Masseter L1: — (flagged)" in text and "— kPa" not in text
    assert "Masseter L2: 110 kPa" in text  # the unit after a narrow no-break space


#: Titles as the session writes them: the site, the trial, its stop source and its flags.
LONG_TITLES = (
    "Upper trapezius L2 (button, ramp rate)",
    "Upper trapezius L3 (key, too short, too low)",
    "Tibialis anterior R1 (release, ramp rate, no ramp)",
    "Masseter R2 (safety, safety maximum)",
    "Extensor carpi radialis longus L1 (key)",
)


def ramps(labels, seconds: float = 6.4) -> list[TrialTrace]:
    t = np.linspace(0, seconds, 641)
    return [
        TrialTrace(label, t, 10 + 50 * t, 50.0, 10 + 50 * seconds, index % 2 == 1)
        for index, label in enumerate(labels)
    ]


def test_small_plots_have_whole_titles_and_tick_labels_in_kpa_and_s(qapp, tmp_path) -> None:
    """The walk: "Upper trapezius L2 (button, ramp rate)" was cut, and the small plots had
    no tick labels. Each title is whole (wrapped in its cell), each plot ticked in kPa and s."""
    traces = ramps(LONG_TITLES)  # up to 330 kPa over 6.4 s
    path = tmp_path / "ppt.pdf"
    write_pdf(path, "Pressure-pain thresholds: C-7", [], [], traces)
    text = " ".join(PdfReader(path).pages[0].extract_text().replace("\ufb02", "fl").split())
    for trace in traces:
        flag = " (flagged)" if trace.flagged else ""
        assert f"{trace.label}: 330 kPa{flag}" in text, trace.label
    # Round steps on the shared axes, the unit on the last: 0-350 kPa (headroom), 0-8 s.
    ticks = "0 100 200 300 400 kPa 0 2 4 6 8 s"
    assert text.count(ticks) == len(traces), text


def test_a_title_stays_in_its_cell(qapp) -> None:
    """Drawn on an image: nothing crosses the gutter between two columns of plots, even a
    title too long for three lines (its end elided)."""
    labels = [*LONG_TITLES[:2], "Extensor carpi radialis longus et brevis L1 " * 3]
    image = QImage(1800, 1200, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    unit = image.width() / 180
    area = QRectF(0, 0, image.width(), image.height())
    try:
        draw_traces(painter, area, ramps(labels), unit)
    finally:
        painter.end()
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1, 4)
    below_legend = pixels[int(5 * unit) :]
    cell_w = image.width() / 3
    for column in (1, 2):  # the 3 mm gutter left of each column but the first
        gutter = below_legend[:, int(column * cell_w - 2.8 * unit) : int(column * cell_w - unit)]
        assert (gutter[..., :3] == 255).all(), f"ink in the gutter before column {column + 1}"
    ink = pixels[int(5 * unit) :, : int(cell_w), :3] < 128
    assert ink.any()  # the first title and plot were drawn at all
    lines = wrapped(labels[2], lambda line: len(line) <= 30)
    assert len(lines) == 3 and lines[0] == "Extensor carpi radialis longus"


def test_axes_tick_at_round_steps_and_name_the_unit_last() -> None:
    assert Axis.holding(330).ticks() == [0, 100, 200, 300, 400]
    assert Axis.holding(6.4).ticks() == [0, 2, 4, 6, 8]
    assert Axis.holding(980).top == 1250 and Axis.holding(0).top == 1
    axis = Axis.holding(1.4)  # a short trial: steps of 0.5 s, each with its one decimal
    assert axis.ticks() == pytest.approx([0, 0.5, 1.0, 1.5])
    assert [axis.label(v, "s") for v in axis.ticks()] == ["0.0", "0.5", "1.0", "1.5\u202fs"]
    axis = Axis.holding(1.1)
    assert [axis.label(v, "s") for v in axis.ticks()][1:3] == ["0.25", "0.50"]


def test_a_crowded_page_labels_fewer_ticks_rather_than_overlapping_them(qapp, tmp_path) -> None:
    """36 trials on a page leave each plot a few millimetres tall: the kPa axis keeps its top
    label with the unit and drops the ones that would overlap it."""
    path = tmp_path / "ppt.pdf"
    write_pdf(
        path, "Pressure-pain thresholds: C-7", [], [], ramps(LONG_TITLES * 7 + LONG_TITLES[:1])
    )
    text = " ".join(PdfReader(path).pages[0].extract_text().replace("\ufb02", "fl").split())
    assert text.count("400 kPa 0 2 4 6 8 s") == 36  # each plot still says its top and unit
    assert "200 300 400 kPa" not in text  # ... but not every tick: they would overlap
