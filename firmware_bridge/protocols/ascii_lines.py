"""Plain ASCII numbers or CSV lines, as DIY boards print them (one reading per line)."""

from __future__ import annotations

import re

import numpy as np

from firmware_bridge.device_info import DeviceInfo
from firmware_bridge.protocols.base import DecoderStats, bounded_tail
from firmware_bridge.samples import SAMPLE_DTYPE, empty_block

#: A line longer than this is not a reading: drop it rather than grow.
MAX_LINE_BYTES = 1024

_FIELD_SEPARATORS = re.compile(rb"[,;\t ]+")


class AsciiLineDecoder:
    """Takes the value in ``column`` (default: the last field) of each line, in newtons.

    The device sends no timestamps, so the lines of one chunk are spread evenly between the
    previous chunk's arrival and this one's (better than stamping them all alike).
    """

    name = "ascii"

    def __init__(self, column: int = -1) -> None:
        self.column = column
        self.stats = DecoderStats()
        self._pending = b""
        self._synced = False
        self._previous_arrival: float | None = None
        self._next_seq = 0

    @property
    def device_info(self) -> DeviceInfo:
        return DeviceInfo(protocol=self.name, raw_unit="N")

    def opening_commands(self) -> list[bytes]:
        return []

    def closing_commands(self) -> list[bytes]:
        return []

    def feed(self, data: bytes, arrival: float) -> np.ndarray:
        self.stats.bytes_in += len(data)
        buffer = self._pending + data
        last_newline = buffer.rfind(b"\n")
        if last_newline < 0:
            self._pending = bounded_tail(buffer, MAX_LINE_BYTES, self.stats)
            return empty_block()
        self._pending = buffer[last_newline + 1 :]
        lines = buffer[:last_newline].split(b"\n")
        if not self._synced:
            self._synced = True
            self.stats.skipped_at_sync += len(lines[0])  # we may have joined mid-line
            lines = lines[1:]
        values = self._parse(lines)
        return self._block(values, arrival)

    def _parse(self, lines: list[bytes]) -> np.ndarray:
        if not lines:
            return np.empty(0)
        try:  # fast path: every line a bare number
            values = np.array(lines, dtype=bytes).astype(np.float64)
        except ValueError:
            values = self._parse_line_by_line(lines)
        finite = np.isfinite(values)
        self.stats.corrupt += int(values.size - finite.sum())
        return values[finite]

    def _parse_line_by_line(self, lines: list[bytes]) -> np.ndarray:
        values = []
        for line in lines:
            text = line.strip()
            if not text or text.startswith(b"#"):
                continue
            try:
                values.append(float(_FIELD_SEPARATORS.split(text)[self.column]))
            except (ValueError, IndexError):
                self.stats.corrupt += 1
        return np.array(values, dtype=np.float64)

    def _block(self, values: np.ndarray, arrival: float) -> np.ndarray:
        n = values.size
        previous = arrival if self._previous_arrival is None else self._previous_arrival
        self._previous_arrival = arrival
        if n == 0:
            return empty_block()
        block = np.zeros(n, dtype=SAMPLE_DTYPE)
        block["seq"] = np.arange(self._next_seq, self._next_seq + n)
        block["t_device"] = previous + (arrival - previous) * np.arange(1, n + 1) / n
        block["raw"] = values
        self._next_seq += n
        self.stats.samples += n
        return block
