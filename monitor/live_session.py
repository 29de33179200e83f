"""One therapist's session at one device: the recording's lifecycle, what belongs to one
recording (its notes, markers and segments), the device in use, and what the status line says.

Qt-free: the main window shows it and forwards the user's actions; the ``record`` command
drives the same recording lifecycle. Everything a recording holds starts clean with it: the
next client's file never gets the last client's notes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from calibration import CalibrationError
from firmware_bridge.protocols import UnknownProtocolError, make_decoder
from firmware_bridge.reader import StreamEvent
from monitor import __version__
from monitor.acquisition import TARE_WINDOW_S, Acquisition
from monitor.alerts import Alert, current_alerts
from monitor.clients import ClientStore, ClientStoreError
from monitor.live_buffer import DEFAULT_CAPACITY, LiveBuffer
from monitor.live_view import LiveView
from monitor.messages import MessageBoard
from monitor.numbers import with_unit
from monitor.ppt.results import ResultRow, remember_thresholds
from monitor.recorder import RecordingResult, SessionRecorder
from monitor.targets import SegmentSpec, Target
from recordings import EventKind, RecordingError, SessionInfo

SIMULATOR_SCHEME = "fgsim"
#: A side change is a marker on the trace and an event in the recording, with this label.
SIDE_MARKER = "side: {side}"
SIDES = ("left", "right")


@dataclass(frozen=True)
class Treatment:
    """What is being treated now: the segment's facts and the trace's band."""

    target: Target
    side: str = ""
    client: str = ""
    ppt_kpa: float | None = None
    probe_area_cm2: float = 1.0

    def segment(self) -> SegmentSpec:
        return SegmentSpec.of(self.target, self.side, self.probe_area_cm2, self.ppt_kpa)


@dataclass(frozen=True)
class Header:
    """The line read from across the room: recording or not, for how long, what is treated."""

    recording: bool
    elapsed_s: float
    file_name: str
    client: str
    muscle: str
    side: str
    technique: str


@dataclass
class _Recording:
    """What belongs to the recording under way, and goes with it when it ends."""

    recorder: SessionRecorder
    started_at: float  # on the session's clock
    markers: list[StreamEvent] = field(default_factory=list)


class LiveSession:
    """The acquisition, its live buffer and view, and the recording under way (if any)."""

    def __init__(
        self,
        acquisition: Acquisition,
        recordings_dir: Path,
        treatment: Treatment,
        connect_device: Callable[[str, str], Acquisition] | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = datetime.now,
        buffer_capacity: int = DEFAULT_CAPACITY,
    ) -> None:
        self.acquisition = acquisition
        self.recordings_dir = recordings_dir
        self.buffer = LiveBuffer(buffer_capacity)
        self.view = LiveView(self.buffer, treatment.target)
        self.view.ppt_kpa = treatment.ppt_kpa
        self.view.probe_area_cm2 = treatment.probe_area_cm2
        self.treatment = treatment
        self.messages = MessageBoard()
        self.notes = ""
        self.operator = ""  # who treats or examines: on every recording and PPT report
        self.ppt_client: str | None = None  # whose PPT protocol was started last
        self.notes_problem = ""  # why the notes could not be saved, while it lasts
        self.ended: RecordingResult | None = None  # the last recording, if it went wrong
        #: Called with the new acquisition after a device switch (the PPT run re-attaches).
        self.device_listeners: list[Callable[[Acquisition], None]] = []
        self._recording: _Recording | None = None
        self._connect_device = connect_device or (
            lambda port, protocol: Acquisition(port, protocol, acquisition.store)
        )
        self._clock = clock
        self._now = now
        self._rate_mark = (clock(), 0)
        self.rate_hz = 0.0
        self._disconnect_buffer = acquisition.connect(self.buffer.on_samples)

    # --- the recording ------------------------------------------------------------------

    @property
    def recorder(self) -> SessionRecorder | None:
        return self._recording.recorder if self._recording else None

    @property
    def recording(self) -> bool:
        return self._recording is not None

    @property
    def markers(self) -> tuple[StreamEvent, ...]:
        """The markers of the recording under way (none when not recording)."""
        return tuple(self._recording.markers) if self._recording else ()

    def new_path(self) -> Path:
        """A new file's name from the wall clock; a second recording in the same second (a
        quick stop and start) gets the next free number rather than failing on the first's."""
        stem = f"session-{self._now():%Y%m%d-%H%M%S}"
        path, number = self.recordings_dir / f"{stem}.h5", 1
        while path.exists():
            number += 1
            path = self.recordings_dir / f"{stem}-{number}.h5"
        return path

    def start_recording(
        self,
        path: Path | None = None,
        duration_s: float | None = None,
        rescue_dir: Path | None = None,
        segment: bool = True,
    ) -> SessionRecorder:
        """Open a new recording (raises RecordingError or OSError). It holds the notes typed
        for it so far, and the treatment's segment unless ``segment`` is False."""
        if self._recording is not None:
            raise RecordingError(f"already recording to {self._recording.recorder.path}")
        if path is None:
            self.recordings_dir.mkdir(parents=True, exist_ok=True)
            path = self.new_path()
        session = SessionInfo(
            operator=self.operator,
            client=self.treatment.client,
            notes=self.notes,
            probe_area_cm2=self.treatment.probe_area_cm2,
            app_version=__version__,
        )
        recorder = SessionRecorder(
            self.acquisition,
            path,
            session,
            duration_s,
            self.treatment.segment() if segment else None,
            rescue_dir,
        )
        recorder.start()
        self._recording = _Recording(recorder, self._clock())
        self.ended = None
        self.notes_problem = ""
        self.view.clear_markers()  # the trace shows this recording's markers
        return recorder

    def stop_recording(self, wait_for_room_s: float = 0.0) -> RecordingResult | None:
        """Close the recording; its notes and markers go with it, and the next starts clean."""
        if self._recording is None:
            return None
        recorder = self._recording.recorder
        self._save_notes(recorder)
        result = recorder.stop(wait_for_room_s=wait_for_room_s)
        self._recording = None
        self.notes = ""
        self.notes_problem = ""
        self.view.clear_markers()
        self.ended = None if result.complete else result
        return result

    def set_notes(self, notes: str) -> None:
        """The notes for the recording under way (or the next one): kept, and logged in the
        file at once when recording; a problem saving them is in ``notes_problem``."""
        self.notes = notes
        if self._recording is not None:
            self._save_notes(self._recording.recorder)

    def _save_notes(self, recorder: SessionRecorder) -> None:
        try:
            recorder.set_notes(self.notes)
        except RecordingError as exc:  # a pasted NUL: the notes saved before stand
            self.notes_problem = str(exc)
        else:
            self.notes_problem = ""

    # --- what is treated ------------------------------------------------------------------

    def set_treatment(self, treatment: Treatment) -> None:
        """A new muscle, technique, side, band, probe or PPT: a new hold count, and a new
        segment in the recording; a change of side is also marked on the trace."""
        if treatment == self.treatment:
            return  # nothing changed: the segment goes on
        before, self.treatment = self.treatment, treatment
        self.view.probe_area_cm2 = treatment.probe_area_cm2
        self.view.target = treatment.target
        self.view.ppt_kpa = treatment.ppt_kpa
        if self._recording is not None:
            self._recording.recorder.set_segment(treatment.segment())
        if before.side in SIDES and treatment.side in SIDES and before.side != treatment.side:
            self._mark_side(treatment.side)

    def mark(self, label: str) -> StreamEvent:
        """A marker now: on the trace, and in the recording when there is one."""
        event = self.acquisition.mark(label)
        self.view.add_marker(event.t, label)
        if self._recording is not None:
            self._recording.markers.append(event)
        return event

    def _mark_side(self, side: str) -> None:
        event = self.acquisition.mark(SIDE_MARKER.format(side=side))
        self.view.add_side_change(event.t, side)
        if self._recording is not None:
            self._recording.markers.append(event)

    def tare(self) -> bool:
        """Zero the unloaded probe on the last moment's readings; says why when it cannot."""
        raw = self.buffer.columns(TARE_WINDOW_S, ("raw",))["raw"]
        try:
            self.acquisition.tare(raw)
        except CalibrationError as exc:
            self.messages.warn(f"Not tared: {exc}", self._clock(), topic="tare")
            return False
        self.messages.withdraw("tare")  # the refusal is over: it no longer applies
        self.messages.info("Tared: the unloaded probe now reads zero", self._clock())
        return True

    # --- PPT ----------------------------------------------------------------------------

    def record_ppt_protocol(self, description: dict[str, object] | str) -> None:
        """A PPT protocol's settings go on record as an event (with or without a recording:
        the acquisition hands it to whatever records)."""
        text = description if isinstance(description, str) else json.dumps(description)
        self.acquisition.note(EventKind.PPT_PROTOCOL, text)
        self.ppt_client = self.treatment.client

    def record_ppt_withdrawal(self, what: str) -> None:
        """A trial already written to the PPT table was deleted or redone: rows are never
        taken out of a recording, so the withdrawal is an event beside them."""
        self.acquisition.note(EventKind.PPT_TRIAL_WITHDRAWN, what)

    def record_ppt_trial(self, row: tuple) -> None:
        if self._recording is not None:
            self._recording.recorder.add_ppt_trial(row)

    def remember_thresholds(self, clients: ClientStore, rows: list[ResultRow]) -> int | None:
        """Store the PPT results as the client's treatment basis; None (with a warning) when
        there is no client or the store cannot be written."""
        client = self.treatment.client
        if not client:
            self.messages.warn("Enter the client's pseudonym first", self._clock())
            return None
        source = self._recording.recorder.path.name if self._recording else "PPT tab"
        try:
            count = remember_thresholds(clients, client, rows, source)
        except (ClientStoreError, OSError) as exc:
            self.messages.warn(f"Thresholds not remembered: {exc}", self._clock())
            return None
        self.messages.info(f"{count} thresholds remembered for {client}", self._clock())
        return count

    # --- the device ---------------------------------------------------------------------

    @property
    def simulated(self) -> bool:
        return self.acquisition.port.startswith(SIMULATOR_SCHEME)

    def switch_device(self, port: str, protocol: str) -> bool:
        """Read from another device, releasing the old one first. Never while recording;
        a protocol spec typed wrong is refused with the reason and the device kept."""
        if self._recording is not None:
            self.messages.warn("Stop recording to change device", self._clock())
            return False
        try:
            make_decoder(protocol)
        except UnknownProtocolError as exc:
            self.messages.warn(str(exc), self._clock())
            return False
        self._disconnect_buffer()
        self.acquisition.stop()
        self.buffer.clear()
        self.view.clear_markers()
        self.acquisition = self._connect_device(port, protocol)
        self._disconnect_buffer = self.acquisition.connect(self.buffer.on_samples)
        for listener in self.device_listeners:
            listener(self.acquisition)
        self.acquisition.start()
        return True

    def close(self) -> RecordingResult | None:
        """Stop recording (the file closed cleanly) and release the device."""
        result = self.stop_recording()
        self._disconnect_buffer()
        self.acquisition.stop()
        return result

    # --- what to show -------------------------------------------------------------------

    def header(self) -> Header:
        target = self.treatment.target
        recording = self._recording
        return Header(
            recording=recording is not None,
            elapsed_s=self._clock() - recording.started_at if recording else 0.0,
            file_name=recording.recorder.path.name if recording else "",
            client=self.treatment.client,
            muscle=target.muscle,
            side=self.treatment.side,
            technique=target.technique,
        )

    def status_parts(self) -> list[str]:
        """The status line: the device, its rate and losses, calibration, recording size."""
        now, written = self._clock(), self.buffer.written
        since, before = self._rate_mark
        if now > since:
            self.rate_hz = (written - before) / (now - since)
        self._rate_mark = (now, written)
        status = self.acquisition.status()
        if status.error:
            state = f"⚠ {status.error}"
        elif status.connected:
            state = f"connected to {self.device_name}"
            device = status.device_info
            if device and not self.simulated:
                state += f" ({' '.join(filter(None, (device.protocol, device.model)))})"
        else:
            state = "connecting…"
        parts = [
            state,
            with_unit(self.rate_hz, "samples/s", 0),
            f"dropped {status.dropped_samples}",
            f"corrupt {status.corrupt}",
        ]
        calibration = self.acquisition.calibration
        if calibration is None and status.samples:
            parts.append("⚠ not calibrated: Calibrate…")
        elif calibration is not None:
            parts.append(f"calibration: {calibration.source}")
        if self.acquisition.drift.warned:
            parts.append("⚠ zero drifted: press T to re-tare")
        recorder = self.recorder
        if recorder is not None:
            size = recorder.path.stat().st_size if recorder.path.exists() else 0
            parts.append(f"recording {recorder.path.name} ({with_unit(size / 1e6, 'MB', 1)})")
        return parts

    def alerts(self) -> tuple[Alert, ...]:
        recorder = self.recorder
        return current_alerts(
            self.acquisition.status(),
            recorder.status() if recorder else None,
            self.acquisition.calibration_note,
            self.notes_problem,
            self.ended,
        )

    @property
    def device_name(self) -> str:
        return "built-in simulator" if self.simulated else self.acquisition.port

    def ppt_context(self) -> dict[str, str]:
        """What a PPT report says about where its numbers come from."""
        device = self.acquisition.decoder.device_info
        calibration = self.acquisition.calibration
        return {
            "client": self.treatment.client,
            "examiner": self.operator,
            "probe_area_cm2": f"{self.treatment.probe_area_cm2:g}",
            "device": " ".join(filter(None, (self.device_name, device.model if device else ""))),
            "serial": self.acquisition.identity,
            "calibration": calibration.source if calibration else "none",
            "date": f"{self._now():%Y-%m-%d %H:%M}",
        }
