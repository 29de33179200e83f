"""Recover what an interrupted recording holds into a clean, closed copy beside it.

The original is never changed: it is the evidence. The copy has every sample and table the
original could give, a rebuilt overview, an end time, the achieved rate, and says in
``/session/recovered_from`` where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from recordings import schema
from recordings.h5file import H5Recording
from recordings.reader import Recording, read_recording
from recordings.writer import SessionInfo

_BLOCK = 1_000_000


@dataclass(frozen=True)
class RepairResult:
    source: Recording
    repaired: Path | None  # None when the file was closed cleanly: nothing to repair


def repaired_name(path: Path) -> Path:
    return path.with_name(f"{path.stem}-repaired{path.suffix}")


def repair(path: Path) -> RepairResult:
    """Raises NotARecordingError when nothing can be read, RecordingError when the copy
    cannot be written."""
    recording = read_recording(path)
    if not recording.interrupted:
        return RepairResult(recording, None)
    destination = repaired_name(path)
    session = _session_of(recording)
    device = {k: v for k, v in recording.device.items() if k != "achieved_rate_hz"}
    file = H5Recording.create(destination, session, device, recording.calibration)
    try:
        _copy(recording, file)
        t = recording.samples["t"]
        end = session.started_at + timedelta(seconds=float(t[-1])) if t.size else None
        file.close_and_stamp(end_time=end)
    except BaseException:
        file.abandon()
        destination.unlink(missing_ok=True)
        raise
    return RepairResult(recording, destination)


def _session_of(recording: Recording) -> SessionInfo:
    attributes = recording.session
    try:
        started = datetime.fromisoformat(str(attributes.get("start_time")))
    except ValueError:
        started = datetime.now().astimezone()
    return SessionInfo(
        operator=str(attributes.get("operator", "")),
        client=str(attributes.get("client", "")),
        notes=str(attributes.get("notes", "")),
        probe_area_cm2=float(attributes.get("probe_area_cm2", 1.0)),
        app_version=str(recording.attributes.get("app_version", "")),
        started_at=started,
        uuid=str(attributes.get("uuid", "")),
        continues_uuid=str(attributes.get("continues_uuid", "")),
        recovered_from=f"{recording.path.name}: interrupted, repaired "
        f"{datetime.now().astimezone().isoformat(timespec='seconds')}",
    )


def _copy(recording: Recording, file: H5Recording) -> None:
    dtype = np.dtype([(column.name, column.dtype) for column in schema.SAMPLE_COLUMNS])
    n = recording.samples["t"].size
    for start in range(0, n, _BLOCK):
        block = np.empty(min(_BLOCK, n - start), dtype=dtype)
        for name in dtype.names:
            block[name] = recording.samples[name][start : start + _BLOCK]
        file.write([block], {})
    tables = {
        schema.EVENTS_DATASET: recording.events,
        schema.SEGMENTS_DATASET: recording.segments,
        schema.PPT_TRIALS_DATASET: recording.ppt_trials,
    }
    file.write([], {name: rows.tolist() for name, rows in tables.items() if rows.size})
