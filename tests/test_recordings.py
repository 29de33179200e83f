"""Recordings on real HDF5 files: round trip, refusals, foreign and broken files, CSV."""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import h5py
import numpy as np
import pytest

from monitor.acquisition import CALIBRATED_DTYPE
from recordings import (
    NotARecordingError,
    RecordingError,
    RecordingWriter,
    ReviewFile,
    SessionInfo,
    export_csv,
    read_recording,
    schema,
    summarize,
)
from recordings.h5file import H5Recording

FLUSH_WAIT_S = 0.8  # past the writer's 0.25 s batching and 0.5 s flush
DEVICE = {"protocol": "fgb1", "identity": "SIM1", "raw_unit": "counts", "nominal_rate_hz": 1000.0}
CALIBRATION = {"offset": -52000.0, "gain_n_per_unit": 1 / 1234.5, "source": "device"}


def block(start: int, n: int, skip: tuple[int, ...] = ()) -> np.ndarray:
    seq = np.array([i for i in range(start, start + n + len(skip)) if i not in skip])
    out = np.zeros(seq.size, dtype=CALIBRATED_DTYPE)
    out["seq"] = seq
    out["t"] = seq * 0.001
    out["t_device"] = 100 + seq * 0.001
    out["raw"] = -52000 + seq
    out["force"] = seq / 1234.5
    return out


def write(path: Path, blocks: list[np.ndarray], events=(), segments=()) -> RecordingWriter:
    writer = RecordingWriter(
        path, SessionInfo(client="C-17", app_version="test"), DEVICE, CALIBRATION
    )
    writer.start()
    for b in blocks:
        writer.append(b)
    for event in events:
        writer.add_event(*event)
    for segment in segments:
        writer.add_segment(*segment)
    writer.close()
    return writer


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    writer = write(
        path,
        [block(0, 5000), block(5000, 3000)],
        events=[(1.5, "marker", "trigger point", 0.0)],
        segments=[(0.0, 7.999, "Upper trapezius", 150.0, 220.0, "left", "ischemic")],
    )
    assert writer.error == "" and writer.samples_written == 8000
    recording = read_recording(path)
    assert recording.samples["seq"].tolist() == list(range(8000))
    assert recording.samples["force"][1234] == pytest.approx(1234 / 1234.5)
    assert recording.session["client"] == "C-17"
    assert recording.session["end_time"] != ""
    assert recording.device == DEVICE | {"achieved_rate_hz": pytest.approx(1000.0)}
    assert not recording.interrupted
    assert recording.calibration["source"] == "device"
    assert recording.events["label"].tolist() == ["trigger point"]
    assert recording.segments["muscle"].tolist() == ["Upper trapezius"]
    summary = summarize(recording)
    assert summary["samples"] == 8000
    assert summary["rate_hz"] == pytest.approx(1000.0)
    assert summary["dropped_samples"] == 0 and summary["gaps"] == 0
    assert summary["segments"] == 1 and summary["events"] == 1
    assert summary["units"]["force"] == "N" and summary["units"]["raw"] == "counts"


def test_loss_is_counted_from_the_sequence(tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    write(path, [block(0, 100, skip=(10, 11, 50))])
    summary = summarize(read_recording(path))
    assert summary["gaps"] == 2 and summary["dropped_samples"] == 3


def test_file_is_compressed_chunked_and_resizable(tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    write(path, [block(0, 20000)])
    with h5py.File(path, "r") as file:
        force = file["samples/force"]
        assert force.compression == "gzip" and force.shuffle
        assert force.maxshape == (None,) and force.chunks == (schema.SAMPLE_CHUNK,)
        assert file.attrs["schema_version"] == schema.SCHEMA_VERSION


def held_pressure(n: int) -> np.ndarray:
    """A held pressure with tremor and sensor noise, as the live writer sees it at 1 kHz."""
    out = block(0, n)
    rng = np.random.default_rng(5)
    out["force"] = 15 + np.sin(out["t"]) + rng.normal(0, 0.02, n)
    out["raw"] = np.round(out["force"] * 1234.5 + 52000)
    return out


@pytest.mark.parametrize("batch", [250, 37])  # the writer's batch at 1 kHz; a slow stream
def test_writing_at_the_live_cadence_keeps_files_small(tmp_path: Path, batch: int) -> None:
    """SWMR never reuses file space: a compressed chunk rewritten at every flush used to be
    stored anew each time (105 B/sample for a 37 s session). Whole chunks only, plus the
    tail rewritten in place, keep a live-written file close to one written in one go."""
    samples = held_pressure(60_000)
    live = H5Recording.create(tmp_path / "live.h5", SessionInfo(), DEVICE, CALIBRATION)
    for i in range(0, samples.size, batch):
        live.write([samples[i : i + batch]], {})
        live.flush()
    live.close_and_stamp()
    at_once = H5Recording.create(tmp_path / "once.h5", SessionInfo(), DEVICE, CALIBRATION)
    at_once.write([samples], {})
    at_once.close_and_stamp()
    live_size = (tmp_path / "live.h5").stat().st_size
    once_size = (tmp_path / "once.h5").stat().st_size
    assert live_size / samples.size < 10
    assert live_size < 1.3 * once_size
    assert np.array_equal(
        read_recording(tmp_path / "live.h5").samples["force"], samples["force"].astype("f4")
    )


def test_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    path.write_bytes(b"precious")
    with pytest.raises(RecordingError, match="already exists"):
        RecordingWriter(path, SessionInfo(), DEVICE, CALIBRATION).start()
    assert path.read_bytes() == b"precious"


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match="does not exist"):
        RecordingWriter(tmp_path / "no" / "s.h5", SessionInfo(), DEVICE, CALIBRATION).start()


@contextlib.contextmanager
def unwritable_folder(path: Path) -> Iterator[Path]:
    """A folder nobody may create files in: read-only by mode, and immutable for root."""
    path.mkdir()
    path.chmod(0o500)
    immutable = _is_root() and shutil.which("chattr") is not None
    if immutable:
        subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        yield path
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(0o700)


def test_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    if _is_root() and shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: no way to refuse root a folder")
    with (
        unwritable_folder(tmp_path / "locked") as locked,
        pytest.raises(RecordingError, match=r"cannot create .*s\.h5: (Permission|Operation)"),
    ):
        RecordingWriter(locked / "s.h5", SessionInfo(), DEVICE, CALIBRATION).start()


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def test_not_hdf5(tmp_path: Path) -> None:
    path = tmp_path / "notes.h5"
    path.write_text("shopping list")
    with pytest.raises(NotARecordingError, match="not a readable HDF5 file"):
        read_recording(path)


def test_foreign_hdf5(tmp_path: Path) -> None:
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as file:
        file["data"] = np.arange(3)
    with pytest.raises(NotARecordingError, match="not a pressure-monitor-recording"):
        read_recording(path)


def test_truncated_file(tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    write(path, [block(0, 50000)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(NotARecordingError):
        read_recording(path)


def test_newer_schema_asks_for_an_update(tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    write(path, [block(0, 10)])
    with h5py.File(path, "a") as file:
        file.attrs["schema_version"] = schema.SCHEMA_VERSION + 1
    with pytest.raises(NotARecordingError, match="update the app"):
        read_recording(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NotARecordingError, match="no such file"):
        read_recording(tmp_path / "nope.h5")


def test_csv_export(tmp_path: Path) -> None:
    path, out = tmp_path / "s.h5", tmp_path / "s.csv"
    write(path, [block(0, 250_000)])
    assert export_csv(read_recording(path), out) == 250_000
    lines = out.read_text().splitlines()
    comments = [line for line in lines if line.startswith("#")]
    assert "# session.client: C-17" in comments
    assert "# device.identity: SIM1" in comments
    rows = list(csv.reader(lines[len(comments) :]))
    assert rows[0] == ["t_s", "t_device_s", "force_N", "raw", "seq", "flags"]
    assert len(rows) == 250_001
    assert float(rows[1235][1]) == pytest.approx(100 + 1.234)
    assert float(rows[1235][2]) == pytest.approx(1234 / 1234.5, abs=1e-6)
    assert int(rows[-1][4]) == 249_999


def test_csv_export_never_overwrites(tmp_path: Path) -> None:
    path, out = tmp_path / "s.h5", tmp_path / "s.csv"
    write(path, [block(0, 10)])
    out.write_text("keep me")
    with pytest.raises(RecordingError, match="already exists"):
        export_csv(read_recording(path), out)
    assert out.read_text() == "keep me"


def test_tables_overview_and_device_time(tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    trial = (1.0, 4.2, "Upper trapezius", "left", 1, 50.0, 48.7, 312.5, "key", 1, "")
    writer = RecordingWriter(path, SessionInfo(), DEVICE, CALIBRATION)
    writer.start()
    writer.append(block(0, 10_000))
    writer.add_ppt_trial(trial)
    writer.close()
    recording = read_recording(path)
    assert recording.samples["t_device"][0] == pytest.approx(100.0)
    assert recording.samples["force"].dtype == np.float32
    (row,) = recording.ppt_trials.tolist()
    assert row == pytest.approx(trial)
    with h5py.File(path) as file:
        l64, l4096 = file["overview/L64"][()], file["overview/L4096"][()]
    force = recording.samples["force"]
    assert l64.size == 157 and l4096.size == 3  # partial last rows included
    assert l64["max"][3] == force[192:256].max() and l64["min"][3] == force[192:256].min()
    assert l4096["max"][2] == force[8192:].max()


def test_review_file_serves_each_zoom_from_the_right_level(tmp_path: Path) -> None:
    path = tmp_path / "s.h5"
    write(path, [block(i, 100_000) for i in range(0, 1_000_000, 100_000)])  # 1000 s at 1 kHz
    with ReviewFile(path) as review:
        assert review.sample_count == 1_000_000
        assert review.time_span() == pytest.approx((0.0, 999.999))
        whole = review.envelope(0, 1000, max_points=2000)
        assert whole.samples_per_point == 4096 and whole.t.size <= 250
        assert whole.high.max() == pytest.approx(999_999 / 1234.5)
        minute = review.envelope(100, 160, max_points=2000)
        assert minute.samples_per_point == 64 and 900 <= minute.t.size <= 1000
        second = review.envelope(500, 501, max_points=2000)
        assert second.samples_per_point == 1
        assert second.t[0] <= 500 and second.t[-1] >= 501 and second.t.size < 1200
        assert second.low == pytest.approx(second.t / 1.2345, rel=1e-6)


def test_interrupted_file_still_reads(tmp_path: Path) -> None:
    """A writer that never closed leaves the file flagged as open: it must still read."""
    path = tmp_path / "s.h5"
    writer = RecordingWriter(path, SessionInfo(), DEVICE, CALIBRATION)
    writer.start()
    writer.append(block(0, 3000))
    deadline = time.monotonic() + 5
    while writer.samples_written < 3000 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(FLUSH_WAIT_S)
    recording = read_recording(path)  # while the writer still holds it open
    assert recording.interrupted
    assert recording.samples["seq"].size == 3000
    writer.close()
    assert not read_recording(path).interrupted


def test_a_reader_follows_a_recording_while_it_is_written(tmp_path: Path) -> None:
    path = tmp_path / "live.h5"
    writer = RecordingWriter(path, SessionInfo(), DEVICE, CALIBRATION)
    writer.start()
    writer.append(block(0, 2000))
    time.sleep(FLUSH_WAIT_S)
    with ReviewFile(path) as review:
        assert review.sample_count == 2000
        writer.append(block(2000, 3000))
        time.sleep(FLUSH_WAIT_S)
        review.refresh()
        assert review.sample_count == 5000
        assert review.envelope(0, 5, max_points=10_000).t[-1] == pytest.approx(4.999)
    writer.close()
