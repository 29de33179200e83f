"""``--protocol auto``: find out what is on the port by listening, then by asking.

Only questions that read are asked (identification, one reading), never one that changes
the device's state (no tare, no unit, no start). Each is asked alone and its answer
awaited; the first family that answers in its own format is the device's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from firmware_bridge.device_info import DeviceInfo
from firmware_bridge.protocols import fgb1
from firmware_bridge.protocols.base import STREAM_READ_INTERVAL_S, Decoder, DecoderBase
from firmware_bridge.protocols.fgb1_decoder import Fgb1Decoder
from firmware_bridge.protocols.gauges import IMADA, IMADA_ZT, MARK10
from firmware_bridge.protocols.text import lines_of
from firmware_bridge.samples import empty_block

#: How long each question's answer is awaited. A gauge at 9600 baud answers in ~10 ms; the
#: rest is for a busy computer (at 0.3 s a loaded test machine once missed an answer).
ANSWER_WAIT_S = 0.5
#: Listen this long first: a device that streams on its own gives itself away.
LISTEN_S = 0.4
#: After every question went unanswered, start again after this pause.
RETRY_PAUSE_S = 2.0
#: A sketch printing lines is recognised by at least this many complete lines of one shape
#: (the same text around their numbers) that read as values...
SKETCH_MIN_LINES = 3
#: ... making up at least this share of the lines heard. Noise (a wrong baud rate, a floating
#: input) has line ends too, and now and then a number, but never lines of one shape.
SKETCH_MIN_SHARE = 0.75
_ANY_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
#: A line's shape as a sketch prints it: printable text with at least one number (#).
_PRINTED = re.compile(rb"[\t -~]*#[\t -~]*")


def _lines(answer: bytes) -> list[bytes]:
    return [line.strip() for line in lines_of(answer)[1]]


def _any_line(pattern: re.Pattern[bytes], protocol: str) -> Callable[[bytes], str]:
    return lambda answer: protocol if any(map(pattern.fullmatch, _lines(answer))) else ""


def _fgb1(answer: bytes) -> str:
    """Our firmware: its INFO reply, or frames of a stream a crashed host left running."""
    decoder = Fgb1Decoder()
    decoder.feed(b"\x00" + answer, 0.0)
    return "fgb1" if decoder.device_info is not None or decoder.stats.samples >= 3 else ""


def _sketch(answer: bytes) -> str:
    """Lines a sketch prints: most of them of one shape (the same printable text around
    their numbers). The ascii decoder may still need options to read them (``label``)."""
    lines = _lines(answer)  # the first may have been joined mid-line: then another shape
    if len(lines) < SKETCH_MIN_LINES:
        return ""
    shape, count = Counter(_ANY_NUMBER.sub(b"#", line) for line in lines).most_common(1)[0]
    needed = max(SKETCH_MIN_LINES, SKETCH_MIN_SHARE * len(lines))
    return "ascii" if count >= needed and _PRINTED.fullmatch(shape) else ""


def _unasked(answer: bytes) -> str:
    """What arrives before we ask: frames of our firmware, or lines a sketch prints."""
    return _fgb1(answer) or _sketch(answer)


@dataclass(frozen=True)
class Probe:
    question: bytes  # b"" to only listen
    recognise: Callable[[bytes], str]  # the answer -> its protocol, or ""
    #: When the answer matched: the next probe tells this family from a look-alike.
    then: tuple[Probe, ...] = ()


#: Mark-10 and Wagner answer ``?`` alike; a Mark-10 answers ``RM`` (even with ``*10``),
#: a Wagner ignores what it does not know.
_MARK10_OR_WAGNER = Probe(
    b"\r?\r",
    _any_line(MARK10.reading, "wagner"),
    then=(Probe(b"RM\r", lambda answer: "mark10" if _lines(answer) else ""),),
)

LISTEN = Probe(b"", _unasked)
PROBES: tuple[Probe, ...] = (
    LISTEN,
    Probe(b"\x00" + fgb1.encode_frame(fgb1.GET_INFO, 0), _fgb1),
    _MARK10_OR_WAGNER,
    Probe(b"\rD\r", _any_line(IMADA.reading, "imada")),
    Probe(b"\rXAR\r", _any_line(IMADA_ZT.reading, "imada-zt")),
)


class AutoDecoder(DecoderBase):
    """Detects the protocol, then hands everything to that protocol's decoder."""

    def __init__(self, make: Callable[[str], Decoder], descriptions: dict[str, str]) -> None:
        super().__init__()
        self._make = make
        self._descriptions = descriptions
        self.detected: Decoder | None = None
        self._queue: list[Probe] = []
        self._probe: Probe | None = None
        self._asked_at = 0.0
        self._answer = b""
        self._tentative = ""  # what the last matching answer suggested
        self._opening_sent = False
        self._rounds = 0

    @property
    def name(self) -> str:
        return self.detected.name if self.detected else "auto"

    @property
    def read_interval_s(self) -> float:  # type: ignore[override]
        return self.detected.read_interval_s if self.detected else STREAM_READ_INTERVAL_S

    @property
    def device_info(self) -> DeviceInfo | None:
        return self.detected.device_info if self.detected else None

    @property
    def has_backlog(self) -> bool:
        return bool(self.detected and self.detected.has_backlog)

    @property
    def last_answer(self) -> bytes:
        """What came back to the last question (up to 4 KiB)."""
        return self._answer

    def closing_commands(self) -> list[bytes]:
        return self.detected.closing_commands() if self.detected else []

    def restart(self) -> None:
        if self.detected:
            self.detected.restart()
            self._opening_sent = False
        else:
            self._queue, self._probe, self._answer = [], None, b""

    def take_notices(self) -> list[str]:
        notices = super().take_notices()
        return notices + (self.detected.take_notices() if self.detected else [])

    def outgoing(self, now: float) -> bytes:
        if self.detected:
            if not self._opening_sent:
                self._opening_sent = True
                return b"".join(self.detected.opening_commands()) + self.detected.outgoing(now)
            return self.detected.outgoing(now)
        if self._probe is None:
            return self._ask_next(now)
        wait = ANSWER_WAIT_S if self._probe.question else LISTEN_S
        if now - self._asked_at < wait:
            return b""
        return self._conclude(now)

    def _ask_next(self, now: float) -> bytes:
        if not self._queue:
            if self._rounds and now - self._asked_at < RETRY_PAUSE_S:
                return b""
            if self._rounds == 1:
                self._notice("no known device answered yet: still asking")
            self._rounds += 1
            self._queue = list(PROBES)
        self._probe = self._queue.pop(0)
        self._asked_at, self._answer = now, b""
        return self._probe.question

    def _conclude(self, now: float) -> bytes:
        probe, self._probe = self._probe, None
        assert probe is not None
        protocol = probe.recognise(self._answer)
        if protocol and probe.then:  # ask on, to tell it from a look-alike
            self._tentative, self._queue = protocol, list(probe.then)
            return self._ask_next(now)
        if protocol or self._tentative:  # a follow-up unanswered: the look-alike it is
            return self._choose(protocol or self._tentative)
        return self._ask_next(now)

    def _choose(self, protocol: str) -> bytes:
        self.detected = self._make(protocol)
        self._probe = None
        self._notice(f"detected {protocol}: {self._descriptions.get(protocol, protocol)}")
        return b""

    def feed(self, data: bytes, arrival: float) -> np.ndarray:
        self.stats.bytes_in += len(data)
        if self.detected:
            block = self.detected.feed(data, arrival)
            self.stats = replace(self.detected.stats, bytes_in=self.stats.bytes_in)
            return block
        self._answer = (self._answer + data)[-4096:]
        return empty_block()
