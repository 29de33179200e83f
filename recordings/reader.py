"""Reading a recording back: metadata, samples, events, and the summary ``info`` prints."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from recordings import schema
from recordings.errors import NotARecordingError


@dataclass(frozen=True)
class Recording:
    path: Path
    schema_version: int
    attributes: dict[str, Any]  # the root's
    session: dict[str, Any]
    device: dict[str, Any]
    calibration: dict[str, Any]
    samples: dict[str, np.ndarray]  # one array per schema.SAMPLE_COLUMNS name
    events: np.ndarray  # schema.EVENT_DTYPE
    segments: np.ndarray  # schema.SEGMENT_DTYPE


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


def _table(dataset: h5py.Dataset) -> np.ndarray:
    rows = dataset[()]
    text_fields = [name for name in rows.dtype.names if rows.dtype[name].kind == "O"]
    for name in text_fields:
        rows[name] = [_plain(value) for value in rows[name]]
    return rows


def read_recording(path: Path | str) -> Recording:
    path = Path(path)
    if not path.is_file():
        raise NotARecordingError(f"{path}: no such file")
    try:
        with h5py.File(path, "r") as file:
            return _read(path, file)
    except OSError as exc:
        reason = str(exc).split("(")[0].strip() or "unreadable"
        raise NotARecordingError(f"{path}: not a readable HDF5 file ({reason})") from exc
    except KeyError as exc:
        raise NotARecordingError(f"{path}: incomplete recording, {exc} is missing") from exc


def _read(path: Path, file: h5py.File) -> Recording:
    attributes = _attributes(file)
    if attributes.get("format") != schema.FORMAT_NAME:
        raise NotARecordingError(f"{path}: HDF5, but not a {schema.FORMAT_NAME} file")
    version = attributes.get("schema_version")
    if not isinstance(version, int) or version > schema.SCHEMA_VERSION:
        raise NotARecordingError(
            f"{path}: schema version {version} is newer than this app reads "
            f"({schema.SCHEMA_VERSION}); update the app"
        )
    samples_group = file[schema.SAMPLES_GROUP]
    samples = {column.name: samples_group[column.name][()] for column in schema.SAMPLE_COLUMNS}
    if len({array.shape for array in samples.values()}) != 1:
        raise NotARecordingError(f"{path}: sample columns have different lengths")
    return Recording(
        path=path,
        schema_version=version,
        attributes=attributes,
        session=_attributes(file[schema.SESSION_GROUP]),
        device=_attributes(file[schema.DEVICE_GROUP]),
        calibration=_attributes(file[schema.CALIBRATION_GROUP]),
        samples=samples,
        events=_table(file[schema.EVENTS_DATASET]),
        segments=_table(file[schema.SEGMENTS_DATASET]),
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
    return {
        "file": str(recording.path),
        "schema_version": recording.schema_version,
        "samples": n,
        "duration_s": duration,
        "rate_hz": (n - 1) / duration if duration > 0 else 0.0,
        "gaps": int(gaps.sum()),
        "dropped_samples": int((steps[gaps] - 1).sum()),
        "events": int(recording.events.size),
        "event_kinds": {str(kind): int(count) for kind, count in zip(kinds, counts, strict=True)},
        "segments": int(recording.segments.size),
        "force_n": {
            "min": float(np.nanmin(force)) if n and np.isfinite(force).any() else None,
            "max": float(np.nanmax(force)) if n and np.isfinite(force).any() else None,
        },
        "session": recording.session,
        "device": recording.device,
        "calibration": recording.calibration,
        "units": {column.name: column.unit for column in schema.SAMPLE_COLUMNS}
        | {"raw": str(recording.device.get("raw_unit", "device"))},
    }
