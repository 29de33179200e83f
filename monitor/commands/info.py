"""``info``: a recording's summary, for people or (``--json``) for scripts."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from monitor.commands.common import CommandError
from monitor.numbers import with_unit
from recordings import NotARecordingError
from recordings.reader import RecordingFile, summarize


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("info", help="summary of a recording")
    parser.add_argument("file", type=Path, metavar="FILE.h5")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")


def run(args: argparse.Namespace) -> int:
    try:
        with RecordingFile(args.file) as recording:
            summary = summarize(recording)
    except NotARecordingError as exc:
        raise CommandError(str(exc)) from exc
    if args.json:
        sys.stdout.write(json.dumps(_strict(summary), indent=2) + "\n")
    else:
        sys.stdout.write(_text(summary))
    return 0


def _strict(value: Any) -> Any:
    """Strict JSON: a NaN or infinite number (a damaged file's) as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _strict(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_strict(item) for item in value]
    return value


def _text(summary: dict) -> str:
    session, device = summary["session"], summary["device"]
    lines = [
        f"{summary['file']}  (schema {summary['schema_version']})",
        f"  started   {session.get('start_time', '?')}",
        f"  client    {session.get('client') or '-'}   operator {session.get('operator') or '-'}",
        f"  device    {device.get('protocol', '?')} {device.get('identity', '')} "
        f"on {device.get('port', '?')}",
        f"  samples   {summary['samples']} over {with_unit(summary['duration_s'], 's', 3)} "
        f"({with_unit(summary['rate_hz'], 'Hz', 1)})",
        f"  loss      {summary['dropped_samples']} samples in {summary['gaps']} gaps",
        f"  events    {summary['events']}   segments {summary['segments']}",
    ]
    if summary["interrupted"]:
        lines.append(
            f"  state     interrupted: never closed cleanly (a crash, a kill or a power cut); "
            f"'pressure-monitor repair {summary['file']}' writes a clean copy"
        )
    return "\n".join(lines) + "\n"
