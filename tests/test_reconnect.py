"""Unplug and replug: a pty behind a symlink that vanishes and comes back, as a USB
gauge's /dev/serial/by-id link does; the session and its recording go on."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from conftest import PtyDevice, needs_pty

from firmware_bridge.sim import SimulatorConfig
from monitor.acquisition import Acquisition
from monitor.recorder import SessionRecorder
from recordings import SessionInfo, read_recording


def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


@needs_pty
@pytest.mark.parametrize("protocol", ["fgb1", "mark10"])
def test_the_recording_goes_on_across_an_unplug(tmp_path: Path, protocol: str) -> None:
    config = SimulatorConfig(protocol=protocol, rate_hz=200, profile="steady")
    link = tmp_path / "ttyGAUGE"
    device = PtyDevice(config)
    link.symlink_to(device.port)
    acquisition = Acquisition(str(link), protocol)
    acquisition.start()
    out = tmp_path / "session.h5"
    recorder = SessionRecorder(acquisition, out, SessionInfo())
    try:
        wait_for(lambda: acquisition.status().samples > 50)
        recorder.start()
        recording_from = acquisition.status().samples
        wait_for(lambda: acquisition.status().samples > recording_from + 100)  # 0.5 s recorded
        device.unplug()
        link.unlink()  # the device node and its link are gone
        wait_for(lambda: "connection lost: waiting for" in acquisition.status().error)
        time.sleep(1.5)
        before = acquisition.status().samples
        device = PtyDevice(config)  # plugged in again: a new node, the same link
        link.symlink_to(device.port)
        wait_for(lambda: acquisition.status().samples > before + 100)
        status = acquisition.status()
        assert status.connected and not status.error and status.reconnections == 1
    finally:
        result = recorder.stop()
        acquisition.stop()
        device.unplug()
    assert not result.error
    recording = read_recording(out)
    kinds = recording.events["kind"].astype(str).tolist()
    assert "disconnected" in kinds and "reconnected" in kinds
    reconnected = recording.events[recording.events["kind"].astype(str) == "reconnected"][0]
    assert 1.5 <= reconnected["value"] < 4.0  # the seconds without data
    t = recording.samples["t"]
    assert np.all(np.diff(t) > 0), "session time runs on across the reconnection"
    jumps = np.diff(t)
    assert np.sum(jumps > 1.0) == 1 and 1.5 <= jumps.max() < 4.0  # the gap, and only it
    assert np.all(np.diff(recording.samples["seq"]) >= 1)
    assert np.nanmean(recording.samples["force"]) == pytest.approx(20.0, abs=0.1)


@needs_pty
def test_a_port_that_never_returns_keeps_waiting_until_stopped(tmp_path: Path) -> None:
    link = tmp_path / "ttyGAUGE"
    device = PtyDevice(SimulatorConfig(rate_hz=100))
    link.symlink_to(device.port)
    events = []
    acquisition = Acquisition(str(link), "fgb1")
    acquisition.connect(on_event=events.append)
    acquisition.start()
    try:
        wait_for(lambda: acquisition.status().samples > 10)
        device.unplug()
        link.unlink()
        wait_for(lambda: not acquisition.status().connected)
    finally:
        assert acquisition.stop(), "stopping while waiting for the port must not hang"
    kinds = [event.kind for event in events]
    assert kinds[-2:] == ["disconnected", "closed"]
