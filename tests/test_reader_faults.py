"""The reader when things go wrong with the port left open: a decoder that raises, a device
that goes quiet, a device that sends only what cannot be read. Real pseudo-terminals, real
processes (a simulator stopped with SIGSTOP, a process writing noise)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
import tty
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from conftest import PtyDevice, needs_pty

from firmware_bridge import reader as reader_module
from firmware_bridge.protocols import make_decoder
from firmware_bridge.protocols.ascii_lines import AsciiLineDecoder
from firmware_bridge.reader import NO_DATA, UNREADABLE, ReaderThread, StreamEvent
from firmware_bridge.sim import SimulatorConfig

pytestmark = needs_pty


def wait_for(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.01)


class Collected:
    """What a reader handed out, taken on its thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.blocks: list[np.ndarray] = []
        self.events: list[StreamEvent] = []

    def block(self, block: np.ndarray) -> None:
        with self._lock:
            self.blocks.append(block.copy())

    def event(self, event: StreamEvent) -> None:
        with self._lock:
            self.events.append(event)

    def kinds(self) -> list[str]:
        with self._lock:
            return [event.kind for event in self.events]


@contextmanager
def reading(port: str, decoder, collected: Collected) -> Iterator[ReaderThread]:
    reader = ReaderThread(port, decoder, collected.block, collected.event)
    reader.start()
    try:
        yield reader
    finally:
        reader.stop()
        reader.join(5)
        assert not reader.is_alive()


def open_count(path: str) -> int:
    """How many descriptors of this process have ``path`` open."""
    real = os.path.realpath(path)
    count = 0
    for fd in Path("/proc/self/fd").iterdir():
        try:
            count += os.readlink(fd) == real
        except OSError:
            continue  # closed while we looked
    return count


class ExplodingDecoder(AsciiLineDecoder):
    """A decoder with a bug: it fails on the third chunk that holds bytes."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks = 0

    def feed(self, data: bytes, arrival: float) -> np.ndarray:
        if data:
            self.chunks += 1
            if self.chunks == 3:
                raise ZeroDivisionError("float division by zero\nin a line nobody expected")
        return super().feed(data, arrival)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_an_exception_in_the_decoder_ends_in_a_visible_error(caplog) -> None:
    device = PtyDevice(SimulatorConfig(protocol="ascii", rate_hz=500, profile="steady"))
    collected = Collected()
    try:
        held_by_the_simulator = open_count(device.port)
        with caplog.at_level(logging.ERROR, logger="firmware_bridge.reader"):
            reader = ReaderThread(device.port, ExplodingDecoder(), collected.block, collected.event)
            reader.start()
            reader.join(5)
        assert not reader.is_alive(), "the thread ends"
        status = reader.status()
        assert status.error == (
            f"reading {device.port} failed: ZeroDivisionError: float division by zero"
        )
        assert not status.connected
        assert collected.kinds() == ["connected", "error", "closed"]
        assert collected.events[1].detail == status.error
        assert open_count(device.port) == held_by_the_simulator, "the port is closed"
        assert any(record.exc_info for record in caplog.records), "the traceback is logged"
    finally:
        device.unplug()


def test_an_event_sink_that_raises_ends_in_an_error_too() -> None:
    device = PtyDevice(SimulatorConfig(protocol="ascii", rate_hz=500, profile="steady"))
    seen: list[str] = []

    def on_event(event: StreamEvent) -> None:
        seen.append(event.kind)
        raise RuntimeError("the sink is broken")

    try:
        reader = ReaderThread(device.port, make_decoder("ascii"), lambda block: None, on_event)
        reader.start()
        reader.join(5)
        assert not reader.is_alive()
        assert reader.status().error.endswith("RuntimeError: the sink is broken")
        assert seen == ["connected", "error", "closed"]
    finally:
        device.unplug()


@pytest.fixture
def quick_silence(monkeypatch) -> float:
    monkeypatch.setattr(reader_module, "SILENCE_AFTER_S", 0.3)
    return 0.3


@pytest.mark.parametrize("protocol", ["ascii", "mark10"])
def test_a_stopped_device_is_a_silence_with_no_data(simulator, quick_silence, protocol) -> None:
    """A hung board (a streaming sketch) or a gauge that stops answering its polls."""
    sim = simulator("--protocol", protocol, "--rate", "200", "--profile", "steady")
    collected = Collected()
    with reading(sim.port, make_decoder(protocol), collected) as reader:
        wait_for(lambda: reader.status().samples > 20)
        flowing = reader.status()
        assert flowing.silence == "" and flowing.silence_reason == ""
        assert flowing.silent_for_s < quick_silence
        assert flowing.last_sample_at is not None
        os.kill(sim.process.pid, signal.SIGSTOP)
        try:
            stopped_at = reader.session_time()
            wait_for(lambda: reader.status().silence == NO_DATA)
            time.sleep(0.2)
            status = reader.status()
        finally:
            os.kill(sim.process.pid, signal.SIGCONT)
        assert status.connected and not status.error  # the port itself is fine
        assert status.last_sample_at <= stopped_at + 0.1
        assert status.silent_for_s == pytest.approx(
            reader.session_time() - status.last_sample_at, abs=0.1
        )
        assert status.silent_for_s > quick_silence
        assert status.silence_reason == f"no readings for {status.silent_for_s:.1f} s"
        wait_for(lambda: reader.status().silence == "")  # readings again
        assert reader.status().last_sample_at > status.last_sample_at


def noise_writer(controller: int, script: str) -> subprocess.Popen:
    """A process running ``script``, which writes to the pty's controller side as ``out``."""
    code = f"import os, sys, time\nout = os.fdopen({controller}, 'wb', buffering=0)\n{script}"
    return subprocess.Popen([sys.executable, "-c", code], pass_fds=(controller,))


@contextmanager
def pty_with(script: str) -> Iterator[str]:
    controller, port = os.openpty()
    tty.setraw(port)
    process = noise_writer(controller, script)
    try:
        yield os.ttyname(port)
    finally:
        process.kill()
        process.wait(5)
        os.close(controller)
        os.close(port)


#: A board that prints a reading, then only lines no one can read (a sketch printing a
#: corrupted buffer, a wrong baud rate), 100 lines a second.
ONE_NUMBER_THEN_GARBAGE = """
time.sleep(0.3)
out.write(b"boot\\r\\n12.5\\r\\n")
while True:
    out.write(b"\\xfe\\x9c#@!k\\x07 ERR ~~ \\xff\\r\\n")
    time.sleep(0.01)
"""


def test_unreadable_lines_only_are_told_from_no_data(quick_silence) -> None:
    collected = Collected()
    with (
        pty_with(ONE_NUMBER_THEN_GARBAGE) as port,
        reading(port, make_decoder("ascii"), collected) as reader,
    ):
        wait_for(lambda: reader.status().samples == 1)
        wait_for(lambda: reader.status().silence == UNREADABLE)
        status = reader.status()
    assert status.corrupt > 10
    assert status.last_data_at > status.last_sample_at
    assert status.silence_reason == f"unreadable data only for {status.silent_for_s:.1f} s"


def test_silence_is_counted_from_the_start_before_any_reading(quick_silence) -> None:
    collected = Collected()
    with pty_with("time.sleep(30)") as port, reading(port, make_decoder("ascii"), collected) as r:
        wait_for(lambda: r.status().silence == NO_DATA)
        status = r.status()
    assert status.last_sample_at is None and status.last_data_at is None
    assert status.silent_for_s >= quick_silence
    assert status.connected
