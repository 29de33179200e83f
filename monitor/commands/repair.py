"""``repair``: recover what an interrupted recording holds into a clean copy beside it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from monitor.commands.common import FAILED, CommandError
from recordings import NotARecordingError, RecordingError
from recordings.repair import repair


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "repair",
        help="recover what an interrupted recording holds",
        description="Writes FILE-repaired.h5 next to FILE with everything FILE still holds. "
        "FILE itself is never changed.",
    )
    parser.add_argument("file", type=Path, metavar="FILE.h5")


def run(args: argparse.Namespace) -> int:
    try:
        result = repair(args.file)
    except NotARecordingError as exc:
        raise CommandError(f"cannot recover anything: {exc}") from exc
    except RecordingError as exc:
        raise CommandError(str(exc), FAILED) from exc
    if result.repaired is None:
        sys.stdout.write(f"{args.file} was closed cleanly; nothing to repair\n")
    else:
        sys.stdout.write(f"recovered {result.samples} samples into {result.repaired}\n")
    return 0
