"""The layout of a recording: one HDF5 file per session. docs/recording-format.md mirrors it.

    /                       attrs: format, schema_version, app_version, created_utc
    /session                attrs: uuid, start_time, end_time, operator, client, notes,
                                   probe_area_cm2, continues_uuid, recovered_from
    /device                 attrs: protocol, identity, model, firmware, nominal_rate_hz,
                                   achieved_rate_hz, raw_unit, counts_per_newton, zero_offset,
                                   full_scale_n, port
    /calibration            attrs: offset, gain_n_per_unit, source
    /samples/t              float64 (n,)  s, session clock
    /samples/t_device       float64 (n,)  s, the device's clock (host arrival if it has none)
    /samples/seq            int64   (n,)  device sequence number, unwrapped
    /samples/raw            float64 (n,)  what the device sent (unit: /device raw_unit)
    /samples/force          float32 (n,)  N, calibrated
    /samples/flags          uint16  (n,)  bit field (see FLAG_BITS)
    /events                 compound (m,): t, kind, label, value
    /segments               compound (k,): t_start, t_end, muscle, side, technique,
                                           band_low_kpa, band_high_kpa, band_basis
    /ppt_trials             compound (p,): t_start, t_stop, site, side, trial, ...
    /samples_tail/<column>  the /samples columns, (SAMPLE_CHUNK,): samples not yet in /samples
    /samples_tail/count     int64 (1,)    how many rows of the tail are valid (0 once closed)
    /overview/L64           compound: t, min, max of force per 64 samples
    /overview/L4096         compound: the same per 4096 samples

The file is written in HDF5's SWMR mode, so a reader can follow it while it grows and a
recording killed at any moment still opens (readers must then open it with ``swmr=True``).
SWMR allows no new objects once writing starts: every dataset above exists, empty, from the
start. All attributes are plain numbers or UTF-8 strings; h5dump and h5py read everything
without this package.
"""

from __future__ import annotations

from dataclasses import dataclass

import h5py
import numpy as np

from recordings.events import EventKind

FORMAT_NAME = "pressure-monitor-recording"
SCHEMA_VERSION = 1

SESSION_GROUP = "session"
DEVICE_GROUP = "device"
CALIBRATION_GROUP = "calibration"
SAMPLES_GROUP = "samples"
#: Compressed chunks rewritten at every flush are stored anew each time (SWMR never reuses
#: file space): /samples only ever receives whole chunks, and the partial newest one waits,
#: uncompressed and rewritten in place, in the tail.
SAMPLES_TAIL_GROUP = "samples_tail"
TAIL_COUNT = "count"
EVENTS_DATASET = "events"
SEGMENTS_DATASET = "segments"
PPT_TRIALS_DATASET = "ppt_trials"
OVERVIEW_GROUP = "overview"


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    unit: str
    description: str


SAMPLE_COLUMNS: tuple[Column, ...] = (
    Column("t", "<f8", "s", "session time: 0 when the session started"),
    Column("t_device", "<f8", "s", "the device's clock (host arrival time if it sends none)"),
    Column("seq", "<i8", "", "device sequence number, unwrapped; a jump is a loss"),
    Column("raw", "<f8", "device", "the value the device sent, before calibration"),
    # float32 holds 24 bits of mantissa (1e-5 N at 200 N), far finer than any load cell,
    # and halves what the noisiest column costs on disk.
    Column("force", "<f4", "N", "calibrated force"),
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
        ("band_basis", _TEXT),
    ]
)
PPT_TRIAL_DTYPE = np.dtype(
    [
        ("t_start", "<f8"),
        ("t_stop", "<f8"),
        ("site", _TEXT),
        ("side", _TEXT),
        ("trial", "<i4"),
        ("target_rate_kpa_s", "<f8"),
        ("achieved_rate_kpa_s", "<f8"),
        ("threshold_kpa", "<f8"),
        ("stop_source", _TEXT),
        ("accepted", "u1"),
        ("reason", _TEXT),
    ]
)
OVERVIEW_DTYPE = np.dtype([("t", "<f8"), ("min", "<f4"), ("max", "<f4")])

#: Samples per overview bucket, finest first; each level is built from the one before it.
OVERVIEW_LEVELS = (64, 4096)

#: Attributes that hold numbers (readers refuse a file where one holds anything else);
#: the rest are text.
NUMBER_ATTRIBUTES = {
    SESSION_GROUP: ("probe_area_cm2",),
    DEVICE_GROUP: (
        "nominal_rate_hz",
        "achieved_rate_hz",
        "counts_per_newton",
        "zero_offset",
        "full_scale_n",
    ),
    CALIBRATION_GROUP: ("offset", "gain_n_per_unit", "a", "b", "c"),
}

TABLES = {
    EVENTS_DATASET: EVENT_DTYPE,
    SEGMENTS_DATASET: SEGMENT_DTYPE,
    PPT_TRIALS_DATASET: PPT_TRIAL_DTYPE,
}

#: Event kinds the app writes (recordings.events.EventKind); a reader must accept others
#: written by newer versions.
EVENT_KINDS = {kind.value: kind.meaning for kind in EventKind}

SAMPLE_CHUNK = 4096  # ~4 s at 1 kHz: compresses well; the uncompressed tail stays 156 KB
TABLE_CHUNK = 256
OVERVIEW_CHUNK = 1024
COMPRESSION = {"compression": "gzip", "compression_opts": 4, "shuffle": True}


def overview_name(level: int) -> str:
    return f"{OVERVIEW_GROUP}/L{level}"
