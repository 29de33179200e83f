"""Protocol decoders, chosen by a spec: a name, optionally with options.

``ascii``, ``ascii:column=1,unit=counts``, ``mark10:unit=lbf``, ``wagner-fdix:mode=poll``.
``baud=9600`` is understood by every protocol: it is the port's, not the decoder's.
"""

from __future__ import annotations

from collections.abc import Callable

from firmware_bridge.protocols.ascii_lines import AsciiLineDecoder
from firmware_bridge.protocols.auto import AutoDecoder
from firmware_bridge.protocols.base import Decoder, DecoderBase, DecoderStats
from firmware_bridge.protocols.fgb1_decoder import Fgb1Decoder
from firmware_bridge.protocols.gauges import DIALECTS, make_gauge

DECODERS: dict[str, Callable[..., Decoder]] = {
    "auto": lambda: AutoDecoder(make_decoder, DESCRIPTIONS),
    "fgb1": Fgb1Decoder,
    "ascii": AsciiLineDecoder,
    **{name: (lambda name=name, **options: make_gauge(name, **options)) for name in DIALECTS},
}

#: One line for each protocol, as menus and ``--help`` show it.
DESCRIPTIONS: dict[str, str] = {
    "auto": "find out: listen, then ask each family a read-only question",
    "fgb1": "our firmware (framed binary, FGB1)",
    "ascii": "DIY boards printing readings as text lines",
} | {name: dialect.description for name, dialect in DIALECTS.items()}


#: The options each protocol takes (besides ``baud``).
OPTIONS: dict[str, tuple[str, ...]] = {
    "auto": (),
    "fgb1": (),
    "ascii": ("column", "label", "unit"),
} | {name: ("mode", "unit", "max_rate_hz") for name in DIALECTS}


class UnknownProtocolError(ValueError):
    pass


def parse_spec(spec: str) -> tuple[str, dict[str, str]]:
    """``name:key=value,key=value`` -> (name, options)."""
    name, _, rest = spec.strip().partition(":")
    options = {}
    for item in filter(None, (part.strip() for part in rest.split(","))):
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            raise UnknownProtocolError(f"protocol option {item!r} is not key=value")
        options[key.strip()] = value.strip()
    return name, options


DEFAULT_BAUD = 115200  # what USB (CDC) devices ignore and our firmware uses


def baud_rate(spec: str) -> int:
    """The ``baud`` option of a protocol spec, or the default."""
    text = parse_spec(spec)[1].get("baud", str(DEFAULT_BAUD))
    if not text.isdigit() or not 50 <= int(text) <= 4_000_000:
        raise UnknownProtocolError(f"baud must be a rate in bits/s, not {text!r}")
    return int(text)


def make_decoder(spec: str) -> Decoder:
    baud_rate(spec)
    name, options = parse_spec(spec)
    options.pop("baud", None)
    try:
        factory = DECODERS[name]
    except KeyError:
        known = ", ".join(sorted(DECODERS))
        raise UnknownProtocolError(f"unknown protocol {name!r} (known: {known})") from None
    unknown = set(options) - set(OPTIONS[name])
    if unknown:
        takes = ", ".join((*OPTIONS[name], "baud"))
        option = sorted(unknown)[0]
        raise UnknownProtocolError(f"{name} has no option {option!r} (it takes {takes})")
    try:
        return factory(**options)
    except (TypeError, ValueError) as exc:
        raise UnknownProtocolError(f"bad options for {name}: {exc}") from None


__all__ = [
    "DECODERS",
    "DESCRIPTIONS",
    "Decoder",
    "DecoderBase",
    "DecoderStats",
    "UnknownProtocolError",
    "baud_rate",
    "make_decoder",
    "parse_spec",
]
