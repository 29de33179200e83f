"""Pauses in the stream of devices that send no time: each is a gap (the readings missing
from it skipped in the host counter, so the reader records a ``gap`` event), and the times
after it stay steady, strictly increasing, at the device's rate, never piled on one value.
Virtual clocks for the decoders; a real simulator process stopped with SIGSTOP for the
reader."""

from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np
import pytest
from conftest import needs_pty

from firmware_bridge.protocols import make_decoder
from firmware_bridge.reader import ReaderThread, StreamEvent
from firmware_bridge.timing import ArrivalClock

RATE_HZ = 100.0
PERIOD = 1 / RATE_HZ
USB_FLUSH_S = 0.016  # an FTDI cable's latency timer: chunks arrive in bursts

STREAMS = {  # protocol spec -> one reading as the device prints it
    "ascii": lambda i: f"{20 + i % 7 * 0.01:.3f}\r\n".encode(),
    "mark10:mode=stream": lambda i: f"{4 + i % 5 * 0.01:.2f} lbF\r\n".encode(),
    "wagner-fdix": lambda i: f"{1 + i % 3 * 0.01:.2f} kgf\r\n".encode(),
}


def stream_with_a_pause(spec: str, pause_s: float, piled_up: int) -> tuple[np.ndarray, list]:
    """3 s of readings at 100/s in 16 ms chunks, nothing for ``pause_s``, then the
    ``piled_up`` readings a buffer held (made just before they arrived) in one chunk, then
    2 s more. Returns the samples, and when each reading was made."""
    decoder = make_decoder(spec)
    decoder.opening_commands()
    line = STREAMS[spec]
    made = np.concatenate(
        [
            np.arange(0, 3, PERIOD),
            3 + pause_s - PERIOD * np.arange(piled_up, 0, -1),
            np.arange(3 + pause_s, 5 + pause_s, PERIOD),
        ]
    )
    blocks = [decoder.feed(b"boot\r\n", 0.0)]
    sent = 0
    for flush in np.arange(USB_FLUSH_S, made[-1] + USB_FLUSH_S, USB_FLUSH_S):
        due = int(np.searchsorted(made, flush, side="right"))
        if due > sent:
            data = b"".join(line(i) for i in range(sent, due))
            blocks.append(decoder.feed(data, float(flush)))
            sent = due
    return np.concatenate(blocks), made.tolist()


@pytest.mark.parametrize("spec", list(STREAMS))
@pytest.mark.parametrize("piled_up", [0, 40])
def test_a_pause_is_a_gap_and_the_times_after_it_are_steady(spec: str, piled_up: int) -> None:
    samples, made = stream_with_a_pause(spec, 1.5, piled_up)
    assert samples.size == len(made)
    steps = np.diff(samples["seq"])
    assert np.count_nonzero(steps != 1) == 1, "one gap"
    lost = int(steps.max() - 1)
    assert lost == pytest.approx(150 - piled_up, abs=3)  # 1.5 s at 100/s, less what arrived
    t = samples["t_device"]
    settled = slice(100, None)  # after the first second of history
    assert np.all(np.diff(t[settled]) > 0), "strictly increasing"
    after = t[300 : 300 + piled_up + 50]  # the burst and the half second after the pause
    assert np.diff(after) == pytest.approx(PERIOD, abs=0.002), "at the device's rate"
    # each reading stamped close to when it was made (the USB chunks are 16 ms apart)
    assert np.abs(t[settled] - np.array(made)[settled]).max() < 0.03


def test_a_gauge_that_stops_answering_its_polls_leaves_a_gap() -> None:
    """Polled: a reply per poll, about 2 ms round trip; the gauge is silent for 2 s."""
    decoder = make_decoder("mark10")
    decoder.opening_commands()
    decoder.outgoing(0.0)
    blocks, now, asked = [], 0.0, False
    while now < 5.0:
        now += 0.001
        hung = 2.0 <= now < 4.0  # polls sent meanwhile are lost on the gauge
        if decoder.outgoing(now):
            asked = not hung
        elif asked:  # the reply, 1 ms after the poll
            blocks.append(decoder.feed(b"12.50 N\r\n", now))
            asked = False
    samples = np.concatenate(blocks)
    steps = np.diff(samples["seq"])
    gap = int(np.flatnonzero(steps > 1)[0])
    assert np.count_nonzero(steps > 1) == 1
    interval = np.median(np.diff(samples["t_device"]))
    assert steps[gap] - 1 == pytest.approx(2.0 / interval, rel=0.05)
    assert samples["t_device"][gap + 1] - samples["t_device"][gap] == pytest.approx(2.0, abs=0.01)
    assert np.all(np.diff(samples["t_device"]) > 0)
    assert decoder.stats.unanswered_polls >= 3


def test_a_burst_after_a_pause_is_spaced_at_the_rate_back_from_its_arrival() -> None:
    clock = ArrivalClock()
    for i in range(100):  # 1 s at 100/s, one reading per read
        clock.stamp(1, i * PERIOD)
    burst = clock.stamp(30, 2.5)  # nothing for 1.5 s, then 30 readings in one chunk
    assert clock.resets == 1
    assert burst[-1] == pytest.approx(2.5)
    assert np.diff(burst) == pytest.approx(PERIOD, rel=1e-3)
    assert np.unique(burst).size == 30, "not piled on one value"
    after = clock.stamp(2, 2.52)
    assert after.tolist() == pytest.approx([2.51, 2.52], abs=1e-3)


@needs_pty
def test_a_stopped_simulator_leaves_a_gap_event_and_steady_times(simulator) -> None:
    """SIGSTOP for 1.5 s: the simulator then writes all that fell due, more than the pty and
    its 1 KiB backlog hold, so what arrives is a burst with readings lost."""
    rate = 5000
    sim = simulator("--protocol", "ascii", "--rate", str(rate), "--profile", "steady")
    blocks: list[np.ndarray] = []
    events: list[StreamEvent] = []
    lock = threading.Lock()

    def on_block(block: np.ndarray) -> None:
        with lock:
            blocks.append(block.copy())

    reader = ReaderThread(sim.port, make_decoder("ascii"), on_block, events.append)
    reader.start()
    try:
        time.sleep(0.8)
        os.kill(sim.process.pid, signal.SIGSTOP)
        time.sleep(1.5)
        os.kill(sim.process.pid, signal.SIGCONT)
        time.sleep(0.8)
    finally:
        os.kill(sim.process.pid, signal.SIGCONT)
        reader.stop()
        reader.join(5)
    samples = np.concatenate(blocks)
    gaps = [event for event in events if event.kind == "gap"]
    assert gaps, "the pause is a gap event"
    lost = sum(event.value for event in gaps)
    assert lost == reader.status().dropped_samples > 0
    big = max(gaps, key=lambda event: event.value)
    assert big.detail.endswith(" s without samples")
    assert float(big.detail.split()[0]) == pytest.approx(1.5, abs=0.15)
    assert lost <= rate * 1.5 * 1.03, "no more lost than the pause could hold"
    t = samples["t"]
    later = t[samples["seq"] > rate * 0.2]  # after the first chunks of the stream
    assert np.all(np.diff(later) > 0), "no readings piled on one time"
    # every reading made is here or counted lost (the count is an estimate: the backlog of
    # the pause arrives over several reads, after the first one set the gap)
    made = (t[-1] - t[0]) * rate + 1
    assert samples.size + lost >= made * 0.97
