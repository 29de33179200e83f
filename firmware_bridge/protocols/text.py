"""What text protocols share: cutting a stream into lines, and readings into sample blocks.

A text device sends readings in a force unit it chooses (and a user may change on the
gauge), and no timestamps: blocks carry host times and never mix units.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from firmware_bridge.protocols.base import DecoderStats, bounded_tail
from firmware_bridge.samples import SAMPLE_DTYPE, empty_block
from firmware_bridge.timing import ArrivalClock

#: A line longer than this is not a reading: drop it rather than grow.
MAX_LINE_BYTES = 1024

#: What gauges and sketches write for a unit, lower-cased -> the unit's symbol. Mass units
#: are what a scale sketch prints for the force of that mass (``Reading: 12.3 g``).
UNIT_TOKENS: dict[bytes, str] = {
    b"n": "N",
    b"mn": "mN",
    b"kn": "kN",
    b"lbf": "lbf",
    b"lb": "lbf",
    b"lbs": "lbf",
    b"ozf": "ozf",
    b"oz": "ozf",
    b"kgf": "kgf",
    b"kg": "kgf",
    b"gf": "gf",
    b"g": "gf",
    b"klbf": "klbf",
}


def unit_option(text: str) -> str:
    """The unit a user names for values sent without one: a force unit, or "counts"."""
    if text == "counts":
        return text
    unit = UNIT_TOKENS.get(text.lower().encode())
    if unit is None:
        known = ", ".join(sorted(set(UNIT_TOKENS.values()))) + ", counts"
        raise ValueError(f"unit must be one of {known}, not {text!r}")
    return unit


class LineBuffer:
    """Complete lines out of arbitrary chunks; the unfinished one waits for the next chunk."""

    def __init__(self, stats: DecoderStats, line_end: bytes = b"\n") -> None:
        self._stats = stats
        self._line_end = line_end
        self._pending = b""

    def take(self, data: bytes) -> bytes:
        """Everything up to the last line end (without it), "" when no line is complete."""
        buffer = self._pending + data
        last = buffer.rfind(self._line_end)
        if last < 0:
            self._pending = bounded_tail(buffer, MAX_LINE_BYTES, self._stats)
            return b""
        self._pending = buffer[last + 1 :]
        return buffer[:last]

    def clear(self) -> None:
        self._pending = b""


def lines_of(region: bytes) -> tuple[bytes, list[bytes]]:
    """``region`` with every line ending a LF (CR LF, CR and LF all end a line), and its
    non-blank lines."""
    text = region.replace(b"\r", b"\n")
    return text, [line for line in text.split(b"\n") if line.strip()]


@dataclass
class Readings:
    """Parsed readings not yet made into blocks: values, each one's unit, flags, times."""

    values: np.ndarray = field(default_factory=lambda: np.empty(0))
    units: list[str] = field(default_factory=list)
    flags: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint16))
    times: np.ndarray | None = None  # when known (a polled reply); else stamped on arrival

    def __len__(self) -> int:
        return int(self.values.size)

    def split_at_unit_change(self) -> tuple[Readings, Readings]:
        """The leading run in one unit, and the rest."""
        first = self.units[0]
        if self.units.count(first) == len(self.units):
            return self, Readings()
        cut = next(i for i, unit in enumerate(self.units) if unit != first)
        return self._part(slice(None, cut)), self._part(slice(cut, None))

    def _part(self, part: slice) -> Readings:
        times = None if self.times is None else self.times[part]
        return Readings(self.values[part], self.units[part], self.flags[part], times)


class BlockMaker:
    """Sample blocks from readings: a host sequence counter, host times, one unit each.

    When a unit changes within a chunk the rest waits (``has_backlog``) for the next call,
    so that a block's unit is always the decoder's current ``unit``.
    """

    def __init__(self, stats: DecoderStats, unit: str) -> None:
        self._stats = stats
        self.unit = unit
        self.clock = ArrivalClock()
        self._next_seq = 0
        self._backlog = Readings()
        self._emitted = False  # the first block's unit is no change
        self.unit_changes: list[tuple[str, str]] = []  # (from, to), taken by the decoder

    @property
    def has_backlog(self) -> bool:
        return len(self._backlog) > 0

    def make(self, readings: Readings, arrival: float) -> np.ndarray:
        if len(self._backlog):
            readings = _joined(self._backlog, readings)
        if not len(readings):
            self._backlog = Readings()
            self.clock.stamp(0, arrival)
            return empty_block()
        head, self._backlog = readings.split_at_unit_change()
        if head.units[0] != self.unit:
            if self._emitted:
                self.unit_changes.append((self.unit, head.units[0]))
            self.unit = head.units[0]
        self._emitted = True
        n = len(head)
        block = np.zeros(n, dtype=SAMPLE_DTYPE)
        block["seq"] = np.arange(self._next_seq, self._next_seq + n)
        block["t_device"] = head.times if head.times is not None else self.clock.stamp(n, arrival)
        block["raw"] = head.values
        block["flags"] = head.flags
        self._next_seq += n
        self._stats.samples += n
        return block

    def restart(self) -> None:
        self._backlog = Readings()
        self.clock.restart()


def _joined(first: Readings, second: Readings) -> Readings:
    if not len(second):
        return first
    times = None
    if first.times is not None and second.times is not None:
        times = np.concatenate([first.times, second.times])
    return Readings(
        np.concatenate([first.values, second.values]),
        first.units + second.units,
        np.concatenate([first.flags, second.flags]),
        times,
    )
