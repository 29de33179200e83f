"""The writer thread: appends sample blocks and tables to one HDF5 file in SWMR mode.

Crash safety: the file is in SWMR mode and flushed every half second, so a recording killed
at any moment opens and holds every sample that reached the writer up to 0.75 s before.

Write failures lose nothing that reached the writer while memory can hold it:
- a file about to run out of room (full disk, file-size limit) is closed cleanly *before*
  HDF5 could fail, and the recording goes on in a rescue file in ``rescue_dir``;
- a write that fails anyway (a removed drive) leaves the file with what was flushed, and the
  rest goes to a rescue file;
- a file that vanishes (its folder removed, the file moved or replaced) is read back from the
  still-open handle into the rescue file, whole;
- while no file can take the data, it waits in memory (at most ``MAX_HELD_SAMPLES``) and the
  writer tries again every ``RESCUE_RETRY_S``, going on in the same file if room returns.
The status says at once what is wrong and how long memory can hold out.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from recordings import schema
from recordings.errors import RecordingError, reason
from recordings.events import EventKind
from recordings.h5file import Attribute, H5Recording
from recordings.rescue import prepare_private_dir, rescue_name
from recordings.rows import check_attributes, check_sample_fields, check_text, table_row
from recordings.session import SessionInfo
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


@dataclass
class _Batch:
    """What the writer took from its queue in one cycle."""

    samples: list[np.ndarray] = field(default_factory=list)
    tables: dict[str, list[np.ndarray]] = field(default_factory=dict)

    @property
    def sample_count(self) -> int:
        return sum(block.size for block in self.samples)

    def __bool__(self) -> bool:
        return bool(self.samples or self.tables)


@dataclass(frozen=True)
class WriterStatus:
    samples_written: int = 0  # in files, flushed or about to be
    error: str = ""  # the first failure, in one line
    latest: str = ""  # the newest failure, in one line
    trouble: str = ""  # what keeps data from its file right now, in one line ("" when none)
    rescue_path: Path | None = None  # the newest rescue file
    held_samples: int = 0  # waiting for a writable file (in memory, or in a vanished file)
    held_seconds: float = 0.0  # the time the samples in memory span
    hold_capacity_s: float = 0.0  # how much longer memory can hold at the current rate
    lost_samples: int = 0  # dropped beyond MAX_HELD_SAMPLES, or never written at the close
    #: The files that hold the recording's samples, in order, with how many each holds: the
    #: recording's own file, then any rescue files (a file that vanished is not among them).
    files: tuple[tuple[Path, int], ...] = ()
    #: Files left as at their last flush, for want of room to close them: `repair` them.
    unclosed: tuple[Path, ...] = ()

    def describe(self) -> str:
        """One line for the user while recording: what is wrong now ("" when nothing is:
        also after room returned and writing went on in the same file)."""
        if self.held_samples:
            hold = (
                f"; {_duration(self.held_seconds)} of samples wait in memory "
                f"(room for {_duration(self.hold_capacity_s)} more), retried every "
                f"{RESCUE_RETRY_S:g} s"
            )
            return f"cannot write: {self.trouble or self.latest or self.error}{hold}"
        if self.rescue_path is not None:
            return f"{self.latest or self.error}; the recording goes on in {self.rescue_path}"
        return ""

    def situation(self) -> tuple[bool, str, Path | None]:
        """What ``describe`` says, without the numbers that change every second."""
        return (bool(self.held_samples), self.trouble or self.latest, self.rescue_path)


class RecordingWriter:
    """Owns one recording from creation to close.

    ``append`` and the ``add_*`` methods may be called from any thread (the reader's); they
    check what they are given and raise ``InvalidValueError`` for what a file cannot hold.
    Only the writer thread touches the file after ``start``.
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
        self._queue: queue.SimpleQueue[tuple[str, np.ndarray]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"writer {self.path.name}")
        self._file: H5Recording | None = None
        self._lock = threading.Lock()
        self._status = WriterStatus()
        self._notes: str | None = None
        self._room_deadline = 0.0  # after close(): how long held samples may wait for room
        # Writer-thread state:
        self._unflushed: list[_Batch] = []  # in the current file, not yet flushed
        self._salvage: H5Recording | None = None  # a file that vanished, still open, unsaved
        self._layout_bytes = 0  # what an empty file costs
        self._last_flush = time.monotonic()
        self._next_rescue_try = 0.0

    # --- any thread ---------------------------------------------------------------------

    def start(self) -> None:
        """Create the file (never over an existing one) and start the thread."""
        for name in ("operator", "client", "notes", "app_version"):
            check_text(getattr(self._session, name), f"the session's {name}")
        check_attributes(self._device, "the device's")
        check_attributes(self._calibration, "the calibration's")
        self._file = H5Recording.create(self.path, self._session, self._device, self._calibration)
        self._layout_bytes = self._file.layout_bytes
        self._thread.start()

    def append(self, block: np.ndarray) -> None:
        """Queue a structured block with at least the fields of ``schema.SAMPLE_COLUMNS``."""
        check_sample_fields(block.dtype)
        if block.size:
            self._queue.put(("samples", block))

    def add_event(self, t: float, kind: EventKind, label: str = "", value: float = 0.0) -> None:
        """An ``/events`` row; a kind outside ``EventKind`` raises ValueError (a file holds
        only documented kinds)."""
        self._add_row(schema.EVENTS_DATASET, (t, EventKind(kind).value, label, value))

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
        self._add_row(schema.SEGMENTS_DATASET, row)

    def set_notes(self, notes: str) -> None:
        """The session notes as they stand: stamped on the file at close. Callers also log
        them as a ``note`` event, which survives a crash."""
        check_text(notes, "the notes")
        with self._lock:
            self._notes = notes

    def add_ppt_trial(self, row: tuple) -> None:
        """One row in the order of ``schema.PPT_TRIAL_DTYPE``."""
        self._add_row(schema.PPT_TRIALS_DATASET, row)

    def retry_now(self) -> None:
        """Try a rescue file at the next cycle (the user freed some space)."""
        self._next_rescue_try = 0.0

    def give_up_waiting(self) -> None:
        """After ``close``: stop waiting for room; what no file took counts as lost."""
        self._room_deadline = 0.0

    def close(self, timeout: float = 30.0, wait_for_room_s: float = 0.0) -> WriterStatus:
        """Write what is queued, stamp the end, close; returns the final status. Samples that
        no file can take yet wait up to ``wait_for_room_s`` for room, then count as lost."""
        self._room_deadline = time.monotonic() + wait_for_room_s
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout + wait_for_room_s)
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

    def _add_row(self, table: str, row: tuple) -> None:
        self._queue.put((table, table_row(table, row)))

    # --- writer thread ------------------------------------------------------------------

    def _run(self) -> None:
        held: list[_Batch] = []  # in no file yet
        try:
            while True:
                stopping = self._stop.wait(WRITE_INTERVAL_S)
                batch = self._drain()
                if batch:
                    held.append(batch)
                try:
                    held = self._cycle(held, stopping)
                except Exception as exc:  # a failure nobody foresaw: keep the data, say so
                    log.warning("the writer of %s failed", self.path, exc_info=True)
                    held = self._recover(held, exc)
                held = self._bound(held)
                self._report(held)
                if stopping and self._queue.empty():
                    if not (held or self._salvage) or time.monotonic() > self._room_deadline:
                        break
                    time.sleep(WRITE_INTERVAL_S)  # waiting for room at the close
        finally:
            self._finish(held)

    def _cycle(self, held: list[_Batch], stopping: bool) -> list[_Batch]:
        self._check_vanished()
        if self._salvage is not None:  # it goes whole into one file, before anything else
            self._ensure_room(self._salvage.sample_count + (held[0].sample_count if held else 0))
        elif held:  # batch by batch: a file with room for the first goes on
            self._ensure_room(held[0].sample_count)
        if self._salvage is not None and self._file is not None:
            self._take_salvage()
        if self._salvage is None:
            held = self._write(held, stopping)
        return held

    def _check_vanished(self) -> None:
        """A file no longer at its path holds nothing anyone can open: all it was given goes
        to a rescue file, read back from the handle that is still open."""
        if self._file is None:
            return
        why = self._file.vanished()
        if not why:
            return
        self._fail(why)
        self._count_written(-self._file.sample_count)
        self._unflushed.clear()  # they are in the file's contents
        self._salvage, self._file = self._file, None
        self._next_rescue_try = 0.0

    def _take_salvage(self) -> None:
        source, file = self._salvage, self._file
        assert source is not None and file is not None
        try:
            for samples, tables in source.contents():
                file.write(samples, tables)
                self._count_written(sum(block.size for block in samples))
            self._flush()
        except (OSError, RuntimeError, ValueError) as exc:
            self._count_written(-file.sample_count)
            self._unflushed.clear()
            self._abandon_file(exc)
            self._next_rescue_try = time.monotonic() + RESCUE_RETRY_S
            return
        source.abandon()
        self._salvage = None

    def _ensure_room(self, samples: int) -> None:
        """Make ``self._file`` a file with room for ``samples`` more, or None: a file running
        out of room is closed cleanly and continued in a rescue file, before HDF5 fails."""
        if self._file is not None and self._file.has_room_for(samples, self._notes_bytes()):
            return
        if time.monotonic() < self._next_rescue_try and not self._stop.is_set():
            return
        why = f"no room left to write {self._file.path}" if self._file is not None else ""
        rescue = self._open_rescue(samples, why or self.status().error)
        if why:  # said with the rescue file's name when there is one, not a moment before
            self._fail(why)
        if rescue is None:
            self._next_rescue_try = time.monotonic() + RESCUE_RETRY_S
            return
        if self._file is not None:
            self._continue_in(rescue)
        self._file = rescue
        self._update(trouble="")

    def _write(self, held: list[_Batch], stopping: bool) -> list[_Batch]:
        """Write ``held`` to the current file, batch by batch while there is room; returns
        what is still held."""
        catching_up = len(held) > 1  # after a failure: keep each batch as it lands
        notes = self._notes_bytes()
        try:
            while (
                held
                and self._file is not None
                and self._file.has_room_for(held[0].sample_count, notes)
            ):
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
            held = self._requeue_unflushed(held)
            was_rescue = self._abandon_file(exc)
            # Straight on to a rescue file after the first failure; after a rescue file
            # failed too, wait before the next try.
            self._next_rescue_try = time.monotonic() + RESCUE_RETRY_S if was_rescue else 0.0
        return held

    def _recover(self, held: list[_Batch], exc: Exception) -> list[_Batch]:
        """After an unforeseen exception: what the current file had not flushed is held
        again, the file is let go (it keeps what it flushed), and a rescue file is tried
        after the usual pause."""
        self._fail(f"writing {self.path.name} failed unexpectedly: {type(exc).__name__}: {exc}")
        held = self._requeue_unflushed(held)
        if self._file is not None:
            self._abandon_file(exc)
        self._next_rescue_try = time.monotonic() + RESCUE_RETRY_S
        return held

    def _requeue_unflushed(self, held: list[_Batch]) -> list[_Batch]:
        """What was not flushed may not be in the file: it is written again elsewhere."""
        self._count_written(-sum(b.sample_count for b in self._unflushed))
        held = self._unflushed + held
        self._unflushed = []
        return held

    def _continue_in(self, rescue: H5Recording) -> None:
        """Close the current file cleanly, saying where the recording goes on."""
        file = self._file
        assert file is not None
        try:
            continued = [(file.last_t, EventKind.CONTINUED.value, rescue.path.name, 0.0)]
            file.write([], {schema.EVENTS_DATASET: continued})
            file.close_and_stamp()
        except (OSError, RuntimeError, ValueError) as exc:
            self._count_written(-sum(b.sample_count for b in self._unflushed))
            self._abandon_file(exc)
        else:
            self._keep(file.path, file.sample_count)
        self._unflushed = []

    def _finish(self, held: list[_Batch]) -> None:
        """Close whatever is open; what no file took is counted as lost, never as saved."""
        lost = sum(b.sample_count for b in held)
        if self._salvage is not None:
            lost += self._salvage.sample_count
            self._salvage.abandon()
            self._salvage = None
        if self._file is not None and not self._file.has_room_for(0, self._notes_bytes()):
            # Closing writes the tail and metadata, which a full disk would fail half-way
            # (leaving HDF5 unstable): leave the file as it was at its last flush instead.
            file, self._file = self._file, None
            self._fail(
                f"no room to close {file.path}: it holds {file.flushed_samples} samples as at "
                "its last flush (pressure-monitor repair makes a closed copy)"
            )
            lost += file.sample_count - file.flushed_samples
            self._count_written(-(file.sample_count - file.flushed_samples))
            file.abandon()
            self._keep(file.path, file.flushed_samples)
            self._update(unclosed=(*self.status().unclosed, file.path))
        if self._file is not None:
            file = self._file
            try:
                with self._lock:
                    notes = self._notes
                file.close_and_stamp(notes=notes)
            except Exception as exc:
                self._fail(f"closing {file.path} failed: {reason(exc)}")
                unsaved = file.sample_count - file.flushed_samples
                self._count_written(-unsaved)
                lost += unsaved
                file.abandon()
                self._keep(file.path, file.flushed_samples)
            else:
                self._keep(file.path, file.sample_count)
            self._file = None
        if lost:
            self._fail(f"{lost} samples could not be written anywhere")
        self._update(
            lost_samples=self.status().lost_samples + lost, held_samples=0, held_seconds=0.0
        )

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
        self._update(trouble=f"writing {file.path} failed: {reason(exc)}")
        file.abandon()
        is_rescue = file.path != self.path
        if is_rescue and not file.flushed_any:
            file.path.unlink(missing_ok=True)
            self._update(rescue_path=None)
        elif file.flushed_samples:
            self._keep(file.path, file.flushed_samples)
        return is_rescue

    def _keep(self, path: Path, samples: int) -> None:
        """``path`` holds ``samples`` of the recording for good."""
        self._update(files=(*self.status().files, (path, samples)))

    def _open_rescue(self, samples: int, why: str) -> H5Recording | None:
        """A new rescue file with room for ``samples``, or None (retried later)."""
        if self._rescue_dir is None:
            self._update(trouble="no rescue folder was given")
            return None
        session = replace(
            self._session,
            uuid=str(uuid.uuid4()),
            continues_uuid=self._session.uuid,
            recovered_from=f"{self.path.name}: {why}",
        )
        # An empty file, the samples and the notes: all must fit.
        needed = self._layout_bytes + self._notes_bytes()
        try:
            folder = prepare_private_dir(self._rescue_dir)
            if not has_room_for(folder / "probe", samples, extra_bytes=needed):
                raise RecordingError(f"no room left in {folder}")
            path = rescue_name(folder, self.path)
            file = H5Recording.create(path, session, self._device, self._calibration, private=True)
        except (RecordingError, OSError) as exc:
            log.warning("no rescue file yet: %s", exc)
            self._update(trouble=str(exc))
            return None
        self._update(rescue_path=path)
        return file

    def _notes_bytes(self) -> int:
        with self._lock:
            notes = self._notes
        return len(notes.encode("utf-8")) if notes else 0

    def _bound(self, held: list[_Batch]) -> list[_Batch]:
        total = sum(b.sample_count for b in held)
        for batch in held:
            while total > MAX_HELD_SAMPLES and batch.samples:
                dropped = batch.samples.pop(0)
                total -= dropped.size
                self._update(lost_samples=self.status().lost_samples + dropped.size)
            if total <= MAX_HELD_SAMPLES:
                break
        return held

    def _report(self, held: list[_Batch]) -> None:
        blocks = [block for batch in held for block in batch.samples if block.size]
        count = sum(block.size for block in blocks)
        seconds = float(blocks[-1]["t"][-1] - blocks[0]["t"][0]) if blocks else 0.0
        capacity = (MAX_HELD_SAMPLES - count) * seconds / count if count and seconds > 0 else 0.0
        changes: dict[str, object] = {}
        if not count and self._salvage is None:
            changes["trouble"] = ""  # all is written as it comes
        waiting = count + (self._salvage.sample_count if self._salvage is not None else 0)
        self._update(
            held_samples=waiting, held_seconds=seconds, hold_capacity_s=capacity, **changes
        )

    def _update(self, **changes: Any) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)

    def _count_written(self, samples: int) -> None:
        with self._lock:
            written = self._status.samples_written + samples
            self._status = replace(self._status, samples_written=written)

    def _fail(self, message: str) -> None:
        log.warning("%s", message)
        with self._lock:
            error = self._status.error or message
            self._status = replace(self._status, error=error, latest=message)


def _duration(seconds: float) -> str:
    if seconds < 1:
        return "under 1 s"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"
