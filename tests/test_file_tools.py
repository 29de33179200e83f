"""A recording is plain HDF5: h5dump reads it, and pandas does, as the README shows."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from monitor.acquisition import CALIBRATED_DTYPE
from recordings import RecordingWriter, SessionInfo

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    path = tmp_path / "session.h5"
    writer = RecordingWriter(
        path,
        SessionInfo(client="C-42"),
        {"protocol": "fgb1", "identity": "SIM1"},
        {"offset": 0.0, "gain_n_per_unit": 1.0, "source": "device"},
    )
    writer.start()
    block = np.zeros(5000, dtype=CALIBRATED_DTYPE)
    block["seq"] = np.arange(5000)
    block["t"] = block["seq"] * 1e-3
    block["force"] = np.sin(block["t"]) * 20
    writer.append(block)
    writer.add_event(1.5, "marker", "trigger point released")
    writer.add_segment(0.0, 4.999, "Upper trapezius", 150, 220, side="left")
    writer.close()
    return path


def h5dump(*args: str) -> str:
    if shutil.which("h5dump") is None:
        pytest.skip("h5dump is not installed (Debian: hdf5-tools; .ci/run installs it)")
    done = subprocess.run(["h5dump", *args], capture_output=True, text=True, check=True)
    return done.stdout


def test_h5dump_reads_layout_attributes_and_tables(recording: Path) -> None:
    header = h5dump("-H", str(recording))
    for name in (
        "session",
        "device",
        "calibration",
        "samples",
        "events",
        "segments",
        "ppt_trials",
        "overview",
        "force",
        "t_device",
    ):
        assert f'"{name}"' in header
    assert '"C-42"' in h5dump("-a", "/session/client", str(recording))
    events = h5dump("-d", "/events", str(recording))
    assert '"trigger point released"' in events and '"marker"' in events
    force = h5dump("-d", "/samples/force", "-s", "1570", "-c", "1", str(recording))
    assert "20" in force  # sin(1.570) * 20 = 19.99...


def test_readme_pandas_snippet_runs(recording: Path, monkeypatch) -> None:
    snippet = README.split("```python", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(recording.parent)
    namespace: dict = {}
    exec(snippet, namespace)  # the README's own lines, unchanged
    samples = namespace["samples"]
    assert list(samples.columns) >= ["flags", "force", "raw", "seq", "t", "t_device"]
    assert len(samples) == 5000
    assert samples["force"].max() == pytest.approx(20, abs=0.01)


def test_info_on_a_console_that_cannot_show_our_characters_escapes_them(recording) -> None:
    """A narrow space or a true minus on an ASCII (or cp1252) console: escaped, no traceback."""
    command = [sys.executable, "-m", "monitor", "info", str(recording)]
    shown = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert "\u202f" in shown  # what an ASCII console cannot show
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
