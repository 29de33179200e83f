"""Incremental decoder for the FGB1 stream: delimited frames in, sample blocks out."""

from __future__ import annotations

import struct

import numpy as np

from firmware_bridge.device_info import DeviceInfo
from firmware_bridge.protocols import fgb1
from firmware_bridge.protocols.base import DecoderBase, bounded_tail
from firmware_bridge.samples import SAMPLE_DTYPE, empty_block

#: A run of bytes this long without a delimiter is not a frame: drop it rather than grow.
MAX_PENDING_BYTES = 4096

_SEQ_MODULUS = 1 << 16
_T_US_MODULUS = 1 << 32


class Fgb1Decoder(DecoderBase):
    name = "fgb1"

    def __init__(self) -> None:
        super().__init__()
        self.ignored_frames = 0  # valid frames of types this host does not use
        self.incompatible_version: int | None = None
        self._info: DeviceInfo | None = None
        self._seq_unwrapped: int | None = None  # continues across a reconnection
        self.restart()

    def restart(self) -> None:
        self._pending = b""
        self._synced = False
        self._last_seq: int | None = None
        self._last_t_us: int | None = None
        self._t_us_unwrapped = 0

    @property
    def device_info(self) -> DeviceInfo | None:
        return self._info

    def opening_commands(self) -> list[bytes]:
        return [
            fgb1.encode_frame(fgb1.GET_INFO, 0),
            fgb1.encode_frame(fgb1.START, 1, struct.pack("<H", 0)),  # 0: the device's own rate
        ]

    def closing_commands(self) -> list[bytes]:
        return [fgb1.encode_frame(fgb1.STOP, 2)]

    def feed(self, data: bytes, arrival: float) -> np.ndarray:
        self.stats.bytes_in += len(data)
        buffer = self._pending + data
        stream = np.frombuffer(buffer, dtype=np.uint8)
        delimiters = np.flatnonzero(stream == 0)
        if delimiters.size == 0:
            self._pending = bounded_tail(buffer, MAX_PENDING_BYTES, self.stats)
            return empty_block()
        self._pending = buffer[delimiters[-1] + 1 :]
        starts = np.concatenate(([0], delimiters[:-1] + 1))
        lengths = delimiters - starts
        first_is_partial = not self._synced
        self._synced = True

        candidates = np.flatnonzero(lengths == fgb1.SAMPLE_ENCODED_SIZE)
        rows = stream[starts[candidates, None] + np.arange(fgb1.SAMPLE_ENCODED_SIZE)]
        records, valid = fgb1.decode_sample_rows(rows)

        others = np.flatnonzero((lengths > 0) & (lengths != fgb1.SAMPLE_ENCODED_SIZE))
        damaged = candidates[~valid]
        if others.size or damaged.size:  # INFO, ACK, damage: rare, so one at a time
            for index in np.union1d(others, damaged):
                start, end = int(starts[index]), int(delimiters[index])
                self._scalar_frame(buffer[start:end], partial=first_is_partial and index == 0)

        return self._samples(records[valid])

    def _scalar_frame(self, encoded: bytes, partial: bool) -> None:
        try:
            frame = fgb1.decode_frame(encoded)
        except fgb1.FrameError:
            if partial:
                self.stats.skipped_at_sync += len(encoded)
            elif self._is_other_version(encoded):
                self.incompatible_version = encoded[1]
                self.stats.corrupt += 1
            else:
                self.stats.corrupt += 1
            return
        if frame.frame_type == fgb1.INFO:
            try:
                self._info = _device_info(fgb1.InfoPayload.unpack(frame.payload))
            except fgb1.FrameError:
                self.stats.corrupt += 1
        elif frame.frame_type == fgb1.SAMPLE:
            self.stats.corrupt += 1  # a SAMPLE of the wrong length
        else:
            self.ignored_frames += 1

    @staticmethod
    def _is_other_version(encoded: bytes) -> bool:
        # COBS keeps the first byte when it is non-zero: encoded[1] is the version byte.
        return len(encoded) > 1 and encoded[1] not in (0, fgb1.PROTOCOL_MAJOR)

    def _samples(self, records: np.ndarray) -> np.ndarray:
        n = records.size
        if n == 0:
            return empty_block()
        block = np.zeros(n, dtype=SAMPLE_DTYPE)
        block["seq"] = self._unwrap_seq(records["seq"].astype(np.int64))
        block["t_device"] = self._unwrap_t_us(records["t_us"].astype(np.int64)) * 1e-6
        block["raw"] = records["raw"]
        block["flags"] = records["flags"]
        self.stats.samples += n
        return block

    def _unwrap_seq(self, seq: np.ndarray) -> np.ndarray:
        previous = seq[0] - 1 if self._last_seq is None else self._last_seq
        steps = _steps(seq, previous) % _SEQ_MODULUS
        jumps = (steps == 0) | (steps > _SEQ_MODULUS // 2)  # a device reset, not loss
        self.stats.discontinuities += int(jumps.sum())
        steps[jumps] = 1
        if self._last_seq is None:  # the first frame, perhaps of a device that restarted
            steps[0] = 1
        start = seq[0] - 1 if self._seq_unwrapped is None else self._seq_unwrapped
        unwrapped = start + np.cumsum(steps)
        self._last_seq, self._seq_unwrapped = int(seq[-1]), int(unwrapped[-1])
        return unwrapped

    def _unwrap_t_us(self, t_us: np.ndarray) -> np.ndarray:
        previous = t_us[0] if self._last_t_us is None else self._last_t_us
        steps = _steps(t_us, previous) % _T_US_MODULUS
        steps[steps > _T_US_MODULUS // 2] = 0  # the device clock went back: a reset
        start = t_us[0] if self._last_t_us is None else self._t_us_unwrapped
        unwrapped = start + np.cumsum(steps)
        self._last_t_us, self._t_us_unwrapped = int(t_us[-1]), int(unwrapped[-1])
        return unwrapped


def _steps(values: np.ndarray, previous: int) -> np.ndarray:
    """``np.diff(values, prepend=previous)`` without its overhead (it runs on every chunk)."""
    steps = np.empty_like(values)
    steps[0] = values[0] - previous
    np.subtract(values[1:], values[:-1], out=steps[1:])
    return steps


def _device_info(info: fgb1.InfoPayload) -> DeviceInfo:
    return DeviceInfo(
        protocol="fgb1",
        identity=info.serial,
        model=f"FGB{info.proto_major}.{info.proto_minor} device type {info.device_type}, "
        f"{info.adc}",
        firmware=info.firmware,
        nominal_rate_hz=float(info.nominal_rate_hz),
        raw_unit="counts",
        counts_per_newton=float(info.counts_per_newton),
        zero_offset=float(info.zero_offset),
        full_scale_n=float(info.full_scale_n),
    )
