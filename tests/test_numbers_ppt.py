"""The PPT and review texts write their numbers through monitor.numbers: no "-0" at rest,
a dash alone for no value, a narrow no-break space before the unit, a chosen rate as set."""

from __future__ import annotations

import math

from monitor.numbers import UNIT_SPACE
from monitor.ppt.export import basis_lines, results_csv
from monitor.ppt.protocol import PptProtocol
from monitor.ppt.results import RESULT_COLUMNS, ResultRow, SiteResult
from monitor.ppt.session import PptSession
from monitor.ppt.trial import FISCHER_RATE_KPA_S, Flag, PptSettings, StopSource, judge
from monitor.review import stats_row
from monitor.segment_stats import SegmentStats


def test_a_ramp_that_fell_back_to_nothing_reads_0_not_minus_0() -> None:
    flags = judge(PptSettings(), StopSource.BUTTON, 2.0, 120.0, -0.4)
    assert flags == [
        (Flag.NO_RAMP, f"no ramp: rate 0{UNIT_SPACE}kPa/s (target 50{UNIT_SPACE}kPa/s)")
    ]


def test_a_flagged_trial_says_its_numbers_with_their_units() -> None:
    reasons = " ".join(text for _, text in judge(PptSettings(), StopSource.BUTTON, 0.04, 12.0, 75))
    assert f"stopped 0.04{UNIT_SPACE}s" in reasons and f"less than 0.5{UNIT_SPACE}s" in reasons
    assert f"too low: 12{UNIT_SPACE}kPa (below 30{UNIT_SPACE}kPa)" in reasons
    assert f"ramp 75{UNIT_SPACE}kPa/s is 50{UNIT_SPACE}% too fast" in reasons


def test_the_protocol_says_fischers_rate_as_set() -> None:
    protocol = PptProtocol(("Upper trapezius",), rate_kpa_s=FISCHER_RATE_KPA_S, interval_s=30)
    text = PptSession(protocol, 1.0, 100.0).describe_text()
    assert f"at 98.0665{UNIT_SPACE}kPa/s (± 20{UNIT_SPACE}%), 30{UNIT_SPACE}s rest" in text
    assert f"safety maximum 1000{UNIT_SPACE}kPa" in text


def row(mean_kpa: float, cv_pct: float, asymmetry_pct: float) -> ResultRow:
    result = SiteResult("Masseter", "left", (), (), (1, 2), mean_kpa, math.nan, cv_pct)
    return ResultRow(result, asymmetry_pct, None, "left")


def test_a_result_row_has_one_cell_a_column_and_no_unit_after_a_dash() -> None:
    cells = row(math.nan, math.nan, math.nan).cells()
    assert len(cells) == len(RESULT_COLUMNS)
    assert cells[RESULT_COLUMNS.index("Mean, kPa")] == "—"
    assert cells[RESULT_COLUMNS.index("CV")] == "—"  # not "— %"
    assert cells[RESULT_COLUMNS.index("L/R asymmetry")] == "—"
    cells = row(310.4, 8.84, 20.0).cells()
    assert cells[RESULT_COLUMNS.index("CV")] == f"8.8{UNIT_SPACE}%"
    assert cells[RESULT_COLUMNS.index("L/R asymmetry")] == f"20{UNIT_SPACE}% (left lower)"


def test_the_basis_says_kpa_for_people_and_the_csv_a_plain_number() -> None:
    rows = [row(310.4, 8.84, 20.0)]
    assert basis_lines(rows) == [f"Masseter, left: 310{UNIT_SPACE}kPa (mean of trial 1, 2)"]
    data = results_csv(rows, {}).splitlines()[-1].split(",")
    assert data[2:5] == ["310.4", "", "8.8"]  # mean, SD (none), CV: no unit, no thin space


def test_the_review_table_writes_percent_and_durations_through_numbers() -> None:
    stats = SegmentStats(
        "Rhomboids", "left", "deep", 0.0, 59.6, 100, 200, 40.2, 100.0, 150, 150, math.nan, -0.2
    )
    cells = stats_row(stats)
    assert cells[4:7] == ["1:00", f"40{UNIT_SPACE}s", f"100{UNIT_SPACE}%"]
    assert cells[9:] == ["—", f"0{UNIT_SPACE}s"]  # no CV; a hold of -0.2 s is none, not "-0"
