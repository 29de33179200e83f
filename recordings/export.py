"""CSV export: ``#`` metadata lines, a header naming each column with its unit, one row a sample."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from recordings.errors import RecordingError
from recordings.reader import Recording

CSV_COLUMNS = ("t_s", "t_device_s", "force_N", "raw", "seq", "flags")
_ROW_FORMAT = "%.6f,%.6f,%.6f,%.9g,%d,%d"
_ROWS_PER_WRITE = 100_000


def export_csv(recording: Recording, out: Path) -> int:
    """Write ``out`` (never over an existing file); return the number of rows."""
    out = Path(out)
    if out.exists():
        raise RecordingError(f"{out} already exists; choose another name or remove it first")
    partial = out.with_name(out.name + ".partial")
    samples = recording.samples
    columns = tuple(samples[name] for name in ("t", "t_device", "force", "raw", "seq", "flags"))
    try:
        with open(partial, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(_header(recording))
            stream.write(",".join(CSV_COLUMNS) + "\n")
            for start in range(0, samples["t"].size, _ROWS_PER_WRITE):
                rows = np.column_stack([c[start : start + _ROWS_PER_WRITE] for c in columns])
                np.savetxt(stream, rows, fmt=_ROW_FORMAT)
        os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise RecordingError(f"cannot write {out}: {exc}") from exc
    return int(samples["t"].size)


def _header(recording: Recording) -> str:
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
