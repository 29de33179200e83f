"""The main window: wires the acquisition and the live view to the gauge, readout and trace.

It holds no logic of its own beyond wiring: what to show comes from ``LiveView``, recording
from ``SessionRecorder``; a timer at display rate pulls what is new.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from calibration import PROBE_AREAS_CM2, UNITS, CalibrationError, CalibrationStore
from firmware_bridge.protocols import UnknownProtocolError, make_decoder
from monitor import __version__
from monitor.acquisition import TARE_WINDOW_S, Acquisition
from monitor.alerts import current_alerts
from monitor.clients import ClientStore, ClientStoreError
from monitor.cues import CueChooser
from monitor.live_buffer import LiveBuffer
from monitor.live_view import LiveView
from monitor.markers import MARKER_KEYS
from monitor.paths import calibrations_dir, clients_path, target_edits_path
from monitor.ppt.results import remember_thresholds
from monitor.recorder import RecordingResult, SessionRecorder
from monitor.settings import THEME_NAMES, WINDOW_LENGTHS_S, AppSettings
from monitor.target_library import TargetLibrary
from monitor.targets import SegmentSpec
from monitor.ui import theme
from monitor.ui.alert_banner import AlertBanner
from monitor.ui.audio import CuePlayer, open_sound
from monitor.ui.calibration_dialog import CalibrationDialog
from monitor.ui.device_panel import DevicePanel
from monitor.ui.hold_display import HoldDisplay
from monitor.ui.ppt_tab import PptTab
from monitor.ui.pressure_gauge import PressureGauge
from monitor.ui.readout import Readout
from monitor.ui.review_tab import ReviewTab
from monitor.ui.trace_plot import TracePlot
from monitor.ui.treatment_bar import TreatmentBar
from recordings import RecordingError, SessionInfo

REFRESH_INTERVAL_MS = 16  # ~60 frames/s: the gauge, read at a glance, moves smoothly
#: Every how many frames the rest follows: the trace scrolls about 2 pixels per update at
#: 20/s (30 s across 1300 pixels); digits and the hold timer change ~10 times a second, as
#: fast as anyone reads digits.
TRACE_EVERY = 3
NUMBERS_EVERY = 6
STATUS_INTERVAL_S = 1.0
RECORDING_LABEL_MAX_PX = 260
#: After the user freed space, how long the writer is given to catch up before asking again.
RETRY_WAIT_S = 3.0
NOTES_SAVE_DELAY_MS = 1500  # notes are logged once typing pauses this long


class MainWindow(QMainWindow):
    def __init__(
        self,
        acquisition: Acquisition,
        recordings_dir: Path,
        connect_device: Callable[[str, str], Acquisition] | None = None,
        library: TargetLibrary | None = None,
        clients: ClientStore | None = None,
        settings: AppSettings | None = None,
        on_settings_changed: Callable[[AppSettings], None] = lambda settings: None,
        open_sound: Callable[[], tuple[CuePlayer | None, str]] = open_sound,
    ) -> None:
        super().__init__()
        self.acquisition = acquisition
        self._connect_device = connect_device or (
            lambda port, protocol: Acquisition(port, protocol, acquisition.store)
        )
        self.recordings_dir = recordings_dir
        self.treatment = TreatmentBar(
            library or TargetLibrary.load(target_edits_path()),
            clients or ClientStore(clients_path()),
        )
        self.buffer = LiveBuffer()
        self._disconnect_buffer = acquisition.connect(self.buffer.on_samples)
        self.view = LiveView(self.buffer, self.treatment.target)
        self.recorder: SessionRecorder | None = None
        self.cues = CueChooser()
        self.player, self.sound_problem = open_sound()
        self._rate_mark = (time.monotonic(), 0)
        self._rate_hz = 0.0
        self._frames = 0
        self._shown_state: tuple = ()

        self.gauge = PressureGauge()
        self.readout = Readout()
        self.hold_display = HoldDisplay()
        self.trace = TracePlot(self.view.window_s)
        self.trace.points_changed.connect(self._fit_trace)
        self.review = ReviewTab()
        self.banner = AlertBanner()
        self._notes_problem = ""
        self._ended: RecordingResult | None = None  # the last recording, if it went wrong
        self.ppt = PptTab(
            self.treatment.library.muscles,
            probe_area=lambda: self.view.probe_area_cm2,
            context=self._ppt_context,
            sample_rate=lambda: self._rate_hz,
            play=self._play,
        )
        self.ppt.attach(acquisition)
        self.ppt.trial_done.connect(self._record_ppt_trial)
        self.ppt.protocol_started.connect(self._record_ppt_protocol)
        self.ppt.basis_button.clicked.connect(self._use_ppt_as_basis)
        self._make_controls()
        self.setCentralWidget(self._layout())
        self._show_device()
        self._settings = settings or AppSettings()
        self._on_settings_changed = on_settings_changed
        self._apply(self._settings)
        self.treatment.changed.connect(self._target_changed)
        self.treatment.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        for problem in (self.treatment.library.problem, self.treatment.clients.problem):
            if problem:
                self.statusBar().showMessage(f"⚠ {problem}", 15000)
        self.shortcuts = self._make_shortcuts()

        self.timer = QTimer(self, interval=REFRESH_INTERVAL_MS, timeout=self.refresh)
        self.timer.start()
        self.resize(1100, 760)

    # --- layout -------------------------------------------------------------------------

    def _make_controls(self) -> None:
        self.unit_box = QComboBox()
        self.unit_box.addItems([unit.symbol for unit in UNITS])
        self.unit_box.setCurrentText(self.view.unit.symbol)
        self.unit_box.currentIndexChanged.connect(self._choose_unit)
        self.probe_box = QComboBox()
        self.probe_box.addItems([f"{area:g} cm²" for area in PROBE_AREAS_CM2] + ["custom…"])
        self.probe_box.setToolTip("The probe's contact area: pressure = force / area")
        self.probe_box.activated.connect(self._choose_probe)
        self.record_button = QPushButton("● Record")
        self.record_button.setCheckable(True)
        self.record_button.setToolTip("Start or stop recording this session (Ctrl+R)")
        self.record_button.toggled.connect(self._toggle_recording)
        self.tare_button = QPushButton("Tare")
        self.tare_button.setToolTip("Zero the probe now: unloaded and still (T)")
        self.tare_button.clicked.connect(self.tare)
        self.calibrate_button = QPushButton("Calibrate…")
        self.calibrate_button.setToolTip("Calibrate this sensor with known loads")
        self.calibrate_button.clicked.connect(self.open_calibration)
        self.recording_label = _recording_label()
        self.device_panel = DevicePanel(self.acquisition.port, self.acquisition.decoder.name)
        self.device_panel.chosen.connect(self.switch_device)
        self.simulated_tag = QLabel("SIMULATED DEVICE")
        self.simulated_tag.setStyleSheet(
            f"color: {theme.ON_ZONE.name()}; background: {theme.SIMULATED.name()};"
            "font-weight: bold; padding: 3px 8px; border-radius: 4px;"
        )
        self.sound_button = QPushButton("♪ Sound cues")
        self.sound_button.setCheckable(True)
        self.sound_button.toggled.connect(self._choose_sound)
        self.sound_notice = QLabel()
        self.sound_notice.setStyleSheet(f"color: {theme.alert().name()};")
        if self.player is None:
            self.sound_notice.setText("⚠ No sound: cues are visual only")
            self.sound_notice.setToolTip(f"Sound is unavailable: {self.sound_problem}")
            self.sound_button.setToolTip(f"Sound is unavailable: {self.sound_problem}")
        else:
            self.sound_button.setToolTip("Tones for under, in, over and hold reached (S)")
        self.window_box = QComboBox()
        self.window_box.addItems([f"{length:g} s" for length in WINDOW_LENGTHS_S])
        self.window_box.setToolTip("How much of the past the trace shows")
        self.window_box.currentIndexChanged.connect(self._choose_window)
        self.theme_box = QComboBox()
        self.theme_box.addItems(THEME_NAMES)
        self.theme_box.setToolTip("Colour theme: dark for a dim room, light for a bright one")
        self.theme_box.activated.connect(self._choose_theme)
        self.statusBar().addPermanentWidget(QLabel("Theme"))
        self.statusBar().addPermanentWidget(self.theme_box)
        self.notes_edit = QPlainTextEdit(placeholderText="Session notes: saved with the recording")
        self.notes_edit.setMaximumHeight(56)
        self._notes_timer = QTimer(self, singleShot=True, interval=NOTES_SAVE_DELAY_MS)
        self._notes_timer.timeout.connect(self._save_notes)
        self.notes_edit.textChanged.connect(self._notes_timer.start)

    def _layout(self) -> QWidget:
        # Rows 1-2, the treatment (who, muscle, technique, side; band and PPT) and the device;
        # row 3 the recording and the instrument: units, probe, zero and calibration.
        treatment = QHBoxLayout()
        treatment.addWidget(self.treatment)
        treatment.addStretch(1)
        device = QVBoxLayout()
        device.addWidget(self.simulated_tag, alignment=Qt.AlignmentFlag.AlignRight)
        device.addWidget(self.device_panel)
        treatment.addLayout(device)
        instrument = QHBoxLayout()
        for widget in (
            self.record_button,
            self.recording_label,
            QLabel("Unit"),
            self.unit_box,
            QLabel("Probe"),
            self.probe_box,
            self.tare_button,
            self.calibrate_button,
            QLabel("Trace"),
            self.window_box,
            self.sound_button,
            self.sound_notice,
        ):
            instrument.addWidget(widget)
        instrument.addStretch(1)
        for widget in (self.record_button,):
            font = widget.font()
            font.setPointSizeF(font.pointSizeF() * 1.3)
            widget.setFont(font)
        context = QVBoxLayout()
        context.addLayout(treatment)
        context.addLayout(instrument)

        numbers = QVBoxLayout()
        numbers.addWidget(self.readout, 5)
        numbers.addWidget(self.hold_display, 1)
        live = QHBoxLayout()
        live.addWidget(self.gauge, 2)
        live.addLayout(numbers, 3)

        column = QVBoxLayout()
        column.addLayout(context)
        column.addLayout(live, 5)
        column.addWidget(self.trace, 3)
        column.addWidget(self.notes_edit)
        live = QWidget()
        live.setLayout(column)
        self.tabs = QTabWidget()
        self.tabs.addTab(live, "Live")
        self.tabs.addTab(self.ppt, "PPT")
        self.tabs.addTab(self.review, "Review")
        outer = QWidget()
        page = QVBoxLayout(outer)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(self.banner)
        page.addWidget(self.tabs, 1)
        return outer

    def _make_shortcuts(self) -> list[tuple[str, str]]:
        """Every action used during treatment has a key (a foot pedal can type one). Returns
        (key, what it does) for the help."""
        bar = self.treatment
        actions: list[tuple[str, str, Callable[[], object]]] = [
            ("Ctrl+R", "start / stop recording", self.record_button.click),
            ("T", "tare: zero the unloaded probe", self.tare),
            *(
                (key, f"marker: {label}", lambda label=label: self.mark(label))
                for key, label in MARKER_KEYS.items()
            ),
            ("L", "side: left", lambda: bar.side_box.setCurrentText("left")),
            ("R", "side: right", lambda: bar.side_box.setCurrentText("right")),
            ("PgDown", "next muscle", lambda: bar.step(bar.muscle_box, 1)),
            ("PgUp", "previous muscle", lambda: bar.step(bar.muscle_box, -1)),
            ("]", "next technique", lambda: bar.step(bar.technique_box, 1)),
            ("[", "previous technique", lambda: bar.step(bar.technique_box, -1)),
            ("S", "sound cues on / off", self.sound_button.click),
            ("N", "write in the session notes", self.notes_edit.setFocus),
            ("Ctrl+1", "the live tab", lambda: self.tabs.setCurrentIndex(0)),
            ("Ctrl+2", "the PPT tab", lambda: self.tabs.setCurrentWidget(self.ppt)),
            ("Ctrl+3", "the review tab", lambda: self.tabs.setCurrentWidget(self.review)),
            (
                "Space",
                "PPT: stop the trial, pain now (a foot pedal can send it)",
                self.ppt.stop_now,
            ),
            ("Ctrl+O", "open a recording to review", self.open_recording),
            ("Esc", "leave a text field (keys act as shortcuts again)", self._leave_field),
            ("F1", "this list", self.show_shortcuts),
        ]
        for key, _, action in actions:
            QShortcut(QKeySequence(key), self, activated=action)
        return [(key, text) for key, text, _ in actions]

    def _leave_field(self) -> None:
        focused = self.focusWidget()
        if focused is not None:
            focused.clearFocus()

    def show_shortcuts(self) -> None:
        """The list of keys, in a window that does not stop the live display."""
        rows = "".join(
            f"<tr><td><b>{key}</b></td><td>{text}</td></tr>" for key, text in self.shortcuts
        )
        self.shortcuts_box = QMessageBox(
            QMessageBox.Icon.Information,
            "Keyboard shortcuts",
            f"<table cellpadding=3>{rows}</table>",
            parent=self,
        )
        self.shortcuts_box.open()

    # --- user actions -------------------------------------------------------------------

    def _apply(self, settings: AppSettings) -> None:
        """Show the remembered choices (each handler then remembers them again)."""
        self.treatment.choose(settings.preset, settings.side)
        self.unit_box.setCurrentText(settings.unit)
        self.set_probe_area(settings.probe_area_cm2)
        self.window_box.setCurrentIndex(WINDOW_LENGTHS_S.index(settings.window_s))
        self._choose_window(self.window_box.currentIndex())
        self.theme_box.setCurrentText(settings.theme)
        self.sound_button.setChecked(settings.sound and self.player is not None)
        self.sound_button.setEnabled(self.player is not None)

    def _remember(self, **changes: object) -> None:
        self._settings = replace(self._settings, **changes)
        self._on_settings_changed(self._settings)

    def _target_changed(self) -> None:
        """A new muscle, technique, side, band or PPT: a new hold count and segment."""
        self.view.target = self.treatment.target
        self.view.ppt_kpa = self.treatment.ppt_kpa
        self.cues.reset()
        if self.recorder:
            self.recorder.set_segment(self._segment())
        self._remember(preset=self.treatment.target.label, side=self.treatment.side)

    def _segment(self) -> SegmentSpec:
        return SegmentSpec.of(
            self.treatment.target,
            self.treatment.side,
            self.view.probe_area_cm2,
            self.treatment.ppt_kpa,
        )

    def _choose_window(self, index: int) -> None:
        self.view.window_s = WINDOW_LENGTHS_S[index]
        self.trace.set_window(self.view.window_s)
        self._remember(window_s=self.view.window_s)

    def _choose_theme(self, index: int) -> None:
        name = THEME_NAMES[index]
        if name != self._settings.theme:
            self._remember(theme=name)
            self.statusBar().showMessage(f"The {name} theme takes effect at the next start", 8000)

    def _choose_sound(self, on: bool) -> None:
        self.cues.reset()
        self._remember(sound=on)

    def _save_notes(self) -> None:
        if self.recorder:
            try:
                self.recorder.set_notes(self.notes_edit.toPlainText())
            except RecordingError as exc:  # a pasted NUL: the notes saved before stand
                self._notes_problem = str(exc)
            else:
                self._notes_problem = ""
            self._show_alerts()

    def _choose_unit(self, index: int) -> None:
        self.view.unit = UNITS[index]
        self._remember(unit=UNITS[index].symbol)

    def _choose_probe(self, index: int) -> None:
        if index < len(PROBE_AREAS_CM2):
            self.set_probe_area(PROBE_AREAS_CM2[index])
            return
        area, ok = QInputDialog.getDouble(
            self,
            "Probe area",
            "Contact area of the probe (cm²):",
            self.view.probe_area_cm2,
            0.01,
            100.0,
            2,
        )
        if ok:
            self.set_probe_area(area)

    def set_probe_area(self, area_cm2: float) -> None:
        """Another probe: another pressure for the same force, so a new stretch."""
        self.view.probe_area_cm2 = area_cm2
        self._remember(probe_area_cm2=area_cm2)
        self._target_changed()
        known = area_cm2 in PROBE_AREAS_CM2
        if not known:
            self.probe_box.setItemText(len(PROBE_AREAS_CM2), f"{area_cm2:g} cm² (custom…)")
        index = PROBE_AREAS_CM2.index(area_cm2) if known else len(PROBE_AREAS_CM2)
        self.probe_box.setCurrentIndex(index)

    def _toggle_recording(self, start: bool) -> None:
        if start:
            self._start_recording()
        else:
            self._stop_recording()

    def _start_recording(self) -> None:
        path = self.recordings_dir / f"session-{datetime.now():%Y%m%d-%H%M%S}.h5"
        try:
            self.recordings_dir.mkdir(parents=True, exist_ok=True)
            session = SessionInfo(
                client=self.treatment.client,
                notes=self.notes_edit.toPlainText(),
                probe_area_cm2=self.view.probe_area_cm2,
                app_version=__version__,
            )
            recorder = SessionRecorder(self.acquisition, path, session, segment=self._segment())
            recorder.start()
        except (RecordingError, OSError) as exc:
            self._say_recording(f"Cannot record: {exc}", theme.alert())
            self.record_button.setChecked(False)
            return
        self.recorder = recorder
        self._ended = None
        if self.ppt.session is not None:  # a protocol under way: its settings go on record
            self._record_ppt_protocol(json.dumps(self.ppt.session.describe()))
        self.treatment.set_client_editable(False)
        self.device_panel.set_locked(True)
        self.record_button.setText("■ Stop")
        self._say_recording(f"● REC {path.name}", theme.alert())

    def _stop_recording(self) -> None:
        if self.recorder is None:
            return
        self._notes_timer.stop()
        self._save_notes()
        while self.recorder.status().held_samples and self._ask_to_free_space():
            self.recorder.retry_now()
            deadline = time.monotonic() + RETRY_WAIT_S
            while self.recorder.status().held_samples and time.monotonic() < deadline:
                time.sleep(0.05)  # the writer works on its own thread meanwhile
        result = self.recorder.stop()
        self.recorder = None
        self._notes_problem = ""
        self._ended = None if result.complete else result
        self._show_alerts()
        self.treatment.set_client_editable(True)
        self.device_panel.set_locked(False)
        self.record_button.setText("● Record")
        colour = theme.muted() if result.complete else theme.alert()
        self._say_recording(result.describe(), colour)
        if not result.complete:  # the whole story is in the banner; the label points there
            lost = "samples were lost" if result.lost_samples else "not all in its own file"
            self.recording_label.setText(f"⚠ {lost}: see the banner above")
        elif result.error:  # held up, then all written: say where, in what the label shows
            name = result.path.name
            self.recording_label.setText(f"saved {result.samples} samples, all in {name}")
        held = [path for path, count in result.files if count]
        if held:
            self.review.open(held[0])  # ready on the review tab: a file that holds samples

    def _ask_to_free_space(self) -> bool:
        """Samples wait in memory for room: True to try again, False to let them go."""
        assert self.recorder is not None
        answer = QMessageBox.warning(
            self,
            "Samples not saved yet",
            f"{self.recorder.status().describe()}.\n\nFree some space on the disk, then "
            "choose Retry. Discard ends the recording without them.",
            QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Discard,
            QMessageBox.StandardButton.Retry,
        )
        return answer == QMessageBox.StandardButton.Retry

    def switch_device(self, port: str, protocol: str) -> None:
        """Read from another device: the old one is released first. Never while recording."""
        if self.recorder is not None:
            self.statusBar().showMessage("Stop recording to change device", 6000)
            return
        try:
            make_decoder(protocol)  # a spec typed into the panel may be wrong: say so, keep on
        except UnknownProtocolError as exc:
            self.statusBar().showMessage(f"⚠ {exc}", 10_000)
            return
        self._disconnect_buffer()
        self.acquisition.stop()
        self.buffer.clear()
        self.view.clear_markers()
        self.acquisition = self._connect_device(port, protocol)
        self._disconnect_buffer = self.acquisition.connect(self.buffer.on_samples)
        self.ppt.attach(self.acquisition)
        self.acquisition.start()
        self._show_device()
        self._remember(last_port="" if port.startswith("fgsim") else port, protocol=protocol)

    def _show_device(self) -> None:
        simulated = self.acquisition.port.startswith("fgsim")
        self.simulated_tag.setVisible(simulated)
        self.setWindowTitle("Pressure Monitor" + (" — simulated device" if simulated else ""))

    def _play(self, cue) -> None:
        if self.player and self.sound_button.isChecked():
            self.player.play(cue)

    def _ppt_context(self) -> dict[str, str]:
        return {
            "client": self.treatment.client,
            "probe_area_cm2": f"{self.view.probe_area_cm2:g}",
            "device": _short(self.acquisition.port),
            "date": f"{datetime.now():%Y-%m-%d %H:%M}",
        }

    def _record_ppt_protocol(self, description: str) -> None:
        self.acquisition.note("ppt_protocol", description)

    def _record_ppt_trial(self, row: tuple) -> None:
        if self.recorder:
            self.recorder.add_ppt_trial(row)

    def _use_ppt_as_basis(self) -> None:
        client = self.treatment.client
        if not client:
            self.statusBar().showMessage("Enter the client's pseudonym first", 6000)
            return
        name = self.recorder.path.name if self.recorder else "PPT tab"
        try:
            count = remember_thresholds(self.treatment.clients, client, self.ppt.rows, name)
        except (ClientStoreError, OSError) as exc:
            self.statusBar().showMessage(f"Thresholds not remembered: {exc}", 8000)
            return
        self.treatment.reload_threshold()
        self.statusBar().showMessage(f"{count} thresholds remembered for {client}", 6000)

    def open_recording(self) -> None:
        self.tabs.setCurrentWidget(self.review)
        self.review.choose_file(self.recordings_dir)

    def mark(self, label: str) -> None:
        event = self.acquisition.mark(label)
        self.view.add_marker(event.t, label)
        self.statusBar().showMessage(f"Marker: {label}", 3000)

    def tare(self) -> None:
        raw = self.buffer.columns(TARE_WINDOW_S, ("raw",))["raw"]
        try:
            self.acquisition.tare(raw)
        except CalibrationError as exc:
            self.statusBar().showMessage(f"Not tared: {exc}", 6000)
            return
        self.statusBar().showMessage("Tared: the unloaded probe now reads zero", 4000)

    def open_calibration(self) -> None:
        store = self.acquisition.store or CalibrationStore(calibrations_dir())
        self.calibration_dialog = CalibrationDialog(self.acquisition, self.buffer, store, self)
        self.calibration_dialog.open()

    def _say_recording(self, text: str, colour) -> None:
        metrics = self.recording_label.fontMetrics()
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, RECORDING_LABEL_MAX_PX)
        self.recording_label.setText(shown)
        self.recording_label.setToolTip(text)
        self.recording_label.setStyleSheet(f"color: {colour.name()};")

    # --- display ------------------------------------------------------------------------

    def _fit_trace(self, points: int) -> None:
        self.view.trace_points = points

    def refresh(self) -> None:
        self._frames += 1
        frame = self.view.frame(
            with_trace=self._frames % TRACE_EVERY == 0, now=self.acquisition.session_time()
        )
        self.gauge.show_frame(frame)
        state = (frame.zone, frame.hold.reached)
        if self._frames % NUMBERS_EVERY == 0 or state != self._shown_state:
            self._shown_state = state  # a new zone or a reached hold shows at once
            self.readout.show_frame(frame)
            self.hold_display.show_hold(frame.hold)
        if self._frames % TRACE_EVERY == 0:
            self.trace.show_frame(frame)
        now = time.monotonic()
        cue = self.cues.update(now, frame.zone, frame.hold.reached)
        if cue and self.player and self.sound_button.isChecked():
            self.player.play(cue)
        if now - self._rate_mark[0] >= STATUS_INTERVAL_S:
            self._update_status(now)

    def _update_status(self, now: float) -> None:
        written = self.buffer.written
        since, before = self._rate_mark
        self._rate_hz = (written - before) / (now - since)
        self._rate_mark = (now, written)
        status = self.acquisition.status()
        if status.error:
            state = f"⚠ {status.error}"
        elif status.connected:
            state = f"connected to {_short(self.acquisition.port)}"
            device = status.device_info
            if device and not self.acquisition.port.startswith("fgsim"):
                state += f" ({' '.join(filter(None, (device.protocol, device.model)))})"
        else:
            state = "connecting…"
        parts = [
            state,
            f"{self._rate_hz:.0f} samples/s",
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
        if self.recorder:
            size = self.recorder.path.stat().st_size if self.recorder.path.exists() else 0
            parts.append(f"recording {self.recorder.path.name} ({size / 1e6:.1f} MB)")
        self.statusBar().showMessage("   ·   ".join(parts))
        self._show_alerts()

    def _show_alerts(self) -> None:
        self.banner.show_alerts(
            current_alerts(
                self.acquisition.status(),
                self.recorder.status() if self.recorder else None,
                self.acquisition.calibration_note,
                self._notes_problem,
                self._ended,
            )
        )

    # --- shutdown -----------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop recording (closing the file cleanly) and release the device."""
        self.timer.stop()
        if self.recorder:
            self.record_button.setChecked(False)
        self._disconnect_buffer()
        self.ppt.detach()
        self.ppt.timer.stop()
        self.acquisition.stop()
        self.review.close_file()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)


def _recording_label() -> QLabel:
    """The recording's state beside its button. A long result (paths) is elided here, whole
    in the tooltip and the banner: it never widens the window past the screen."""
    label = QLabel("not recording")
    label.setStyleSheet(f"color: {theme.muted().name()};")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setMaximumWidth(RECORDING_LABEL_MAX_PX)
    return label


def _short(port: str) -> str:
    return "built-in simulator" if port.startswith("fgsim") else port
