"""Reading a recording back: checked and served in blocks (``RecordingFile``), whole
(``read_recording``), summarised (``summarize``) or lazily for review (``ReviewFile``).

A file opens whole or not at all: opening checks every object the layout needs (present,
of the right kind, with the right kind of numbers) and refuses a damaged file with
``NotARecordingError`` and its reason in one line, before anything is read. Samples are then
read in blocks of ``BLOCK_ROWS``, so a recording of any length, or a tiny file of compressed
zeros that claims 10^9 samples, is summarised, exported or repaired in bounded memory.

A recording killed while it was written still opens: it is in SWMR mode, so it is opened with
``swmr=True``, and its sample columns are cut to their common length (a kill can fall
between appending one column and the next).
"""

from __future__ import annotations

import contextlib
import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from recordings import schema
from recordings.errors import NotARecordingError, reason

#: Sample rows read at a time (38 MB of columns): the bound on what a reader holds.
BLOCK_ROWS = 1_000_000
TABLE_BLOCK_ROWS = 100_000
#: A chunk is decompressed whole to read any row of it; the writer's are 32 KB.
MAX_CHUNK_BYTES = 16 << 20

#: What h5py raises on a truncated or otherwise damaged file, depending on where it breaks.
DAMAGE = (OSError, RuntimeError, ValueError, TypeError, KeyError)
_INTEGERS, _NUMBERS = "iu", "iuf"
_DTYPES = {column.name: np.dtype(column.dtype) for column in schema.SAMPLE_COLUMNS}


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

    @property
    def sample_count(self) -> int:
        return int(self.samples["t"].size)

    def blocks(self, rows: int = BLOCK_ROWS) -> Iterator[dict[str, np.ndarray]]:
        for first in range(0, self.sample_count, rows):
            yield {name: column[first : first + rows] for name, column in self.samples.items()}

    def table_blocks(self, name: str, rows: int = TABLE_BLOCK_ROWS) -> Iterator[np.ndarray]:
        table = self._tables[name]
        for first in range(0, table.size, rows):
            yield table[first : first + rows]

    def table_length(self, name: str) -> int:
        return int(self._tables[name].size)

    @property
    def _tables(self) -> dict[str, np.ndarray]:
        return {
            schema.EVENTS_DATASET: self.events,
            schema.SEGMENTS_DATASET: self.segments,
            schema.PPT_TRIALS_DATASET: self.ppt_trials,
        }


def _damaged(path: Path, why: str) -> NotARecordingError:
    return NotARecordingError(f"{path}: damaged ({why})")


@contextlib.contextmanager
def _reading(path: Path, what: str) -> Iterator[None]:
    """h5py's failures while reading ``what`` (a garbled chunk) as one-line errors."""
    try:
        yield
    except DAMAGE as exc:
        raise _damaged(path, f"{what} cannot be read: {reason(exc)}") from exc


def _plain(value: Any) -> Any:
    """HDF5 attribute values as plain Python values (JSON-ready, whatever the file holds)."""
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, np.floating):  # a long double stays one
            value = float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, str | int | float):
        return value
    # h5py.Empty, references, complex numbers, and whatever else h5py may hand back
    return None if isinstance(value, h5py.Empty) else str(value)


def _text(value: Any) -> str:
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)


def _kind(dtype: np.dtype) -> str:
    """A dtype as a message names it."""
    if dtype.names:
        return "a compound"
    if dtype.kind in "SU" or h5py.check_string_dtype(dtype) is not None:
        return "text"
    return dtype.name


def _dataset_problem(node: object, kinds: str, wanted: str) -> str | None:
    """Why ``node`` is not a column of ``kinds`` (numpy dtype kinds), if it is not."""
    if node is None:
        return "is missing"
    if not isinstance(node, h5py.Dataset):
        return "is not a dataset"
    if node.ndim != 1:
        return f"is {node.ndim}-D, not a column"
    if node.dtype.kind not in kinds:
        return f"is {_kind(node.dtype)}, not {wanted}"
    return _chunk_problem(node)


def _chunk_problem(dataset: h5py.Dataset) -> str | None:
    size = math.prod(dataset.chunks or (0,)) * dataset.dtype.itemsize
    return f"has chunks of {size >> 20} MB" if size > MAX_CHUNK_BYTES else None


def _table_problem(node: object, dtype: np.dtype) -> str | None:
    if node is None:
        return None  # a table nothing was written to may be left out
    if not isinstance(node, h5py.Dataset):
        return "is not a dataset"
    if node.ndim != 1 or not node.dtype.names:
        return f"is {_kind(node.dtype) if node.ndim == 1 else f'{node.ndim}-D'}, not a table"
    for field in dtype.names or ():
        problem = _field_problem(node.dtype, field, text=dtype[field].kind == "O")
        if problem:
            return problem
    return _chunk_problem(node)


def _field_problem(stored: np.dtype, field: str, text: bool) -> str | None:
    if field not in (stored.names or ()):
        return f"has no field {field!r}"
    kind = _kind(stored[field])
    if text != (kind == "text") or not (text or stored[field].kind in _NUMBERS):
        return f"field {field!r} is {kind}, not {'text' if text else 'a number'}"
    return None


def _conform(rows: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Rows of a stored table as ``dtype`` (text as str, numbers cast), whatever it stored."""
    out = np.empty(rows.shape[0], dtype)
    with np.errstate(all="ignore"):
        for field in dtype.names or ():
            if dtype[field].kind == "O":
                out[field] = [_text(value) for value in rows[field]]
            else:
                out[field] = rows[field]
    return out


def open_h5(path: Path) -> h5py.File:
    """Open a recording for reading, whether it was closed cleanly or not."""
    if not path.is_file():
        raise NotARecordingError(f"{path}: no such file")
    try:
        return h5py.File(path, "r")
    except DAMAGE as first:
        if "truncated file" in str(first):
            raise NotARecordingError(f"{path}: the file is truncated (cut short)") from first
        # SWMR reading skips HDF5's size check and retries metadata that fails its checksum,
        # so on a file cut short or garbled it can loop for minutes: it is tried only on a
        # file still flagged or locked as being written (a crash, or a recording going on).
        if "already open for write" in str(first) or "lock" in str(first):
            with contextlib.suppress(*DAMAGE):
                return h5py.File(path, "r", swmr=True)
        why = reason(first) or "unreadable"
        raise NotARecordingError(f"{path}: not a readable HDF5 file ({why})") from first


class RecordingFile:
    """A recording opened and checked: metadata at once, samples and tables in blocks.

    Raises NotARecordingError when the file is not a whole recording of a version this app
    reads; reading a garbled chunk later raises it too.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._file = open_h5(self.path)
        try:
            with _reading(self.path, "the layout"):
                self._check()
        except BaseException:
            self._file.close()
            raise

    def __enter__(self) -> RecordingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    # --- checks -------------------------------------------------------------------------

    def _node(self, name: str) -> h5py.HLObject | None:
        """``/name``, None if absent; a link (to another file, or dangling) is damage."""
        link = self._file.get(name, getlink=True)
        if link is None:
            return None
        if not isinstance(link, h5py.HardLink):
            raise _damaged(self.path, f"/{name} is a link, not data in this file")
        return self._file[name]

    def _group(self, name: str) -> h5py.Group:
        node = self._node(name)
        if not isinstance(node, h5py.Group):
            raise _damaged(self.path, f"/{name} is {'missing' if node is None else 'not a group'}")
        return node

    def _attributes(self, node: h5py.HLObject) -> dict[str, Any]:
        out = {}
        for key in node.attrs:
            with _reading(self.path, f"attribute {node.name.rstrip('/')}/{key}"):
                out[key] = _plain(node.attrs[key])
        return out

    def _check(self) -> None:
        self.attributes = self._attributes(self._file)
        self.schema_version = self._check_version(self.attributes)
        groups = (schema.SESSION_GROUP, schema.DEVICE_GROUP, schema.CALIBRATION_GROUP)
        self.session, self.device, self.calibration = (
            self._checked_attributes(name) for name in groups
        )
        end = self.session.get("end_time")
        self.interrupted = not (isinstance(end, str) and end)  # no clean close stamped one
        self._group(schema.SAMPLES_GROUP)
        self._samples = self._columns(schema.SAMPLES_GROUP)
        self._tail: dict[str, h5py.Dataset] = {}
        self._tail_count = 0
        if self._node(schema.SAMPLES_TAIL_GROUP) is not None:  # none in files of old writers
            self._group(schema.SAMPLES_TAIL_GROUP)
            self._tail = self._columns(schema.SAMPLES_TAIL_GROUP)
            self._tail_count = self._read_tail_count()
        self._tables: dict[str, h5py.Dataset | None] = {}
        for name, dtype in schema.TABLES.items():
            node = self._node(name)
            problem = _table_problem(node, dtype)
            if problem:
                raise _damaged(self.path, f"/{name} {problem}")
            self._tables[name] = node

    def _check_version(self, attributes: dict[str, Any]) -> int:
        if attributes.get("format") != schema.FORMAT_NAME:
            raise NotARecordingError(f"{self.path}: HDF5, but not a {schema.FORMAT_NAME} file")
        version = attributes.get("schema_version")
        if version is None:
            raise _damaged(self.path, "no schema_version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise _damaged(self.path, f"schema_version {version!r} is not a whole number")
        if version < 1:
            raise _damaged(self.path, f"schema_version {version}: versions start at 1")
        if version > schema.SCHEMA_VERSION:
            raise NotARecordingError(
                f"{self.path}: schema version {version} is newer than this app reads "
                f"({schema.SCHEMA_VERSION}); update the app"
            )
        return version

    def _checked_attributes(self, name: str) -> dict[str, Any]:
        attributes = self._attributes(self._group(name))
        for key in schema.NUMBER_ATTRIBUTES.get(name, ()):
            value = attributes.get(key, 0.0)
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise _damaged(self.path, f"/{name}/{key} is {value!r}, not a number")
        if name == schema.SESSION_GROUP:
            area = attributes.get("probe_area_cm2", 1.0)
            if not (math.isfinite(area) and area > 0):
                raise _damaged(self.path, f"/{name}/probe_area_cm2 is {area}, not an area")
        return attributes

    def _columns(self, where: str) -> dict[str, h5py.Dataset]:
        columns = {}
        for column in schema.SAMPLE_COLUMNS:
            integers = _DTYPES[column.name].kind in _INTEGERS  # seq, flags
            node = self._node(f"{where}/{column.name}")
            problem = _dataset_problem(
                node,
                _INTEGERS if integers else _NUMBERS,
                "integers" if integers else "numbers",
            )
            if problem:
                raise _damaged(self.path, f"/{where}/{column.name} {problem}")
            columns[column.name] = node
        return columns

    def _read_tail_count(self) -> int:
        where = f"/{schema.SAMPLES_TAIL_GROUP}/{schema.TAIL_COUNT}"
        node = self._node(where[1:])
        problem = _dataset_problem(node, _INTEGERS, "an integer")
        if node is not None and problem is None and node.shape[0] != 1:
            problem = f"holds {node.shape[0]} values, not 1"
        if problem or node is None:
            raise _damaged(self.path, f"{where} {problem}")
        if self._file.swmr_mode:
            for dataset in (node, *self._tail.values()):
                dataset.refresh()
        count = int(node[0])
        room = min(dataset.shape[0] for dataset in self._tail.values())
        if not 0 <= count <= room:
            raise _damaged(self.path, f"{where} is {count}; the tail holds {room} rows")
        return count

    # --- samples ------------------------------------------------------------------------

    @property
    def _stored_count(self) -> int:
        return min(dataset.shape[0] for dataset in self._samples.values())

    @property
    def sample_count(self) -> int:
        return self._stored_count + self._tail_count

    def column(self, name: str, first: int, last: int) -> np.ndarray:
        """Rows ``first:last`` of a sample column, across /samples and the unfinished tail,
        as the schema's dtype."""
        stored, parts = self._stored_count, []
        with _reading(self.path, f"/{schema.SAMPLES_GROUP}/{name}"):
            if first < stored:
                parts.append(self._samples[name][first : min(last, stored)])
            if last > stored and self._tail:
                parts.append(self._tail[name][max(first - stored, 0) : last - stored])
        parts = [part.astype(_DTYPES[name], copy=False) for part in parts]
        if len(parts) == 1:
            return parts[0]
        return np.concatenate(parts) if parts else np.empty(0, _DTYPES[name])

    def blocks(self, rows: int = BLOCK_ROWS) -> Iterator[dict[str, np.ndarray]]:
        """Every sample, ``rows`` at a time: one array per column."""
        n = self.sample_count
        for first in range(0, n, rows):
            last = min(first + rows, n)
            yield {
                column.name: self.column(column.name, first, last)
                for column in schema.SAMPLE_COLUMNS
            }

    # --- tables -------------------------------------------------------------------------

    def table_length(self, name: str) -> int:
        dataset = self._tables[name]
        return 0 if dataset is None else dataset.shape[0]

    def table_blocks(self, name: str, rows: int = TABLE_BLOCK_ROWS) -> Iterator[np.ndarray]:
        """A table's rows as its schema dtype, ``rows`` at a time."""
        dataset = self._tables[name]
        if dataset is None:
            return
        for first in range(0, self.table_length(name), rows):
            with _reading(self.path, f"/{name}"):
                stored = dataset[first : first + rows]
            yield _conform(stored, schema.TABLES[name])

    def table(self, name: str) -> np.ndarray:
        """A whole table (``schema.EVENTS_DATASET``, segments, PPT trials)."""
        blocks = list(self.table_blocks(name))
        return np.concatenate(blocks) if blocks else np.empty(0, schema.TABLES[name])

    def read(self) -> Recording:
        """Everything, in memory."""
        n = self.sample_count
        return Recording(
            path=self.path,
            schema_version=self.schema_version,
            interrupted=self.interrupted,
            attributes=self.attributes,
            session=self.session,
            device=self.device,
            calibration=self.calibration,
            samples={c.name: self.column(c.name, 0, n) for c in schema.SAMPLE_COLUMNS},
            events=self.table(schema.EVENTS_DATASET),
            segments=self.table(schema.SEGMENTS_DATASET),
            ppt_trials=self.table(schema.PPT_TRIALS_DATASET),
        )


def read_recording(path: Path | str) -> Recording:
    """A whole recording in memory; ``RecordingFile`` reads one in blocks."""
    with RecordingFile(path) as source:
        return source.read()


@dataclass
class _SampleFigures:
    """What ``summarize`` says about the samples, gathered block by block."""

    count: int = 0
    first_t: float = 0.0
    last_t: float = 0.0
    last_seq: np.int64 | None = None
    gaps: int = 0
    dropped: int = 0
    force_min: float | None = None
    force_max: float | None = None

    def add(self, block: dict[str, np.ndarray]) -> None:
        t, seq, force = block["t"], block["seq"], block["force"]
        if not t.size:
            return
        if self.count == 0:
            self.first_t = float(t[0])
        self.count += t.size
        self.last_t = float(t[-1])
        steps = np.diff(seq, prepend=seq[:1] if self.last_seq is None else self.last_seq)
        gaps = steps > 1
        self.gaps += int(gaps.sum())
        self.dropped += int((steps[gaps] - 1).sum())
        self.last_seq = seq[-1]
        finite = force[np.isfinite(force)]
        if finite.size:
            low, high = float(finite.min()), float(finite.max())
            self.force_min = low if self.force_min is None else min(self.force_min, low)
            self.force_max = high if self.force_max is None else max(self.force_max, high)


def summarize(recording: Recording | RecordingFile, block_rows: int = BLOCK_ROWS) -> dict[str, Any]:
    """What ``pressure-monitor info --json`` prints; reads the samples block by block."""
    figures = _SampleFigures()
    kinds: Counter[str] = Counter()
    with np.errstate(all="ignore"):  # damaged numbers (inf - inf) give NaN, not warnings
        for block in recording.blocks(block_rows):
            figures.add(block)
        for rows in recording.table_blocks(schema.EVENTS_DATASET):
            kinds.update(rows["kind"].tolist())
    n = figures.count
    duration = figures.last_t - figures.first_t if n > 1 else 0.0
    return {
        "file": str(recording.path),
        "schema_version": recording.schema_version,
        "interrupted": recording.interrupted,
        "samples": n,
        "duration_s": duration,
        "rate_hz": (n - 1) / duration if duration > 0 else 0.0,
        "gaps": figures.gaps,
        "dropped_samples": figures.dropped,
        "events": recording.table_length(schema.EVENTS_DATASET),
        "event_kinds": dict(sorted(kinds.items())),
        "segments": recording.table_length(schema.SEGMENTS_DATASET),
        "ppt_trials": recording.table_length(schema.PPT_TRIALS_DATASET),
        "force_n": {"min": figures.force_min, "max": figures.force_max},
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


class ReviewFile(RecordingFile):
    """A recording opened for review: metadata at once, samples only as far as they are shown.

    Opening reads attributes and the coarsest overview; ``envelope`` serves any zoom level from
    the coarsest level that still has enough points, so a 1 h x 1 kHz recording opens and
    draws in milliseconds. ``refresh`` follows a recording that is still being written. An
    overview level that is not a proper one is left unused (the samples serve instead).
    """

    def __init__(self, path: Path | str) -> None:
        super().__init__(path)
        self._levels: dict[int, h5py.Dataset] = {}
        for level in schema.OVERVIEW_LEVELS:
            with contextlib.suppress(NotARecordingError, *DAMAGE):
                dataset = self._node(schema.overview_name(level))
                if dataset is not None and _table_problem(dataset, schema.OVERVIEW_DTYPE) is None:
                    self._levels[level] = dataset
        self._times: dict[int, np.ndarray] = {}

    def table(self, name: str) -> np.ndarray:
        """A whole small table, read anew on each call, so a live file's latest rows show."""
        dataset = self._tables[name]
        if self._file.swmr_mode and dataset is not None:
            dataset.refresh()
        return super().table(name)

    def samples_between(self, t0: float, t1: float) -> tuple[np.ndarray, np.ndarray]:
        """Every sample's time and force with ``t0 <= t <= t1``, reading only that stretch."""
        first, last = self._sample_range(t0, t1)
        t = self.column("t", first, last)
        keep = (t >= t0) & (t <= t1)
        return t[keep], self.column("force", first, last)[keep]

    def refresh(self) -> None:
        """See what a writer appended since (SWMR)."""
        if self._file.swmr_mode:
            for dataset in (*self._samples.values(), *self._levels.values()):
                dataset.refresh()
        if self._tail:
            self._tail_count = self._read_tail_count()
        self._times.clear()

    def time_span(self) -> tuple[float, float]:
        n = self.sample_count
        if n == 0:
            return (0.0, 0.0)
        return float(self.column("t", 0, 1)[0]), float(self.column("t", n - 1, n)[0])

    def envelope(self, t0: float, t1: float, max_points: int = 2000) -> Envelope:
        """Force between ``t0`` and ``t1`` in at most about ``max_points`` points: the samples
        themselves when few enough, else min/max rows of the finest level that fits."""
        first, last = self._sample_range(t0, t1)
        for level in sorted(self._levels):
            if (last - first) <= max_points:
                break
            if (last - first) / level <= max_points or level == max(self._levels):
                with _reading(self.path, schema.overview_name(level)):
                    rows = self._levels[level][first // level : -(-last // level)]
                return Envelope(rows["t"], rows["min"], rows["max"], level)
        force = self.column("force", first, last)
        return Envelope(self.column("t", first, last), force, force, 1)

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
            if level == 1:
                self._times[level] = self.column("t", 0, self.sample_count)
            else:
                with _reading(self.path, schema.overview_name(level)):
                    self._times[level] = self._levels[level].fields("t")[:]
        return self._times[level]
