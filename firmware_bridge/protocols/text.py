"""What text protocols share: cutting a stream into lines, and readings into sample blocks.

A text device sends readings in a force unit it chooses (and a user may change on the
gauge), and no timestamps: blocks carry host times and never mix units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from firmware_bridge.protocols.base import DecoderStats, bounded_tail
from firmware_bridge.samples import SAMPLE_DTYPE, empty_block
from firmware_bridge.timing import LATE_AFTER_S, ArrivalClock

#: A line longer than this is not a reading: drop it rather than grow.
MAX_LINE_BYTES = 1024

#: The largest magnitude a reading may have, in its own unit; beyond it a reading is refused
#: and counted (``implausible``), never delivered. A force gauge shows at most 5-6 digits,
#: and 10^7 of the smallest force unit sent (mN) is 10 kN, past any handheld gauge; 10^7 lbf
#: or kgf is beyond any load cell at all. Raw ADC values ("counts") are allowed the range of
#: a 32-bit converter. Line noise, a wrong baud rate or a sketch's overflowed float give
#: values far beyond these (and 1e308 times a unit factor is infinite).
MAX_FORCE_READING = 1e7
MAX_COUNTS_READING = float(2**31)

#: A time step this many intervals long (and longer than ``LATE_AFTER_S``) between readings
#: is a gap: the readings missing from it, estimated from the rate, are skipped in ``seq``.
GAP_INTERVALS = 4.0
#: The interval is averaged over about this many readings.
INTERVAL_READINGS = 32

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


def to_floats(numbers: Sequence[bytes]) -> np.ndarray:
    """Numbers as text -> float64; what overflows becomes inf (refused by BlockMaker),
    without numpy's warning."""
    with np.errstate(over="ignore"):
        return np.array(numbers, dtype=bytes).astype(np.float64)


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
    seq: np.ndarray | None = None  # numbered by BlockMaker as they come in

    def __len__(self) -> int:
        return int(self.values.size)

    def plausible(self) -> np.ndarray:
        """Which readings are finite and within the bound for their unit."""
        units = self.units
        magnitude = np.abs(self.values)  # inf and nan fail every comparison below
        if units.count(units[0]) == len(units):
            return magnitude <= _limit(units[0])
        return magnitude <= np.array([_limit(unit) for unit in units])

    def only(self, keep: np.ndarray) -> Readings:
        """The readings where ``keep`` is true."""
        units = [unit for unit, kept in zip(self.units, keep.tolist(), strict=True) if kept]
        times = None if self.times is None else self.times[keep]
        seq = None if self.seq is None else self.seq[keep]
        return Readings(self.values[keep], units, self.flags[keep], times, seq)

    def split_at_unit_change(self) -> tuple[Readings, Readings]:
        """The leading run in one unit, and the rest."""
        first = self.units[0]
        if self.units.count(first) == len(self.units):
            return self, Readings()
        cut = next(i for i, unit in enumerate(self.units) if unit != first)
        return self._part(slice(None, cut)), self._part(slice(cut, None))

    def _part(self, part: slice) -> Readings:
        times = None if self.times is None else self.times[part]
        seq = None if self.seq is None else self.seq[part]
        return Readings(self.values[part], self.units[part], self.flags[part], times, seq)


def _limit(unit: str) -> float:
    return MAX_COUNTS_READING if unit == "counts" else MAX_FORCE_READING


class BlockMaker:
    """Sample blocks from readings: a host sequence counter, host times, one unit each.

    Readings that are not finite or beyond the plausible bound for their unit are refused and
    counted (``stats.corrupt`` and ``stats.implausible``). Readings without a time are
    stamped on arrival by the ``ArrivalClock``. A step in time of more than ``GAP_INTERVALS``
    usual intervals (and more than ``LATE_AFTER_S``) is a gap: the counter skips the
    readings missing from it, estimated from the rate, so the reader reports it as a ``gap``
    event like lost frames of a device that counts its own. When a unit changes within a
    chunk the rest waits (``has_backlog``) for the next call, so that a block's unit is always
    the decoder's current ``unit``.
    """

    def __init__(self, stats: DecoderStats, unit: str) -> None:
        self._stats = stats
        self.unit = unit
        self.clock = ArrivalClock()
        self._next_seq = 0
        self._last_time: float | None = None
        self._interval: float | None = None  # the usual time between readings, s
        self._intervals_seen = 0  # readings the interval was averaged over
        self._backlog = Readings()
        self._emitted = False  # the first block's unit is no change
        self.unit_changes: list[tuple[str, str]] = []  # (from, to), taken by the decoder

    @property
    def has_backlog(self) -> bool:
        return len(self._backlog) > 0

    def make(self, readings: Readings, arrival: float) -> np.ndarray:
        if len(readings):
            readings = self._plausible(readings)
        if len(readings):
            if readings.times is None:
                readings.times = self.clock.stamp(len(readings), arrival)
            readings.seq = self._number(readings.times)
        else:
            self.clock.stamp(0, arrival)
        if len(self._backlog):
            readings = _joined(self._backlog, readings)
        if not len(readings):
            self._backlog = Readings()
            return empty_block()
        head, self._backlog = readings.split_at_unit_change()
        if head.units[0] != self.unit:
            if self._emitted:
                self.unit_changes.append((self.unit, head.units[0]))
            self.unit = head.units[0]
        self._emitted = True
        n = len(head)
        block = np.zeros(n, dtype=SAMPLE_DTYPE)
        block["seq"] = head.seq
        block["t_device"] = head.times
        block["raw"] = head.values
        block["flags"] = head.flags
        self._stats.samples += n
        return block

    def restart(self) -> None:
        self._backlog = Readings()
        self.clock.restart()
        self._last_time = None  # the reader reports the time without data itself

    def _plausible(self, readings: Readings) -> Readings:
        keep = readings.plausible()
        if keep.all():
            return readings
        refused = int(keep.size - np.count_nonzero(keep))
        self._stats.corrupt += refused
        self._stats.implausible += refused
        return readings.only(keep)

    def _number(self, times: np.ndarray) -> np.ndarray:
        """Sequence numbers for readings at ``times``, skipping those a gap before them lost."""
        n = times.size
        first, last = self._next_seq, self._last_time
        if last is not None:
            step = float(times[0]) - last
            interval = self._interval
            trusted = self._intervals_seen >= INTERVAL_READINGS // 8
            if (
                interval is not None
                and trusted
                and step > max(LATE_AFTER_S, GAP_INTERVALS * interval)
            ):
                first += max(0, round(step / interval) - 1)
            else:
                self._learn_interval((float(times[-1]) - last) / n, n)
        elif n > 1:
            self._learn_interval((float(times[-1]) - float(times[0])) / (n - 1), n - 1)
        self._next_seq = first + n
        self._last_time = float(times[-1])
        return np.arange(first, first + n)

    def _learn_interval(self, interval: float, readings: int) -> None:
        if not interval > 0:
            return
        if self._interval is None:
            self._interval = interval
        else:
            weight = readings / (readings + INTERVAL_READINGS)
            self._interval += weight * (interval - self._interval)
        self._intervals_seen += readings


def _joined(first: Readings, second: Readings) -> Readings:
    if not len(second):
        return first
    times = seq = None
    if first.times is not None and second.times is not None:
        times = np.concatenate([first.times, second.times])
    if first.seq is not None and second.seq is not None:
        seq = np.concatenate([first.seq, second.seq])
    return Readings(
        np.concatenate([first.values, second.values]),
        first.units + second.units,
        np.concatenate([first.flags, second.flags]),
        times,
        seq,
    )
