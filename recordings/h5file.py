"""One open recording file in SWMR mode: create the layout, append, flush, stamp the end."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import h5py
import numpy as np

from recordings import schema
from recordings.errors import RecordingError, reason
from recordings.overview import OverviewBuilder
from recordings.space import BYTES_PER_SAMPLE_BOUND, has_room_for

if TYPE_CHECKING:
    from recordings.writer import SessionInfo

Attribute = str | float | int


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
        if self.count < 2 or self.first_t is None or self.last_t == self.first_t:
            return 0.0
        return (self.count - 1) / (self.last_t - self.first_t)


class H5Recording:
    def __init__(self, path: Path, file: h5py.File) -> None:
        self.path = path
        self._file = file
        self._overview = OverviewBuilder()
        self._span = _Span()
        self._pending: list[np.ndarray] = []  # samples of the partial newest chunk
        self.flushed_any = False  # has anything this file was given reached the disk?
        self._empty_size = path.stat().st_size  # the layout alone

    @classmethod
    def create(
        cls,
        path: Path,
        session: SessionInfo,
        device: Mapping[str, Attribute],
        calibration: Mapping[str, Attribute],
    ) -> H5Recording:
        """Create the file with every dataset (SWMR allows none later) and enter SWMR mode."""
        if path.exists():
            raise RecordingError(f"{path} already exists; recordings are never overwritten")
        if not path.parent.is_dir():
            raise RecordingError(f"cannot create {path}: folder {path.parent} does not exist")
        try:
            file = h5py.File(path, "x", libver=("v110", "v110"))
        except OSError as exc:
            raise RecordingError(f"cannot create {path}: {reason(exc)}") from exc
        try:
            _write_layout(file, session, device, calibration)
            file.swmr_mode = True
            file.flush()
        except (OSError, RuntimeError, ValueError, TypeError) as exc:
            file.close()
            path.unlink(missing_ok=True)
            raise RecordingError(f"cannot write {path}: {reason(exc)}") from exc
        return cls(path, file)

    def write(self, samples: list[np.ndarray], tables: Mapping[str, list[tuple]]) -> None:
        if samples:
            block = np.concatenate(samples)
            self._write_samples(block)
            self._write_overview(self._overview.add(block["t"], block["force"]))
            self._span.add(block["t"])
        for name, rows in tables.items():
            dataset = self._file[name]
            _append(dataset, np.array(rows, dtype=dataset.dtype))

    @property
    def bytes_per_sample(self) -> float:
        """Twice what a sample has cost this file so far: a safe estimate of the next ones."""
        if not self.flushed_any or self._span.count < 1000:
            return BYTES_PER_SAMPLE_BOUND
        grown = self.path.stat().st_size - self._empty_size
        return min(BYTES_PER_SAMPLE_BOUND, max(8.0, 2 * grown / self._span.count))

    def has_room_for(self, samples: int) -> bool:
        return has_room_for(self.path, samples, self.bytes_per_sample)

    @property
    def last_t(self) -> float:
        """Session time of the newest sample written (0 before any)."""
        return self._span.last_t or 0.0

    def flush(self) -> None:
        self._file.flush()
        self.flushed_any = True

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
