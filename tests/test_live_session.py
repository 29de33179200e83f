"""The live session without a window: what belongs to one recording stays in its file."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from calibration import LinearCalibration
from firmware_bridge.samples import SAMPLE_DTYPE
from monitor.acquisition import Acquisition
from monitor.clients import ClientStore
from monitor.live_session import LiveSession, Treatment
from monitor.messages import Level, MessageBoard
from monitor.target_library import TargetLibrary
from recordings import read_recording

RATE_HZ = 100


class Clock:
    """The session's clock, moved by the test: no real-time waits."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Wall:
    """The wall clock for file names: a new second for every recording."""

    def __init__(self) -> None:
        self.at = datetime(2026, 12, 2, 9, 0, 0)

    def __call__(self) -> datetime:
        self.at += timedelta(seconds=1)
        return self.at


@pytest.fixture
def library() -> TargetLibrary:
    return TargetLibrary.load(None)


@pytest.fixture
def session(tmp_path: Path, library: TargetLibrary):
    clock = Clock()
    acquisition = Acquisition("fgsim://?profile=steady", "fgb1", clock=clock)
    acquisition.use_calibration(LinearCalibration(gain_n_per_unit=1.0, source="test"))
    treatment = Treatment(library.get("Upper trapezius", "ischemic compression"), "left")
    live = LiveSession(acquisition, tmp_path, treatment, clock=clock, now=Wall())
    live.feed = lambda seconds, newtons=20.0: _feed(acquisition, clock, seconds, newtons)
    yield live
    live.close()


def _feed(acquisition: Acquisition, clock: Clock, seconds: float, newtons: float) -> None:
    """``seconds`` of a steady press, as the reader would deliver it, in 0.1 s blocks."""
    per_block = RATE_HZ // 10
    for _ in range(round(seconds * 10)):
        t0 = acquisition.session_time()
        block = np.zeros(per_block, SAMPLE_DTYPE)
        block["t"] = t0 + np.arange(per_block) / RATE_HZ
        block["raw"] = newtons
        acquisition.feed(block)
        clock.now += 0.1


def test_three_clients_in_a_row_each_file_holds_only_its_own_notes_and_markers(session):
    files = []
    for client, note in (("A-01", "stiff neck"), ("B-02", "headache"), ("C-03", "")):
        session.set_treatment(Treatment(session.treatment.target, "left", client))
        session.set_notes(note)
        session.start_recording()
        session.feed(0.5)
        session.mark(f"trigger point {client}")
        session.feed(0.5)
        result = session.stop_recording()
        assert result is not None and result.complete
        files.append(result.path)
        assert session.notes == ""  # the box starts clean for the next client
        assert session.markers == ()
    for (client, note), path in zip(
        (("A-01", "stiff neck"), ("B-02", "headache"), ("C-03", "")), files, strict=True
    ):
        recording = read_recording(path)
        assert recording.session["client"] == client
        assert recording.session["notes"] == note
        labels = recording.events[recording.events["kind"] == "marker"]["label"].tolist()
        assert labels == [f"trigger point {client}"]
    assert len(set(files)) == 3


def test_notes_typed_while_recording_are_logged_at_once(session):
    session.start_recording()
    session.feed(0.2)
    session.set_notes("referred pain to the temple")
    session.feed(0.2)
    path = session.recorder.path
    session.stop_recording()
    events = read_recording(path).events
    assert events[events["kind"] == "note"]["label"].tolist()[-1] == ("referred pain to the temple")


def test_notes_a_file_cannot_hold_are_a_problem_said_and_the_old_notes_stand(session):
    session.start_recording()
    session.set_notes("first")
    session.set_notes("pasted\x00binary")
    assert "NUL" in session.notes_problem or session.notes_problem
    assert any("notes" in alert.text.lower() for alert in session.alerts())
    result = session.stop_recording()
    assert read_recording(result.path).session["notes"] == "first"


def test_a_side_change_is_marked_on_the_trace_and_in_the_recording(session):
    session.start_recording()
    session.feed(0.3)
    session.set_treatment(Treatment(session.treatment.target, "right"))
    session.feed(0.3)
    assert [m.detail for m in session.markers] == ["side: right"]
    result = session.stop_recording()
    recording = read_recording(result.path)
    assert "side: right" in recording.events[recording.events["kind"] == "marker"]["label"]
    assert recording.segments["side"].tolist() == ["left", "right"]


def test_a_muscle_change_is_a_new_segment_but_no_side_marker(session, library):
    session.start_recording()
    session.feed(0.3)
    session.set_treatment(
        Treatment(library.get("Levator scapulae", "ischemic compression"), "left")
    )
    session.feed(0.3)
    assert session.markers == ()
    recording = read_recording(session.stop_recording().path)
    assert recording.segments["muscle"].tolist() == ["Upper trapezius", "Levator scapulae"]


def test_a_refused_tare_is_a_warning_until_a_tare_is_taken(session):
    session.feed(0.5, newtons=20.0)
    session.buffer.clear()
    rng = np.random.default_rng(1)
    block = np.zeros(100, SAMPLE_DTYPE)
    block["t"] = np.arange(100) / 100
    block["raw"] = rng.normal(5, 3, 100)  # a probe still being pressed: far from still
    session.acquisition.feed(block)
    assert not session.tare()
    (warning,) = session.messages.warnings
    assert warning.text.startswith("Not tared")
    session.buffer.clear()
    session.feed(1.0, newtons=0.2)
    assert session.tare()
    # The refusal no longer holds once a tare is taken: it goes by itself.
    assert session.messages.warnings == ()
    assert session.messages.current(session._clock()).text.startswith("Tared")


def test_the_device_is_not_switched_while_recording(session):
    session.start_recording()
    assert not session.switch_device("fgsim://?profile=ppt", "fgb1")
    assert session.messages.warnings[0].text == "Stop recording to change device"
    session.stop_recording()
    assert not session.switch_device("fgsim://", "no-such-protocol")
    assert "no-such-protocol" in session.messages.warnings[0].text


def test_thresholds_need_a_client_and_are_remembered_for_them(session, tmp_path):
    clients = ClientStore(tmp_path / "clients.json")
    assert session.remember_thresholds(clients, []) is None
    assert "pseudonym" in session.messages.warnings[0].text


def test_the_header_says_recording_and_what_is_treated(session):
    assert not session.header().recording
    session.start_recording()
    session.feed(2.0)
    header = session.header()
    assert header.recording and header.elapsed_s == pytest.approx(2.0)
    assert (header.muscle, header.side, header.technique) == (
        "Upper trapezius",
        "left",
        "ischemic compression",
    )
    session.stop_recording()
    assert not session.header().recording


def test_a_second_start_while_recording_is_refused(session):
    session.start_recording()
    with pytest.raises(Exception, match="already recording"):
        session.start_recording()


def test_status_parts_say_rate_and_recording(session):
    session.status_parts()
    session.feed(1.0)
    parts = session.status_parts()
    assert parts[1] == f"{RATE_HZ}\u202fsamples/s"
    session.start_recording()
    assert any(part.startswith("recording session-") for part in session.status_parts())


# --- messages ---------------------------------------------------------------------------


def test_a_note_is_not_replaced_before_it_can_be_read():
    board = MessageBoard()
    board.info("Marker: trigger point found", now=0.0)
    board.info("Marker: referred pain", now=0.3)
    assert board.current(0.5).text == "Marker: trigger point found"
    first_time = board.current(0.5).reading_time_s
    assert first_time >= 3.0
    assert board.current(first_time + 0.1).text == "Marker: referred pain"
    assert board.current(100.0) is None


def test_warnings_stay_until_dismissed_and_are_not_doubled():
    board = MessageBoard()
    board.warn("Not tared: hold the probe still", now=0.0)
    board.warn("Not tared: hold the probe still", now=5.0)
    board.info("Marker: marker", now=6.0)
    assert [m.text for m in board.warnings] == ["Not tared: hold the probe still"]
    assert board.warnings[0].level is Level.WARNING
    assert board.current(1000.0) is None  # notes go; the warning stays
    assert len(board.warnings) == 1
    board.dismiss()
    assert board.warnings == ()


def test_two_recordings_in_the_same_second_get_two_files(session):
    session._now = lambda: datetime(2026, 12, 2, 9, 0, 0)  # a quick stop and start
    first = session.start_recording().path
    session.stop_recording()
    second = session.start_recording().path
    session.stop_recording()
    assert first != second and first.exists() and second.exists()
    assert second.name == "session-20261202-090000-2.h5"


def test_an_unchanged_treatment_does_not_split_the_segment(session):
    session.start_recording()
    session.feed(0.3)
    session.set_treatment(session.treatment)
    session.set_treatment(Treatment(session.treatment.target, "left"))  # equal: no change
    session.feed(0.3)
    recording = read_recording(session.stop_recording().path)
    assert recording.segments["side"].tolist() == ["left"]


def test_a_ppt_protocol_belongs_to_the_client_it_was_started_for(session):
    session.set_treatment(Treatment(session.treatment.target, "left", "B-02"))
    session.record_ppt_protocol({"sites": ["Upper trapezius"]})
    assert session.ppt_client == "B-02"
    session.set_treatment(Treatment(session.treatment.target, "left", "C-03"))
    assert session.ppt_client != session.treatment.client


def test_refused_tares_do_not_pile_up():
    board = MessageBoard()
    for reading in ("20.0", "19.8", "20.3"):
        board.warn(f"Not tared: the probe reads {reading} N", now=0.0, topic="tare")
    board.warn("Stop recording to change device", now=0.0)
    assert [m.text for m in board.warnings] == [
        "Stop recording to change device",
        "Not tared: the probe reads 20.3 N",
    ]
    board.withdraw("tare")
    assert [m.text for m in board.warnings] == ["Stop recording to change device"]
