"""One open recording file in SWMR mode: create the layout, append, flush, stamp the end."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from recordings import schema
from recordings.errors import RecordingError, reason
from recordings.overview import OverviewBuilder
from recordings.rescue import make_private
from recordings.rows import sample_rows
from recordings.session import SessionInfo
from recordings.space import BYTES_PER_SAMPLE_BOUND, has_room_for

Attribute = str | float | int
#: A table's rows as handed over: tuples from the app, or structured arrays read back from a file.
TableRows = list[tuple[Any, ...]] | list[np.ndarray] | np.ndarray

_SAMPLE_DTYPE = np.dtype([(column.name, column.dtype) for column in schema.SAMPLE_COLUMNS])


@dataclass
class _Span:
    """First and last sample time and the count, for the achieved rate."""

    first_t: float | None = None
    last_t: float | None = None
    count: int = 0

    def add(self, t: np.ndarray) -> None:
        if t.size:
            self.first_t = float(t[0]) if self.first_t is None else self.first_t
            self.last_t = float(t[-1])
            self.count += t.size

    @property
    def rate_hz(self) -> float:
        first, last = self.first_t, self.last_t
        if self.count < 2 or first is None or last is None or last == first:
            return 0.0
        return (self.count - 1) / (last - first)


class H5Recording:
    def __init__(self, path: Path, file: h5py.File) -> None:
        self.path = path
        self._file = file
        self._overview = OverviewBuilder()
        self._span = _Span()
        self._pending: list[np.ndarray] = []  # samples of the partial newest chunk
        self._chunked = 0  # samples in whole compressed chunks in /samples
        self.flushed_any = False  # has anything this file was given reached the disk?
        self.flushed_samples = 0  # samples that reached the disk at the last flush
        status = path.stat()
        self.layout_bytes = status.st_size  # the empty layout: what a new file costs
        self._identity = (status.st_dev, status.st_ino)

    @classmethod
    def create(
        cls,
        path: Path,
        session: SessionInfo,
        device: Mapping[str, Attribute],
        calibration: Mapping[str, Attribute],
        *,
        private: bool = False,
    ) -> H5Recording:
        """Create the file with every dataset (SWMR allows none later) and enter SWMR mode;
        ``private``: readable by the user alone."""
        if path.exists():
            raise RecordingError(f"{path} already exists; recordings are never overwritten")
        if not path.parent.is_dir():
            raise RecordingError(f"cannot create {path}: folder {path.parent} does not exist")
        needed = layout_bytes_estimate(session)
        if not has_room_for(path, 0, extra_bytes=needed):
            raise RecordingError(
                f"no room for a new recording in {path.parent} (it needs {needed // 1024} KB)"
            )
        try:
            file = h5py.File(path, "x", libver=("v110", "v110"))
        except OSError as exc:
            raise RecordingError(f"cannot create {path}: {reason(exc)}") from exc
        try:
            if private:
                make_private(path)
            _write_layout(file, session, device, calibration)
            file.swmr_mode = True
            file.flush()
            return cls(path, file)
        except (OSError, RuntimeError, ValueError, TypeError) as exc:
            with contextlib.suppress(OSError, RuntimeError, ValueError):
                file.close()
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
            raise RecordingError(f"cannot write {path}: {reason(exc)}") from exc

    def write(self, samples: list[np.ndarray], tables: Mapping[str, TableRows]) -> None:
        if samples:
            block = sample_rows(samples)
            self._write_samples(block)
            self._write_overview(self._overview.add(block["t"], block["force"]))
            self._span.add(block["t"])
        for name, rows in tables.items():
            dataset = self._file[name]
            _append(dataset, _rows(rows, dataset.dtype))

    @property
    def bytes_per_sample(self) -> float:
        """Twice what a sample has cost this file so far: a safe estimate of the next ones.
        Only samples in whole compressed chunks count: the first SAMPLE_CHUNK sit in the
        tail, allocated with the file, and cost nothing until they are compressed."""
        if not self.flushed_any or self._chunked < schema.SAMPLE_CHUNK:
            return BYTES_PER_SAMPLE_BOUND
        try:
            grown = self.path.stat().st_size - self.layout_bytes
        except OSError:
            return BYTES_PER_SAMPLE_BOUND
        return min(BYTES_PER_SAMPLE_BOUND, max(8.0, 2 * grown / self._chunked))

    def has_room_for(self, samples: int, extra_bytes: int = 0) -> bool:
        """Room for ``samples`` more and for the samples waiting in the tail (they are
        compressed into /samples when their chunk fills, or at the close), plus
        ``extra_bytes`` (notes stamped at the close)."""
        waiting = sum(block.size for block in self._pending) + samples
        return has_room_for(self.path, waiting, self.bytes_per_sample, extra_bytes)

    def vanished(self) -> str:
        """Why the file at ``path`` is no longer this recording ("" while it is): removed,
        moved, its folder or drive gone, or replaced by another file."""
        try:
            status = self.path.stat()
        except OSError:
            return f"{self.path} was removed or moved while recording"
        if (status.st_dev, status.st_ino) != self._identity:
            return f"{self.path} was replaced by another file while recording"
        return ""

    def contents(self, block_rows: int = 1_000_000) -> Iterator[tuple[list[np.ndarray], dict]]:
        """Everything written so far, read back from the open file in bounded blocks (the
        first with the tables): what a file that vanished still holds for its rescue."""
        group = self._file[schema.SAMPLES_GROUP]
        stored = min(group[column.name].shape[0] for column in schema.SAMPLE_COLUMNS)
        tables = {name: self._file[name][()] for name in schema.TABLES}
        tables = {name: rows for name, rows in tables.items() if rows.size}
        for start in range(0, stored, block_rows):
            stop = min(start + block_rows, stored)
            block = np.empty(stop - start, dtype=_SAMPLE_DTYPE)
            for column in schema.SAMPLE_COLUMNS:
                block[column.name] = group[column.name][start:stop]
            yield [block], tables
            tables = {}
        yield list(self._pending), tables

    @property
    def sample_count(self) -> int:
        """Samples written to this file so far."""
        return self._span.count

    @property
    def last_t(self) -> float:
        """Session time of the newest sample written (0 before any)."""
        return self._span.last_t or 0.0

    def flush(self) -> None:
        self._file.flush()
        self.flushed_any = True
        self.flushed_samples = self._span.count

    def _write_samples(self, block: np.ndarray | None, final: bool = False) -> None:
        """Whole chunks to /samples, each written once, compressed; the rest to the tail
        (``final``: everything to /samples, the tail emptied)."""
        parts = [*self._pending, *([] if block is None else [block])]
        if not parts:
            return
        pending = np.concatenate(parts)
        chunk = schema.SAMPLE_CHUNK
        whole = len(pending) if final else len(pending) // chunk * chunk
        group = self._file[schema.SAMPLES_GROUP]
        if whole:
            for column in schema.SAMPLE_COLUMNS:
                _append(group[column.name], pending[column.name][:whole])
            self._chunked += whole
        rest = pending[whole:]
        self._pending = [rest] if rest.size else []
        tail = self._file[schema.SAMPLES_TAIL_GROUP]
        for column in schema.SAMPLE_COLUMNS:
            tail[column.name][: rest.size] = rest[column.name]
        tail[schema.TAIL_COUNT][0] = rest.size

    def close_and_stamp(self, end_time: datetime | None = None, notes: str | None = None) -> None:
        """Finish the overview, close, and record when the session ended (default: now) and
        the notes as they stand at the end."""
        self._write_samples(None, final=True)
        self._write_overview(self._overview.finish())
        self._file.flush()
        self._file.close()
        # Attributes cannot change in SWMR mode: stamp them in a normal open of the closed file.
        end = end_time or datetime.now().astimezone()
        with h5py.File(self.path, "r+") as file:
            file[schema.SESSION_GROUP].attrs["end_time"] = end.isoformat()
            file[schema.DEVICE_GROUP].attrs["achieved_rate_hz"] = self._span.rate_hz
            if notes is not None:
                file[schema.SESSION_GROUP].attrs["notes"] = notes

    def abandon(self) -> None:
        """Let go of a file that failed; what it flushed stays readable."""
        with contextlib.suppress(OSError, RuntimeError, ValueError):
            self._file.close()

    def _write_overview(self, levels: Mapping[int, np.ndarray]) -> None:
        for level, rows in levels.items():
            if rows.size:
                _append(self._file[schema.overview_name(level)], rows)


def layout_bytes_estimate(session: SessionInfo) -> int:
    """What an empty recording costs on disk, at most: the tail, allocated with the file,
    HDF5's own structures, and the session's text."""
    tail = schema.SAMPLE_CHUNK * _SAMPLE_DTYPE.itemsize
    text = sum(len(str(value).encode()) for value in vars(session).values())
    return tail + 48 * 1024 + text


def _rows(rows: TableRows, dtype: np.dtype) -> np.ndarray:
    """Rows as tuples or as structured arrays (read back from another file), as one array."""
    if isinstance(rows, np.ndarray):
        return rows.astype(dtype)
    if rows and isinstance(rows[0], np.ndarray):
        return np.concatenate(rows).astype(dtype)
    return np.array(rows, dtype=dtype)


def _append(dataset: h5py.Dataset, values: np.ndarray) -> None:
    start = dataset.shape[0]
    dataset.resize((start + len(values),))
    dataset[start:] = values


def _write_layout(
    file: h5py.File,
    session: SessionInfo,
    device: Mapping[str, Attribute],
    calibration: Mapping[str, Attribute],
) -> None:
    file.attrs.update(
        {
            "format": schema.FORMAT_NAME,
            "schema_version": schema.SCHEMA_VERSION,
            "app_version": session.app_version,
            "created_utc": datetime.now(timezone.utc).isoformat(),
        }
    )
    file.create_group(schema.SESSION_GROUP).attrs.update(
        {
            "uuid": session.uuid,
            "start_time": session.started_at.isoformat(),
            "end_time": "",
            "operator": session.operator,
            "client": session.client,
            "notes": session.notes,
            "probe_area_cm2": float(session.probe_area_cm2),
            "continues_uuid": session.continues_uuid,
            "recovered_from": session.recovered_from,
        }
    )
    device_attributes = {"achieved_rate_hz": 0.0} | dict(device)
    file.create_group(schema.DEVICE_GROUP).attrs.update(device_attributes)
    file.create_group(schema.CALIBRATION_GROUP).attrs.update(calibration)
    samples = file.create_group(schema.SAMPLES_GROUP)
    for column in schema.SAMPLE_COLUMNS:
        dataset = samples.create_dataset(
            column.name,
            shape=(0,),
            maxshape=(None,),
            dtype=column.dtype,
            chunks=(schema.SAMPLE_CHUNK,),
            **schema.COMPRESSION,
        )
        dataset.attrs["unit"] = column.unit
        dataset.attrs["description"] = column.description
    tail = file.create_group(schema.SAMPLES_TAIL_GROUP)
    for column in schema.SAMPLE_COLUMNS:
        # Written now, so its room is taken when the file is made, never mid-recording.
        tail.create_dataset(column.name, data=np.zeros(schema.SAMPLE_CHUNK, column.dtype))
    tail.create_dataset(schema.TAIL_COUNT, data=np.zeros(1, "<i8"))
    for name, dtype in schema.TABLES.items():
        file.create_dataset(
            name, shape=(0,), maxshape=(None,), dtype=dtype, chunks=(schema.TABLE_CHUNK,)
        )
    overview = file.create_group(schema.OVERVIEW_GROUP)
    for level in schema.OVERVIEW_LEVELS:
        dataset = overview.create_dataset(
            f"L{level}",
            shape=(0,),
            maxshape=(None,),
            dtype=schema.OVERVIEW_DTYPE,
            chunks=(schema.OVERVIEW_CHUNK,),  # uncompressed: rewritten in place as it grows
        )
        dataset.attrs["samples_per_row"] = level
