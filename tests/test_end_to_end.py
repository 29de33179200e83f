"""The whole chain as a lab runs it: `simulate` on a real pty -> `record` -> `info`/`export`."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import needs_pty, run_cli, wait_for_file

from recordings import read_recording

pytestmark = needs_pty


def start_recording(port: str, out: Path, *options: str) -> subprocess.Popen:
    """``record`` with no duration, running until it is stopped or its device goes."""
    return subprocess.Popen(
        [sys.executable, "-m", "monitor", "record", "--port", port, *options, str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def info_json(path: Path) -> dict:
    result = run_cli("info", str(path), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("protocol", "rate", "seconds"), [("fgb1", 1000, 3), ("ascii", 1000, 3), ("fgb1", 10000, 2)]
)
def test_simulate_record_info(simulator, out_dir: Path, protocol: str, rate: int, seconds: int):
    sim = simulator("--protocol", protocol, "--rate", str(rate))
    out = out_dir / "session.h5"
    result = run_cli(
        "record",
        "--port",
        sim.port,
        "--protocol",
        protocol,
        "--duration",
        str(seconds),
        "--muscle",
        "upper trapezius",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    summary = info_json(out)
    assert summary["samples"] == pytest.approx(rate * seconds, rel=0.02)
    assert summary["dropped_samples"] == 0
    assert summary["rate_hz"] == pytest.approx(rate, rel=0.02)
    assert summary["segments"] == 1
    assert summary["schema_version"] == 1
    assert summary["device"]["protocol"] == protocol
    assert summary["device"]["port"] == sim.port
    assert summary["units"]["force"] == "N"
    # The simulated therapist presses 12-35 N at most: the calibration was applied.
    assert summary["force_n"]["min"] > -1 and summary["force_n"]["max"] < 40


def test_export_csv_after_recording(pty_device, out_dir: Path) -> None:
    device = pty_device(rate_hz=500)
    out, csv_path = out_dir / "s.h5", out_dir / "s.csv"
    assert run_cli("record", "--port", device.port, "--duration", "1", str(out)).returncode == 0
    result = run_cli("export", str(out), "--csv", str(csv_path))
    assert result.returncode == 0, result.stderr
    lines = csv_path.read_text().splitlines()
    header = next(line for line in lines if not line.startswith("#"))
    assert header == "t_s,t_device_s,force_N,raw,seq,flags"
    assert len([line for line in lines if not line.startswith("#")]) == 501


def test_text_info(pty_device, out_dir: Path) -> None:
    device = pty_device(rate_hz=200)
    out = out_dir / "s.h5"
    run_cli("record", "--port", device.port, "--duration", "0.5", "--client", "C-3", str(out))
    text = run_cli("info", str(out)).stdout
    assert "C-3" in text and "samples   100 over" in text and "0 samples in 0 gaps" in text


def test_unplugged_device_ends_recording_with_data_safe(pty_device, out_dir: Path) -> None:
    device = pty_device(rate_hz=1000)
    out = out_dir / "s.h5"
    record = start_recording(device.port, out, "--give-up-after", "1.5")
    wait_for_file(out)
    time.sleep(1.0)
    device.unplug()  # the cable is pulled, and it is not plugged in again
    _, stderr = record.communicate(timeout=20)
    assert record.returncode == 1
    assert "ended early: lost the device on" in stderr and "within 1.5\u202fs" in stderr
    assert len(stderr.strip().splitlines()) == 1
    recording = read_recording(out)
    assert recording.samples["t"].size > 500
    assert recording.session["end_time"]


def test_ctrl_c_closes_the_file_cleanly(pty_device, out_dir: Path) -> None:
    device = pty_device(rate_hz=1000)
    out = out_dir / "s.h5"
    record = start_recording(device.port, out)
    wait_for_file(out)
    time.sleep(1.5)
    record.send_signal(signal.SIGINT)
    stdout, stderr = record.communicate(timeout=20)
    assert record.returncode == 0, stderr
    assert "recorded" in stdout
    summary = info_json(out)
    assert 1000 < summary["samples"] < 3000
    assert summary["dropped_samples"] == 0


def test_record_refuses_an_existing_file(simulator, out_dir: Path) -> None:
    out = out_dir / "s.h5"
    out.write_bytes(b"earlier session")
    result = run_cli("record", "--port", "/dev/null", "--duration", "1", str(out))
    assert result.returncode == 2
    assert "already exists" in result.stderr
    assert out.read_bytes() == b"earlier session"


def test_wrong_protocol_is_a_clear_error(pty_device, out_dir: Path) -> None:
    device = pty_device(protocol="ascii", rate_hz=200)
    result = run_cli(
        "record",
        "--port",
        device.port,
        "--protocol",
        "fgb1",
        "--duration",
        "1",
        str(out_dir / "s.h5"),
    )
    assert result.returncode == 2
    assert "no samples" in result.stderr and "fgb1" in result.stderr
    assert not (out_dir / "s.h5").exists()


def test_missing_port_is_a_clear_error(out_dir: Path) -> None:
    result = run_cli("record", "--port", "/dev/ttyNOPE9", "--duration", "1", str(out_dir / "s.h5"))
    assert result.returncode == 2
    assert result.stderr == (
        "pressure-monitor record: cannot open /dev/ttyNOPE9: No such file or directory\n"
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "not a readable HDF5 file"), (b"\x89HDF\r\n\x1a\n" + bytes(100), "HDF5")],
)
def test_info_on_a_bad_file_exits_2_with_one_line(out_dir: Path, content: bytes, reason: str):
    path = out_dir / "bad.h5"
    path.write_bytes(content)
    result = run_cli("info", str(path), "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and reason in result.stderr


def test_unknown_muscle_is_bad_usage(out_dir: Path) -> None:
    result = run_cli("record", "--port", "x", "--muscle", "biceps", str(out_dir / "s.h5"))
    assert result.returncode == 2 and "no target for 'biceps'" in result.stderr


def test_help_lists_the_commands() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("gui", "simulate", "record", "info", "export", "repair", "ports"):
        assert command in result.stdout
