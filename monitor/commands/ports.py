"""``ports``: the serial ports on this machine and what their USB IDs suggest is behind them;
with ``--probe``, what answers on each (read-only questions only)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from firmware_bridge.detect import Detection, probe
from firmware_bridge.ports import PortInfo, serial_ports


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("ports", help="list serial ports and guess the devices")
    parser.add_argument("--json", action="store_true", help="one JSON array on stdout")
    parser.add_argument(
        "--probe",
        action="store_true",
        help="ask each port what it is (identification and reading questions only, at "
        "115200, 9600, 19200, 38400 and 57600 baud; nothing is started, tared or set)",
    )
    parser.add_argument("port", nargs="*", help="only these ports (paths or pyserial URLs)")


def run(args: argparse.Namespace) -> int:
    ports = [PortInfo(port, "") for port in args.port] if args.port else serial_ports()
    found = {port.device: probe(port.device) for port in ports} if args.probe else {}
    if args.json:
        rows = [_row(port, found.get(port.device)) for port in ports]
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
        if port.device in found:
            details = f"{details}  -> {found[port.device].describe()}".strip()
        sys.stdout.write(f"{port.device}  {details}".rstrip() + "\n")
    return 0


def _row(port: PortInfo, detection: Detection | None) -> dict:
    row = asdict(port) | {"usb_id": port.usb_id, "hint": port.hint}
    if detection is not None:
        device = detection.device
        row["probe"] = {
            "protocol": detection.protocol,
            "baudrate": detection.baudrate,
            "model": device.model if device else "",
            "identity": device.identity if device else "",
            "error": detection.error,
        }
    return row
