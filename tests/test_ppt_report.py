"""The one-page PPT report, written as a real PDF and read back."""

from __future__ import annotations

import numpy as np
import pytest
from pypdf import PdfReader
from test_ppt import stream

from monitor.ppt.protocol import PptProtocol, PptRun
from monitor.ppt.results import load_references, results_table
from monitor.ppt.trial import TrialDetector, TrialTrace
from monitor.ui.ppt_report import write_pdf


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
