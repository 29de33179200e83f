"""Commercial force gauges that speak text: each a declared dialect, one decoder for all.

A dialect says what to send (a poll, the commands that start and stop a stream, questions
that identify the gauge) and what comes back (a reading's pattern, its unit tokens, status
letters, refusals). Facts and their sources: docs/protocols.md and the reference it cites.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

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
from firmware_bridge.samples import FLAG_SATURATED, empty_block

#: A poll unanswered this long is sent again (and counted).
POLL_TIMEOUT_S = 0.5
#: Polls per second at most unless told otherwise: above what any gauge answers (a Mark-10
#: streams ~350/s), so only a simulated or runaway link meets it rather than eat a core.
DEFAULT_MAX_POLL_HZ = 1000.0
#: Identification questions unanswered this long are given up (the gauge may not know them).
QUESTION_TIMEOUT_S = 1.0

_NUMBER = rb"(\d+(?:\.\d*)?|\.\d+)"


@dataclass(frozen=True)
class Question:
    command: bytes
    field: str  # the DeviceInfo field the answer fills, or "unit_list"


@dataclass(frozen=True)
class Dialect:
    name: str
    description: str
    #: A whole reading line. Groups, in order: sign, number, unit token, status ("" if none).
    reading: re.Pattern[bytes]
    units: Mapping[bytes, str] = field(default_factory=lambda: UNIT_TOKENS)
    line_end: bytes = b"\n"
    poll: bytes = b""  # asks for one reading
    start: tuple[bytes, ...] = ()  # starts a stream
    stop: tuple[bytes, ...] = ()
    identify: tuple[Question, ...] = ()  # answered in order, one line each
    refusal: re.Pattern[bytes] | None = None  # "I did not understand" (Mark-10 ``*10``)
    acknowledgements: frozenset[bytes] = frozenset()
    status_flags: Mapping[bytes, int] = field(default_factory=dict)
    mode: str = "poll"  # "poll" or "stream": what the decoder does unless told otherwise
    #: Silence this long while streaming means the stream was lost: poll instead.
    stream_lost_after_s: float = 0.0


def _line(pattern: bytes) -> re.Pattern[bytes]:
    return re.compile(rb"[ \t]*" + pattern + rb"[ \t]*")


def _all_lines(pattern: re.Pattern[bytes]) -> re.Pattern[bytes]:
    """The same reading, found on every line of a chunk at once (C speed)."""
    return re.compile(rb"(?m)^" + pattern.pattern + rb"$")


#: Value, a space, the unit; compression positive (GCL2: "Numeric + Units"); numeric-only
#: replies have no unit. ``*10`` etc. refuse a command.
MARK10 = Dialect(
    name="mark10",
    description="Mark-10 gauges (GCL2: Series 3/4/5/7, BG; Checkline, Omega DFG55)",
    reading=_line(rb"([+-]?) ?" + _NUMBER + rb" ?([A-Za-z]*)()"),
    poll=b"?\r",
    identify=(
        Question(b"RM\r", "model"),
        Question(b"RS\r", "identity"),
        Question(b"RV\r", "firmware"),
    ),
    refusal=re.compile(rb"\s*\*\d\d\s*"),
)

#: ``D`` -> ``+123.4NTO``: sign, value, unit O/K/N, mode T/P, judgement L/O/H/E (E overload).
IMADA = Dialect(
    name="imada",
    description="Imada DS2 / DST / DSV gauges",
    reading=_line(rb"([+-]) ?" + _NUMBER + rb"([OKN])([TP][LOHE])"),
    units={b"O": "lbf", b"K": "kgf", b"N": "N"},
    line_end=b"\r",
    poll=b"D\r",
    acknowledgements=frozenset({b"R", b"E"}),
    status_flags={b"TE": FLAG_SATURATED, b"PE": FLAG_SATURATED},
)

#: ``XAR`` -> sign, six value characters, eight printable ones we do not know (a line noise
#: hit there is still caught), a unit index into the list ``XFC`` gives. ``XAG`` streams at
#: 2000 Hz, ``XAS`` stops.
IMADA_ZT = Dialect(
    name="imada-zt",
    description="Imada ZTA / ZTS gauges",
    reading=_line(rb"([+-])(?=[ \d.]{6}[!-~]{8}\d) *" + _NUMBER + rb"[!-~]{8}(\d)()"),
    units={},  # learnt from the XFC answer
    line_end=b"\r",
    poll=b"XAR\r",
    start=(b"XAG\r",),
    stop=(b"XAS\r",),
    identify=(Question(b"XFC\r", "unit_list"),),
    mode="stream",
)

#: ``?`` -> ``-23.02 lbf``: sign ("+"/blank compression, "-" tension), value, unit.
#: Unknown commands get no reply at all, so the FDX is never asked to identify itself.
WAGNER = Dialect(
    name="wagner",
    description="Wagner Force Ten FDX (and FPX, presumed alike)",
    reading=_line(rb"([+-]?) ?" + _NUMBER + rb" ?([A-Za-z]*)()"),
    poll=b"?\r\n",
)

#: The FDIX streams after ``C100`` (rate), ``CA`` (all points), ``CB`` (begin); ``CE`` ends.
#: It forgets the stream when it is switched off and on: silence then means poll instead.
WAGNER_FDIX = replace(
    WAGNER,
    name="wagner-fdix",
    description="Wagner FDIX (continuous output, firmware >= 3.3.3)",
    poll=b"?\r",
    start=(b"C100\r", b"CA\r", b"CB\r"),
    stop=(b"CE\r",),
    mode="stream",
    stream_lost_after_s=0.5,
)

#: The ZTS unit codes (``XFC``), from a public driver for the device.
ZT_UNIT_CODES = {
    b"01": "mN",
    b"02": "N",
    b"03": "kN",
    b"07": "gf",
    b"08": "kgf",
    b"10": "ozf",
    b"11": "lbf",
    b"12": "klbf",
}

DIALECTS: dict[str, Dialect] = {d.name: d for d in (MARK10, IMADA, IMADA_ZT, WAGNER, WAGNER_FDIX)}


class GaugeDecoder(DecoderBase):
    """Talks to a gauge in its dialect: identifies it, then polls or listens to its stream.

    Polled replies are stamped halfway between the poll and the reply; streamed ones with
    de-jittered arrival times. ``unit`` is assumed for replies that carry none (a gauge set
    to "numeric only"). A new poll goes out as soon as the last is answered (the best rate
    the gauge and its link sustain), but not more than ``max_rate_hz`` times a second.
    """

    def __init__(
        self,
        dialect: Dialect,
        mode: str | None = None,
        unit: str = "N",
        max_rate_hz: float = DEFAULT_MAX_POLL_HZ,
    ) -> None:
        super().__init__()
        self.dialect = dialect
        self.name = dialect.name
        self.mode = mode or dialect.mode
        if self.mode not in ("poll", "stream"):
            raise ValueError(f"mode must be poll or stream, not {self.mode!r}")
        if self.mode == "poll" and not dialect.poll:
            raise ValueError(f"{dialect.name} gauges cannot be polled")
        if not max_rate_hz > 0:
            raise ValueError(f"max_rate_hz must be positive, not {max_rate_hz}")
        self._min_poll_interval = 1.0 / max_rate_hz
        self._default_unit = unit = unit_option(unit)
        self._units = dict(dialect.units)
        self._every_reading = _all_lines(dialect.reading)
        self._info = DeviceInfo(protocol=dialect.name, raw_unit=unit)
        self._lines = LineBuffer(self.stats, dialect.line_end)
        self._blocks = BlockMaker(self.stats, unit)
        self._questions: list[Question] = []
        self._asked_at: float | None = None
        self._poll_sent_at: float | None = None
        self._last_poll_at = -np.inf
        self._last_reading_at: float | None = None
        self._streaming_since: float | None = None
        self._first_line = True
        self.unknown_units: set[str] = set()

    @property
    def read_interval_s(self) -> float:  # type: ignore[override]
        if self.mode == "stream":
            return super().read_interval_s
        return 0.0 if self._poll_sent_at is not None else self._min_poll_interval

    @property
    def device_info(self) -> DeviceInfo:
        return replace(self._info, raw_unit=self._blocks.unit)

    @property
    def has_backlog(self) -> bool:
        return self._blocks.has_backlog

    def opening_commands(self) -> list[bytes]:
        self._questions = list(self.dialect.identify)
        self._asked_at = None
        commands = [question.command for question in self._questions]
        if self.mode == "stream":
            commands += list(self.dialect.start)
        return commands

    def closing_commands(self) -> list[bytes]:
        return list(self.dialect.stop) if self.mode == "stream" else []

    def restart(self) -> None:
        self._lines.clear()
        self._blocks.restart()
        self._poll_sent_at = None
        self._last_reading_at = None
        self._streaming_since = None
        self._first_line = True

    def outgoing(self, now: float) -> bytes:
        if self._asked_at is None:
            self._asked_at = now
        if self._questions and now - self._asked_at > QUESTION_TIMEOUT_S:
            self._questions.clear()  # a gauge that does not know these questions
        if self.mode == "stream":
            return self._watch_stream(now)
        if self._questions:
            return b""
        if self._poll_sent_at is not None:
            if now - self._poll_sent_at < POLL_TIMEOUT_S:
                return b""
            self.stats.unanswered_polls += 1
        if now - self._last_poll_at < self._min_poll_interval:
            return b""
        self._poll_sent_at = self._last_poll_at = now
        return self.dialect.poll

    def _watch_stream(self, now: float) -> bytes:
        if self._streaming_since is None:
            self._streaming_since = now
        lost_after = self.dialect.stream_lost_after_s
        if not lost_after or not self.dialect.poll:
            return b""
        last = self._last_reading_at if self._last_reading_at is not None else self._streaming_since
        if now - last <= lost_after:
            return b""
        self.mode = "poll"
        self._notice(
            f"the {self.dialect.name} gauge stopped streaming (as it does when switched off "
            "and on): polling it instead"
        )
        return self.outgoing(now)

    def feed(self, data: bytes, arrival: float) -> np.ndarray:
        self.stats.bytes_in += len(data)
        region = self._lines.take(data)
        readings = self._parse(region, arrival) if region else None
        block = self._blocks.make(readings or Readings(), arrival)
        for old, new in self._blocks.unit_changes:
            self._notice(f"the gauge's unit changed from {old} to {new}")
        self._blocks.unit_changes.clear()
        return block if block.size else empty_block()

    def _parse(self, region: bytes, arrival: float) -> Readings:
        text, lines = lines_of(region)
        if not self._questions and not self._first_line:
            found = self._every_reading.findall(text)
            if len(found) == len(lines):  # nothing but readings: the fast path
                return self._readings(found, arrival)
        matches = [self.dialect.reading.fullmatch(line) for line in lines]
        joined_a_stream = self._first_line and self.mode == "stream" and not self.dialect.start
        if joined_a_stream and matches and matches[0]:  # it may have lost its first digits
            self.stats.skipped_at_sync += len(lines[0])
            matches[0] = None
            lines[0] = b""  # neither a reading nor anything else
        self._first_line = False
        found = []
        for line, match in zip(lines, matches, strict=True):
            if match is not None and not (self._questions and self.mode == "poll"):
                found.append(match.groups())
            elif line:
                self._other_line(line)
        return self._readings(found, arrival)

    def _readings(self, found: list[tuple[bytes, ...]], arrival: float) -> Readings:
        """Readings from (sign, number, unit token, status) tuples, in order."""
        if not found:
            return Readings()
        signs, numbers, tokens, statuses = zip(*found, strict=True)
        unit_of = {token: self._unit(token) for token in set(tokens)}
        units = [unit_of[token] for token in tokens]
        keep = np.array([unit is not None for unit in units])
        values = to_floats(numbers)
        values[np.array(signs) == b"-"] *= -1.0
        flag_of = self.dialect.status_flags
        flags = np.array([flag_of.get(status, 0) for status in statuses], dtype=np.uint16)
        if not keep.all():
            self.stats.corrupt += int((~keep).sum())
            values, flags = values[keep], flags[keep]
        known = [unit for unit in units if unit is not None]
        if not known:
            return Readings()
        self._last_reading_at = arrival
        times = None
        if self.mode == "poll" and self._poll_sent_at is not None and len(known) == 1:
            times = np.array([(self._poll_sent_at + arrival) / 2.0])
        self._poll_sent_at = None
        return Readings(values, known, flags, times)

    def _unit(self, token: bytes) -> str | None:
        if not token:
            return self._default_unit
        unit = self._units.get(token) or self._units.get(token.lower())
        if unit is None and token.decode(errors="replace") not in self.unknown_units:
            self.unknown_units.add(token.decode(errors="replace"))
            self._notice(f"readings in {token.decode(errors='replace')!r} are not a force: ignored")
        return unit

    def _other_line(self, line: bytes) -> None:
        text = line.strip()
        refused = self.dialect.refusal is not None and self.dialect.refusal.fullmatch(text)
        if self._questions:
            self._answer(self._questions.pop(0), b"" if refused else text)
        elif refused or text in self.dialect.acknowledgements:
            if self.mode == "poll" and refused:
                self._poll_sent_at = None  # the poll was answered, with a refusal
        else:
            self.stats.corrupt += 1

    def _answer(self, question: Question, text: bytes) -> None:
        if question.field == "unit_list":
            codes = re.findall(rb"\d\d", text.removeprefix(question.command.strip()))
            self._units = {
                str(index).encode(): ZT_UNIT_CODES[code]
                for index, code in enumerate(codes)
                if code in ZT_UNIT_CODES
            }
            return
        value = text.decode("ascii", errors="replace").strip()
        answer: dict[str, Any] = {question.field: value}  # the dialect names text fields only
        self._info = replace(self._info, **answer)


def make_gauge(name: str, **options: str) -> GaugeDecoder:
    """A decoder for the dialect ``name``; options as text, from a protocol spec."""
    rate = options.pop("max_rate_hz", str(DEFAULT_MAX_POLL_HZ))
    return GaugeDecoder(DIALECTS[name], max_rate_hz=float(rate), **options)
