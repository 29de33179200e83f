"""What the commands share: errors with exit statuses, port and protocol options."""

from __future__ import annotations

import argparse

from firmware_bridge.protocols import DECODERS, UnknownProtocolError, make_decoder

BAD_INPUT = 2
FAILED = 1


class CommandError(Exception):
    """Ends a command with a one-line message and an exit status."""

    def __init__(self, message: str, exit_status: int = BAD_INPUT) -> None:
        super().__init__(message)
        self.exit_status = exit_status


def protocol_spec(text: str) -> str:
    """A protocol name, with options if any (``ascii:column=1,unit=counts``)."""
    try:
        make_decoder(text)
    except UnknownProtocolError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def add_protocol_option(parser: argparse.ArgumentParser, default: str | None = "fgb1") -> None:
    parser.add_argument(
        "--protocol",
        type=protocol_spec,
        default=default,
        metavar="NAME[:OPTIONS]",
        help=f"the device's protocol: {', '.join(sorted(DECODERS))}; 'auto' finds out; "
        "options after a colon, e.g. ascii:column=1,unit=counts (default: "
        + ("fgb1, our firmware's framed binary protocol)" if default else "as last time)"),
    )


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, not {text}")
    return value
