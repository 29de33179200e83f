"""The layout of a recording: one HDF5 file per session. docs/recording-format.md mirrors it.

    /                       attrs: format, schema_version, app_version, created_utc
    /session                attrs: uuid, start_time, end_time, operator, client, notes,
                                   probe_area_cm2
    /device                 attrs: protocol, identity, model, firmware, nominal_rate_hz,
                                   raw_unit, counts_per_newton, zero_offset, full_scale_n, port
    /calibration            attrs: offset, gain_n_per_unit, source
    /samples/t              float64 (n,)  s, session clock
    /samples/seq            int64   (n,)  device sequence number, unwrapped
    /samples/raw            float64 (n,)  what the device sent (unit: /device raw_unit)
    /samples/force          float64 (n,)  N, calibrated
    /samples/flags          uint16  (n,)  bit field (see FLAG_BITS)
    /events                 compound (m,): t, kind, label, value
    /segments               compound (k,): t_start, t_end, muscle, side, technique,
                                           band_low_kpa, band_high_kpa

Every dataset is chunked, resizable along its one axis, and the sample columns are
compressed (shuffle + gzip). All attributes are plain numbers or UTF-8 strings, so h5dump
and h5py read everything without this package.
"""

from __future__ import annotations

from dataclasses import dataclass

import h5py
import numpy as np

FORMAT_NAME = "pressure-monitor-recording"
SCHEMA_VERSION = 1

SESSION_GROUP = "session"
DEVICE_GROUP = "device"
CALIBRATION_GROUP = "calibration"
SAMPLES_GROUP = "samples"
EVENTS_DATASET = "events"
SEGMENTS_DATASET = "segments"


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    unit: str
    description: str


SAMPLE_COLUMNS: tuple[Column, ...] = (
    Column("t", "<f8", "s", "session time: 0 when the session started"),
    Column("seq", "<i8", "", "device sequence number, unwrapped; a jump is a loss"),
    Column("raw", "<f8", "device", "the value the device sent, before calibration"),
    Column("force", "<f8", "N", "calibrated force"),
    Column("flags", "<u2", "", "bit field, see FLAG_BITS"),
)

FLAG_BITS = {
    0: "saturated",
    1: "tare in progress",
    2: "ADC overrun or missed sample",
    3: "calibration invalid",
    4: "device button pressed",
}

_TEXT = h5py.string_dtype("utf-8")
EVENT_DTYPE = np.dtype([("t", "<f8"), ("kind", _TEXT), ("label", _TEXT), ("value", "<f8")])
SEGMENT_DTYPE = np.dtype(
    [
        ("t_start", "<f8"),
        ("t_end", "<f8"),
        ("muscle", _TEXT),
        ("side", _TEXT),
        ("technique", _TEXT),
        ("band_low_kpa", "<f8"),
        ("band_high_kpa", "<f8"),
    ]
)

#: Event kinds the app writes; a reader must accept others written by newer versions.
EVENT_KINDS = {
    "gap": "samples lost in transit; value = how many",
    "connected": "the device connected; label = port",
    "error": "the device or the port failed; label = the reason",
    "closed": "the port closed",
    "marker": "a labelled marker set by the user",
}

SAMPLE_CHUNK = 8192  # ~8 s at 1 kHz; big enough to compress well, small enough to flush often
TABLE_CHUNK = 256
COMPRESSION = {"compression": "gzip", "compression_opts": 4, "shuffle": True}
