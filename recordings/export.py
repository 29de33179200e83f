"""CSV export: ``#`` metadata lines, a header naming each column with its unit, one row a sample.

The samples are read and written a block at a time, so a recording of any length exports in
bounded memory. The rows go to ``OUT.partial`` first, renamed to ``OUT`` only when all are
written: a failure at any point (an unwritable disk, a garbled chunk halfway through the
file, Ctrl-C) leaves neither ``OUT`` nor ``OUT.partial`` behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from recordings.errors import RecordingError, reason
from recordings.reader import BLOCK_ROWS, Recording, RecordingFile

CSV_COLUMNS = ("t_s", "t_device_s", "force_N", "raw", "seq", "flags")
_SOURCE_COLUMNS = ("t", "t_device", "force", "raw", "seq", "flags")
_ROW_FORMAT = "%.6f,%.6f,%.6f,%.9g,%d,%d\n"
_ROWS_PER_WRITE = 100_000


def export_csv(
    recording: Recording | RecordingFile, out: Path, block_rows: int = BLOCK_ROWS
) -> int:
    """Write ``out`` (never over an existing file); return the number of rows. Raises
    RecordingError (NotARecordingError when the recording turns out damaged midway)."""
    out = Path(out)
    if out.exists():
        raise RecordingError(f"{out} already exists; choose another name or remove it first")
    partial = out.with_name(out.name + ".partial")
    rows = 0
    try:
        with open(partial, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(_header(recording))
            stream.write(",".join(CSV_COLUMNS) + "\n")
            for block in recording.blocks(block_rows):
                columns = [block[name] for name in _SOURCE_COLUMNS]
                for start in range(0, columns[0].size, _ROWS_PER_WRITE):
                    part = [column[start : start + _ROWS_PER_WRITE].tolist() for column in columns]
                    # As Python numbers: five times as fast as np.savetxt, and seq stays exact.
                    stream.write("".join([_ROW_FORMAT % row for row in zip(*part, strict=True)]))
                rows += columns[0].size
        os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise RecordingError(f"cannot write {out}: {reason(exc)}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return rows


def _header(recording: Recording | RecordingFile) -> str:
    lines = [f"# source: {recording.path.name}", f"# schema_version: {recording.schema_version}"]
    for group, attributes in (
        ("session", recording.session),
        ("device", recording.device),
        ("calibration", recording.calibration),
    ):
        lines += [f"# {group}.{key}: {_one_line(value)}" for key, value in attributes.items()]
    return "\n".join(lines) + "\n"


def _one_line(value: object) -> str:
    return str(value).replace("\r", " ").replace("\n", " ")
