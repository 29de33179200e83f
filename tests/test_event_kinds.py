"""Event kinds come from one enumeration (recordings.events.EventKind): each is documented in
docs/recording-format.md, and a recorded session writes no kind outside it."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import needs_pty, speaking_pty

from firmware_bridge.reader import StreamKind
from monitor.acquisition import Acquisition
from monitor.recorder import SessionRecorder
from recordings import EventKind, RecordingWriter, SessionInfo, read_recording, schema

DOC = (Path(__file__).resolve().parent.parent / "docs" / "recording-format.md").read_text()


def documented_kinds() -> set[str]:
    """The kinds in the table under '### Event kinds' (one row each: | `kind` | ...)."""
    table = DOC.split("### Event kinds", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.MULTILINE))


def test_every_kind_is_documented_and_nothing_else() -> None:
    assert documented_kinds() == {kind.value for kind in EventKind}


def test_the_schema_lists_every_kind_with_its_meaning() -> None:
    assert schema.EVENT_KINDS.keys() == {kind.value for kind in EventKind}
    assert all(schema.EVENT_KINDS.values())


def test_every_kind_the_reader_reports_can_be_recorded() -> None:
    """firmware_bridge may not import recordings, so the reader has its own StreamKind."""
    assert {kind.value for kind in StreamKind} <= {kind.value for kind in EventKind}


def test_a_kind_is_stored_as_its_text_on_every_python() -> None:
    assert f"{EventKind.PPT_PROTOCOL}" == str(EventKind.PPT_PROTOCOL) == "ppt_protocol"
    assert f"{StreamKind.GAP}" == "gap"
    assert EventKind.GAP == StreamKind.GAP == "gap"


def test_the_writer_refuses_a_kind_outside_the_enumeration(tmp_path: Path) -> None:
    writer = RecordingWriter(tmp_path / "s.h5", SessionInfo(), {}, {})
    writer.start()
    try:
        with pytest.raises(ValueError, match="pedal"):
            writer.add_event(0.0, "pedal")  # type: ignore[arg-type]
        writer.add_event(0.0, EventKind.MARKER, "m")
    finally:
        writer.close()
    assert read_recording(tmp_path / "s.h5").events["kind"].astype(str).tolist() == ["marker"]


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def board_lines() -> Iterator[bytes]:
    """A DIY board at 50 readings/s: newtons, then a pause of 0.6 s (a gap), then pounds-force
    (the device changed its unit), then readings until the cable is pulled."""
    yield from itertools.repeat(b"10.0 N\n", 60)
    yield from itertools.repeat(b"", 30)
    yield from itertools.repeat(b"2.0 lbf\n", 30)
    yield from itertools.repeat(b"2.5 lbf\n", 10_000)


@needs_pty
def test_a_recorded_session_writes_only_enumerated_kinds(tmp_path: Path) -> None:
    """Markers, a tare, a calibration, notes, a PPT protocol, a gap, a unit change and an
    unplugged cable, recorded through the real reader from a board on a pty."""
    link = tmp_path / "ttyBOARD"
    out = tmp_path / "session.h5"
    acquisition = Acquisition(str(link), "ascii")
    recorder = SessionRecorder(acquisition, out, SessionInfo())
    recorder.start()  # before the reader: it hears "connected" too
    try:
        with speaking_pty(board_lines()) as port:
            link.symlink_to(port)
            acquisition.start()
            wait_for(lambda: acquisition.status().samples > 20)
            acquisition.mark("trigger point")
            calibration = acquisition.calibration
            assert calibration is not None
            acquisition.tare(np.zeros(50))
            acquisition.use_calibration(calibration, announce=True)
            acquisition.note(EventKind.PPT_PROTOCOL, '{"sites": ["upper trapezius"]}')
            recorder.set_notes("tender on the left")
            wait_for(lambda: acquisition.status().samples > 100)  # past the pause and unit
        link.unlink()  # the cable is pulled: the link goes, and comes back to another board
        wait_for(lambda: "connection lost" in acquisition.status().error)
        with speaking_pty(itertools.repeat(b"1.0 lbf\n", 10_000)) as port:
            link.symlink_to(port)
            before = acquisition.status().samples
            wait_for(lambda: acquisition.status().samples > before + 10)
    finally:
        result = recorder.stop()
        acquisition.stop()
    assert not result.error
    written = set(read_recording(out).events["kind"].astype(str).tolist())
    assert written <= {kind.value for kind in EventKind}
    # the session did make each of these, so the check above saw them
    assert written >= {
        "connected",
        "marker",
        "tare",
        "calibration",
        "ppt_protocol",
        "note",
        "gap",
        "device",
        "disconnected",
        "reconnected",
    }
