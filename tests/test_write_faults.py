"""The writer under real faults: its folder removed, its file moved, a value HDF5 cannot
store, a bug in the loop, a file-size limit, a full disk (a real tmpfs), a long name, and a
planted rescue folder. The rule: every sample handed to the writer ends up in a readable file
that the status names, or is counted as lost; never "saved" for a file without them."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from monitor.acquisition import CALIBRATED_DTYPE
from recordings import RecordingError, RecordingWriter, SessionInfo, WriterStatus, read_recording
from recordings.h5file import H5Recording
from recordings.rows import InvalidValueError

DEVICE = {"protocol": "fgb1", "identity": "SIM1", "raw_unit": "counts"}
CALIBRATION = {"offset": 0.0, "gain_n_per_unit": 0.001, "source": "test"}
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes and limits")


def block(start: int, n: int, rate_hz: float = 1000.0, noisy: bool = False) -> np.ndarray:
    out = np.zeros(n, dtype=CALIBRATED_DTYPE)
    out["seq"] = np.arange(start, start + n)
    out["t"] = out["t_device"] = out["seq"] / rate_hz
    noise = np.random.default_rng(start).normal(0, 50, n) if noisy else 0
    out["raw"] = 1000 + noise
    out["force"] = out["raw"] / 100
    return out


def saved_seq(status: WriterStatus) -> np.ndarray:
    """Every sequence number in the files the status names, checked against their counts."""
    parts = []
    for path, count in status.files:
        seq = read_recording(path).samples["seq"]
        assert seq.size == count, f"{path} holds {seq.size}, the status says {count}"
        parts.append(seq)
    return np.concatenate(parts) if parts else np.zeros(0, int)


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def writer_in(tmp_path: Path) -> Iterator:
    writers: list[RecordingWriter] = []

    def make(path: Path, rescue: Path | None = None, **session) -> RecordingWriter:
        writer = RecordingWriter(
            path, SessionInfo(**session), DEVICE, CALIBRATION, rescue or tmp_path / "rescue"
        )
        writer.start()
        writers.append(writer)
        return writer

    yield make
    for writer in writers:
        writer.close(timeout=10)


@pytest.mark.parametrize("fault", ["folder removed", "file moved", "file replaced"])
def test_a_file_that_vanishes_is_rescued_whole(tmp_path: Path, writer_in, fault: str) -> None:
    folder = tmp_path / "clinic"
    folder.mkdir()
    writer = writer_in(folder / "s.h5")
    for i in range(5):
        writer.append(block(i * 1000, 1000))
    wait_until(lambda: writer.status().samples_written == 5000)
    time.sleep(0.6)  # flushed
    if fault == "folder removed":
        shutil.rmtree(folder)
    elif fault == "file moved":
        (folder / "s.h5").rename(tmp_path / "elsewhere.h5")
    else:
        (folder / "s.h5").unlink()
        (folder / "s.h5").write_bytes(b"somebody else's file")
    for i in range(5, 10):
        writer.append(block(i * 1000, 1000))
    status = writer.close()
    assert writer._thread.is_alive() is False
    assert "while recording" in status.error
    assert status.rescue_path is not None and status.lost_samples == 0
    assert [path for path, _ in status.files] == [status.rescue_path]
    assert np.array_equal(saved_seq(status), np.arange(10_000)), "all, in order, once"
    rescued = read_recording(status.rescue_path)
    assert not rescued.interrupted and "s.h5" in rescued.session["recovered_from"]


def test_a_value_a_file_cannot_hold_is_refused_and_costs_nothing(tmp_path: Path, writer_in) -> None:
    writer = writer_in(tmp_path / "s.h5")
    writer.append(block(0, 1000))
    with pytest.raises(InvalidValueError, match="NUL"):
        writer.set_notes("pain 7/10\x00")
    with pytest.raises(InvalidValueError, match="NUL"):
        writer.add_event(0.5, "marker", "trigger\x00point")
    with pytest.raises(InvalidValueError):
        writer.add_event(0.5, "marker", "x", "not a number")  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="valid text"):
        writer.add_segment(0, 1, "Upper trapezius\udcff", 100, 150)
    with pytest.raises(InvalidValueError, match="lacks the columns t_device, seq, flags"):
        writer.append(np.zeros(3, dtype=[("t", "<f8"), ("raw", "<f8"), ("force", "<f8")]))
    writer.set_notes("pain 7/10")
    writer.add_event(0.6, "marker", "trigger point")
    writer.append(block(1000, 1000))
    status = writer.close()
    assert status.error == "" and status.rescue_path is None
    recording = read_recording(tmp_path / "s.h5")
    assert np.array_equal(recording.samples["seq"], np.arange(2000))
    assert recording.events["label"].tolist() == ["trigger point"]
    assert recording.session["notes"] == "pain 7/10"


def test_a_bug_in_the_writer_keeps_the_data_and_says_so(
    tmp_path: Path, writer_in, monkeypatch
) -> None:
    """An exception nobody foresaw (here: a KeyError on the first write) is shown, the
    thread lives on, and the samples reach a file."""
    original, failures = H5Recording.write, []

    def failing_once(self, samples, tables):
        if not failures:
            failures.append(1)
            raise KeyError("something unforeseen")
        return original(self, samples, tables)

    monkeypatch.setattr(H5Recording, "write", failing_once)
    writer = writer_in(tmp_path / "s.h5")
    writer.append(block(0, 1000))
    wait_until(lambda: writer.status().error != "")
    assert "KeyError" in writer.status().error
    assert writer._thread.is_alive()
    writer.append(block(1000, 1000))
    status = writer.close()
    assert status.lost_samples == 0
    assert np.array_equal(np.sort(saved_seq(status)), np.arange(2000))


_LIMITED_WRITER = textwrap.dedent(
    """
    import resource, signal, sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[4])
    from test_write_faults import block, DEVICE, CALIBRATION
    from recordings import RecordingError, RecordingWriter, SessionInfo
    limit = int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write (EFBIG), do not kill
    root = Path(sys.argv[1])
    writer = RecordingWriter(root / "s.h5", SessionInfo(notes=sys.argv[3]), DEVICE,
                             CALIBRATION, root / "rescue")
    try:
        writer.start()
    except RecordingError as exc:
        print(repr(str(exc)))
        sys.exit(3)
    for i in range(40):
        writer.append(block(i * 1000, 1000, rate_hz=10_000, noisy=True))
        time.sleep(0.01)
    status = writer.close()
    print(repr((status.lost_samples, [(str(p), n) for p, n in status.files])))
    """
)


@posix_only
@pytest.mark.parametrize(
    ("limit", "notes"),
    [
        (150_000, ""),  # less than an empty recording
        (236_000, ""),  # too little for an empty file and its margin: refused at once
        (245_000, ""),  # these fall about the first compressed chunk
        (250_000, ""),
        (260_000, ""),
        (400_000, ""),
        (400_000, "n" * 100_000),
        (1_500_000, ""),
    ],
)
def test_a_file_size_limit_never_leaves_an_unreadable_file(
    tmp_path: Path, limit: int, notes: str
) -> None:
    script = tmp_path / "limited.py"
    script.write_text(_LIMITED_WRITER)
    tests = str(Path(__file__).parent)
    run = subprocess.run(
        [sys.executable, str(script), str(tmp_path), str(limit), notes, tests],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Exception ignored" not in run.stderr and "Traceback" not in run.stderr
    if run.returncode == 3:  # refused at the start: it could not hold even an empty file
        assert "no room for a new recording" in run.stdout and limit < 240_000
        assert list(tmp_path.glob("*.h5")) == []
        return
    assert run.returncode == 0, run.stderr  # not a crash
    lost, files = eval(run.stdout.strip().splitlines()[-1])
    every_file = [tmp_path / "s.h5", *sorted((tmp_path / "rescue").glob("*.h5"))]
    for path in every_file:
        read_recording(path)  # each one opens
    saved = np.concatenate(
        [read_recording(Path(p)).samples["seq"] for p, _ in files] or [np.zeros(0, int)]
    )
    assert saved.size + lost == 40_000, "every sample is saved or counted as lost"
    assert np.unique(saved).size == saved.size
    if limit > 1_000_000:
        assert lost == 0


@contextlib.contextmanager
def small_disk(path: Path, size: str) -> Iterator[Path]:
    """A real, small file system (tmpfs): needs root, as CI and this machine have."""
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(disk: Path) -> Path:
    """Leave the disk all but full, as a laptop's disk is when it fills."""
    ballast = disk / "ballast"
    with open(ballast, "wb") as stream, contextlib.suppress(OSError):
        while True:
            stream.write(b"\0" * 65536)
            stream.flush()
    return ballast


@posix_only
def test_a_full_disk_holds_samples_in_memory_says_so_and_resumes(tmp_path: Path) -> None:
    """The rescue folder on the same full disk (a one-disk laptop): the samples wait in
    memory, the status says so at once and for how long memory lasts, and all of them are
    written when room returns."""
    with small_disk(tmp_path / "disk", "3m") as disk:
        writer = RecordingWriter(disk / "s.h5", SessionInfo(), DEVICE, CALIBRATION, disk / "r")
        writer.start()
        writer.append(block(0, 1000))
        wait_until(lambda: writer.status().samples_written == 1000)
        ballast = fill(disk)
        for i in range(1, 11):
            writer.append(block(i * 1000, 1000))
            time.sleep(0.05)
        wait_until(lambda: writer.status().held_samples >= 10_000)
        status = writer.status()
        message = status.describe()
        assert message.startswith("cannot write: ") and "wait in memory" in message
        assert "10 s of samples" in message and "room for 2.8 h more" in message
        ballast.unlink()  # room returns
        wait_until(lambda: writer.status().held_samples == 0)
        assert writer.status().describe() == "", "writing goes on: nothing is wrong now"
        status = writer.close()
        assert status.lost_samples == 0 and status.error.startswith("no room left to write")
        assert status.files == ((disk / "s.h5", 11_000),), "all in the session's own file"
        assert np.array_equal(saved_seq(status), np.arange(11_000))


@posix_only
def test_samples_still_waiting_at_the_close_are_counted_lost_not_saved(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "3m") as disk:
        writer = RecordingWriter(disk / "s.h5", SessionInfo(), DEVICE, CALIBRATION, disk / "r")
        writer.start()
        writer.append(block(0, 1000))
        wait_until(lambda: writer.status().samples_written == 1000)
        fill(disk)
        writer.append(block(1000, 4000))
        status = writer.close(wait_for_room_s=0.5)
        assert status.lost_samples == 4000 and status.samples_written == 1000
        assert status.files == ((disk / "s.h5", 1000),)
        kept = read_recording(disk / "s.h5")  # as at its last flush: repair closes a copy
        assert kept.interrupted and np.array_equal(kept.samples["seq"], np.arange(1000))


def test_a_long_name_still_gets_a_rescue_file(tmp_path: Path, writer_in) -> None:
    folder = tmp_path / "clinic"
    folder.mkdir()
    name = "é" * 122 + ".h5"  # 247 bytes: a rescue name must not grow it past 255
    writer = writer_in(folder / name)
    writer.append(block(0, 1000))
    time.sleep(0.6)
    shutil.rmtree(folder)
    writer.append(block(1000, 1000))
    status = writer.close()
    assert status.rescue_path is not None
    assert len(status.rescue_path.name.encode()) <= 255
    assert np.array_equal(saved_seq(status), np.arange(2000))


def losing_its_folder(folder: Path, rescue: Path) -> RecordingWriter:
    """A writer that flushed its first 1000 samples, then lost its folder."""
    folder.mkdir()
    writer = RecordingWriter(folder / "s.h5", SessionInfo(), DEVICE, CALIBRATION, rescue)
    writer.start()
    writer.append(block(0, 1000))
    time.sleep(0.6)
    shutil.rmtree(folder)
    return writer


@posix_only
def test_the_rescue_folder_is_private_and_never_a_planted_link(tmp_path: Path) -> None:
    folder, rescue = tmp_path / "clinic", tmp_path / "rescue"
    status = losing_its_folder(folder, rescue).close()
    assert rescue.stat().st_mode & 0o777 == 0o700
    assert status.rescue_path is not None and status.rescue_path.stat().st_mode & 0o777 == 0o600

    planted, target = tmp_path / "planted", tmp_path / "someone-elses"
    target.mkdir()
    planted.symlink_to(target)
    writer = losing_its_folder(folder, planted)
    writer.append(block(1000, 1000))
    wait_until(lambda: "link" in writer.status().trouble)
    status = writer.close()
    assert list(target.iterdir()) == [], "nothing written through the link"
    assert status.lost_samples == 2000 and status.files == ()


def test_the_main_file_goes_on_when_nothing_goes_wrong(tmp_path: Path, writer_in) -> None:
    """The baseline the faults are measured against: one file, named, holding all."""
    writer = writer_in(tmp_path / f"{uuid.uuid4()}.h5")
    for i in range(3):
        writer.append(block(i * 1000, 1000))
    status = writer.close()
    assert status.error == "" and status.files == ((writer.path, 3000),)


def leave_free(disk: Path, free_bytes: int) -> None:
    """Fill ``disk`` until about ``free_bytes`` are left."""
    ballast = disk / "ballast"
    chunk = 64 * 1024
    with open(ballast, "wb") as stream:
        while shutil.disk_usage(disk).free > free_bytes + chunk:
            stream.write(b"\0" * chunk)
            stream.flush()
            os.fsync(stream.fileno())


@posix_only
@pytest.mark.parametrize("free_kb", [250, 260, 300, 420])
def test_a_file_that_fills_its_disk_is_closed_whole_before_the_rescue(
    tmp_path: Path, free_kb: int
) -> None:
    """The session's disk all but full, the rescue folder on another disk with room: the
    session's file is closed cleanly and stays readable, and the rest is in rescue files."""
    with (
        small_disk(tmp_path / "out", "2m") as out_disk,
        small_disk(tmp_path / "other", "8m") as other,
    ):
        leave_free(out_disk, free_kb * 1024)
        writer = RecordingWriter(out_disk / "s.h5", SessionInfo(), DEVICE, CALIBRATION, other)
        writer.start()
        for i in range(30):
            writer.append(block(i * 1000, 1000, rate_hz=10_000, noisy=True))
            time.sleep(0.02)
        status = writer.close()
        assert status.lost_samples == 0 and status.unclosed == ()
        main = read_recording(out_disk / "s.h5")
        assert not main.interrupted, "closed cleanly before its disk was full"
        assert status.files[0] == (out_disk / "s.h5", main.samples["seq"].size)
        assert np.array_equal(np.sort(saved_seq(status)), np.arange(30_000))


@posix_only
def test_the_room_estimate_holds_at_every_size_of_a_nearly_full_disk(tmp_path: Path) -> None:
    """The writer's own rule, batch by batch as at 1 kHz (250 samples a batch, flushed):
    write while the file says it has room, then close. On a disk left with any of these
    amounts free, the close succeeds and the file holds every sample. (The first 4096
    samples cost nothing until their chunk is compressed: an estimate made from them alone
    once let a file overrun its disk and be destroyed at its close.)"""
    with small_disk(tmp_path / "disk", "2m") as disk:
        for free_kb in range(230, 480, 10):
            leave_free(disk, free_kb * 1024)
            path = disk / f"s{free_kb}.h5"
            try:
                file = H5Recording.create(path, SessionInfo(), DEVICE, CALIBRATION)
            except RecordingError:
                assert free_kb < 260, "an empty file fits in 260 KB"
                (disk / "ballast").unlink()
                continue
            written = 0
            while file.has_room_for(250):
                batch = block(written, 250, noisy=True)  # noise: the worst to compress
                file.write([batch], {})
                file.flush()
                written += 250
            file.close_and_stamp()
            recording = read_recording(path)
            assert not recording.interrupted
            assert np.array_equal(recording.samples["seq"], np.arange(written)), free_kb
            path.unlink()
            (disk / "ballast").unlink()


def test_a_folder_removed_while_the_file_is_made_is_a_clear_error(
    tmp_path: Path, monkeypatch
) -> None:
    from recordings import h5file  # noqa: PLC0415 - the step to break

    folder = tmp_path / "clinic"
    folder.mkdir()
    write_layout = h5file._write_layout

    def then_remove_the_folder(*args) -> None:
        write_layout(*args)
        shutil.rmtree(folder)

    monkeypatch.setattr(h5file, "_write_layout", then_remove_the_folder)
    with pytest.raises(RecordingError, match="cannot write"):
        H5Recording.create(folder / "s.h5", SessionInfo(), DEVICE, CALIBRATION)


def test_a_result_names_the_files_that_hold_the_samples(tmp_path: Path) -> None:
    from monitor.recorder import RecordingResult  # noqa: PLC0415

    own = tmp_path / "s.h5"
    held_up = RecordingResult(own, 900, "no room left to write s.h5", files=((own, 900),))
    assert held_up.complete and held_up.where() == str(own)
    assert (
        held_up.describe()
        == f"saved 900 samples to {own} (writing was held up: no room left to write s.h5)"
    )
    rescued = tmp_path / "r.h5"
    moved = RecordingResult(own, 900, f"{own} was removed", rescued, files=((rescued, 900),))
    assert not moved.complete and moved.where() == f"{rescued} (900)"
    assert str(own) not in moved.describe().split("; ", 1)[1]
    none = RecordingResult(own, 0, "no room", lost_samples=500)
    assert none.where() == "no file" and "500 samples were lost" in none.describe()
    unclosed = RecordingResult(own, 900, "no room", files=((own, 900),), unclosed=(own,))
    assert not unclosed.complete and f"pressure-monitor repair {own}" in unclosed.describe()
