"""``record``: a headless recording, for scripts, labs and tests."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from pathlib import Path

from calibration import CalibrationStore
from monitor import __version__
from monitor.acquisition import Acquisition
from monitor.clients import ClientStore
from monitor.commands.common import FAILED, CommandError, add_protocol_option, positive_float
from monitor.paths import calibrations_dir, clients_path, target_edits_path
from monitor.recorder import SessionRecorder
from monitor.target_library import LibraryError, TargetLibrary
from monitor.targets import SegmentSpec
from recordings import RecordingError, SessionInfo

FIRST_DATA_TIMEOUT_S = 5.0
GIVE_UP_AFTER_S = 60.0


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "record",
        help="record a device to an HDF5 file without the GUI",
        description="Records until --duration seconds of samples are in the file (counted "
        "from the first sample), or until Ctrl-C; the file is closed cleanly either way.",
    )
    parser.add_argument("--port", required=True, help="device path or pyserial URL")
    add_protocol_option(parser)
    parser.add_argument("--duration", type=positive_float, help="seconds of samples to record")
    parser.add_argument(
        "--muscle",
        help="target muscle (a label 'muscle — technique' works too); the recording "
        "gets one segment for it",
    )
    parser.add_argument("--technique", help="with --muscle: light, moderate, deep, ...")
    parser.add_argument("--side", default="", choices=("", "left", "right"), help="with --muscle")
    parser.add_argument("--client", default="", help="the client's pseudonym")
    parser.add_argument("--operator", default="", help="who records")
    parser.add_argument("--probe-area", type=positive_float, default=1.0, help="cm² (default 1)")
    parser.add_argument(
        "--give-up-after",
        type=positive_float,
        default=GIVE_UP_AFTER_S,
        metavar="S",
        help="a device that is lost (unplugged) is waited for this long, and the recording "
        f"goes on when it returns; then the recording ends (default {GIVE_UP_AFTER_S:g} s)",
    )
    parser.add_argument(
        "--rescue-dir",
        type=Path,
        help="where the recording goes on if OUT's folder fails (default: a folder in the "
        "system's temporary folder)",
    )
    parser.add_argument("out", type=Path, metavar="OUT.h5")


def run(args: argparse.Namespace) -> int:
    segment = _segment(args)
    if args.out.exists():
        raise CommandError(f"{args.out} already exists; recordings are never overwritten")
    if not args.out.parent.resolve().is_dir():
        raise CommandError(f"folder {args.out.parent} does not exist")

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    acquisition = Acquisition(args.port, args.protocol, CalibrationStore(calibrations_dir()))
    acquisition.start()
    try:
        _wait_for_data(acquisition, stop)
        session = SessionInfo(
            operator=args.operator,
            client=args.client,
            probe_area_cm2=args.probe_area,
            app_version=__version__,
        )
        recorder = SessionRecorder(
            acquisition, args.out, session, args.duration, segment, args.rescue_dir
        )
        try:
            recorder.start()
        except RecordingError as exc:
            raise CommandError(str(exc)) from exc
        ended_early = _wait_until_done(acquisition, recorder, stop, args.give_up_after)
        result = recorder.stop()
    finally:
        acquisition.stop()

    status = acquisition.status()
    unanswered = f", {status.unanswered_polls} polls unanswered" if status.unanswered_polls else ""
    sys.stdout.write(
        f"recorded {result.samples} samples to {result.path} "
        f"(dropped {status.dropped_samples}, corrupt {status.corrupt}{unanswered})\n"
    )
    if result.error:
        raise CommandError(result.describe(), FAILED)
    if ended_early:
        raise CommandError(f"the recording ended early: {ended_early}", FAILED)
    return 0


def _segment(args: argparse.Namespace) -> SegmentSpec | None:
    """The user's target for --muscle (and --technique), with the client's PPT if relative."""
    if args.muscle is None:
        if args.technique:
            raise CommandError("--technique needs --muscle")
        return None
    library = TargetLibrary.load(target_edits_path())
    try:
        target = library.find(args.muscle)
        if args.technique:
            target = library.get(target.muscle, args.technique)
    except LibraryError as exc:
        raise CommandError(str(exc)) from exc
    threshold = ClientStore(clients_path()).threshold(args.client, target.muscle, args.side)
    return SegmentSpec.of(target, args.side, args.probe_area, threshold.kpa if threshold else None)


def _wait_for_data(acquisition: Acquisition, stop: threading.Event) -> None:
    deadline = time.monotonic() + FIRST_DATA_TIMEOUT_S
    while not stop.is_set():
        status = acquisition.status()
        if status.error:
            raise CommandError(status.error)
        if status.samples:
            return
        if time.monotonic() > deadline:
            if acquisition.decoder.name == "auto":
                raise CommandError(
                    f"no known device answered on {acquisition.port} within "
                    f"{FIRST_DATA_TIMEOUT_S:g} s (is it the right port and baud rate?)"
                )
            raise CommandError(
                f"no samples from {acquisition.port} within {FIRST_DATA_TIMEOUT_S:g} s "
                f"(is it the right port, and does the device speak {acquisition.decoder.name}?)"
            )
        stop.wait(0.02)
    raise CommandError("stopped before the device sent anything")


def _wait_until_done(
    acquisition: Acquisition, recorder: SessionRecorder, stop: threading.Event, give_up_s: float
) -> str:
    """Until done, stopped, or the device is gone for good; returns why it ended early, or
    "". Write trouble does not end a recording: the writer moves it to a rescue file."""
    lost_since: float | None = None
    while not (stop.is_set() or recorder.finished.is_set()):
        status = acquisition.status()
        if status.error and not acquisition.reader.is_alive():
            return status.error  # the reader gave up (another device on the port)
        if status.connected or not status.error:
            lost_since = None
        elif lost_since is None:
            lost_since = time.monotonic()
        elif time.monotonic() - lost_since > give_up_s:
            port = acquisition.port
            return f"lost the device on {port}; it did not return within {give_up_s:g} s"
        recorder.finished.wait(0.05)
    return ""
