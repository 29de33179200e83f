"""Reading a recording back, whole (``read_recording``) or lazily for review (``ReviewFile``).

A recording killed while it was written still opens: it is in SWMR mode, so it is opened with
``swmr=True``, and its sample columns are cut to their common length (a kill can fall
between appending one column and the next).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from recordings import schema
from recordings.errors import NotARecordingError, reason


@dataclass(frozen=True)
class Recording:
    path: Path
    schema_version: int
    interrupted: bool  # never closed cleanly (crash, kill, power cut): `repair` makes it whole
    attributes: dict[str, Any]  # the root's
    session: dict[str, Any]
    device: dict[str, Any]
    calibration: dict[str, Any]
    samples: dict[str, np.ndarray]  # one array per schema.SAMPLE_COLUMNS name
    events: np.ndarray  # schema.EVENT_DTYPE
    segments: np.ndarray  # schema.SEGMENT_DTYPE
    ppt_trials: np.ndarray  # schema.PPT_TRIAL_DTYPE


#: What h5py raises on a truncated or otherwise damaged file, depending on where it breaks.
DAMAGE = (OSError, RuntimeError, ValueError, TypeError)


def _plain(value: Any) -> Any:
    """HDF5 attribute values as plain Python values (JSON-ready)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return [_plain(item) for item in value.tolist()]
    return value


def _attributes(node: h5py.HLObject) -> dict[str, Any]:
    return {key: _plain(value) for key, value in node.attrs.items()}


def _table(file: h5py.File, name: str, dtype: np.dtype) -> np.ndarray:
    if name not in file:
        return np.empty(0, dtype=dtype)
    rows = file[name][()]
    for field in rows.dtype.names:
        if rows.dtype[field].kind == "O":
            rows[field] = [_plain(value) for value in rows[field]]
    return rows


def open_h5(path: Path) -> h5py.File:
    """Open a recording for reading, whether it was closed cleanly or not."""
    if not path.is_file():
        raise NotARecordingError(f"{path}: no such file")
    try:
        return h5py.File(path, "r")
    except DAMAGE as first:
        if "truncated file" in str(first):
            # Cut short (a copy or a download that stopped): SWMR reading skips HDF5's size
            # check and can then loop forever on the missing metadata, so never try it.
            raise NotARecordingError(f"{path}: the file is truncated (cut short)") from first
        try:  # still flagged as being written: a crash, or a recording in progress
            return h5py.File(path, "r", swmr=True)
        except DAMAGE:
            why = reason(first) or "unreadable"
            raise NotARecordingError(f"{path}: not a readable HDF5 file ({why})") from first


def _check(path: Path, file: h5py.File) -> int:
    attributes = _attributes(file)
    if attributes.get("format") != schema.FORMAT_NAME:
        raise NotARecordingError(f"{path}: HDF5, but not a {schema.FORMAT_NAME} file")
    version = attributes.get("schema_version")
    if not isinstance(version, int) or version > schema.SCHEMA_VERSION:
        raise NotARecordingError(
            f"{path}: schema version {version} is newer than this app reads "
            f"({schema.SCHEMA_VERSION}); update the app"
        )
    return version


def read_recording(path: Path | str) -> Recording:
    path = Path(path)
    with _opened(path) as file:
        try:
            return _read(path, file)
        except KeyError as exc:
            raise NotARecordingError(f"{path}: incomplete recording, {exc} is missing") from exc


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[h5py.File]:
    """``open_h5`` that turns low-level failures while reading into one-line errors."""
    file = open_h5(path)
    try:
        yield file
    except DAMAGE as exc:
        raise NotARecordingError(f"{path}: damaged ({reason(exc)})") from exc
    finally:
        file.close()


def _tail(file: h5py.File) -> dict[str, np.ndarray]:
    """The samples an unfinished file holds beyond /samples (none in a closed file)."""
    names = [column.name for column in schema.SAMPLE_COLUMNS]
    group = file.get(schema.SAMPLES_TAIL_GROUP)
    if group is None:
        return {name: np.zeros(0) for name in names}
    if file.swmr_mode:
        for dataset in group.values():
            dataset.refresh()
    count = int(np.clip(group[schema.TAIL_COUNT][0], 0, schema.SAMPLE_CHUNK))
    return {name: group[name][:count] for name in names}


def _read(path: Path, file: h5py.File) -> Recording:
    version = _check(path, file)
    group = file[schema.SAMPLES_GROUP]
    columns = {column.name: group[column.name] for column in schema.SAMPLE_COLUMNS}
    n = min(dataset.shape[0] for dataset in columns.values())
    tail = _tail(file)
    session = _attributes(file[schema.SESSION_GROUP])
    return Recording(
        path=path,
        schema_version=version,
        interrupted=session.get("end_time", "") == "",
        attributes=_attributes(file),
        session=session,
        device=_attributes(file[schema.DEVICE_GROUP]),
        calibration=_attributes(file[schema.CALIBRATION_GROUP]),
        samples={
            name: np.concatenate([dataset[:n], tail[name].astype(dataset.dtype)])
            for name, dataset in columns.items()
        },
        events=_table(file, schema.EVENTS_DATASET, schema.EVENT_DTYPE),
        segments=_table(file, schema.SEGMENTS_DATASET, schema.SEGMENT_DTYPE),
        ppt_trials=_table(file, schema.PPT_TRIALS_DATASET, schema.PPT_TRIAL_DTYPE),
    )


def summarize(recording: Recording) -> dict[str, Any]:
    """What ``pressure-monitor info --json`` prints."""
    t, seq = recording.samples["t"], recording.samples["seq"]
    n = int(t.size)
    duration = float(t[-1] - t[0]) if n > 1 else 0.0
    steps = np.diff(seq)
    gaps = steps > 1
    kinds, counts = np.unique(recording.events["kind"].astype(str), return_counts=True)
    force = recording.samples["force"]
    finite = force[np.isfinite(force)]
    return {
        "file": str(recording.path),
        "schema_version": recording.schema_version,
        "interrupted": recording.interrupted,
        "samples": n,
        "duration_s": duration,
        "rate_hz": (n - 1) / duration if duration > 0 else 0.0,
        "gaps": int(gaps.sum()),
        "dropped_samples": int((steps[gaps] - 1).sum()),
        "events": int(recording.events.size),
        "event_kinds": {str(k): int(c) for k, c in zip(kinds, counts, strict=True)},
        "segments": int(recording.segments.size),
        "ppt_trials": int(recording.ppt_trials.size),
        "force_n": {
            "min": float(finite.min()) if finite.size else None,
            "max": float(finite.max()) if finite.size else None,
        },
        "session": recording.session,
        "device": recording.device,
        "calibration": recording.calibration,
        "units": {column.name: column.unit for column in schema.SAMPLE_COLUMNS}
        | {"raw": str(recording.device.get("raw_unit", "device"))},
    }


@dataclass(frozen=True)
class Envelope:
    """Force over a time range as min/max pairs, at the resolution that was asked for."""

    t: np.ndarray
    low: np.ndarray
    high: np.ndarray
    samples_per_point: int  # 1: the samples themselves


class ReviewFile:
    """A recording opened for review: metadata at once, samples only as far as they are shown.

    Opening reads attributes and the coarsest overview; ``envelope`` serves any zoom level from
    the coarsest level that still has enough points, so a 1 h x 1 kHz recording opens and
    draws in milliseconds. ``refresh`` follows a recording that is still being written.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._file = open_h5(self.path)
        try:
            _check(self.path, self._file)
            self.session = _attributes(self._file[schema.SESSION_GROUP])
            self.device = _attributes(self._file[schema.DEVICE_GROUP])
            self._samples = self._file[schema.SAMPLES_GROUP]
            self._levels = {
                level: self._file[schema.overview_name(level)]
                for level in schema.OVERVIEW_LEVELS
                if schema.overview_name(level) in self._file
            }
            self._times: dict[int, np.ndarray] = {}
            self._tail = _tail(self._file)
        except (KeyError, NotARecordingError, *DAMAGE) as exc:
            self._file.close()
            if isinstance(exc, NotARecordingError):
                raise
            raise NotARecordingError(f"{self.path}: damaged ({reason(exc)})") from exc

    def __enter__(self) -> ReviewFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    def table(self, name: str) -> np.ndarray:
        """A whole small table (``schema.EVENTS_DATASET``, segments, PPT trials): read anew on
        each call, so a live file's latest rows show."""
        if self._file.swmr_mode and name in self._file:
            self._file[name].refresh()
        return _table(self._file, name, schema.TABLES[name])

    def samples_between(self, t0: float, t1: float) -> tuple[np.ndarray, np.ndarray]:
        """Every sample's time and force with ``t0 <= t <= t1``, reading only that stretch."""
        first, last = self._sample_range(t0, t1)
        t = self._column("t", first, last)
        keep = (t >= t0) & (t <= t1)
        return t[keep], self._column("force", first, last)[keep]

    def refresh(self) -> None:
        """See what a writer appended since (SWMR)."""
        if self._file.swmr_mode:
            for dataset in (*self._samples.values(), *self._levels.values()):
                dataset.refresh()
        self._tail = _tail(self._file)
        self._times.clear()

    @property
    def _stored_count(self) -> int:
        return min(self._samples[column.name].shape[0] for column in schema.SAMPLE_COLUMNS)

    @property
    def sample_count(self) -> int:
        return self._stored_count + self._tail["t"].size

    def _column(self, name: str, first: int, last: int) -> np.ndarray:
        """Rows ``first:last`` of a sample column, across /samples and the unfinished tail."""
        stored = self._stored_count
        head = self._samples[name][first : min(last, stored)]
        if last <= stored:
            return head
        tail = self._tail[name][max(first - stored, 0) : last - stored]
        return np.concatenate([head, tail.astype(head.dtype)])

    def time_span(self) -> tuple[float, float]:
        n = self.sample_count
        if n == 0:
            return (0.0, 0.0)
        return float(self._column("t", 0, 1)[0]), float(self._column("t", n - 1, n)[0])

    def envelope(self, t0: float, t1: float, max_points: int = 2000) -> Envelope:
        """Force between ``t0`` and ``t1`` in at most about ``max_points`` points: the samples
        themselves when few enough, else min/max rows of the finest level that fits."""
        first, last = self._sample_range(t0, t1)
        for level in sorted(self._levels):
            if (last - first) <= max_points:
                break
            if (last - first) / level <= max_points or level == max(self._levels):
                rows = self._levels[level][first // level : -(-last // level)]
                return Envelope(rows["t"], rows["min"], rows["max"], level)
        force = self._column("force", first, last)
        return Envelope(self._column("t", first, last), force, force, 1)

    def _sample_range(self, t0: float, t1: float) -> tuple[int, int]:
        """Sample indices covering [t0, t1], found in the finest overview's times (one row
        per ``level`` samples), so only the samples shown are ever read."""
        n = self.sample_count
        level = min(self._levels, default=1)
        t = self._times_of(level)
        first, last = np.searchsorted(t, [t0, t1])
        return max(first - 1, 0) * level, min((last + 1) * level, n)

    def _times_of(self, level: int) -> np.ndarray:
        if level not in self._times:
            source = self._levels[level] if level > 1 else None
            if source is None:
                self._times[level] = self._column("t", 0, self.sample_count)
            else:
                self._times[level] = source.fields("t")[:]
        return self._times[level]
