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
    skipped_at_sync: int = 0  # partial data before the first frame boundary
    discontinuities: int = 0  # sequence or clock jumps that are not plain loss


def bounded_tail(tail: bytes, limit: int, stats: DecoderStats) -> bytes:
    """The unfinished frame or line to keep for the next chunk; past ``limit`` it is no frame
    at all (a wrong baud rate, a stuck device), so drop it, count it, and start afresh."""
    if len(tail) > limit:
        stats.corrupt += 1
        return b""
    return tail


class Decoder(Protocol):
    name: str
    stats: DecoderStats

    @property
    def device_info(self) -> DeviceInfo | None:
        """What the device said about itself; None until it has said it."""

    def opening_commands(self) -> list[bytes]:
        """Bytes to send right after the port opens (identification, start streaming)."""

    def closing_commands(self) -> list[bytes]:
        """Bytes to send before the port closes (stop streaming)."""

    def feed(self, data: bytes, arrival: float) -> np.ndarray:
        """Decode the next chunk of the stream, received at host time ``arrival`` (s).

        Returns a SAMPLE_DTYPE block with ``t_device`` filled (``t`` is the reader's). Bytes
        of an unfinished frame or line are kept for the next call, so any chunking of the
        stream gives the same samples.
        """
