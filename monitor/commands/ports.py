"""``ports``: the serial ports on this machine and what their USB IDs suggest is behind them."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from firmware_bridge.ports import serial_ports


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("ports", help="list serial ports and guess the devices")
    parser.add_argument("--json", action="store_true", help="one JSON array on stdout")


def run(args: argparse.Namespace) -> int:
    ports = serial_ports()
    if args.json:
        rows = [asdict(port) | {"usb_id": port.usb_id, "hint": port.hint} for port in ports]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return 0
    if not ports:
        sys.stdout.write(
            "no serial ports found (is the device plugged in? `pressure-monitor --demo` "
            "runs without one)\n"
        )
        return 0
    for port in ports:
        parts = (port.usb_id, port.description, port.hint)
        details = "  ".join(part for part in parts if part and part != "n/a")
        sys.stdout.write(f"{port.device}  {details}".rstrip() + "\n")
    return 0
