"""``gui``: the desktop app, on a device or (``--demo``) on the built-in simulator."""

from __future__ import annotations

import argparse

from firmware_bridge.sim import SimulatorConfig
from monitor.commands.common import CommandError, add_protocol_option


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("gui", help="the desktop app (the default command)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--demo", action="store_true", help="use the built-in simulated device")
    source.add_argument(
        "--port", help="device path or pyserial URL (default: the device used last time)"
    )
    add_protocol_option(parser, default=None)


def run(args: argparse.Namespace) -> int:
    if args.demo:
        port, protocol = SimulatorConfig().to_url(), "fgb1"
    else:  # None: what the settings remember
        port, protocol = args.port, args.protocol
    try:
        from monitor.ui.app import run_app
    except ImportError as exc:
        raise CommandError(f"the desktop app cannot start: {exc}") from exc
    return run_app(port, protocol)
