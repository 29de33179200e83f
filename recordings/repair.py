"""Recover what an interrupted recording holds into a clean, closed copy beside it.

The original is never changed: it is the evidence. The copy has every sample and table the
original could give, a rebuilt overview, an end time, the achieved rate, and says in
``/session/recovered_from`` where it came from. Samples and tables are copied a block at a
time, so a recording of any length is repaired in bounded memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from recordings import schema
from recordings.errors import NotARecordingError
from recordings.h5file import H5Recording
from recordings.reader import RecordingFile
from recordings.session import SessionInfo

_SAMPLE_DTYPE = np.dtype([(column.name, column.dtype) for column in schema.SAMPLE_COLUMNS])
#: Samples copied at a time: whole chunks, a quarter of a reader's block, as writing copies
#: a block a few times over (into one table, into whole chunks, into the overview).
BLOCK_ROWS = 64 * schema.SAMPLE_CHUNK  # 262,144


@dataclass(frozen=True)
class RepairResult:
    source: Path
    samples: int  # in the source, all of which the copy holds
    repaired: Path | None  # None when the file was closed cleanly: nothing to repair


def repaired_name(path: Path) -> Path:
    return path.with_name(f"{path.stem}-repaired{path.suffix}")


def repair(path: Path, block_rows: int = BLOCK_ROWS) -> RepairResult:
    """Raises NotARecordingError when the file is not a whole recording (nothing is written
    then), RecordingError when the copy cannot be written."""
    path = Path(path)
    with RecordingFile(path) as source:
        if not source.interrupted:
            return RepairResult(path, source.sample_count, None)
        destination = repaired_name(path)
        session = _session_of(source)
        device = {k: v for k, v in source.device.items() if k != "achieved_rate_hz"}
        file = H5Recording.create(destination, session, device, source.calibration)
        try:
            last_t = _copy(source, file, block_rows)
            file.close_and_stamp(end_time=_end_time(source, session.started_at, last_t))
        except BaseException:
            file.abandon()
            destination.unlink(missing_ok=True)
            raise
        return RepairResult(path, source.sample_count, destination)


def _session_of(source: RecordingFile) -> SessionInfo:
    attributes = source.session
    try:
        started = datetime.fromisoformat(str(attributes.get("start_time")))
    except ValueError:
        started = datetime.now().astimezone()
    return SessionInfo(
        operator=str(attributes.get("operator", "")),
        client=str(attributes.get("client", "")),
        notes=str(attributes.get("notes", "")),
        probe_area_cm2=float(attributes.get("probe_area_cm2", 1.0)),  # checked on opening
        app_version=str(source.attributes.get("app_version", "")),
        started_at=started,
        uuid=str(attributes.get("uuid", "")),
        continues_uuid=str(attributes.get("continues_uuid", "")),
        recovered_from=f"{source.path.name}: interrupted, repaired "
        f"{datetime.now().astimezone().isoformat(timespec='seconds')}",
    )


def _end_time(source: RecordingFile, started: datetime, last_t: float | None) -> datetime | None:
    """The start plus the newest sample's time; None (now) without a sample."""
    if last_t is None:
        return None
    try:
        return started + timedelta(seconds=last_t)
    except OverflowError:
        raise NotARecordingError(
            f"{source.path}: damaged (start_time {started.isoformat()} plus the last sample's "
            f"{last_t:g} s is past the year 9999)"
        ) from None


def _copy(source: RecordingFile, file: H5Recording, block_rows: int) -> float | None:
    """Copy every sample and table; return the last finite sample time, if any."""
    last_t = None
    for columns in source.blocks(block_rows):
        block = np.empty(columns["t"].size, dtype=_SAMPLE_DTYPE)
        for name in _SAMPLE_DTYPE.names or ():
            block[name] = columns[name]
        file.write([block], {})
        finite = block["t"][np.isfinite(block["t"])]
        if finite.size:
            last_t = float(finite[-1])
    for name in schema.TABLES:
        for rows in source.table_blocks(name):
            file.write([], {name: rows})
    return last_t
