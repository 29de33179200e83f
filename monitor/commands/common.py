"""What the commands share: errors with exit statuses, port and protocol options."""

from __future__ import annotations

import argparse

from firmware_bridge.protocols import DECODERS

BAD_INPUT = 2
FAILED = 1


class CommandError(Exception):
    """Ends a command with a one-line message and an exit status."""

    def __init__(self, message: str, exit_status: int = BAD_INPUT) -> None:
        super().__init__(message)
        self.exit_status = exit_status


def add_protocol_option(parser: argparse.ArgumentParser, default: str | None = "fgb1") -> None:
    parser.add_argument(
        "--protocol",
        choices=sorted(DECODERS),
        default=default,
        help="the device's protocol (default: "
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
