"""A recording of one acquisition: the bridge from the live stream to a RecordingWriter."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from firmware_bridge.reader import StreamEvent
from monitor import __version__, paths
from monitor.acquisition import Acquisition
from monitor.targets import SegmentSpec
from recordings import RecordingError, RecordingWriter, SessionInfo, WriterStatus
from recordings.events import EventKind

log = logging.getLogger(__name__)

#: Device clocks tick in microseconds: a sample this close to the end of the duration is the
#: first of the next stretch, whatever floating-point rounding says.
_END_GUARD_S = 1e-6


@dataclass(frozen=True)
class RecordingResult:
    path: Path
    samples: int  # in files, all of them together
    error: str
    rescue_path: Path | None = None
    lost_samples: int = 0
    #: The files holding the samples, with how many each holds (see ``WriterStatus.files``).
    files: tuple[tuple[Path, int], ...] = ()
    unclosed: tuple[Path, ...] = ()  # left as at their last flush: `repair` closes a copy

    @classmethod
    def of(cls, path: Path, status: WriterStatus) -> RecordingResult:
        return cls(
            path,
            status.samples_written,
            status.error,
            status.rescue_path,
            status.lost_samples,
            status.files,
            status.unclosed,
        )

    @property
    def complete(self) -> bool:
        """Every sample in the recording's own file, closed: whatever held writing up."""
        held = [(path, count) for path, count in self.files if count]
        own = held in ([], [(self.path, self.samples)])
        return own and not (self.lost_samples or self.unclosed)

    def describe(self) -> str:
        """One line for the user: where the samples are, and what went wrong if anything
        did; never names a file that does not hold them."""
        if self.complete:
            held_up = f" (writing was held up: {self.error})" if self.error else ""
            return f"saved {self.samples} samples to {self.path}{held_up}"
        unclosed = "".join(
            f"; {path} was left unclosed for want of room (pressure-monitor repair {path} "
            "makes a closed copy)"
            for path in self.unclosed
        )
        lost = f"; {self.lost_samples} samples were lost" if self.lost_samples else ""
        return f"{self.error}; saved {self.samples} samples to {self.where()}{unclosed}{lost}"

    def where(self) -> str:
        """The files that hold the samples: the recording's own, or each with its count."""
        held = [(path, count) for path, count in self.files if count]
        if not held:
            return "no file"
        if held == [(self.path, self.samples)]:
            return str(self.path)
        return ", ".join(f"{path} ({count})" for path, count in held)


class SessionRecorder:
    """Records what ``acquisition`` delivers from now on, optionally for ``duration_s``.

    The duration counts from the first recorded sample and is cut on sample time, so a
    10 s recording at 1 kHz holds 10 000 samples whatever the USB latency.
    """

    def __init__(
        self,
        acquisition: Acquisition,
        path: Path,
        session: SessionInfo | None = None,
        duration_s: float | None = None,
        segment: SegmentSpec | None = None,
        rescue_dir: Path | None = None,
    ) -> None:
        self._acquisition = acquisition
        self._duration_s = duration_s
        self.finished = threading.Event()  # set when the duration is reached
        self._lock = threading.Lock()
        self._first_t: float | None = None
        self._last_t: float | None = None
        #: When (``time.monotonic()``) the first and the newest samples reached the recording.
        self.first_sample_at: float | None = None
        self.last_sample_at: float | None = None
        self._segment = segment
        self._segment_start: float | None = None
        device = acquisition.decoder.device_info
        calibration = acquisition.calibration
        device_attributes = (device.as_attributes() if device else {"protocol": ""}) | {
            "port": acquisition.port
        }
        self._writer = RecordingWriter(
            path,
            session or SessionInfo(app_version=__version__),
            device_attributes,
            calibration.as_attributes() if calibration else {"source": "none"},
            rescue_dir=rescue_dir or paths.rescue_dir(),
        )
        self._disconnect = lambda: None

    @property
    def path(self) -> Path:
        return self._writer.path

    def status(self) -> WriterStatus:
        """The writer's status: what to tell the user while recording."""
        return self._writer.status()

    def retry_now(self) -> None:
        """The user freed some space: try to write what waits at once."""
        self._writer.retry_now()

    def give_up_waiting(self) -> None:
        """Stop waiting for room at the close: what waits is counted as lost."""
        self._writer.give_up_waiting()

    def start(self) -> None:
        """Create the file (raises RecordingError) and start taking samples."""
        self._writer.start()
        self._disconnect = self._acquisition.connect(self._on_samples, self._on_event)

    def set_segment(self, segment: SegmentSpec | None) -> None:
        """End the current segment here; the next (a new muscle, side, technique or band)
        starts with the next sample."""
        with self._lock:
            self._end_segment()
            self._segment = segment

    def set_notes(self, notes: str) -> None:
        """Log the notes now (a ``note`` event, safe from a crash) and keep them for the end;
        notes a file cannot hold (a NUL character) raise ``InvalidValueError``, and the
        notes saved before stand."""
        with self._lock:
            t = self._last_t or 0.0
        self._writer.set_notes(notes)
        self._writer.add_event(t, EventKind.NOTE, notes)

    def add_ppt_trial(self, row: tuple) -> None:
        """A PPT trial (``monitor.ppt_protocol.ppt_trial_row``) into the recording's table."""
        self._writer.add_ppt_trial(row)

    def stop(self, wait_for_room_s: float = 0.0) -> RecordingResult:
        """Close the recording; samples no file could take yet wait ``wait_for_room_s``."""
        self._disconnect()
        with self._lock:
            self._end_segment()
        return RecordingResult.of(self.path, self._writer.close(wait_for_room_s=wait_for_room_s))

    def _end_segment(self) -> None:
        segment = self._segment
        if segment and self._segment_start is not None and self._last_t is not None:
            self._writer.add_segment(
                self._segment_start,
                self._last_t,
                segment.muscle,
                segment.band_low_kpa,
                segment.band_high_kpa,
                side=segment.side,
                technique=segment.technique,
                band_basis=segment.basis,
            )
        self._segment_start = None

    def _on_samples(self, block: np.ndarray) -> None:
        if self.finished.is_set():
            return
        with self._lock:
            if self._first_t is None:
                self._first_t = float(block["t"][0])
            if self._duration_s is not None:
                keep = block["t"] < self._first_t + self._duration_s - _END_GUARD_S
                if not keep.all():
                    block = block[keep]
                    self.finished.set()
            if block.size:
                self.last_sample_at = time.monotonic()
                self.first_sample_at = self.first_sample_at or self.last_sample_at
                if self._segment_start is None:
                    self._segment_start = float(block["t"][0])
                self._last_t = float(block["t"][-1])
                self._writer.append(block)

    def _on_event(self, event: StreamEvent) -> None:
        if self.finished.is_set():
            return
        detail = event.detail.replace("\x00", "\ufffd")  # device text may hold anything
        try:
            self._writer.add_event(event.t, EventKind(event.kind), detail, event.value)
        # On the reader's thread: never let it end the stream. A kind outside EventKind is
        # a ValueError (tests/test_event_kinds.py keeps the stream's kinds inside it).
        except (RecordingError, ValueError) as exc:
            log.warning("an event was not recorded: %s", exc)
