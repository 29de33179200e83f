"""The main window: composes the widgets that show a ``LiveSession`` and forwards the user's
actions to it.

The session (Qt-free) owns the recording's lifecycle, its notes and markers, the device and
what the status line says; a timer at display rate pulls what is new.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QColor, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from calibration import UNITS, CalibrationStore
from monitor.acquisition import Acquisition
from monitor.clients import ClientStore
from monitor.cues import CueChooser
from monitor.live_buffer import LiveBuffer
from monitor.live_session import LiveSession, Treatment
from monitor.live_view import LiveView
from monitor.markers import MARKER_KEYS
from monitor.paths import calibrations_dir, clients_path, target_edits_path
from monitor.recorder import SessionRecorder
from monitor.settings import THEME_NAMES, WINDOW_LENGTHS_S, AppSettings
from monitor.target_library import TargetLibrary
from monitor.ui import shortcuts, theme
from monitor.ui.alert_banner import AlertBanner
from monitor.ui.audio import CuePlayer, open_sound
from monitor.ui.calibration_dialog import CalibrationDialog
from monitor.ui.device_panel import DevicePanel
from monitor.ui.instrument_bar import InstrumentBar
from monitor.ui.live_tab import LiveTab
from monitor.ui.message_line import MessageLine
from monitor.ui.ppt_tab import PptTab
from monitor.ui.review_tab import ReviewTab
from monitor.ui.session_header import SessionHeader
from monitor.ui.treatment_bar import TreatmentBar
from recordings import RecordingError

REFRESH_INTERVAL_MS = 16  # ~60 frames/s: the gauge, read at a glance, moves smoothly
SESSION_INTERVAL_S = 0.1  # the header's clock, the messages, whether a PPT trial runs
STATUS_INTERVAL_S = 1.0
#: After the user freed space, how long the writer is given to catch up before asking again.
RETRY_WAIT_S = 3.0
NOTES_SAVE_DELAY_MS = 1500  # notes are logged once typing pauses this long
#: The first window: fits a 1280x720 screen with its frame and a panel; larger screens get
#: what the user chose last time (the geometry is remembered).
DEFAULT_SIZE = (1180, 660)
SCREEN_SHARE = 0.85


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
        geometry: bytes | None = None,
        on_geometry: Callable[[bytes], None] = lambda geometry: None,
    ) -> None:
        super().__init__()
        self.treatment = TreatmentBar(
            library or TargetLibrary.load(target_edits_path()),
            clients or ClientStore(clients_path()),
        )
        self.session = LiveSession(
            acquisition, recordings_dir, self._treatment_now(1.0), connect_device
        )
        self.recordings_dir = recordings_dir
        self.cues = CueChooser()
        self.player, self.sound_problem = open_sound()
        self._on_geometry = on_geometry
        self.force_close = False  # a signal (Ctrl-C, SIGTERM) closes without asking

        self.review = ReviewTab()
        self.banner = AlertBanner()
        self.header = SessionHeader()
        self.message_line = MessageLine(self.session.messages)
        self._settings = settings or AppSettings()
        self._on_settings_changed = on_settings_changed
        self.ppt = PptTab(
            self.treatment.library.muscles,
            probe_area=lambda: self.view.probe_area_cm2,
            context=self.session.ppt_context,
            sample_rate=lambda: self.session.rate_hz,
            play=self._play,
            save_dir=recordings_dir,
            preferences=self._settings.ppt,
        )
        self.ppt.attach(acquisition)
        self.session.device_listeners.append(self.ppt.attach)
        self.ppt.trial_done.connect(self.session.record_ppt_trial)
        self.ppt.trial_withdrawn.connect(self.session.record_ppt_withdrawal)
        self.ppt.protocol_started.connect(self._ppt_protocol_started)
        self.ppt.basis_confirmed.connect(self._use_ppt_as_basis)
        self.ppt.preferences_changed.connect(
            lambda preferences: self._remember(**AppSettings.ppt_changes(preferences))
        )
        self._make_controls()
        self.setCentralWidget(self._layout())
        self._show_device()
        self._apply(self._settings)
        self.treatment.changed.connect(self._target_changed)
        self.treatment.message.connect(self._say)
        self.treatment.warning.connect(self._warn)
        for problem in (self.treatment.library.problem, self.treatment.clients.problem):
            if problem:
                self.session.messages.warn(problem, time.monotonic())
        self.shortcuts = self._make_shortcuts()
        self.tabs.currentChanged.connect(self._tab_changed)

        self.timer = QTimer(self, interval=REFRESH_INTERVAL_MS, timeout=self.refresh)
        self.timer.start()
        self._status_at = self._session_at = 0.0
        if not (geometry and self.restoreGeometry(QByteArray(geometry))):
            self.resize(*_default_size())
        self.tabs.tabBar().setFocus()  # keys act as shortcuts until a field is chosen
        self._show_session()

    # The session's parts, by the names the widgets and tests use.

    @property
    def acquisition(self) -> Acquisition:
        return self.session.acquisition

    @property
    def buffer(self) -> LiveBuffer:
        return self.session.buffer

    @property
    def view(self) -> LiveView:
        return self.session.view

    @property
    def recorder(self) -> SessionRecorder | None:
        return self.session.recorder

    # --- layout -------------------------------------------------------------------------

    def _make_controls(self) -> None:
        self.instrument = InstrumentBar(None if self.player else self.sound_problem)
        bar = self.instrument
        # Its parts, by the names the tests and the shortcuts use.
        self.record_button, self.recording_label = bar.record_button, bar.recording_label
        self.unit_box, self.probe_box, self.window_box = bar.unit_box, bar.probe_box, bar.window_box
        self.tare_button, self.calibrate_button = bar.tare_button, bar.calibrate_button
        self.sound_button, self.sound_notice = bar.sound_button, bar.sound_notice
        self.unit_box.setCurrentText(self.view.unit.symbol)
        self.unit_box.currentIndexChanged.connect(self._choose_unit)
        self.probe_box.activated.connect(self._choose_probe)
        self.record_button.toggled.connect(self._toggle_recording)
        self.tare_button.clicked.connect(self.tare)
        self.calibrate_button.clicked.connect(self.open_calibration)
        self.window_box.currentIndexChanged.connect(self._choose_window)
        self.sound_button.toggled.connect(self._choose_sound)
        self.device_panel = DevicePanel(self.acquisition.port, self.acquisition.decoder.name)
        self.device_panel.chosen.connect(self.switch_device)
        self.simulated_tag = self.device_panel.simulated_tag
        self.theme_box = QComboBox()
        self.theme_box.addItems(THEME_NAMES)
        self.theme_box.setToolTip("Colour theme: dark for a dim room, light for a bright one")
        self.theme_box.activated.connect(self._choose_theme)
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        # A long port name is cut (whole in the tooltip), never widening the window.
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(QLabel("Theme"))
        self.statusBar().addPermanentWidget(self.theme_box)
        self._make_examiner()

    def _make_examiner(self) -> None:
        self.examiner_edit = QLineEdit(placeholderText="examiner")
        self.examiner_edit.setToolTip(
            "Who treats or examines: saved in every recording and PPT report"
        )
        self.examiner_edit.setMinimumWidth(110)
        self.examiner_edit.setMaximumWidth(160)
        self.examiner_edit.textChanged.connect(self._choose_examiner)
        # Set once a day, out of the way of treatment: beside the theme.
        self.statusBar().addPermanentWidget(QLabel("Examiner"))
        self.statusBar().addPermanentWidget(self.examiner_edit)

    def _layout(self) -> QWidget:
        # Rows 1-2, the treatment (who, muscle, technique, side; band and PPT) and the device;
        # row 3 the recording and the instrument: units, probe, zero and calibration.
        treatment = QHBoxLayout()
        treatment.addWidget(self.treatment)
        treatment.addStretch(1)
        treatment.addWidget(self.device_panel)
        context = QVBoxLayout()
        context.addLayout(treatment)
        context.addWidget(self.instrument)
        self.live = LiveTab(self.view, context)
        # The live tab's parts, by the names the tests and the shortcuts use.
        self.gauge, self.readout = self.live.gauge, self.live.readout
        self.hold_display, self.trace = self.live.hold_display, self.live.trace
        self.notes_edit = self.live.notes_edit
        self._notes_timer = QTimer(self, singleShot=True, interval=NOTES_SAVE_DELAY_MS)
        self._notes_timer.timeout.connect(self._save_notes)
        self.notes_edit.textChanged.connect(self._notes_timer.start)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.live, "Live")
        self.tabs.addTab(self.ppt, "PPT")
        self.tabs.addTab(self.review, "Review")
        outer = QWidget()
        page = QVBoxLayout(outer)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(self.header)
        page.addWidget(self.banner)
        page.addWidget(self.message_line)
        page.addWidget(self.tabs, 1)
        return outer

    def _make_shortcuts(self) -> list[tuple[str, str]]:
        """Every action used during treatment has a key (a foot pedal can type one). Returns
        (key, what it does) for the help."""
        bar = self.treatment
        actions: list[shortcuts.Action] = [
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
            ("Ctrl+O", "open a recording to review", self.open_recording),
            ("Ctrl+D", "dismiss the warning shown", self.message_line.dismiss),
            ("Esc", "leave a text field (keys act as shortcuts again)", self._leave_field),
            ("F1", "this list", self.show_shortcuts),
        ]
        keys = shortcuts.install(self, actions)
        # Space stops a running PPT trial (a foot pedal can send it); otherwise it presses the
        # focused button, as everywhere else: enabled only while a trial runs.
        self.space_shortcut = QShortcut(QKeySequence("Space"), self, activated=self.ppt.stop_now)
        self.space_shortcut.setEnabled(False)
        return [*keys, ("Space", "PPT: stop the running trial, pain now (a foot pedal)")]

    def _tab_changed(self) -> None:
        """Qt gives the new tab's first field the focus: treatment keys would type into the
        client's name. The tab bar takes it instead (arrows then move between tabs)."""
        self.tabs.tabBar().setFocus()

    def _leave_field(self) -> None:
        focused = self.focusWidget()
        if focused is not None:
            focused.clearFocus()

    def show_shortcuts(self) -> None:
        self.shortcuts_box = shortcuts.help_box(self, self.shortcuts)
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
        self.examiner_edit.setText(settings.examiner)
        self.sound_button.setChecked(settings.sound and self.player is not None)

    def _remember(self, **changes: object) -> None:
        self._settings = replace(self._settings, **changes)
        self._on_settings_changed(self._settings)

    def _treatment_now(self, probe_area_cm2: float | None = None) -> Treatment:
        bar = self.treatment
        return Treatment(
            bar.target,
            bar.side,
            bar.client,
            bar.ppt_kpa,
            probe_area_cm2 if probe_area_cm2 is not None else self.view.probe_area_cm2,
        )

    def _target_changed(self) -> None:
        """A new muscle, technique, side, band or PPT: a new hold count and segment."""
        self.session.set_treatment(self._treatment_now())
        self.cues.reset()
        self._remember(preset=self.treatment.target.label, side=self.treatment.side)

    def _choose_window(self, index: int) -> None:
        self.live.set_window(WINDOW_LENGTHS_S[index])
        self._remember(window_s=WINDOW_LENGTHS_S[index])

    def _choose_theme(self, index: int) -> None:
        name = THEME_NAMES[index]
        if name != self._settings.theme:
            self._remember(theme=name)
            theme.apply_theme(QApplication.instance(), name)
            self._say(f"The {name} theme")

    def _choose_sound(self, on: bool) -> None:
        self.cues.reset()
        self._remember(sound=on)

    def _choose_examiner(self, name: str) -> None:
        self.session.operator = name.strip()
        self._remember(examiner=self.session.operator)

    def _save_notes(self) -> None:
        self.session.set_notes(self.notes_edit.toPlainText())
        self._show_alerts()

    def _say(self, text: str) -> None:
        """A note for the user: readable for its time, not replaced at once by the next."""
        self.session.messages.info(text, time.monotonic())
        self.message_line.show_at(time.monotonic())

    def _warn(self, text: str) -> None:
        self.session.messages.warn(text, time.monotonic())
        self.message_line.show_at(time.monotonic())

    def _choose_unit(self, index: int) -> None:
        unit = UNITS[index]
        self.view.unit = unit
        self.review.set_unit(unit)
        self.treatment.set_unit(unit)
        self._remember(unit=unit.symbol)

    def _choose_probe(self, index: int) -> None:
        area = self.instrument.area_at(index)
        if area is not None:
            self.set_probe_area(area)
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
        self.session.set_treatment(self._treatment_now(area_cm2))
        self.treatment.set_probe_area(area_cm2)
        self._remember(probe_area_cm2=area_cm2)
        self._target_changed()
        self.instrument.show_probe(area_cm2)

    def _toggle_recording(self, start: bool) -> None:
        if start:
            self._start_recording()
        else:
            self._stop_recording()

    def _start_recording(self) -> None:
        self._notes_timer.stop()
        self.session.notes = self.notes_edit.toPlainText()
        self.session.set_treatment(self._treatment_now())
        try:
            recorder = self.session.start_recording()
        except (RecordingError, OSError) as exc:
            self._say_recording(f"Cannot record: {exc}", theme.alert)
            self._warn(f"Not recording: {exc}")
            self.record_button.setChecked(False)
            return
        ppt = self.ppt.session
        if (  # this client's protocol under way: its settings go on record
            ppt is not None
            and not ppt.run.finished
            and self.session.ppt_client == self.session.treatment.client
        ):
            self.session.record_ppt_protocol(ppt.describe())
        self.treatment.set_client_editable(False)
        self.device_panel.set_locked(True)
        self.instrument.show_recording(True)
        self._say_recording(f"● REC {recorder.path.name}", theme.alert)
        self._show_alerts()
        self._show_session()

    def _stop_recording(self) -> None:
        recorder = self.recorder
        if recorder is None:
            return
        self._notes_timer.stop()
        self.session.notes = self.notes_edit.toPlainText()
        while recorder.status().held_samples and self._ask_to_free_space():
            recorder.retry_now()
            deadline = time.monotonic() + RETRY_WAIT_S
            while recorder.status().held_samples and time.monotonic() < deadline:
                time.sleep(0.05)  # the writer works on its own thread meanwhile
        result = self.session.stop_recording()
        assert result is not None
        self.live.clear_notes()  # they went into that file: a clean box for the next client
        self._show_alerts()
        self.treatment.set_client_editable(True)
        self.device_panel.set_locked(False)
        self.instrument.show_recording(False)
        colour = theme.muted if result.complete else theme.alert
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
        self._show_session()

    def _ask_to_free_space(self) -> bool:
        """Samples wait in memory for room: True to try again, False to let them go."""
        assert self.recorder is not None
        text = (
            f"{self.recorder.status().describe()}.\n\nFree some space on the disk, then "
            "choose Retry. Discard ends the recording without them."
        )
        buttons = Button.Retry | Button.Discard
        title = "Samples not saved yet"
        return QMessageBox.warning(self, title, text, buttons, Button.Retry) == Button.Retry

    def switch_device(self, port: str, protocol: str) -> None:
        """Read from another device: the old one is released first. Never while recording."""
        if self.session.switch_device(port, protocol):
            self._show_device()
            self._remember(last_port="" if self.session.simulated else port, protocol=protocol)
        self.message_line.show_at(time.monotonic())

    def _show_device(self) -> None:
        simulated = self.session.simulated
        self.simulated_tag.setVisible(simulated)
        self.setWindowTitle("Pressure Monitor" + (" — simulated device" if simulated else ""))

    def _play(self, cue) -> None:
        if self.player and self.sound_button.isChecked():
            self.player.play(cue)

    def _ppt_protocol_started(self, description: str) -> None:
        self.session.set_treatment(self._treatment_now())  # the client it is for
        self.session.record_ppt_protocol(description)

    def _use_ppt_as_basis(self) -> None:
        self.session.set_treatment(self._treatment_now())
        if self.session.remember_thresholds(self.treatment.clients, self.ppt.rows) is not None:
            self.treatment.reload_threshold()
        self.message_line.show_at(time.monotonic())

    def open_recording(self) -> None:
        self.tabs.setCurrentWidget(self.review)
        self.review.choose_file(self.recordings_dir)

    def mark(self, label: str) -> None:
        self.session.mark(label)
        self._say(f"Marker: {label}")

    def tare(self) -> None:
        self.session.tare()
        self.message_line.show_at(time.monotonic())

    def open_calibration(self) -> None:
        store = self.acquisition.store or CalibrationStore(calibrations_dir())
        self.calibration_dialog = CalibrationDialog(self.acquisition, self.buffer, store, self)
        self.calibration_dialog.open()

    def _say_recording(self, text: str, colour: Callable[[], QColor]) -> None:
        self.instrument.say_recording(text, colour)

    # --- display ------------------------------------------------------------------------

    def refresh(self) -> None:
        frame = self.live.show_now(self.acquisition.session_time())
        now = time.monotonic()
        cue = self.cues.update(now, frame.zone, frame.hold.reached)
        if cue and self.player and self.sound_button.isChecked():
            self.player.play(cue)
        if now - self._session_at >= SESSION_INTERVAL_S:
            self._session_at = now
            self._show_session(now)
        if now - self._status_at >= STATUS_INTERVAL_S:
            self._status_at = now
            self._update_status()

    def _show_session(self, now: float | None = None) -> None:
        """The header, the messages, and whether Space is the PPT's stop key now."""
        self.header.show_header(self.session.header())
        self.message_line.show_at(time.monotonic() if now is None else now)
        self.space_shortcut.setEnabled(self.ppt.trial_running())

    def _update_status(self) -> None:
        text = "   ·   ".join(self.session.status_parts())
        self.status_label.setText(text)
        self.status_label.setToolTip(text)
        self._show_alerts()

    def _show_alerts(self) -> None:
        self.banner.show_alerts(self.session.alerts())

    # --- shutdown -----------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop recording (closing the file cleanly) and release the device."""
        self.timer.stop()
        if self.recorder:
            self.record_button.setChecked(False)
        self.ppt.detach()
        self.ppt.timer.stop()
        self.session.close()
        self.review.close_file()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.recorder is not None and not self.force_close and not self._confirm_close():
            event.ignore()
            return
        self._on_geometry(bytes(self.saveGeometry().data()))
        self.shutdown()
        super().closeEvent(event)

    def _confirm_close(self) -> bool:
        name = self.recorder.path.name if self.recorder else ""
        answer = QMessageBox.question(
            self,
            "Stop recording and quit?",
            f"Recording to {name}.\n\nQuit stops the recording (the file is closed, nothing "
            "is lost) and closes the app.",
            Button.Yes | Button.Cancel,
            Button.Cancel,
        )
        return answer == Button.Yes


Button = QMessageBox.StandardButton


def _default_size() -> tuple[int, int]:
    """The first window: most of the screen (read from across the room, bigger is better),
    at least the default size, and never more than the screen's room."""
    screen = QGuiApplication.primaryScreen()
    width, height = DEFAULT_SIZE
    if screen is None:
        return width, height
    room = screen.availableGeometry()
    width = max(width, round(room.width() * SCREEN_SHARE))
    height = max(height, round(room.height() * SCREEN_SHARE))
    return min(width, room.width() - 20), min(height, room.height() - 40)
