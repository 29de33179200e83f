"""``record`` under real faults, as a lab script runs it: a device that goes silent with its
port open, one that sends only unreadable lines, the output folder removed mid-recording, and a
damaged calibration store. It never hangs, never exits 0 when samples were lost, and never
names a file that does not hold them."""

from __future__ import annotations

import contextlib
import itertools
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from conftest import PtyDevice, needs_pty, run_cli, speaking_pty, wait_for_file
from test_end_to_end import start_recording
from test_write_faults import leave_free, small_disk

from calibration import CalibrationStore
from firmware_bridge.sim import SimulatorConfig
from monitor.paths import calibrations_dir
from recordings import read_recording

pytestmark = needs_pty


def board(out: Path, then: Iterator[bytes]) -> contextlib.AbstractContextManager[str]:
    """A DIY board on a real pty: readings until ``record`` has made ``out`` (so none are
    lost before it listens), then ``then``, then nothing with the port still open."""
    before = itertools.takewhile(lambda _: not out.exists(), readings())
    return speaking_pty(itertools.chain(before, then))


def readings(count: int | None = None) -> Iterator[bytes]:
    for i in itertools.count() if count is None else range(count):
        yield f"{10 + i % 7}.5\r\n".encode()


def test_a_silent_device_ends_the_recording_after_give_up(tmp_path: Path) -> None:
    out = tmp_path / "s.h5"
    with board(out, readings(30)) as port:  # readings, then silence with the port open
        started = time.monotonic()
        process = start_recording(
            port, out, "--protocol", "ascii", "--duration", "60", "--give-up-after", "1.5"
        )
        _, stderr = process.communicate(timeout=30)
    assert time.monotonic() - started < 15, "it gave up, it did not wait for the duration"
    assert process.returncode == 1
    assert (
        stderr.strip()
        .splitlines()[-1]
        .endswith(f"no readings from {port} for 1.5\u202fs (the port is open but silent)")
    )
    assert "Traceback" not in stderr
    assert read_recording(out).samples["t"].size > 5


def test_only_unreadable_lines_are_named_as_such(tmp_path: Path) -> None:
    def noise() -> Iterator[bytes]:
        rng = np.random.default_rng(3)
        while True:
            yield bytes(rng.integers(128, 256, 12, dtype=np.uint8)) + b"\r\n"

    out = tmp_path / "s.h5"
    with board(out, noise()) as port:
        process = start_recording(port, out, "--protocol", "ascii", "--give-up-after", "1.5")
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 1
    assert f"only unreadable data from {port} for 1.5\u202fs" in stderr


def test_duration_counts_on_the_clock_from_the_first_sample(tmp_path: Path) -> None:
    """A device that stops half-way: the recording ends at its duration, not never, and
    says it is short."""
    out = tmp_path / "s.h5"
    with board(out, readings(50)) as port:  # about 1 s of readings once recording
        started = time.monotonic()
        process = start_recording(
            port, out, "--protocol", "ascii", "--duration", "2", "--give-up-after", "60"
        )
        _, stderr = process.communicate(timeout=30)
    assert time.monotonic() - started < 12
    assert process.returncode == 1
    assert "no readings for the last" in stderr and "of the 2\u202fs" in stderr


def test_the_output_folder_removed_while_recording(pty_device, tmp_path: Path) -> None:
    device = pty_device(rate_hz=1000)
    folder, rescue = tmp_path / "clinic", tmp_path / "rescue"
    folder.mkdir()
    out = folder / "s.h5"
    process = start_recording(device.port, out, "--duration", "2", "--rescue-dir", str(rescue))
    wait_for_file(out)
    time.sleep(0.7)
    shutil.rmtree(folder)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 1, stderr
    rescued = sorted(rescue.glob("s-rescued*.h5"))
    assert len(rescued) == 1
    assert str(out) not in stdout, "the removed file is not named as holding the samples"
    assert str(rescued[0]) in stdout
    assert f"{out} was removed or moved while recording" in stderr.splitlines()[0]
    assert str(rescued[0]) in stderr.splitlines()[-1]
    seq = read_recording(rescued[0]).samples["seq"]
    assert seq.size == 2000 and np.all(np.diff(seq) == 1), "all 2 s, none lost"


def test_a_damaged_calibration_store_is_said_not_silently_skipped(
    pty_device, tmp_path: Path
) -> None:
    device = pty_device(rate_hz=500)
    damaged = CalibrationStore(calibrations_dir()).path_for("SIM000000001")
    damaged.parent.mkdir(parents=True, exist_ok=True)
    damaged.write_text('{"format": "pressure-monitor-calibrations", "hist')
    out = tmp_path / "s.h5"
    result = run_cli("record", "--port", device.port, "--duration", "0.5", str(out))
    assert result.returncode == 0, result.stderr
    warning = result.stderr.strip()
    assert warning.startswith("pressure-monitor record: warning: stored calibration not used")
    assert str(damaged) in warning and "device's own calibration" in warning
    assert read_recording(out).calibration["source"] == "device"


def test_another_kind_of_device_after_a_reconnection_ends_it(tmp_path: Path) -> None:
    """The gauge is unplugged and a board of another kind appears on the same link: its
    bytes are nothing fgb1 can read, so the recording ends rather than wait for ever."""
    link, out = tmp_path / "ttyGAUGE", tmp_path / "s.h5"
    device = PtyDevice(SimulatorConfig(protocol="fgb1", rate_hz=200))
    link.symlink_to(device.port)
    process = start_recording(str(link), out, "--duration", "60", "--give-up-after", "2")
    try:
        wait_for_file(out)
        time.sleep(0.7)  # 140 readings recorded
        device.unplug()
        link.unlink()
        device = PtyDevice(SimulatorConfig(protocol="ascii", rate_hz=200))
        link.symlink_to(device.port)
        _, stderr = process.communicate(timeout=30)
    finally:
        device.unplug()
    assert process.returncode == 1
    assert f"only unreadable data from {link} for 2\u202fs" in stderr
    assert read_recording(out).samples["t"].size > 100


def test_a_name_too_long_is_bad_input_in_one_line(tmp_path: Path) -> None:
    result = run_cli("record", "--port", "/dev/null", str(tmp_path / ("a" * 256 + ".h5")))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "File name too long" in result.stderr


def test_room_that_returns_lets_the_recording_go_on_in_its_own_file(
    pty_device, tmp_path: Path, monkeypatch
) -> None:
    """A one-disk laptop fills up (the rescue folder on the same disk), then room returns:
    stderr says so as it happens, and every sample ends up in OUT, so the exit is 0."""
    with small_disk(tmp_path / "disk", "2m") as disk:
        monkeypatch.setenv("PRESSURE_MONITOR_DATA", str(disk / "data"))
        device = pty_device(rate_hz=1000)
        leave_free(disk, 300 * 1024)
        out = disk / "s.h5"
        process = start_recording(device.port, out, "--duration", "6")
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True)
        reader.start()
        deadline = time.monotonic() + 20
        while not any("wait in memory" in line for line in lines):
            assert time.monotonic() < deadline, lines
            time.sleep(0.05)
        (disk / "ballast").unlink()  # room returns
        stdout = process.stdout.read()
        process.wait(30)
        reader.join(5)
        process.stdout.close()
        process.stderr.close()
        assert process.returncode == 0, lines
        assert stdout.startswith(f"recorded 6000 samples to {out} ")
        said = [line.rstrip().removeprefix("pressure-monitor record: warning: ") for line in lines]
        assert said[0].startswith(f"cannot write: no room left in {disk / 'data' / 'rescue'}")
        assert f"writing again, to {out}" in said
        assert said[-1].startswith(f"saved 6000 samples to {out} (writing was held up")
        seq = read_recording(out).samples["seq"]
        assert seq.size == 6000 and np.all(np.diff(seq) == 1)
