"""What every protocol decoder offers: bytes in, sample blocks out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from firmware_bridge.device_info import DeviceInfo


@dataclass
class DecoderStats:
    """Running counts a decoder keeps; read by the reader thread under its own lock."""

    bytes_in: int = 0
    samples: int = 0
    corrupt: int = 0  # damaged frames or unparseable lines, each counted once
    implausible: int = 0  # of the corrupt: readings refused as impossible values (text.py)
    skipped_at_sync: int = 0  # partial data before the first frame boundary
    discontinuities: int = 0  # sequence or clock jumps that are not plain loss
    unanswered_polls: int = 0  # requests for a reading that got no reply in time


def bounded_tail(tail: bytes, limit: int, stats: DecoderStats) -> bytes:
    """The unfinished frame or line to keep for the next chunk; past ``limit`` it is no frame
    at all (a wrong baud rate, a stuck device), so drop it, count it, and start afresh."""
    if len(tail) > limit:
        stats.corrupt += 1
        return b""
    return tail


#: How long a streaming decoder lets bytes pile up between reads: blocks of many samples
#: rather than one frame per call, at the cost of at most this much latency.
STREAM_READ_INTERVAL_S = 0.010


class Decoder(Protocol):
    stats: DecoderStats

    @property
    def name(self) -> str:
        """The protocol's name (``auto`` says the one it found once it has)."""

    @property
    def read_interval_s(self) -> float:
        """Seconds from one read to the next; 0 while a polled reply is awaited."""

    @property
    def device_info(self) -> DeviceInfo | None:
        """What the device said about itself; None until it has said it. Its ``raw_unit``
        is the unit of the block ``feed`` returned last."""

    @property
    def has_backlog(self) -> bool:
        """True when decoded samples wait for the next ``feed`` (a block never mixes units)."""

    def opening_commands(self) -> list[bytes]:
        """Bytes to send right after the port opens (identification, start streaming)."""

    def closing_commands(self) -> list[bytes]:
        """Bytes to send before the port closes (stop streaming)."""

    def outgoing(self, now: float) -> bytes:
        """Bytes due to the device at host time ``now`` (the next poll, a re-armed stream)."""

    def feed(self, data: bytes, arrival: float) -> np.ndarray:
        """Decode the next chunk of the stream, received at host time ``arrival`` (s).

        Returns a SAMPLE_DTYPE block with ``t_device`` filled (``t`` is the reader's). Bytes
        of an unfinished frame or line are kept for the next call, so any chunking of the
        stream gives the same samples.
        """

    def restart(self) -> None:
        """Forget the stream's state (partial frames, clocks) after the port was reopened;
        the counts and what the device said about itself stay."""

    def take_notices(self) -> list[str]:
        """Things the user should know (the unit changed, the stream was lost), once each."""


class DecoderBase:
    """Defaults for a decoder of a device that streams on its own and says nothing more."""

    read_interval_s = STREAM_READ_INTERVAL_S

    def __init__(self) -> None:
        self.stats = DecoderStats()
        self._notices: list[str] = []

    @property
    def has_backlog(self) -> bool:
        return False

    def opening_commands(self) -> list[bytes]:
        return []

    def closing_commands(self) -> list[bytes]:
        return []

    def outgoing(self, now: float) -> bytes:
        return b""

    def take_notices(self) -> list[str]:
        notices, self._notices = self._notices, []
        return notices

    def _notice(self, text: str) -> None:
        self._notices.append(text)
