"""Every device family end to end, as a lab would run it: ``simulate`` serves the gauge on
a real pty, ``record --protocol auto`` finds out what it is and records it in newtons."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import needs_pty, run_cli

from recordings import read_recording

pytestmark = needs_pty

FAMILIES = [
    ("fgb1", ()),
    ("ascii", ("--line", "Reading: {gf:.1f} g")),  # an HX711 scale sketch
    ("mark10", ("--unit", "lbf")),
    ("imada", ("--unit", "kgf")),
    ("imada-zt", ()),
    ("wagner", ("--unit", "lbf")),
]


@pytest.mark.parametrize(("protocol", "options"), FAMILIES, ids=[f[0] for f in FAMILIES])
def test_record_auto_detects_and_records(simulator, out_dir: Path, protocol, options) -> None:
    sim = simulator("--protocol", protocol, "--rate", "200", "--profile", "steady", *options)
    out = out_dir / "session.h5"
    result = run_cli(
        "record", "--port", sim.port, "--protocol", "auto", "--duration", "1.5", str(out)
    )
    assert result.returncode == 0, result.stderr
    recording = read_recording(out)
    assert recording.device["protocol"] == protocol
    assert recording.samples["t"].size > 100  # polled gauges: one reply per round trip
    # The steady profile's 20 N dead weight, in newtons, whatever unit the gauge sent.
    assert np.mean(recording.samples["force"]) == pytest.approx(20.0, abs=0.6)
    summary = json.loads(run_cli("info", str(out), "--json").stdout)
    assert summary["dropped_samples"] == 0


def test_fdix_that_loses_its_stream_is_polled_and_the_recording_says_so(
    simulator, out_dir: Path
) -> None:
    sim = simulator("--protocol", "wagner-fdix", "--profile", "steady", "--stream-lost-at", "1")
    out = out_dir / "session.h5"
    result = run_cli(
        "record", "--port", sim.port, "--protocol", "wagner-fdix", "--duration", "3", str(out)
    )
    assert result.returncode == 0, result.stderr
    recording = read_recording(out)
    t = recording.samples["t"]
    assert t[-1] - t[0] > 2.5 and np.max(np.diff(t)) < 0.8
    labels = recording.events["label"].astype(str)
    assert any("polling it instead" in label for label in labels)


def test_a_port_where_nothing_answers_fails_with_a_reason(simulator, out_dir: Path) -> None:
    sim = simulator("--protocol", "fgb1", "--rate", "10")  # speaks, but only when started...
    result = run_cli(
        "record", "--port", sim.port, "--protocol", "ascii", "--duration", "1",
        str(out_dir / "x.h5"),
    )  # fmt: skip
    assert result.returncode == 2
    assert "no samples from" in result.stderr
