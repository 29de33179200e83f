"""The sample block: the unit in which the stream travels (never one object per sample)."""

from __future__ import annotations

import numpy as np

#: One decoded sample. Decoders fill ``t_device``: seconds on the device's own clock where it
#: sends timestamps, else host arrival time. The reader fills ``t``, the session clock.
SAMPLE_DTYPE = np.dtype(
    [
        ("seq", "<i8"),  # unwrapped device sequence number, or a host counter
        ("t", "<f8"),  # session time, s
        ("t_device", "<f8"),  # the decoder's clock, s
        ("raw", "<f8"),  # what the device sent: ADC counts or its own force value
        ("flags", "<u2"),  # FLAG_* bits
    ]
)

FLAG_SATURATED = 1 << 0
FLAG_TARE_IN_PROGRESS = 1 << 1
FLAG_ADC_OVERRUN = 1 << 2
FLAG_CALIBRATION_INVALID = 1 << 3
FLAG_BUTTON = 1 << 4


def empty_block(n: int = 0) -> np.ndarray:
    return np.zeros(n, dtype=SAMPLE_DTYPE)
