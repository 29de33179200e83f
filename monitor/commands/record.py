"""``record``: a headless recording, for scripts, labs and tests."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from pathlib import Path

from calibration import CalibrationStore
from firmware_bridge.reader import UNREADABLE, ReaderStatus
from monitor.acquisition import Acquisition
from monitor.clients import ClientStore
from monitor.commands.common import FAILED, CommandError, add_protocol_option, positive_float
from monitor.live_session import LiveSession, Treatment
from monitor.numbers import as_given, with_unit
from monitor.paths import calibrations_dir, clients_path, target_edits_path
from monitor.recorder import RecordingResult, SessionRecorder
from monitor.target_library import FIRST_TARGET, LibraryError, TargetLibrary
from recordings import RecordingError
from recordings.errors import reason
from recordings.rows import InvalidValueError

FIRST_DATA_TIMEOUT_S = 5.0
GIVE_UP_AFTER_S = 60.0
WAIT_FOR_ROOM_S = 300.0
#: With --duration, readings are awaited this long past the duration on the clock (they
#: arrive a little after they are made) before the recording ends without them.
DURATION_SLACK_S = 1.0
#: While samples wait for room, how often stderr says again how many.
REPEAT_S = 60.0
#: Nothing is shown live: the session's live buffer only needs a moment's worth.
LIVE_BUFFER_SAMPLES = 1 << 12


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
        help="a device that is lost (unplugged) or silent is waited for this long, and the "
        "recording goes on when readings return; then the recording ends with exit status 1 "
        f"(default {as_given(GIVE_UP_AFTER_S, 's')})",
    )
    parser.add_argument(
        "--rescue-dir",
        type=Path,
        help="where the recording goes on if OUT's file or folder fails (default: a private "
        "folder in the app's data folder)",
    )
    parser.add_argument(
        "--wait-for-room",
        type=positive_float,
        default=WAIT_FOR_ROOM_S,
        metavar="S",
        help="at the end, samples that no disk could take yet wait this long in memory for "
        f"room (default {as_given(WAIT_FOR_ROOM_S, 's')}; Ctrl-C again gives up on them)",
    )
    parser.add_argument("out", type=Path, metavar="OUT.h5")


def run(args: argparse.Namespace) -> int:
    treatment, with_segment = _treatment(args)
    _check_out(args.out)

    stop, give_up = threading.Event(), threading.Event()

    def on_signal(*_: object) -> None:
        if stop.is_set():  # a second Ctrl-C: stop waiting for room
            give_up.set()
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, on_signal)
    acquisition = Acquisition(args.port, args.protocol, CalibrationStore(calibrations_dir()))
    acquisition.start()
    try:
        _wait_for_data(acquisition, stop)
        if acquisition.calibration_note:
            warn(f"{acquisition.calibration_note}; recording with the device's own calibration")
        live = LiveSession(
            acquisition, args.out.parent, treatment, buffer_capacity=LIVE_BUFFER_SAMPLES
        )
        live.operator = args.operator
        try:
            recorder = live.start_recording(
                args.out, args.duration, args.rescue_dir, segment=with_segment
            )
        except InvalidValueError as exc:  # a pseudonym or operator a file cannot hold
            raise CommandError(str(exc)) from exc
        except RecordingError as exc:  # OUT was checked: this went wrong since
            raise CommandError(str(exc), FAILED) from exc
        watch = _Watch(acquisition, recorder, args.give_up_after, args.duration)
        ended_early = watch.until_done(stop)
        result = _close(live, args.wait_for_room, give_up, watch)
    finally:
        acquisition.stop()

    status = acquisition.status()
    unanswered = f", {status.unanswered_polls} polls unanswered" if status.unanswered_polls else ""
    sys.stdout.write(
        f"recorded {result.samples} samples to {result.where()} "
        f"(dropped {status.dropped_samples}, corrupt {status.corrupt}{unanswered})\n"
    )
    if not result.complete:
        raise CommandError(result.describe(), FAILED)
    if result.error:  # held up, then all written to OUT: nothing lost, but say so
        warn(result.describe())
    if ended_early:
        raise CommandError(f"the recording ended early: {ended_early}", FAILED)
    return 0


def _check_out(out: Path) -> None:
    """Bad input, said before the device is touched: exit status 2."""
    try:
        if out.exists():
            raise CommandError(f"{out} already exists; recordings are never overwritten")
        folder = out.parent.resolve()
        if not folder.is_dir():
            raise CommandError(f"folder {out.parent} does not exist")
        if not os.access(folder, os.W_OK):
            raise CommandError(f"cannot write in folder {out.parent}")
    except OSError as exc:  # a name too long, a folder that cannot be looked at
        raise CommandError(f"cannot use {out}: {reason(exc)}") from exc


def warn(message: str) -> None:
    """A warning the user must see now, not only at the end: one line on stderr."""
    sys.stderr.write(f"pressure-monitor record: warning: {message}\n")
    sys.stderr.flush()


def _treatment(args: argparse.Namespace) -> tuple[Treatment, bool]:
    """The user's target for --muscle (and --technique), with the client's PPT if relative;
    and whether the recording gets a segment for it (not without --muscle)."""
    if args.muscle is None:
        if args.technique:
            raise CommandError("--technique needs --muscle")
        # No segment: the user's target and client files are not even read.
        target = TargetLibrary.load(None).get(*FIRST_TARGET)
        return Treatment(target, args.side, args.client, None, args.probe_area), False
    library = TargetLibrary.load(target_edits_path())
    try:
        target = library.find(args.muscle)
        if args.technique:
            target = library.get(target.muscle, args.technique)
    except LibraryError as exc:
        raise CommandError(str(exc)) from exc
    threshold = ClientStore(clients_path()).threshold(args.client, target.muscle, args.side)
    ppt_kpa = threshold.kpa if threshold else None
    treatment = Treatment(target, args.side, args.client, ppt_kpa, args.probe_area)
    return treatment, True


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
                    f"{as_given(FIRST_DATA_TIMEOUT_S, 's')} (is it the right port and baud rate?)"
                )
            raise CommandError(
                f"no samples from {acquisition.port} within {as_given(FIRST_DATA_TIMEOUT_S, 's')} "
                f"(is it the right port, and does the device speak {acquisition.decoder.name}?)"
            )
        stop.wait(0.02)
    raise CommandError("stopped before the device sent anything")


class _Watch:
    """Watches a running recording: ends it when it is done, when the device stays silent,
    or when its duration has passed on the clock; tells the user at once of write trouble."""

    def __init__(
        self,
        acquisition: Acquisition,
        recorder: SessionRecorder,
        give_up_s: float,
        duration_s: float | None,
    ) -> None:
        self._acquisition = acquisition
        self._recorder = recorder
        self._give_up_s = give_up_s
        self._duration_s = duration_s
        self._situation: tuple[bool, str, Path | None] = (False, "", None)
        self._said_at = 0.0

    def until_done(self, stop: threading.Event) -> str:
        """Wait; returns why the recording ended early, or "" when it did not."""
        started = time.monotonic()
        while not (stop.is_set() or self._recorder.finished.is_set()):
            self.report()
            status = self._acquisition.status()
            if status.error and not self._acquisition.reader.is_alive():
                return status.error  # the reader gave up (another device on the port)
            now = time.monotonic()
            last = self._recorder.last_sample_at or started
            if now - last > self._give_up_s:
                return self._silence(status)
            first = self._recorder.first_sample_at
            if self._duration_s and first and now > first + self._duration_s + DURATION_SLACK_S:
                missing = first + self._duration_s - last
                return (
                    f"the device sent no readings for the last {with_unit(missing, 's', 1)} of "
                    f"the {as_given(self._duration_s, 's')}"
                )
            self._recorder.finished.wait(0.05)
        self.report()
        return ""

    def report(self) -> None:
        """Say on stderr what keeps samples from their file when it starts or changes, and
        when it ends; while samples wait, how many, again every ``REPEAT_S``."""
        status = self._recorder.status()
        situation, now = status.situation(), time.monotonic()
        trouble = status.describe()
        changed = situation != self._situation
        if trouble and (changed or (status.held_samples and now - self._said_at > REPEAT_S)):
            warn(trouble)
            self._said_at = now
        elif changed and self._situation[1] and not trouble:
            warn(f"writing again, to {self._recorder.path}")
        self._situation = situation

    def _silence(self, status: ReaderStatus) -> str:
        port, seconds = self._acquisition.port, as_given(self._give_up_s, "s")
        if not status.connected and status.error:
            return f"lost the device on {port}; it did not return within {seconds}"
        if status.silence == UNREADABLE:
            return f"only unreadable data from {port} for {seconds}"
        return f"no readings from {port} for {seconds} (the port is open but silent)"


def _close(
    live: LiveSession, wait_s: float, give_up: threading.Event, watch: _Watch
) -> RecordingResult:
    """Stop; samples still waiting for room wait ``wait_s`` (a second Ctrl-C ends that)."""
    recorder = live.recorder
    assert recorder is not None
    held = recorder.status()
    if held.held_samples:
        warn(
            f"{held.held_samples} samples wait for a file that can take them "
            f"({held.trouble or held.latest}): waiting up to {as_given(wait_s, 's')} for that "
            "to change; Ctrl-C again gives up on them"
        )
    watcher = threading.Thread(target=_give_up_when, args=(give_up, recorder), daemon=True)
    watcher.start()
    result = live.stop_recording(wait_for_room_s=wait_s)
    assert result is not None
    give_up.set()
    watch.report()
    return result


def _give_up_when(give_up: threading.Event, recorder: SessionRecorder) -> None:
    give_up.wait()
    recorder.give_up_waiting()
