"""The writer thread: appends sample blocks and events to one HDF5 file, flushing every second."""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import h5py
import numpy as np

from recordings import schema
from recordings.errors import RecordingError

log = logging.getLogger(__name__)

FLUSH_INTERVAL_S = 1.0
#: Blocks are gathered this long and appended in one write per dataset: an HDF5 resize and
#: write per small block would cost more than the data.
WRITE_INTERVAL_S = 0.25
Attribute = str | float | int


@dataclass(frozen=True)
class SessionInfo:
    operator: str = ""
    client: str = ""
    notes: str = ""
    probe_area_cm2: float = 1.0
    app_version: str = ""
    started_at: datetime = field(default_factory=lambda: datetime.now().astimezone())
    uuid: str = field(default_factory=lambda: str(uuid.uuid4()))


class RecordingWriter:
    """Owns one recording file from creation to close.

    ``append`` and ``add_event`` may be called from any thread (the reader's); only the
    writer thread touches the file after ``start``. A write failure (disk full, removed
    drive) stops writing and is kept in ``error``; what was flushed before stays readable.
    """

    def __init__(
        self,
        path: Path,
        session: SessionInfo,
        device: Mapping[str, Attribute],
        calibration: Mapping[str, Attribute],
        flush_interval_s: float = FLUSH_INTERVAL_S,
    ) -> None:
        self.path = Path(path)
        self._session = session
        self._device = dict(device)
        self._calibration = dict(calibration)
        self._flush_interval_s = flush_interval_s
        self._queue: queue.SimpleQueue[tuple[str, object]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"writer {self.path.name}")
        self._file: h5py.File | None = None
        self._lock = threading.Lock()
        self._samples_written = 0
        self._error = ""

    # --- any thread ---------------------------------------------------------------------

    def start(self) -> None:
        """Create the file (never over an existing one) and start the thread."""
        self._file = _create(self.path, self._session, self._device, self._calibration)
        self._thread.start()

    def append(self, block: np.ndarray) -> None:
        """Queue a structured block with at least the fields of ``schema.SAMPLE_COLUMNS``."""
        if block.size:
            self._queue.put(("samples", block))

    def add_event(self, t: float, kind: str, label: str = "", value: float = 0.0) -> None:
        self._queue.put(("event", (t, kind, label, value)))

    def add_segment(
        self,
        t_start: float,
        t_end: float,
        muscle: str,
        band_low_kpa: float,
        band_high_kpa: float,
        side: str = "",
        technique: str = "",
    ) -> None:
        row = (t_start, t_end, muscle, side, technique, band_low_kpa, band_high_kpa)
        self._queue.put(("segment", row))

    def close(self, timeout: float = 30.0) -> None:
        """Write what is queued, stamp the end time and close the file."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def samples_written(self) -> int:
        with self._lock:
            return self._samples_written

    @property
    def error(self) -> str:
        with self._lock:
            return self._error

    @property
    def is_running(self) -> bool:
        return self._thread.is_alive()

    # --- writer thread ------------------------------------------------------------------

    def _run(self) -> None:
        file = self._file
        assert file is not None
        last_flush = time.monotonic()
        try:
            while True:
                stopping = self._stop.wait(WRITE_INTERVAL_S)
                self._write(file, self._drain())
                if stopping and self._queue.empty():
                    break
                if time.monotonic() - last_flush >= self._flush_interval_s:
                    file.flush()
                    last_flush = time.monotonic()
            file[schema.SESSION_GROUP].attrs["end_time"] = datetime.now().astimezone().isoformat()
        except (OSError, RuntimeError, ValueError) as exc:
            self._fail(f"writing {self.path} failed: {exc}")
        finally:
            try:
                file.close()
            except (OSError, RuntimeError) as exc:
                self._fail(f"closing {self.path} failed: {exc}")

    def _drain(self) -> list[tuple[str, object]]:
        items = []
        try:
            while True:
                items.append(self._queue.get_nowait())
        except queue.Empty:
            return items

    def _write(self, file: h5py.File, items: list[tuple[str, object]]) -> None:
        blocks = [item for kind, item in items if kind == "samples"]
        if blocks:
            block = np.concatenate(blocks)
            samples = file[schema.SAMPLES_GROUP]
            for column in schema.SAMPLE_COLUMNS:
                _append(samples[column.name], block[column.name])
            with self._lock:
                self._samples_written += block.size
        for kind, dataset in (
            ("event", schema.EVENTS_DATASET),
            ("segment", schema.SEGMENTS_DATASET),
        ):
            rows = [item for item_kind, item in items if item_kind == kind]
            if rows:
                _append(file[dataset], np.array(rows, dtype=file[dataset].dtype))

    def _fail(self, message: str) -> None:
        log.warning("%s", message)
        with self._lock:
            self._error = self._error or message


def _append(dataset: h5py.Dataset, values: np.ndarray) -> None:
    start = dataset.shape[0]
    dataset.resize((start + len(values),))
    dataset[start:] = values


def _create(
    path: Path,
    session: SessionInfo,
    device: Mapping[str, Attribute],
    calibration: Mapping[str, Attribute],
) -> h5py.File:
    if path.exists():
        raise RecordingError(f"{path} already exists; recordings are never overwritten")
    if not path.parent.is_dir():
        raise RecordingError(f"cannot create {path}: folder {path.parent} does not exist")
    try:
        file = h5py.File(path, "x", libver=("v110", "v110"))
    except (OSError, FileExistsError) as exc:
        raise RecordingError(f"cannot create {path}: {exc}") from exc
    try:
        _write_layout(file, session, device, calibration)
        file.flush()
    except (OSError, RuntimeError, ValueError, TypeError) as exc:
        file.close()
        raise RecordingError(f"cannot write {path}: {exc}") from exc
    return file


def _write_layout(
    file: h5py.File,
    session: SessionInfo,
    device: Mapping[str, Attribute],
    calibration: Mapping[str, Attribute],
) -> None:
    file.attrs["format"] = schema.FORMAT_NAME
    file.attrs["schema_version"] = schema.SCHEMA_VERSION
    file.attrs["app_version"] = session.app_version
    file.attrs["created_utc"] = datetime.now(timezone.utc).isoformat()
    session_group = file.create_group(schema.SESSION_GROUP)
    session_group.attrs.update(
        {
            "uuid": session.uuid,
            "start_time": session.started_at.isoformat(),
            "end_time": "",
            "operator": session.operator,
            "client": session.client,
            "notes": session.notes,
            "probe_area_cm2": float(session.probe_area_cm2),
        }
    )
    file.create_group(schema.DEVICE_GROUP).attrs.update(device)
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
    for name, dtype in (
        (schema.EVENTS_DATASET, schema.EVENT_DTYPE),
        (schema.SEGMENTS_DATASET, schema.SEGMENT_DTYPE),
    ):
        file.create_dataset(
            name, shape=(0,), maxshape=(None,), dtype=dtype, chunks=(schema.TABLE_CHUNK,)
        )
