"""Pressure-pain-threshold trials from the simulator's known ramps, through the real wire
format and decoder: thresholds at the stop, flagged ramps, the release fallback."""

from __future__ import annotations

import csv
import itertools
import math

import numpy as np
import pytest

from firmware_bridge.samples import FLAG_BUTTON
from firmware_bridge.sim import SimulatorConfig, decoded_blocks
from firmware_bridge.sim.profiles import NOISE_N, PptProfile
from monitor.acquisition import calibration_for
from monitor.clients import ClientStore
from monitor.ppt.export import write_results_csv
from monitor.ppt.protocol import (
    ALTERNATING,
    LEFT_THEN_RIGHT,
    ORDERS,
    RANDOMISED,
    PptProtocol,
    PptRun,
    ppt_trial_row,
)
from monitor.ppt.results import (
    MEAN_OF_2_3,
    TrialRecord,
    asymmetry_pct,
    load_references,
    reference_for,
    remember_thresholds,
    results_table,
    site_result,
)
from monitor.ppt.trial import (
    Flag,
    Pace,
    PptSettings,
    RampGuide,
    StopSource,
    Trial,
    TrialDetector,
    fitted_rate,
    rate_window_s,
)
from monitor.review import comment_line
from recordings import RecordingWriter, SessionInfo, read_recording

SECONDS = 130.0  # about 12 trials: pressed, too fast (every 4th), not pressed (every 5th)
NOISE_KPA = 4 * NOISE_N * 10  # the load cell's noise, 4 sigma, on a 1 cm² probe


def stream(rate_hz: float, read_every_s: float = 0.02):
    """(t, kPa, button) blocks as the reader delivers them, and the profile's plan."""
    config = SimulatorConfig(rate_hz=rate_hz, profile="ppt", seed=4)
    info, decoded, device = decoded_blocks(config, SECONDS - read_every_s, read_every_s)
    calibration = calibration_for(info)
    blocks = [
        (b["t_device"], calibration.apply(b["raw"]) * 10.0, (b["flags"] & FLAG_BUTTON) > 0)
        for b in decoded
    ]
    assert isinstance(device.profile, PptProfile)
    plans = [p for p in device.profile.plans_until(SECONDS) if p.stop_s + 1 < SECONDS]
    return blocks, plans


def detect(blocks, settings: PptSettings | None = None):
    detector = TrialDetector(settings)
    trials = []
    for t, kpa, button in blocks:
        trials += detector.feed(t, kpa, button)
    return trials


@pytest.mark.parametrize("rate_hz", [1000.0, 80.0, 10.0])
def test_thresholds_flags_and_release_fallback(rate_hz: float) -> None:
    blocks, plans = stream(rate_hz)
    trials = detect(blocks)
    assert len(trials) == len(plans) >= 10
    for number, (plan, trial) in enumerate(zip(plans, trials, strict=True), start=1):
        one_sample = plan.rate_kpa_s / rate_hz  # pressure gained in one sample period
        assert trial.threshold_kpa == pytest.approx(plan.threshold_kpa, abs=one_sample + NOISE_KPA)
        expected = StopSource.BUTTON if plan.pressed else StopSource.RELEASE
        assert trial.stop_source is expected, number
        if number % 4 == 0:
            assert not trial.accepted and "too fast" in trial.reason
            assert trial.achieved_rate_kpa_s == pytest.approx(75, rel=0.1)
        else:
            assert trial.accepted, (number, trial.reason)
            assert trial.achieved_rate_kpa_s == pytest.approx(plan.rate_kpa_s, rel=0.06)
        assert trial.t_start == pytest.approx(plan.start_s + 10 / plan.rate_kpa_s, abs=0.2)


def test_a_key_stops_the_trial_at_its_moment() -> None:
    t = np.arange(0, 8, 0.01)
    kpa = 50.0 * t
    detector = TrialDetector()
    assert detector.feed(t[:300], kpa[:300]) == []  # loading, no stop yet
    detector.stop_now(3.5)
    (trial,) = detector.feed(t[300:], kpa[300:])
    assert trial.stop_source is StopSource.KEY
    assert trial.t_stop == pytest.approx(3.5) and trial.threshold_kpa == pytest.approx(175)
    assert trial.accepted and trial.achieved_rate_kpa_s == pytest.approx(50)


def test_the_safety_maximum_stops_a_trial_without_a_threshold() -> None:
    t = np.arange(0, 30, 0.01)
    (trial,) = TrialDetector(PptSettings(safety_max_kpa=600)).feed(t, 50.0 * t)
    assert trial.stop_source is StopSource.SAFETY and math.isnan(trial.threshold_kpa)
    assert "safety maximum of 600\u202fkPa" in trial.reason
    assert trial.t_stop == pytest.approx(12.0, abs=0.011)


def test_slow_ramps_are_flagged_and_tremor_at_low_pressure_is_no_release() -> None:
    t = np.arange(0, 20, 0.01)
    kpa = 30.0 * t + 3 * np.sin(2 * np.pi * 9 * t)  # 30 kPa/s with a 9 Hz tremor
    kpa[t > 15] = 0
    (trial,) = TrialDetector().feed(t, kpa)
    assert trial.stop_source is StopSource.RELEASE
    assert trial.threshold_kpa == pytest.approx(kpa[t <= 15].max())
    assert "40\u202f% too slow" in trial.reason


def test_blocks_may_split_a_trial_anywhere() -> None:
    blocks, _ = stream(200.0)
    whole = detect(blocks)
    t = np.concatenate([b[0] for b in blocks])
    kpa = np.concatenate([b[1] for b in blocks])
    button = np.concatenate([b[2] for b in blocks])
    rng = np.random.default_rng(1)
    cuts = np.sort(rng.choice(t.size, 400, replace=False))
    detector = TrialDetector()
    split = []
    for part in np.split(np.arange(t.size), cuts):
        split += detector.feed(t[part], kpa[part], button[part])
    assert split == whole


def test_rate_helpers() -> None:
    t = np.arange(0, 2, 0.1)
    assert fitted_rate(t, 50 * t + 7) == pytest.approx(50)
    assert math.isnan(fitted_rate(t[:2], t[:2]))
    assert rate_window_s(10) == 1.0 and rate_window_s(1000) == 0.25 and rate_window_s(80) == 0.25
    assert rate_window_s(20) == 0.5


# --- protocol, run and results -------------------------------------------------------------

SITES = ("Upper trapezius", "Tibialis anterior", "Gastrocnemius")


@pytest.mark.parametrize("order", ORDERS)
def test_a_protocol_plans_every_site_side_and_trial_once(order: str) -> None:
    protocol = PptProtocol(SITES, order=order, seed=7)
    plan = protocol.plan()
    assert len(plan) == 3 * 2 * 3 == len(set(plan))
    for site in SITES:
        for side in ("left", "right"):
            numbers = [p.trial for p in plan if (p.site, p.side) == (site, side)]
            assert numbers == [1, 2, 3]  # each site-side's trials in order
    if order == LEFT_THEN_RIGHT:
        assert {p.side for p in plan[:9]} == {"left"}
    if order == ALTERNATING:
        assert all(a.side != b.side for a, b in itertools.pairwise(plan))
    if order == RANDOMISED:
        assert plan == PptProtocol(SITES, order=order, seed=7).plan()  # reproducible
        assert plan != PptProtocol(SITES, order=order, seed=8).plan()


def trial(threshold: float, reason: str = "") -> Trial:
    flags = (Flag.RATE,) if reason else ()
    return Trial(0.0, 5.0, threshold, StopSource.BUTTON, 50.0, 50.0, reason, flags)


def test_a_run_waits_the_interval_and_repeats_flagged_trials() -> None:
    run = PptRun(PptProtocol(("Upper trapezius",), sides=("left",), interval_s=30))
    assert run.current.trial == 1 and run.ready_in(100.0) == 0
    run.add(trial(250), now=100.0)
    assert run.current.trial == 2 and run.ready_in(110.0) == pytest.approx(20)
    run.add(trial(400, "ramp 75 kPa/s is 50% too fast"), now=140.0)
    assert run.pending is not None and run.current.trial == 2
    run.repeat()
    run.add(trial(260), now=180.0)
    run.add(trial(900, "too fast"), now=220.0)
    run.keep()  # the examiner keeps it: it stays flagged and counts in the mean
    assert run.finished
    result = site_result(run.trial_records())
    assert result.thresholds_kpa == (250, 260, 900) and result.used == (1, 2, 3)
    assert result.mean_kpa == pytest.approx(470)
    assert result.trials[2].flags == "too fast"


def test_results_mean_sd_cv_asymmetry_and_references() -> None:
    left = [
        TrialRecord("Upper trapezius", "left", n, v, True)
        for n, v in ((1, 300), (2, 240), (3, 260))
    ]
    all_three = site_result(left)
    assert all_three.mean_kpa == pytest.approx(266.667, abs=1e-3)
    assert all_three.sd_kpa == pytest.approx(30.551, abs=1e-3)
    assert all_three.cv_pct == pytest.approx(11.456, abs=1e-3)
    later = site_result(left, MEAN_OF_2_3)
    assert later.mean_kpa == 250 and later.used == (2, 3)
    assert asymmetry_pct(250, 200) == pytest.approx(20)
    assert math.isnan(asymmetry_pct(250, math.nan))
    references = load_references()
    female = reference_for(references, "upper trapezius", "female")
    assert female is not None and female.median_kpa == 244 and "UWO" in female.source
    assert female.place(150).startswith("below the 25th")
    assert female.place(250) == "within the middle half"
    assert reference_for(references, "Masseter", "female") is None  # none invented
    assert all(reference.source for reference in references)


def test_trials_are_stored_in_the_recordings_ppt_table(tmp_path) -> None:
    blocks, plans = stream(100.0)
    run = PptRun(PptProtocol(("Upper trapezius",), sides=("left", "right"), interval_s=0))
    writer = RecordingWriter(tmp_path / "ppt.h5", SessionInfo(), {"protocol": "fgb1"}, {})
    writer.start()
    for found in detect(blocks)[:4]:  # the 4th is too fast: kept with its flag
        run.add(found, now=found.t_stop)
        if run.pending:
            run.keep()
    for entry in run.entries:
        writer.add_ppt_trial(ppt_trial_row(entry))
    writer.close()
    table = read_recording(tmp_path / "ppt.h5").ppt_trials
    assert table["side"].tolist() == ["left", "left", "left", "right"]
    assert table["trial"].tolist() == [1, 2, 3, 1]
    assert table["stop_source"].tolist() == ["button"] * 4
    assert table["accepted"].tolist() == [1, 1, 1, 0] and "too fast" in table["reason"][3]
    assert table["reason"][3].endswith("; kept by the examiner")
    assert table["threshold_kpa"] == pytest.approx([p.threshold_kpa for p in plans[:4]], abs=3)


def test_the_ramp_guide_rises_at_the_target_rate_and_judges_the_pace() -> None:
    settings = PptSettings(target_rate_kpa_s=50)
    guide = RampGuide(settings, sample_rate_hz=10)  # an HX711: smoothed over 1 s
    assert guide.window_s == 1.0
    t = np.arange(0, 6, 0.1)
    for rate, pace in ((50, Pace.ON), (75, Pace.FAST), (30, Pace.SLOW)):
        kpa = 10 + rate * t + np.where(np.arange(t.size) % 2, 2.5, -2.5)  # 5 kPa steps, jitter
        frame = guide.frame(t, kpa, loading_since=0.0)
        assert frame.target_kpa == pytest.approx(10 + 50 * 5.9)
        assert frame.pace is pace and frame.rate_kpa_s == pytest.approx(rate, rel=0.15)
    idle = guide.frame(t, np.zeros(t.size), loading_since=None)
    assert idle.pace is None and math.isnan(idle.target_kpa)


def test_results_table_csv_and_remembered_thresholds(tmp_path) -> None:
    records = [
        TrialRecord(site, side, n, value, True)
        for site, side, base in (
            ("Upper trapezius", "left", 200),
            ("Upper trapezius", "right", 250),
            ("Masseter", "left", 120),
        )
        for n, value in ((1, base + 20), (2, base - 10), (3, base + 10))
    ]
    rows = results_table(records, sex="female", references=load_references())
    assert [(r.result.site, r.result.side) for r in rows] == [
        ("Upper trapezius", "left"),
        ("Upper trapezius", "right"),
        ("Masseter", "left"),
    ]
    assert rows[0].asymmetry_pct == pytest.approx(100 * (256.667 - 206.667) / 256.667, abs=0.01)
    assert rows[0].reference_text().startswith("within the middle half of healthy females")
    assert rows[2].reference_text() == "no reference" and math.isnan(rows[2].asymmetry_pct)
    unknown = results_table(records, sex="", references=load_references())
    # The walk: "no reference" for the upper trapezius, which has one for each sex.
    assert unknown[0].reference_text() == "no reference: sex not given"
    assert unknown[2].reference_text() == "no reference"  # the masseter has none at all
    path = tmp_path / "ppt.csv"
    write_results_csv(rows, path, {"client": "C-3", "rate": "50 kPa/s"})
    lines = path.read_text().splitlines()
    assert lines[:2] == ["# client: C-3", "# rate: 50 kPa/s"]
    assert lines[2].startswith("# asymmetry_pct: L/R asymmetry")
    table = list(csv.DictReader(lines[3:]))
    assert table[1]["trial_2_stop"] == "" and table[1]["trial_2_in_mean"] == "yes"
    assert table[1]["trial_1_kpa"] == "270.0" and table[1]["mean_kpa"] == "256.7"
    assert table[2]["reference"] == "no reference" and table[2]["asymmetry_pct"] == ""
    store = ClientStore(tmp_path / "clients.json")
    assert remember_thresholds(store, "C-3", rows, "ppt-1.h5") == 3
    remembered = ClientStore(tmp_path / "clients.json").threshold("C-3", "Upper trapezius", "right")
    assert remembered.kpa == pytest.approx(256.667, abs=1e-3)
    assert remembered.source == "measured (ppt-1.h5)"


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ('x,"=1+1"', "# client: x,'=1+1'"),
        ('x, "=1+1", y', "# client: x, '=1+1', y"),
        ('"@SUM(A1)"', "# client: '@SUM(A1)'"),
    ],
)
def test_a_comment_line_has_no_quoted_formula(value: str, line: str) -> None:
    """Both exports' # lines: a quoted part would be one cell without its quotes, so
    x,"=1+1" would open as the formula =1+1 in a spreadsheet."""
    assert comment_line("client", value) == line
    cells = next(csv.reader([line]))
    assert not any(cell.lstrip(" ").startswith(("=", "+", "-", "@")) for cell in cells)


def test_the_ppt_csv_writes_a_quoted_formula_pseudonym_as_text(tmp_path) -> None:
    rows = results_table([TrialRecord("Masseter", "left", 1, 150.0, True)])
    path = tmp_path / "ppt.csv"
    write_results_csv(rows, path, {"client": 'x,"=1+1"'})
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# client: x,'=1+1'"
    cells = [cell for row in csv.reader(lines) for cell in row]
    assert not any(cell.lstrip(" ").startswith(("=", "+", "-", "@")) for cell in cells)


def test_measuring_again_while_a_flagged_trial_waits_is_a_repeat() -> None:
    run = PptRun(PptProtocol(("Upper trapezius",), sides=("left",), trials_per_site=2))
    run.add(trial(400, "too fast"), now=0.0)
    assert run.pending is not None
    run.add(trial(300), now=10.0)  # the examiner simply measured again
    assert run.pending is None and [e.trial.threshold_kpa for e in run.entries] == [300]
    assert run.current.trial == 2
