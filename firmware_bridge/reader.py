"""The reader thread: one per device, from port bytes to sample blocks on the session clock."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import serial

from firmware_bridge.device_info import DeviceInfo
from firmware_bridge.protocols.base import Decoder
from firmware_bridge.transport import PortError, describe, open_port

log = logging.getLogger(__name__)

#: Bytes asked for when the driver reports nothing waiting: the read returns on the first
#: byte, and then takes all that is waiting (never ``readline()``, never a call per byte).
MIN_READ = 1
#: A port that vanished (unplugged) is tried again this often until it returns.
RETRY_INTERVAL_S = 0.5


@dataclass(frozen=True)
class StreamEvent:
    """Something that happened to the stream, on the session clock."""

    t: float
    #: "connected", "gap", "error", "closed", "disconnected", "reconnected", "device"
    kind: str
    value: float = 0.0  # "gap": the samples lost; "reconnected": the seconds without data
    detail: str = ""


@dataclass(frozen=True)
class ReaderStatus:
    connected: bool = False
    error: str = ""
    samples: int = 0
    dropped_samples: int = 0
    corrupt: int = 0
    device_info: DeviceInfo | None = None
    reconnections: int = 0
    unanswered_polls: int = 0


class ReaderThread(threading.Thread):
    """Reads ``port`` in blocks, decodes, and hands blocks to ``on_block``.

    ``on_block`` and ``on_event`` run on this thread: they must be quick and thread-safe.
    Sample times are moved onto the session clock, whose zero is ``session_start``
    (a ``clock()`` value); the first sample lands at its arrival time, and so does the first
    after a reconnection. A port that fails (unplugged) is reopened when it comes back on
    the same path, and the stream goes on: the loss and the return are events.
    """

    def __init__(
        self,
        port: str,
        decoder: Decoder,
        on_block: Callable[[np.ndarray], None],
        on_event: Callable[[StreamEvent], None] = lambda event: None,
        session_start: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        baudrate: int = 115200,
    ) -> None:
        super().__init__(name=f"reader {port}", daemon=True)
        self.port = port
        self.decoder = decoder
        self._on_block = on_block
        self._on_event = on_event
        self._clock = clock
        self._session_start = clock() if session_start is None else session_start
        self._baudrate = baudrate
        self._stop_requested = threading.Event()
        self._lock = threading.Lock()
        self._status = ReaderStatus()
        self._clock_offset: float | None = None
        self._last_seq: int | None = None
        self._expected_identity = ""  # after a reconnection: the device that was there

    def stop(self) -> None:
        self._stop_requested.set()

    def status(self) -> ReaderStatus:
        with self._lock:
            return self._status

    def session_time(self) -> float:
        return self._clock() - self._session_start

    def run(self) -> None:
        try:
            port = open_port(self.port, self._baudrate)
        except PortError as exc:
            self._fail(str(exc))
            return
        while port is not None:
            try:
                self._converse(port)
                self._close(port)
                return
            except (serial.SerialException, OSError) as exc:
                port = self._reconnect(port, describe(exc))
            except Exception:
                self._close(port)
                raise

    def _reconnect(self, lost: serial.SerialBase, reason: str) -> serial.SerialBase | None:
        """Wait for the port to return; None when asked to stop first."""
        lost_at = self.session_time()
        message = f"connection lost: waiting for {self.port} to return"
        log.warning("%s (%s)", message, reason)
        self._abandon(lost)
        self._update(connected=False, error=message)
        self._on_event(StreamEvent(lost_at, "disconnected", detail=reason))
        while not self._stop_requested.wait(RETRY_INTERVAL_S):
            try:
                port = open_port(self.port, self._baudrate)
            except PortError:
                continue
            info = self.decoder.device_info
            self._expected_identity = info.identity if info else ""
            self.decoder.restart()
            self._clock_offset = None  # the device may have restarted its clock
            self._last_seq = None
            gap = self.session_time() - lost_at
            with self._lock:
                self._status = replace(
                    self._status, error="", reconnections=self._status.reconnections + 1
                )
            self._on_event(StreamEvent(self.session_time(), "reconnected", gap, self.port))
            return port
        self._on_event(StreamEvent(self.session_time(), "closed", detail=self.port))
        return None

    def _converse(self, port: serial.SerialBase) -> None:
        port.reset_input_buffer()  # what piled up before we listened is stale
        for command in self.decoder.opening_commands():
            port.write(command)
        self._update(connected=True)
        self._on_event(StreamEvent(self.session_time(), "connected", detail=self.port))
        delay = 0.0
        while not self._stop_requested.wait(delay):
            started = self._clock()
            request = self.decoder.outgoing(started)
            if request:
                port.write(request)
            data = port.read(port.in_waiting or MIN_READ)
            if data:
                arrival = self._clock()
                self._deliver(self.decoder.feed(data, arrival))
                while self.decoder.has_backlog:  # a unit change split the chunk
                    self._deliver(self.decoder.feed(b"", arrival))
            delay = max(0.0, started + self.decoder.read_interval_s - self._clock())

    def _deliver(self, block: np.ndarray) -> None:
        stats = self.decoder.stats
        if not self._same_device():
            return
        if block.size:
            if self._clock_offset is None:
                arrival = self.session_time()
                self._clock_offset = float(block["t_device"][0]) - arrival
            block["t"] = block["t_device"] - self._clock_offset
            self._report_gaps(block)
            self._on_block(block)
        for notice in self.decoder.take_notices():
            log.info("%s: %s", self.port, notice)
            self._on_event(StreamEvent(self.session_time(), "device", detail=notice))
        self._update(
            samples=stats.samples,
            corrupt=stats.corrupt,
            device_info=self.decoder.device_info,
            unanswered_polls=stats.unanswered_polls,
        )

    def _report_gaps(self, block: np.ndarray) -> None:
        seq = block["seq"]
        previous = int(seq[0]) - 1 if self._last_seq is None else self._last_seq
        self._last_seq = int(seq[-1])
        if self._last_seq - previous == seq.size:  # each step is >= 1: all are 1, no gap
            return
        steps = np.diff(seq, prepend=previous)
        gaps = np.flatnonzero(steps > 1)
        if gaps.size == 0:
            return
        lost = steps[gaps] - 1
        with self._lock:
            dropped = self._status.dropped_samples + int(lost.sum())
            self._status = replace(self._status, dropped_samples=dropped)
        for index, count in zip(gaps, lost, strict=True):
            self._on_event(StreamEvent(float(block["t"][index]), "gap", float(count)))

    def _same_device(self) -> bool:
        """After a reconnection, whether the device on the port is the one that was there
        (when both say who they are); another one ends the stream rather than mix data."""
        info = self.decoder.device_info
        if not self._expected_identity or info is None or not info.identity:
            return True
        if info.identity == self._expected_identity:
            return True
        message = (
            f"another device ({info.identity}) is now on {self.port}, not "
            f"{self._expected_identity}: stopped reading"
        )
        self._fail(message)
        self._stop_requested.set()
        return False

    def _update(self, **changes: object) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)

    def _fail(self, message: str) -> None:
        log.warning("%s", message)
        self._update(connected=False, error=message)
        self._on_event(StreamEvent(self.session_time(), "error", detail=message))

    def _abandon(self, port: serial.SerialBase) -> None:
        """Close a port that failed: nothing can be said to the device any more."""
        try:
            port.close()
        except (serial.SerialException, OSError) as exc:
            log.info("closing the lost port %s: %s", self.port, exc)

    def _close(self, port: serial.SerialBase) -> None:
        try:
            for command in self.decoder.closing_commands():
                port.write(command)
            port.flush()
        except (serial.SerialException, OSError) as exc:
            log.info("could not send closing commands to %s: %s", self.port, exc)
        finally:
            port.close()
            self._update(connected=False)
            self._on_event(StreamEvent(self.session_time(), "closed", detail=self.port))
