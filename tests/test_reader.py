"""The reader thread on the in-process simulator (the same calls a real port gets)."""

from __future__ import annotations

import os
import threading
import time
import tty

import numpy as np
import pytest

from firmware_bridge.protocols import fgb1, make_decoder
from firmware_bridge.reader import ReaderThread, StreamEvent
from firmware_bridge.sim import SimulatorConfig


def collect(port: str, protocol: str, seconds: float):
    blocks: list[np.ndarray] = []
    events: list[StreamEvent] = []
    lock = threading.Lock()

    def on_block(block: np.ndarray) -> None:
        with lock:
            blocks.append(block.copy())

    reader = ReaderThread(port, make_decoder(protocol), on_block, events.append)
    reader.start()
    time.sleep(seconds)
    reader.stop()
    reader.join(5)
    assert not reader.is_alive(), "the reader must stop when asked"
    return reader, (np.concatenate(blocks) if blocks else np.empty(0)), events


@pytest.mark.parametrize("protocol", ["fgb1", "ascii"])
def test_reads_the_simulator_in_blocks(protocol: str) -> None:
    url = SimulatorConfig(protocol=protocol, rate_hz=2000).to_url()
    reader, samples, events = collect(url, protocol, 1.0)
    assert 1500 <= samples.size <= 2100
    assert np.all(np.diff(samples["seq"]) == 1)
    if protocol == "fgb1":  # device clock: strictly increasing
        assert np.all(np.diff(samples["t"]) > 0)
    else:  # host arrival times: the first chunk has no earlier arrival to spread it from
        assert np.all(np.diff(samples["t"]) >= 0)
    # The session clock starts at the reader's start: the first sample arrives within 0.3 s.
    assert 0 <= samples["t"][0] < 0.3
    assert [event.kind for event in events] == ["connected", "closed"]
    status = reader.status()
    assert status.dropped_samples == 0 and status.corrupt == 0 and not status.connected


def test_device_info_arrives_with_the_handshake() -> None:
    reader, _, _ = collect(SimulatorConfig().to_url(), "fgb1", 0.3)
    info = reader.status().device_info
    assert info is not None and info.identity == "SIM000000001"
    assert info.counts_per_newton == 1234.5


def test_a_port_that_cannot_open_is_reported_not_raised() -> None:
    reader, samples, events = collect("/dev/no-such-port", "fgb1", 0.1)
    assert samples.size == 0
    assert "cannot open /dev/no-such-port" in reader.status().error
    assert events[0].kind == "error"


def test_bad_simulator_url_is_reported() -> None:
    reader, _, _ = collect("fgsim://?rate=-5", "fgb1", 0.1)
    assert "rate" in reader.status().error


def test_microsecond_wrap_on_the_wire() -> None:
    start = (1 << 32) - 200_000  # the device clock wraps 0.2 s into the stream
    url = SimulatorConfig(rate_hz=1000, clock_start_us=start).to_url()
    _, samples, _ = collect(url, "fgb1", 0.6)
    assert samples.size > 400
    assert np.diff(samples["t"]) == pytest.approx(0.001, abs=1e-6)


def test_lost_frames_become_gap_events_and_dropped_samples() -> None:
    """Frames missing within a chunk and at a chunk's start are both counted, once."""
    controller, device = os.openpty()
    tty.setraw(device)
    blocks: list[np.ndarray] = []
    events: list[StreamEvent] = []
    reader = ReaderThread(os.ttyname(device), make_decoder("fgb1"), blocks.append, events.append)
    reader.start()
    try:
        time.sleep(0.3)  # connected, the port's stale input discarded
        for seqs in (range(0, 30), range(31, 60), [*range(60, 70), *range(72, 100)]):
            seq = np.array(seqs)
            os.write(controller, b"\0" + fgb1.encode_sample_frames(seq, seq * 1000, seq, seq * 0))
            time.sleep(0.1)  # its own chunk: the first lost frame is at a chunk's start
    finally:
        reader.stop()
        reader.join(5)
        os.close(controller)
        os.close(device)
    assert sum(block.size for block in blocks) == 97
    gaps = [event.value for event in events if event.kind == "gap"]
    assert gaps == [1.0, 2.0]
    assert reader.status().dropped_samples == 3
