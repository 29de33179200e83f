"""Recordings survive what happens to real sessions: SIGKILL at any moment, a full disk, and
a file that was never closed (``repair``). Real processes, real ptys, real files."""

from __future__ import annotations

import contextlib
import os
import queue
import random
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import needs_pty, run_cli, wait_for_file

from firmware_bridge.sim import SimulatorConfig
from recordings import read_recording

pytestmark = needs_pty
serve_pty = pytest.importorskip("firmware_bridge.sim.pty_server").serve_pty  # POSIX only

#: The promise: a kill loses at most the last second.
MAX_LOSS_S = 1.0


@contextlib.contextmanager
def pty_simulator(rate_hz: float) -> Iterator[tuple[str, float]]:
    """A simulated FGB1 device on a pty in this process. Yields its port and its power-on
    time on the system's monotonic clock, so that a sample's device time says when (on
    every process's monotonic clock) it was made."""
    stop, ready = threading.Event(), queue.Queue()
    config = SimulatorConfig(rate_hz=rate_hz)
    thread = threading.Thread(
        target=serve_pty,
        args=(config, stop, lambda port: ready.put((port, time.monotonic()))),
        daemon=True,
    )
    thread.start()
    try:
        yield ready.get(timeout=10)
    finally:
        stop.set()
        thread.join(10)


def start_record(port: str, out: Path, *extra: str, **popen) -> subprocess.Popen:
    env = os.environ | {"PYTHONFAULTHANDLER": "1"}  # a crash shows where in stderr
    return subprocess.Popen(
        [sys.executable, "-m", "monitor", "record", "--port", port, *extra, str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **popen,
    )


def kill_and_check(out: Path, delay_s: float) -> None:
    with pty_simulator(1000) as (port, powered_at):
        record = start_record(port, out)
        appeared = wait_for_file(out)
        time.sleep(delay_s)
        killed_at = time.monotonic()
        record.kill()
        record.communicate(timeout=10)
    recording = read_recording(out)  # must open, kill or no kill
    assert recording.interrupted
    seq = recording.samples["seq"]
    if seq.size == 0:
        assert killed_at - appeared < MAX_LOSS_S
        return
    assert np.all(np.diff(seq) == 1), "samples in the file are contiguous"
    newest_made_at = powered_at + recording.samples["t_device"][-1]
    assert killed_at - newest_made_at <= MAX_LOSS_S, (
        f"killed {killed_at - newest_made_at:.3f} s after the newest sample in the file"
    )


@pytest.mark.parametrize("delay_s", [0.05, 0.9, 2.3])
def test_sigkill_loses_at_most_one_second(tmp_path: Path, delay_s: float) -> None:
    kill_and_check(tmp_path / "killed.h5", delay_s)


@pytest.mark.slow
def test_sigkill_at_100_random_moments(tmp_path: Path) -> None:
    moments = random.Random(2026).sample(range(3000), 100)
    for i, milliseconds in enumerate(moments):
        kill_and_check(tmp_path / f"killed-{i}.h5", milliseconds / 1000)


def test_repair_makes_a_clean_copy_and_keeps_the_original(tmp_path: Path) -> None:
    out = tmp_path / "killed.h5"
    kill_and_check(out, 1.5)
    original_bytes = out.read_bytes()
    result = run_cli("repair", str(out))
    assert result.returncode == 0, result.stderr
    repaired = tmp_path / "killed-repaired.h5"
    assert str(repaired) in result.stdout
    assert out.read_bytes() == original_bytes  # the evidence is untouched
    before, after = read_recording(out), read_recording(repaired)
    assert not after.interrupted
    assert np.array_equal(after.samples["seq"], before.samples["seq"])
    assert np.array_equal(after.samples["force"], before.samples["force"])
    assert after.session["uuid"] == before.session["uuid"]
    assert "interrupted" in after.session["recovered_from"]
    assert after.device["achieved_rate_hz"] == pytest.approx(1000, rel=0.01)
    info = run_cli("info", str(repaired), "--json")
    assert info.returncode == 0 and '"interrupted": false' in info.stdout
    again = run_cli("repair", str(repaired))
    assert again.returncode == 0 and "nothing to repair" in again.stdout


def test_repair_of_garbage_says_it_cannot(tmp_path: Path) -> None:
    path = tmp_path / "junk.h5"
    path.write_bytes(os.urandom(4096))
    result = run_cli("repair", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith("pressure-monitor repair: cannot recover anything")


def _limit_file_size(limit: int) -> None:
    """In the child: files may not grow past ``limit`` bytes, as on a full disk."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write (EFBIG), do not kill


def test_full_disk_loses_nothing(tmp_path: Path) -> None:
    out, rescue_dir = tmp_path / "session.h5", tmp_path / "rescue"
    with pty_simulator(10_000) as (port, _):
        record = start_record(
            port,
            out,
            "--duration",
            "3",
            "--rescue-dir",
            str(rescue_dir),
            preexec_fn=lambda: _limit_file_size(400_000),
        )
        _, stderr = record.communicate(timeout=60)
    assert record.returncode == 1, stderr
    *warnings, last = stderr.splitlines()
    # Told at once, as each file fills, then once more at the end: where every sample is.
    assert warnings and all(w.startswith("pressure-monitor record: warning: ") for w in warnings)
    assert "the recording goes on in" in warnings[0]
    assert last.startswith(f"pressure-monitor record: no room left to write {out}")
    assert "saved 30000 samples to " in last and "lost" not in last, last
    main = read_recording(out)
    rescues = [read_recording(path) for path in sorted(rescue_dir.glob("session-rescued*.h5"))]
    assert rescues, "the rest of the recording is in a rescue file"
    # The session's file was closed cleanly before HDF5 could fail, and says where it went on.
    assert not main.interrupted
    continued = main.events[main.events["kind"] == "continued"]
    assert continued["label"].tolist()[0] in {rescue.path.name for rescue in rescues}
    everything = np.unique(np.concatenate([r.samples["seq"] for r in (main, *rescues)]))
    assert everything.size == 30_000
    assert np.all(np.diff(everything) == 1), "not one sample lost across the files"
    for rescue in rescues:
        assert rescue.session["continues_uuid"] == main.session["uuid"]
        assert "no room left" in rescue.session["recovered_from"]
