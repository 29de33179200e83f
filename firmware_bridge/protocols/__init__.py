"""Protocol decoders, chosen by name."""

from __future__ import annotations

from collections.abc import Callable

from firmware_bridge.protocols.ascii_lines import AsciiLineDecoder
from firmware_bridge.protocols.base import Decoder, DecoderStats
from firmware_bridge.protocols.fgb1_decoder import Fgb1Decoder

DECODERS: dict[str, Callable[[], Decoder]] = {
    "fgb1": Fgb1Decoder,
    "ascii": AsciiLineDecoder,
}


class UnknownProtocolError(ValueError):
    pass


def make_decoder(name: str) -> Decoder:
    try:
        return DECODERS[name]()
    except KeyError:
        known = ", ".join(sorted(DECODERS))
        raise UnknownProtocolError(f"unknown protocol {name!r} (known: {known})") from None


__all__ = ["DECODERS", "Decoder", "DecoderStats", "UnknownProtocolError", "make_decoder"]
