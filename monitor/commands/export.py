"""``export``: a recording as CSV, for spreadsheets and statistics packages."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from monitor.commands.common import CommandError
from recordings import RecordingError, export_csv
from recordings.reader import RecordingFile


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("export", help="export a recording as CSV")
    parser.add_argument("file", type=Path, metavar="FILE.h5")
    parser.add_argument("--csv", type=Path, required=True, metavar="OUT.csv")


def run(args: argparse.Namespace) -> int:
    try:
        with RecordingFile(args.file) as recording:
            rows = export_csv(recording, args.csv)
    except RecordingError as exc:
        raise CommandError(str(exc)) from exc
    sys.stdout.write(f"wrote {rows} samples to {args.csv}\n")
    return 0
