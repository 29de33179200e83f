"""The reader thread: one per device, from port bytes to sample blocks on the session clock."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

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
#: Readings may pause this long (or three of the device's usual intervals, if longer)
#: before the status calls it a silence: the time after which the window says NO SIGNAL.
SILENCE_AFTER_S = 1.0

#: ``ReaderStatus.silence``: nothing at all arrives (a hung board, an unanswered gauge).
NO_DATA = "no data"
#: ``ReaderStatus.silence``: bytes arrive, but none is a reading (noise, a wrong baud rate).
UNREADABLE = "unreadable"


class StreamKind(str, Enum):
    """What the reader reports about the stream. Recordings keep each as an event of the same
    text (recordings.events.EventKind lists them too: this package cannot import it)."""

    CONNECTED = "connected"
    GAP = "gap"  # value: the samples lost; detail: the time without samples
    DISCONNECTED = "disconnected"  # detail: the reason
    RECONNECTED = "reconnected"  # value: the seconds without data; detail: the port
    DEVICE = "device"  # detail: what the device did (unit changed, stream lost, detected)
    ERROR = "error"  # detail: the reason
    CLOSED = "closed"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class StreamEvent:
    """Something that happened to the stream, on the session clock."""

    t: float
    #: A StreamKind from the reader; the session above adds its own (markers, tare, ...).
    kind: str
    value: float = 0.0  # "gap": the samples lost; "reconnected": the seconds without data
    detail: str = ""


@dataclass(frozen=True)
class ReaderStatus:
    """The reader at the moment ``ReaderThread.status()`` was called. Times are on the
    session clock (s). The silence fields say whether readings flow, whatever the cause;
    ``error`` says when the port itself is the cause (lost, failed)."""

    connected: bool = False
    error: str = ""  # one line; "" while all is well
    samples: int = 0
    dropped_samples: int = 0
    corrupt: int = 0  # damaged frames, unreadable lines and refused values
    implausible: int = 0  # of the corrupt: values refused as impossible (inf, 1e308, ...)
    device_info: DeviceInfo | None = None
    reconnections: int = 0
    unanswered_polls: int = 0
    #: When the last sample arrived; None before the first.
    last_sample_at: float | None = None
    #: When the last bytes arrived, readings or not; None before any.
    last_data_at: float | None = None
    #: Seconds without a sample: since the last one, or since the reader started if none
    #: came yet; up to the moment of the status, or to the end of the thread.
    silent_for_s: float = 0.0
    #: "" while readings flow (``silent_for_s`` under ``SILENCE_AFTER_S``, or under three of
    #: the device's usual intervals if that is longer); else ``NO_DATA`` (nothing arrived
    #: in the last ``SILENCE_AFTER_S``) or ``UNREADABLE`` (bytes arrive, none a reading).
    silence: str = ""
    #: One line for the user, "" when ``silence`` is: "no readings for 3.2 s" or
    #: "unreadable data only for 3.2 s".
    silence_reason: str = ""


class ReaderThread(threading.Thread):
    """Reads ``port`` in blocks, decodes, and hands blocks to ``on_block``.

    ``on_block`` and ``on_event`` run on this thread: they must be quick and thread-safe.
    Sample times are moved onto the session clock, whose zero is ``session_start``
    (a ``clock()`` value); the first sample lands at its arrival time, and so does the first
    after a reconnection. A port that fails (unplugged) is reopened when it comes back on
    the same path, and the stream goes on: the loss and the return are events. Anything
    else that goes wrong (a bug, a callback that raises) ends the thread in a recorded error:
    ``status().error`` says why in one line, an ``error`` event is sent, the port is closed,
    and the traceback is logged. ``status().silence`` says when readings stop while the port
    stays open, and whether bytes still arrive.
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
        self._last_t: float | None = None  # session time of the last sample
        self._expected_identity = ""  # after a reconnection: the device that was there
        self._port: serial.Serial | None = None  # open, to be closed whatever happens
        # clock() values for the silence, set on this thread (plain float assignments)
        self._started_at: float | None = None
        self._ended_at: float | None = None
        self._first_sample_at: float | None = None
        self._last_sample_at: float | None = None
        self._last_data_at: float | None = None

    def stop(self) -> None:
        self._stop_requested.set()

    def status(self) -> ReaderStatus:
        now = self._clock()
        with self._lock:
            status = self._status
            started, ended = self._started_at, self._ended_at
            first, last, data = self._first_sample_at, self._last_sample_at, self._last_data_at
        if started is None:
            return status
        now = ended if ended is not None else now
        silent_for = max(0.0, now - (last if last is not None else started))
        usual = 0.0
        if first is not None and last is not None and status.samples > 1:
            usual = (last - first) / (status.samples - 1)
        silence = reason = ""
        if silent_for >= max(SILENCE_AFTER_S, 3 * usual):
            if data is not None and now - data < SILENCE_AFTER_S:
                silence, reason = UNREADABLE, f"unreadable data only for {silent_for:.1f} s"
            else:
                silence, reason = NO_DATA, f"no readings for {silent_for:.1f} s"
        return replace(
            status,
            last_sample_at=None if last is None else last - self._session_start,
            last_data_at=None if data is None else data - self._session_start,
            silent_for_s=silent_for,
            silence=silence,
            silence_reason=reason,
        )

    def session_time(self) -> float:
        return self._clock() - self._session_start

    def run(self) -> None:
        with self._lock:
            self._started_at = self._clock()
        try:
            self._run()
        except Exception as exc:  # a bug or a surprise: it must show, never hang unseen
            log.exception("the reader of %s failed", self.port)
            self._crashed(exc)
        finally:
            with self._lock:
                self._ended_at = self._clock()

    def _run(self) -> None:
        try:
            port: serial.Serial | None
            self._port = port = open_port(self.port, self._baudrate)
        except PortError as exc:
            self._fail(str(exc))
            return
        while port is not None:
            try:
                self._converse(port)
                self._close(port)
                self._port = None
                return
            except (serial.SerialException, OSError) as exc:
                self._port = port = self._reconnect(port, describe(exc))

    def _crashed(self, exc: Exception) -> None:
        """End in a visible error: status, event, the port closed (best effort)."""
        lines = str(exc).strip().splitlines()
        reason = f"reading {self.port} failed: {type(exc).__name__}"
        if lines:
            reason += f": {lines[0]}"
        self._update(connected=False, error=reason)
        port, self._port = self._port, None
        if port is not None:
            self._close_after_failure(port)
        self._emit_safely(StreamEvent(self.session_time(), StreamKind.ERROR, detail=reason))
        if port is not None:
            self._emit_safely(StreamEvent(self.session_time(), StreamKind.CLOSED, detail=self.port))

    def _emit_safely(self, event: StreamEvent) -> None:
        """An event after a failure, which may have been the event sink's own."""
        try:
            self._on_event(event)
        except Exception:
            log.exception("the %s event of %s was not taken", event.kind, self.port)

    def _reconnect(self, lost: serial.Serial, reason: str) -> serial.Serial | None:
        """Wait for the port to return; None when asked to stop first."""
        lost_at = self.session_time()
        message = f"connection lost: waiting for {self.port} to return"
        log.warning("%s (%s)", message, reason)
        self._abandon(lost)
        self._update(connected=False, error=message)
        self._on_event(StreamEvent(lost_at, StreamKind.DISCONNECTED, detail=reason))
        while not self._stop_requested.wait(RETRY_INTERVAL_S):
            try:
                port = open_port(self.port, self._baudrate)
            except PortError:
                continue
            info = self.decoder.device_info
            self._expected_identity = info.identity if info else ""
            self.decoder.restart()
            self._clock_offset = None  # the device may have restarted its clock
            self._last_seq = self._last_t = None
            gap = self.session_time() - lost_at
            with self._lock:
                self._status = replace(
                    self._status, error="", reconnections=self._status.reconnections + 1
                )
            self._on_event(StreamEvent(self.session_time(), StreamKind.RECONNECTED, gap, self.port))
            return port
        self._on_event(StreamEvent(self.session_time(), StreamKind.CLOSED, detail=self.port))
        return None

    def _converse(self, port: serial.Serial) -> None:
        port.reset_input_buffer()  # what piled up before we listened is stale
        for command in self.decoder.opening_commands():
            port.write(command)
        self._update(connected=True)
        self._on_event(StreamEvent(self.session_time(), StreamKind.CONNECTED, detail=self.port))
        delay = 0.0
        while not self._stop_requested.wait(delay):
            started = self._clock()
            request = self.decoder.outgoing(started)
            if request:
                port.write(request)
            data = port.read(port.in_waiting or MIN_READ)
            if data:
                arrival = self._last_data_at = self._clock()
                self._deliver(self.decoder.feed(data, arrival), arrival)
                while self.decoder.has_backlog:  # a unit change split the chunk
                    self._deliver(self.decoder.feed(b"", arrival), arrival)
            delay = max(0.0, started + self.decoder.read_interval_s - self._clock())

    def _deliver(self, block: np.ndarray, arrival: float) -> None:
        stats = self.decoder.stats
        if not self._same_device():
            return
        if block.size:
            if self._clock_offset is None:
                self._clock_offset = float(block["t_device"][0]) - (arrival - self._session_start)
            block["t"] = block["t_device"] - self._clock_offset
            self._report_gaps(block)
            self._on_block(block)
        for notice in self.decoder.take_notices():
            log.info("%s: %s", self.port, notice)
            self._on_event(StreamEvent(self.session_time(), StreamKind.DEVICE, detail=notice))
        with self._lock:
            if block.size:
                self._last_sample_at = arrival
                if self._first_sample_at is None:
                    self._first_sample_at = arrival
            self._status = replace(
                self._status,
                samples=stats.samples,
                corrupt=stats.corrupt,
                implausible=stats.implausible,
                device_info=self.decoder.device_info,
                unanswered_polls=stats.unanswered_polls,
            )

    def _report_gaps(self, block: np.ndarray) -> None:
        """A ``gap`` event for each jump in ``seq``: its value the samples lost, its detail
        the time without samples (for a text device both are estimated from its rate)."""
        seq = block["seq"]
        previous = int(seq[0]) - 1 if self._last_seq is None else self._last_seq
        previous_t = float(block["t"][0]) if self._last_t is None else self._last_t
        self._last_seq, self._last_t = int(seq[-1]), float(block["t"][-1])
        if self._last_seq - previous == seq.size:  # each step is >= 1: all are 1, no gap
            return
        steps = np.diff(seq, prepend=previous)
        gaps = np.flatnonzero(steps > 1)
        if gaps.size == 0:
            return
        lost = steps[gaps] - 1
        times = block["t"]
        before = np.where(gaps > 0, times[np.maximum(gaps - 1, 0)], previous_t)
        with self._lock:
            dropped = self._status.dropped_samples + int(lost.sum())
            self._status = replace(self._status, dropped_samples=dropped)
        for index, count, last in zip(gaps, lost, before, strict=True):
            span = f"{float(times[index]) - float(last):.3f} s without samples"
            self._on_event(StreamEvent(float(times[index]), StreamKind.GAP, float(count), span))

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

    def _update(self, **changes: Any) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)

    def _fail(self, message: str) -> None:
        log.warning("%s", message)
        self._update(connected=False, error=message)
        self._on_event(StreamEvent(self.session_time(), StreamKind.ERROR, detail=message))

    def _abandon(self, port: serial.Serial) -> None:
        """Close a port that failed: nothing can be said to the device any more."""
        try:
            port.close()
        except (serial.SerialException, OSError) as exc:
            log.info("closing the lost port %s: %s", self.port, exc)

    def _close_after_failure(self, port: serial.Serial) -> None:
        """Stop the device's stream if it can still be asked, and close the port."""
        try:
            for command in self.decoder.closing_commands():
                port.write(command)
        except Exception as exc:  # the decoder or the port is what failed
            log.info("could not send closing commands to %s: %s", self.port, exc)
        try:
            port.close()
        except Exception as exc:
            log.info("closing %s after a failure: %s", self.port, exc)

    def _close(self, port: serial.Serial) -> None:
        try:
            for command in self.decoder.closing_commands():
                port.write(command)
            port.flush()
        except (serial.SerialException, OSError) as exc:
            log.info("could not send closing commands to %s: %s", self.port, exc)
        finally:
            port.close()
            self._update(connected=False)
            self._on_event(StreamEvent(self.session_time(), StreamKind.CLOSED, detail=self.port))
