"""The writer thread: appends sample blocks and tables to one HDF5 file in SWMR mode.

Crash safety: the file is in SWMR mode and flushed every half second, so a recording killed
at any moment opens and holds every sample that reached the writer up to 0.75 s before.

Write failures (full disk, removed drive) lose nothing that reached the writer: the file keeps
what was flushed, and everything after the last good flush goes to a rescue file in
``rescue_dir``. While that cannot be written either, the data waits in memory and the writer
retries.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import numpy as np

from recordings import schema
from recordings.errors import RecordingError, reason
from recordings.h5file import Attribute, H5Recording
from recordings.space import has_room_for

log = logging.getLogger(__name__)

FLUSH_INTERVAL_S = 0.5
#: Blocks are gathered this long and appended in one write per dataset: an HDF5 resize and
#: write per small block would cost more than the data.
WRITE_INTERVAL_S = 0.25
RESCUE_RETRY_S = 2.0
#: Samples held in memory while nothing can be written (2.8 h at 1 kHz, ~400 MB); beyond
#: this the oldest are dropped and counted.
MAX_HELD_SAMPLES = 10_000_000


@dataclass(frozen=True)
class SessionInfo:
    operator: str = ""
    client: str = ""
    notes: str = ""
    probe_area_cm2: float = 1.0
    app_version: str = ""
    started_at: datetime = field(default_factory=lambda: datetime.now().astimezone())
    uuid: str = field(default_factory=lambda: str(uuid.uuid4()))
    continues_uuid: str = ""  # set on a rescue file: the session it continues
    recovered_from: str = ""  # set on rescued and repaired files: where the data came from


@dataclass
class _Batch:
    """What the writer took from its queue in one cycle."""

    samples: list[np.ndarray] = field(default_factory=list)
    tables: dict[str, list[tuple]] = field(default_factory=dict)

    @property
    def sample_count(self) -> int:
        return sum(block.size for block in self.samples)

    def __bool__(self) -> bool:
        return bool(self.samples or self.tables)


@dataclass(frozen=True)
class WriterStatus:
    samples_written: int = 0  # in files, flushed or about to be
    error: str = ""  # the first failure, in one line
    rescue_path: Path | None = None
    held_samples: int = 0  # waiting in memory for a writable file
    lost_samples: int = 0  # dropped after MAX_HELD_SAMPLES


class RecordingWriter:
    """Owns one recording from creation to close.

    ``append`` and the ``add_*`` methods may be called from any thread (the reader's); only
    the writer thread touches the file after ``start``.
    """

    def __init__(
        self,
        path: Path,
        session: SessionInfo,
        device: Mapping[str, Attribute],
        calibration: Mapping[str, Attribute],
        rescue_dir: Path | None = None,
        flush_interval_s: float = FLUSH_INTERVAL_S,
    ) -> None:
        self.path = Path(path)
        self._session = session
        self._device = dict(device)
        self._calibration = dict(calibration)
        self._rescue_dir = rescue_dir
        self._flush_interval_s = flush_interval_s
        self._queue: queue.SimpleQueue[tuple[str, object]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"writer {self.path.name}")
        self._file: H5Recording | None = None
        self._lock = threading.Lock()
        self._status = WriterStatus()
        self._notes: str | None = None
        # Writer-thread state:
        self._unflushed: list[_Batch] = []  # in the current file, not yet flushed
        self._last_flush = time.monotonic()
        self._next_rescue_try = 0.0

    # --- any thread ---------------------------------------------------------------------

    def start(self) -> None:
        """Create the file (never over an existing one) and start the thread."""
        self._file = H5Recording.create(self.path, self._session, self._device, self._calibration)
        self._thread.start()

    def append(self, block: np.ndarray) -> None:
        """Queue a structured block with at least the fields of ``schema.SAMPLE_COLUMNS``."""
        if block.size:
            self._queue.put(("samples", block))

    def add_event(self, t: float, kind: str, label: str = "", value: float = 0.0) -> None:
        self._queue.put((schema.EVENTS_DATASET, (t, kind, label, value)))

    def add_segment(
        self,
        t_start: float,
        t_end: float,
        muscle: str,
        band_low_kpa: float,
        band_high_kpa: float,
        side: str = "",
        technique: str = "",
        band_basis: str = "absolute",
    ) -> None:
        row = (t_start, t_end, muscle, side, technique, band_low_kpa, band_high_kpa, band_basis)
        self._queue.put((schema.SEGMENTS_DATASET, row))

    def set_notes(self, notes: str) -> None:
        """The session notes as they stand: stamped on the file at close. Callers also log
        them as a ``note`` event, which survives a crash."""
        with self._lock:
            self._notes = notes

    def add_ppt_trial(self, row: tuple) -> None:
        """One row in the order of ``schema.PPT_TRIAL_DTYPE``."""
        self._queue.put((schema.PPT_TRIALS_DATASET, row))

    def close(self, timeout: float = 30.0) -> WriterStatus:
        """Write what is queued, stamp the end, close; returns the final status."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        return self.status()

    def status(self) -> WriterStatus:
        with self._lock:
            return self._status

    @property
    def samples_written(self) -> int:
        return self.status().samples_written

    @property
    def error(self) -> str:
        return self.status().error

    # --- writer thread ------------------------------------------------------------------

    def _run(self) -> None:
        held: list[_Batch] = []  # in no file yet
        while True:
            stopping = self._stop.wait(WRITE_INTERVAL_S)
            batch = self._drain()
            if batch:
                held.append(batch)
            while held:
                before = len(held)
                self._ensure_room(held[0].sample_count, stopping)
                held = self._write(held, stopping)
                if len(held) == before:
                    break  # no file will take more now: hold it and try again later
            held = self._bound(held)
            self._update(held_samples=sum(b.sample_count for b in held))
            if stopping and self._queue.empty():
                break
        self._finish(held)

    def _ensure_room(self, samples: int, stopping: bool) -> None:
        """Make ``self._file`` a file with room for ``samples`` more, or None: a file running
        out of room is closed cleanly and continued in a rescue file, before HDF5 fails."""
        if self._file is not None and self._file.has_room_for(samples):
            return
        if not stopping and time.monotonic() < self._next_rescue_try:
            return
        if self._file is not None:
            self._fail(f"no room left to write {self._file.path}")
        rescue = self._open_rescue(samples)
        if rescue is None:
            self._next_rescue_try = time.monotonic() + RESCUE_RETRY_S
            return
        if self._file is not None:
            self._continue_in(rescue)
        self._file = rescue

    def _write(self, held: list[_Batch], stopping: bool) -> list[_Batch]:
        """Write ``held`` to the current file, batch by batch while there is room; returns
        what is still held."""
        catching_up = len(held) > 1  # after a failure: keep each batch as it lands
        try:
            while held and self._file is not None and self._file.has_room_for(held[0].sample_count):
                self._file.write(held[0].samples, held[0].tables)
                self._count_written(held[0].sample_count)
                self._unflushed.append(held.pop(0))
                if catching_up:
                    self._flush()
            if self._file is not None and (
                stopping or time.monotonic() - self._last_flush >= self._flush_interval_s
            ):
                self._flush()
        except (OSError, RuntimeError, ValueError) as exc:
            # What was not flushed may not be in the file: write it again elsewhere.
            self._count_written(-sum(b.sample_count for b in self._unflushed))
            held = self._unflushed + held
            self._unflushed = []
            was_rescue = self._abandon_file(exc)
            # Straight on to a rescue file after the first failure; after a rescue file
            # failed too, wait before the next try.
            self._next_rescue_try = time.monotonic() + RESCUE_RETRY_S if was_rescue else 0.0
        return held

    def _continue_in(self, rescue: H5Recording) -> None:
        """Close the current file cleanly, saying where the recording goes on."""
        file = self._file
        assert file is not None
        try:
            continued = [(file.last_t, "continued", rescue.path.name, 0.0)]
            file.write([], {schema.EVENTS_DATASET: continued})
            file.close_and_stamp()
        except (OSError, RuntimeError, ValueError) as exc:
            self._count_written(-sum(b.sample_count for b in self._unflushed))
            self._abandon_file(exc)
        self._unflushed = []

    def _finish(self, held: list[_Batch]) -> None:
        if self._file is not None:
            try:
                with self._lock:
                    notes = self._notes
                self._file.close_and_stamp(notes=notes)
            except (OSError, RuntimeError, ValueError) as exc:
                self._fail(f"closing {self._file.path} failed: {reason(exc)}")
        lost = sum(b.sample_count for b in held)
        if lost:
            self._fail(f"{lost} samples could not be written anywhere")
            self._update(lost_samples=self.status().lost_samples + lost, held_samples=0)

    def _flush(self) -> None:
        assert self._file is not None
        self._file.flush()
        self._unflushed.clear()
        self._last_flush = time.monotonic()

    def _drain(self) -> _Batch:
        batch = _Batch()
        try:
            while True:
                kind, item = self._queue.get_nowait()
                if kind == "samples":
                    batch.samples.append(item)
                else:
                    batch.tables.setdefault(kind, []).append(item)
        except queue.Empty:
            return batch

    def _abandon_file(self, exc: BaseException) -> bool:
        """Let go of the failed file; True when it was a rescue file (then deleted if it
        never kept anything, so that retries leave no empty files behind)."""
        file, self._file = self._file, None
        assert file is not None
        self._fail(f"writing {file.path} failed: {reason(exc)}")
        file.abandon()
        is_rescue = file.path != self.path
        if is_rescue and not file.flushed_any:
            file.path.unlink(missing_ok=True)
            self._update(rescue_path=None)
        return is_rescue

    def _open_rescue(self, samples: int) -> H5Recording | None:
        """A new rescue file with room for ``samples``, or None (retried later)."""
        if self._rescue_dir is None:
            return None
        session = replace(
            self._session,
            uuid=str(uuid.uuid4()),
            continues_uuid=self._session.uuid,
            recovered_from=f"{self.path.name}: {self.status().error}",
        )
        try:
            self._rescue_dir.mkdir(parents=True, exist_ok=True)
            path = _free_name(self._rescue_dir / f"{self.path.stem}-rescued.h5")
            if not has_room_for(self._rescue_dir / "probe", samples):
                raise RecordingError(f"no room left in {self._rescue_dir}")
            file = H5Recording.create(path, session, self._device, self._calibration)
        except (RecordingError, OSError) as exc:
            log.warning("no rescue file yet: %s", exc)
            return None
        self._update(rescue_path=path)
        return file

    def _bound(self, held: list[_Batch]) -> list[_Batch]:
        total = sum(b.sample_count for b in held)
        while total > MAX_HELD_SAMPLES and held and held[0].samples:
            dropped = held[0].samples.pop(0)
            total -= dropped.size
            self._update(lost_samples=self.status().lost_samples + dropped.size)
        return held

    def _update(self, **changes: object) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)

    def _count_written(self, samples: int) -> None:
        with self._lock:
            written = self._status.samples_written + samples
            self._status = replace(self._status, samples_written=written)

    def _fail(self, message: str) -> None:
        log.warning("%s", message)
        with self._lock:
            self._status = replace(self._status, error=self._status.error or message)


def _free_name(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate
