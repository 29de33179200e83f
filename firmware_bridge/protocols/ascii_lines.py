"""Readings as DIY boards print them, one per line: bare numbers, CSV, ``label: value``.

What sketches print (reference §5.3): ``12.34``, ``123456,-52000,1.234`` (millis, raw,
force), ``Load_cell output val: 123.45``, ``Reading: 12.3 g``, ``Fz=1.2 N``; plus status
lines (``Tare complete``) and ``#`` comments, which are not data.
"""

from __future__ import annotations

import re

import numpy as np

from firmware_bridge.device_info import DeviceInfo
from firmware_bridge.protocols.base import DecoderBase
from firmware_bridge.protocols.text import (
    UNIT_TOKENS,
    BlockMaker,
    LineBuffer,
    Readings,
    lines_of,
    to_floats,
    unit_option,
)

_NUMBER = rb"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_UNIT = rb"[A-Za-z]+"
#: ``label: value [unit]`` or ``label = value [unit]``, alone on its line.
_LABELLED = re.compile(
    rb"(?m)^[ \t]*[A-Za-z_][^\n:=]*[:=][ \t]*(" + _NUMBER + rb")[ \t]*(" + _UNIT + rb")?[ \t]*$"
)
_VALUE_AND_UNIT = re.compile(rb"(" + _NUMBER + rb")[ \t]*(" + _UNIT + rb")?")
_FIELD = re.compile(rb"[,;\t ]+")


class AsciiLineDecoder(DecoderBase):
    """Takes one value from each line, in newtons unless the line or ``unit`` says otherwise.

    ``column`` counts the line's numbers (0 the first, -1 the last: the default); ``label``
    picks a labelled value (``Fz`` in ``Fx=0.1 Fz=12.5``). ``unit`` is for values printed
    without one: a force unit, or "counts" for a raw ADC value to be calibrated.
    """

    name = "ascii"

    def __init__(self, column: int = -1, label: str = "", unit: str = "N") -> None:
        super().__init__()
        self.column = int(column)
        self.label = label
        self._default_unit = unit = unit_option(unit)
        self._labelled = (
            re.compile(
                re.escape(label.encode())
                + rb"[ \t]*[:=][ \t]*"
                + _VALUE_AND_UNIT.pattern
                + rb"(?![^\s,;])"  # the value ends there: not "1" of "1_000" or "12x"
            )
            if label
            else None
        )
        self._lines = LineBuffer(self.stats)
        self._blocks = BlockMaker(self.stats, unit)
        self._synced = False

    @property
    def device_info(self) -> DeviceInfo:
        return DeviceInfo(protocol=self.name, raw_unit=self._blocks.unit)

    @property
    def has_backlog(self) -> bool:
        return self._blocks.has_backlog

    def restart(self) -> None:
        self._lines.clear()
        self._blocks.restart()
        self._synced = False

    def feed(self, data: bytes, arrival: float) -> np.ndarray:
        self.stats.bytes_in += len(data)
        region = self._lines.take(data)
        readings = Readings()
        if region:
            if not self._synced:  # we may have joined mid-line
                self._synced = True
                first_end = region.find(b"\n")
                cut = len(region) if first_end < 0 else first_end + 1
                self.stats.skipped_at_sync += cut
                region = region[cut:]
            readings = self._parse(region)
        block = self._blocks.make(readings, arrival)
        for old, new in self._blocks.unit_changes:
            self._notice(f"the readings' unit changed from {old} to {new}")
        self._blocks.unit_changes.clear()
        return block

    def _parse(self, region: bytes) -> Readings:
        text, lines = lines_of(region)
        if not lines:
            return Readings()
        if self._labelled is None and self.column == -1:
            try:  # the fastest path: every line a bare number (a "_" only float() accepts)
                if b"_" not in text:
                    values = to_floats(lines)
                    return self._readings(values, [self._default_unit] * values.size)
            except ValueError:
                pass
            found = _LABELLED.findall(text)
            if len(found) == len(lines):  # every line "label: value [unit]"
                return self._from_tokens([n for n, _ in found], [t for _, t in found])
        numbers, tokens = [], []
        for line in lines:
            picked = self._pick(line)
            if picked is None or b"_" in picked[0]:  # "1_000": only Python reads that
                if picked is not None or not line.lstrip().startswith(b"#"):
                    self.stats.corrupt += 1
                continue
            numbers.append(picked[0])
            tokens.append(picked[1])
        return self._from_tokens(numbers, tokens)

    def _pick(self, line: bytes) -> tuple[bytes, bytes] | None:
        """(number, unit token) of the wanted value on ``line``, or None."""
        if self._labelled is not None:
            return _number_and_token(self._labelled.search(line))
        match = _LABELLED.fullmatch(line.strip())
        if match and self.column == -1:
            return _number_and_token(match)
        fields = _FIELD.split(line.strip())
        values = [
            (field, fields[i + 1] if i + 1 < len(fields) and fields[i + 1].isalpha() else b"")
            for i, field in enumerate(fields)
            if _is_number(field)
        ]
        try:
            return values[self.column]
        except IndexError:
            return None

    def _from_tokens(self, numbers: list[bytes], tokens: list[bytes]) -> Readings:
        if not numbers:
            return Readings()
        values = to_floats(numbers)
        unit_of = {token: _unit(token, self._default_unit) for token in set(tokens)}
        units = [unit_of[token] for token in tokens]
        known = np.array([unit is not None for unit in units])
        if not known.all():
            self.stats.corrupt += int((~known).sum())
            values = values[known]
        return self._readings(values, [unit for unit in units if unit is not None])

    @staticmethod
    def _readings(values: np.ndarray, units: list[str]) -> Readings:
        """Non-finite and implausible values are refused (and counted) by the BlockMaker."""
        return Readings(values, units, np.zeros(values.size, dtype=np.uint16))


def _number_and_token(match: re.Match[bytes] | None) -> tuple[bytes, bytes] | None:
    """A labelled value's (number, unit token); the token is b"" where the line has none."""
    if match is None:
        return None
    number, token = match.groups(b"")
    return number, token


def _is_number(field: bytes) -> bool:
    """A field that holds a number's place in its line: ``nan``, ``inf`` and ``1_000`` too
    (refused as values later, not skipped, so that the columns stay where they are)."""
    try:
        float(field)
    except ValueError:
        return False
    return True


def _unit(token: bytes, default: str) -> str | None:
    """The unit a token names; a line's unit beats the default; None if not a force."""
    if not token:
        return default
    return UNIT_TOKENS.get(token.lower())
