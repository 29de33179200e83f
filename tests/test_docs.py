"""docs/recording-format.md stays true to recordings/schema.py."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest

from monitor.acquisition import CALIBRATED_DTYPE
from recordings import RecordingWriter, SessionInfo, schema

DOC = (Path(__file__).resolve().parent.parent / "docs" / "recording-format.md").read_text()

NAMES = (
    [f"`{column.name}`" for column in schema.SAMPLE_COLUMNS]
    + [
        f"`{name}`"
        for dtype in (*schema.TABLES.values(), schema.OVERVIEW_DTYPE)
        for name in dtype.names
    ]
    + [f"`/overview/L{level}`" for level in schema.OVERVIEW_LEVELS]
    + [f"`{kind}`" for kind in schema.EVENT_KINDS]
    + [
        f"`/{group}`"
        for group in (
            schema.SESSION_GROUP,
            schema.DEVICE_GROUP,
            schema.CALIBRATION_GROUP,
            schema.SAMPLES_GROUP,
            schema.SAMPLES_TAIL_GROUP,
            schema.EVENTS_DATASET,
            schema.SEGMENTS_DATASET,
            schema.PPT_TRIALS_DATASET,
            schema.OVERVIEW_GROUP,
        )
    ]
    + [f"`{schema.FORMAT_NAME}`", f"Schema version: **{schema.SCHEMA_VERSION}**"]
)


@pytest.mark.parametrize("name", NAMES)
def test_schema_name_is_documented(name: str) -> None:
    assert name in DOC


def test_documented_attributes_are_the_written_ones(tmp_path: Path) -> None:
    device = {key: "" for key in ("protocol", "identity", "model", "firmware", "raw_unit", "port")}
    device |= {
        key: 0.0 for key in ("nominal_rate_hz", "counts_per_newton", "zero_offset", "full_scale_n")
    }
    calibration = {"offset": 0.0, "gain_n_per_unit": 1.0, "source": "device"}
    writer = RecordingWriter(tmp_path / "s.h5", SessionInfo(), device, calibration)
    writer.start()
    writer.append(np.zeros(3, dtype=CALIBRATED_DTYPE))
    writer.close()
    with h5py.File(tmp_path / "s.h5") as file:
        for node in (file, *(file[group] for group in ("session", "device", "calibration"))):
            for attribute in node.attrs:
                assert f"`{attribute}`" in DOC, f"attribute {attribute} is not documented"
