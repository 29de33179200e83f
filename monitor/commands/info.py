"""``info``: a recording's summary, for people or (``--json``) for scripts."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from monitor.commands.common import CommandError
from recordings import NotARecordingError, read_recording, summarize


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("info", help="summary of a recording")
    parser.add_argument("file", type=Path, metavar="FILE.h5")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")


def run(args: argparse.Namespace) -> int:
    try:
        summary = summarize(read_recording(args.file))
    except NotARecordingError as exc:
        raise CommandError(str(exc)) from exc
    if args.json:
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    else:
        sys.stdout.write(_text(summary))
    return 0


def _text(summary: dict) -> str:
    session, device = summary["session"], summary["device"]
    lines = [
        f"{summary['file']}  (schema {summary['schema_version']})",
        f"  started   {session.get('start_time', '?')}",
        f"  client    {session.get('client') or '-'}   operator {session.get('operator') or '-'}",
        f"  device    {device.get('protocol', '?')} {device.get('identity', '')} "
        f"on {device.get('port', '?')}",
        f"  samples   {summary['samples']} over {summary['duration_s']:.3f} s "
        f"({summary['rate_hz']:.1f} Hz)",
        f"  loss      {summary['dropped_samples']} samples in {summary['gaps']} gaps",
        f"  events    {summary['events']}   segments {summary['segments']}",
    ]
    return "\n".join(lines) + "\n"
