"""The PPT session, Qt-free: numpy blocks in as the acquisition delivers them, on the samples'
own clock (no waiting): plausibility flags, the rest, the end of the protocol, delete and
redo, keep, the trials 2-3 rule, what is exported and what becomes the basis."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from firmware_bridge.samples import FLAG_BUTTON
from firmware_bridge.sim import SimulatorConfig, decoded_blocks
from monitor.acquisition import CALIBRATED_DTYPE, calibration_for
from monitor.ppt.export import NOT_RECORDED, basis_lines, export_header, suggested_path
from monitor.ppt.protocol import ABANDONED_WORDS, REPEATED_WORDS, PptProtocol
from monitor.ppt.results import MEAN_OF_2_3
from monitor.ppt.session import Phase, PptSession
from monitor.ppt.trial import Flag, StopSource
from recordings import RecordingWriter, SessionInfo, read_recording

RATE_HZ = 100.0
SITE = "Upper trapezius"


def blocks(kpa: np.ndarray, t0: float, button: np.ndarray | None = None, every: int = 5):
    """Calibrated blocks (1 cm² probe: 10 kPa per N) of ``every`` samples from ``t0``."""
    out = np.zeros(kpa.size, dtype=CALIBRATED_DTYPE)
    out["t"] = t0 + np.arange(kpa.size) / RATE_HZ
    out["force"] = kpa / 10.0
    if button is not None:
        out["flags"][button] = FLAG_BUTTON
    return [out[i : i + every] for i in range(0, kpa.size, every)]


def ramp(peak_kpa: float, rate: float = 50.0, rest_s: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Rest, a ramp to ``peak_kpa`` with the device button pressed there, then lifted."""
    up = np.arange(0, peak_kpa, rate / RATE_HZ)
    kpa = np.concatenate([np.zeros(int(rest_s * RATE_HZ)), up, np.zeros(int(rest_s * RATE_HZ))])
    button = np.zeros(kpa.size, dtype=bool)
    button[int(rest_s * RATE_HZ) + up.size - 1] = True
    return kpa, button


def measure(session: PptSession, t0: float, peak_kpa: float, rate: float = 50.0):
    """One ramp fed to the session from ``t0``; the Fed results and the time after it."""
    kpa, button = ramp(peak_kpa, rate)
    fed = [session.feed(block) for block in blocks(kpa, t0, button)]
    return fed, t0 + kpa.size / RATE_HZ


def session_for(trials: int = 3, interval_s: float = 0.0, sides=("left",), **kw) -> PptSession:
    protocol = PptProtocol((SITE,), sides=sides, trials_per_site=trials, interval_s=interval_s)
    return PptSession(protocol, sample_rate_hz=RATE_HZ, **kw)


def test_a_trial_stopped_early_and_low_is_flagged_and_never_in_the_mean() -> None:
    """The issue's case: stopped 0.04 s into loading at 12 kPa."""
    session = session_for(trials=1)
    kpa = np.concatenate([np.zeros(50), np.arange(0, 30, 0.5)])  # 50 kPa/s from t=0.5
    fed = blocks(kpa, 0.0)
    for block in fed[:15]:  # loading started at 10 kPa (t=0.7); now t=0.74, 12 kPa
        session.feed(block)
    assert session.trial_running()
    session.stop_now()
    session.feed(fed[15])
    pending = session.run.pending
    assert pending is not None
    trial = pending.trial
    assert trial.stop_source is StopSource.KEY and trial.threshold_kpa < 15
    assert {Flag.TOO_SHORT, Flag.TOO_LOW} <= set(trial.flags) and trial.implausible
    assert "too short" in trial.reason and "too low" in trial.reason
    assert session.take_rows() == [] and session.results() == []  # it waits for a decision
    session.keep()  # only the examiner's explicit decision puts it in the mean, marked
    (row,) = session.results()
    assert row.result.used == (1,) and row.trials_text().endswith("*")
    assert "flagged but kept" in basis_lines([row])[0]
    assert "too short" in session.take_rows()[0][10]


def test_a_site_without_a_usable_threshold_is_left_out_of_the_basis() -> None:
    session = session_for(trials=1, safety_max_kpa=200.0)
    measure(session, 0.0, 300)
    session.keep()
    (row,) = session.results()
    assert math.isnan(row.result.mean_kpa)
    assert basis_lines([row]) == [f"{SITE}, left: no usable threshold, left as it was"]


def test_a_hold_without_a_ramp_is_flagged() -> None:
    session = session_for(trials=1)
    kpa = np.concatenate([np.zeros(20), np.full(150, 200.0), np.zeros(20)])  # a step, held
    for block in blocks(kpa, 0.0):
        session.feed(block)
    assert Flag.NO_RAMP in session.run.pending.trial.flags


def test_loading_during_the_rest_is_refused() -> None:
    session = session_for(trials=2, interval_s=30.0)
    _, t = measure(session, 0.0, 300)
    assert len(session.run.entries) == 1 and session.run.ready_in(t) > 25
    fed, t = measure(session, t, 300)  # 7 s after the first: too soon
    assert any(f.refused for f in fed) and not any(f.measured for f in fed)
    assert session.status().phase is Phase.RESTING  # lifted again: the rest runs on
    assert len(session.run.entries) == 1
    fed, _ = measure(session, 40.0, 300)  # after the rest
    assert [len(f.measured) for f in fed if f.measured] == [1]
    assert len(session.run.entries) == 2 and not session.status().alert


def test_loading_begun_in_the_rest_is_no_trial_even_when_the_rest_ends_under_it() -> None:
    session = session_for(trials=2, interval_s=3.0)
    _, t = measure(session, 0.0, 300)  # stopped at about 6.5 s: rest until about 9.5 s
    fed, _ = measure(session, t, 300)  # loads from about 7.5 s, ends at 14 s
    assert any(f.refused for f in fed) and len(session.run.entries) == 1


def test_nothing_runs_after_the_protocol_completes() -> None:
    session = session_for(trials=1)
    _, t = measure(session, 0.0, 300)
    assert session.run.finished
    kpa, button = ramp(300)
    for block in blocks(kpa, t, button)[:80]:  # loading again
        assert session.feed(block).measured == []
        assert not session.trial_running()
    assert session.guide_frame().pace is None
    session.stop_now()
    assert len(session.run.entries) == 1


def test_any_trial_can_be_deleted_or_redone() -> None:
    session = session_for(trials=3)
    t = 0.0
    for peak in (300, 320, 340):
        _, t = measure(session, t, peak)
    assert session.run.finished
    first, second, _ = session.run.entries
    session.redo(second)
    assert not session.run.finished and session.run.current == second.planned
    _, t = measure(session, t, 400)
    assert session.run.finished
    assert [e.planned.trial for e in session.run.entries] == [1, 3, 2]
    (row,) = session.results()
    assert row.result.thresholds_kpa == pytest.approx((300, 400, 340), abs=1)
    session.delete(first)
    (row,) = session.results()
    assert row.result.used == (2, 3) and session.run.finished


def test_delete_waits_for_a_decision_on_a_flagged_trial() -> None:
    session = session_for(trials=2)
    _, t = measure(session, 0.0, 300)
    measure(session, t, 300, rate=90)  # too fast: pending
    assert session.run.pending is not None
    with pytest.raises(ValueError, match="first"):
        session.delete(session.run.entries[0])


def test_a_repeated_trial_is_listed_where_it_was_measured_and_cannot_be_edited() -> None:
    """The trials table lists a repeated trial in measuring order (never in the results);
    deleting or redoing it is refused with the reason."""
    session = session_for(trials=2)
    _, t = measure(session, 0.0, 300)
    _, t = measure(session, t, 300, rate=90)  # too fast: pending
    flagged = session.run.pending
    assert session.run.listed() == [*session.run.entries, flagged]
    session.repeat()
    measure(session, t, 340)
    first, second = session.run.entries
    assert session.run.listed() == [first, flagged, second]
    (row,) = session.results()
    assert row.result.thresholds_kpa == pytest.approx((300, 340), abs=1)
    assert session.run.edit_refusal(second) == ""
    for edit in (session.delete, session.redo):
        with pytest.raises(ValueError, match="was repeated: it is not in the results"):
            edit(flagged)
    assert session.run.listed() == [first, flagged, second] and session.run.finished


def test_keep_counts_the_kept_trial_and_the_table_marks_it() -> None:
    session = session_for(trials=2)
    _, t = measure(session, 0.0, 300)
    measure(session, t, 400, rate=90)  # 80 % too fast
    assert Flag.RATE in session.run.pending.trial.flags
    session.keep()
    (row,) = session.results()
    assert row.result.used == (1, 2) and row.result.mean_kpa == pytest.approx(350, abs=2)
    assert row.trials_text().endswith("*")
    (_, kept) = session.take_rows()
    assert kept[9] == 0 and kept[10].endswith("kept by the examiner")
    assert "flagged but kept" in basis_lines([row])[0]


def test_a_kept_trial_without_a_threshold_is_shown_out_of_the_mean() -> None:
    session = session_for(trials=1, safety_max_kpa=200.0)
    measure(session, 0.0, 300)
    assert session.run.pending.trial.flags == (Flag.SAFETY,)
    session.keep()
    (row,) = session.results()
    assert row.result.used == () and row.trials_text() == "[—]"


def test_trials_2_3_means_those_two_and_needs_three_trials() -> None:
    with pytest.raises(ValueError, match="3 trials"):
        session_for(trials=2, mean_of=MEAN_OF_2_3)
    session = session_for(trials=5, mean_of=MEAN_OF_2_3)
    t = 0.0
    for peak in (200, 300, 320, 500, 520):
        _, t = measure(session, t, peak)
    (row,) = session.results()
    assert row.result.used == (2, 3) and row.result.mean_kpa == pytest.approx(310, abs=2)
    session.delete(session.run.entries[1])  # trial 2 gone: trial 3 alone, never trial 1
    (row,) = session.results()
    assert row.result.used == (3,)


def test_asymmetry_names_the_lower_side() -> None:
    session = session_for(trials=1, sides=("left", "right"))
    _, t = measure(session, 0.0, 200)
    measure(session, t, 250)
    left, right = session.results()
    assert left.asymmetry_pct == pytest.approx(20, abs=1)
    assert left.asymmetry_text() == "20\u202f% (left lower)" == right.asymmetry_text()


def test_an_asymmetry_that_rounds_to_nothing_names_no_lower_side() -> None:
    session = session_for(trials=1, sides=("left", "right"))
    _, t = measure(session, 0.0, 303)
    measure(session, t, 302.5)
    left, right = session.results()
    assert left.asymmetry_text() == "0\u202f%" == right.asymmetry_text()


def test_results_not_exported_are_known() -> None:
    session = session_for(trials=2)
    assert not session.unexported
    _, t = measure(session, 0.0, 300)
    assert session.unexported
    session.mark_exported()
    assert not session.unexported
    session.delete(session.run.entries[0])
    assert not session.unexported  # nothing left to lose
    measure(session, t, 300)
    assert session.unexported


def test_export_header_says_what_was_not_recorded_and_the_name_is_suggested(tmp_path) -> None:
    session = session_for()
    header = export_header({"client": "C-7", "date": "2026-12-02 10:30"}, "p", "all")
    assert header["client"] == "C-7" and header["examiner"] == NOT_RECORDED
    assert header["serial"] == header["calibration"] == NOT_RECORDED
    assert header["threshold"] == "mean of all trials"
    assert "50\u202fkPa/s" in session.describe_text()
    path = suggested_path(tmp_path, {"client": "C/7", "date": "2026-12-02 10:30"}, "csv")
    assert path == tmp_path / "ppt-C_7-2026-12-02_10_30.csv"
    assert suggested_path(None, {}, "pdf").parent == Path.home()


def test_a_whole_protocol_from_the_simulator_on_its_virtual_clock() -> None:
    """The simulator's PPT profile through the real wire format and decoder: 2 sides x 3
    trials, with its too-fast ramps flagged and kept, and its rest of 4 s against ours."""
    config = SimulatorConfig(rate_hz=200, profile="ppt", seed=3)
    info, decoded, _ = decoded_blocks(config, 80.0, 0.02)
    calibration = calibration_for(info)
    protocol = PptProtocol((SITE,), trials_per_site=3, interval_s=3.0)
    session = PptSession(protocol, sample_rate_hz=200)
    for block in decoded:
        out = np.zeros(block.size, dtype=CALIBRATED_DTYPE)
        out["t"], out["flags"] = block["t_device"], block["flags"]
        out["force"] = calibration.apply(block["raw"])
        session.feed(out)
        if session.run.pending is not None:
            session.keep()
        if session.run.finished:
            break
    assert session.run.finished and len(session.run.entries) == 6
    assert len(session.take_rows()) == 6 and len(session.traces()) == 6
    left, _ = session.results()
    assert 200 <= left.result.mean_kpa <= 460 and left.result.used == (1, 2, 3)
    assert all(trace.t[0] == 0 and trace.t.size > 100 for trace in session.traces())


def test_every_measured_trial_is_in_the_recording_a_repeated_one_marked(tmp_path) -> None:
    """A recording is evidence: a flagged trial the examiner repeats is written to the PPT
    table as it is decided, accepted = 0 with its flags' reasons and the word "repeated",
    beside the measurement that replaced it; so is one measured again without deciding."""
    session = session_for(trials=2)
    writer = RecordingWriter(tmp_path / "ppt.h5", SessionInfo(), {"protocol": "fgb1"}, {})
    writer.start()

    def record() -> None:
        for row in session.take_rows():
            writer.add_ppt_trial(row)

    _, t = measure(session, 0.0, 300)  # trial 1, accepted
    record()
    _, t = measure(session, t, 400, rate=90)  # trial 2, too fast: waits for a decision
    record()
    session.repeat()
    record()
    _, t = measure(session, t, 350, rate=90)  # too fast again: measured again undecided
    _, t = measure(session, t, 320)  # ... which repeats it; this one is accepted
    record()
    writer.close()
    assert session.run.finished

    table = read_recording(tmp_path / "ppt.h5").ppt_trials
    assert table["trial"].tolist() == [1, 2, 2, 2]
    assert table["accepted"].tolist() == [1, 0, 0, 1]
    assert table["threshold_kpa"] == pytest.approx([300, 400, 350, 320], abs=2)
    for reason in table["reason"][1:3]:
        assert "too fast" in reason and reason.endswith("; " + REPEATED_WORDS)
    assert table["reason"][0] == table["reason"][3] == ""
    (row,) = session.results()  # the repeated ones stay out of the results
    assert row.result.thresholds_kpa == pytest.approx((300, 320), abs=2)


def test_a_kept_trial_is_written_once_when_kept() -> None:
    session = session_for(trials=1)
    measure(session, 0.0, 400, rate=90)
    assert session.take_rows() == []  # undecided: nothing yet
    session.keep()
    (row,) = session.take_rows()
    assert row[9] == 0 and row[10].endswith("; kept by the examiner")
    assert REPEATED_WORDS not in row[10] and session.take_rows() == []


def test_a_flagged_trial_left_undecided_is_written_when_the_protocol_ends() -> None:
    session = session_for(trials=1)
    measure(session, 0.0, 400, rate=90)
    assert session.run.pending is not None and session.take_rows() == []
    session.end()  # a new protocol starts without Repeat or Keep
    (row,) = session.take_rows()
    assert row[9] == 0 and "too fast" in row[10] and row[10].endswith(ABANDONED_WORDS)
    assert session.run.pending is None and session.results() == []
    session.end()
    assert session.take_rows() == []
