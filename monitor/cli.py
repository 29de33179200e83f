"""``pressure-monitor``: one entry point for the app and its headless commands.

Exit status: 0 success, 1 a failure while running (device lost, disk full), 2 bad usage or
bad input, with a one-line reason on stderr.
"""

from __future__ import annotations

import argparse
import io
import logging
import sys
from collections.abc import Sequence

from monitor import __version__
from monitor.commands import export, gui, info, ports, record, repair, simulate
from monitor.commands.common import CommandError

COMMANDS = {
    "gui": gui,
    "simulate": simulate,
    "record": record,
    "info": info,
    "ports": ports,
    "export": export,
    "repair": repair,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pressure-monitor",
        description="Live pressure feedback and session recording for manual therapy.",
        epilog="With no command, opens the desktop app (the 'gui' command).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS.values():
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Our text holds a narrow space, a true minus, "…", and clients' names: on a console or
    # pipe whose encoding lacks them (cp1252, ASCII) they are escaped, never a traceback.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help", "--version"):
        argv.insert(0, "gui")
    # Failures reach the user as one line from the command; library logs stay quiet here.
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command].run(args)
    except CommandError as exc:
        sys.stderr.write(f"pressure-monitor {args.command}: {exc}\n")
        return exc.exit_status
