"""The main window through a clinic day's ordinary moments: it fits the screen, keys go where
the user means them, messages can be read, and recording is visible from across the room."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from calibration import CalibrationError
from firmware_bridge.sim import SimulatorConfig
from monitor.acquisition import Acquisition
from monitor.settings import AppSettings
from monitor.ui import theme
from monitor.ui.main_window import MainWindow
from recordings import read_recording

#: A 1280x720 laptop screen less the window's frame and a panel.
ROOM = (1270, 690)


def focus_on(window: MainWindow, qtbot) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)


def type_keys(qtbot, text: str) -> None:
    """Keys as a keyboard sends them: to whatever has the focus now."""
    for key in text:
        qtbot.keyClick(QApplication.focusWidget() or QApplication.activeWindow(), key)


def test_the_window_fits_1280x720_after_a_recording_with_a_long_path(open_window, qtbot, tmp_path):
    folder = tmp_path / ("a-very-long-folder-name-for-recordings-" * 4)
    window = open_window("steady", folder)
    window.record_button.click()
    qtbot.wait(300)
    window.record_button.click()
    assert str(folder) in window.recording_label.toolTip()  # the whole path is there...
    window.session.messages.warn("x" * 600, 0.0)  # ...and a long warning
    window.message_line.show_at(0.0)
    window.treatment.client_edit.setText("C-" + "9" * 200)
    qtbot.wait(200)
    hint = window.minimumSizeHint()
    assert hint.width() <= ROOM[0] and hint.height() <= ROOM[1]  # ...never widen the window
    window.resize(*ROOM)
    assert window.width() <= ROOM[0]


def test_the_window_does_not_grow_when_a_recording_ends_or_the_simulator_steps(open_window, qtbot):
    window = open_window("steady")
    before = window.minimumSizeHint().width()
    window.record_button.click()
    qtbot.wait(200)
    window.record_button.click()
    assert window.minimumSizeHint().width() == before  # the result has its room already
    panel = window.device_panel
    panel.profile_box.setCurrentText("weights-on-demand")
    panel.connect_button.click()
    qtbot.waitUntil(panel.next_weight_button.isVisible, timeout=3000)
    hint = window.minimumSizeHint()
    assert hint.width() <= ROOM[0] and hint.height() <= ROOM[1]


def test_the_first_window_fits_the_screen_and_the_next_start_remembers_it(qtbot, tmp_path):
    saved: list[bytes] = []

    def window_with(geometry: bytes | None) -> MainWindow:
        acquisition = Acquisition(SimulatorConfig(profile="steady").to_url(), "fgb1")
        window = MainWindow(
            acquisition,
            tmp_path,
            open_sound=lambda: (None, "no audio here"),
            geometry=geometry,
            on_geometry=saved.append,
        )
        qtbot.addWidget(window)
        return window

    first = window_with(None)
    room = first.screen().availableGeometry()
    assert first.width() <= min(room.width(), 1280) and first.height() <= min(room.height(), 720)
    first.resize(700, 500)
    first.close()
    assert saved
    second = window_with(saved[-1])
    assert (second.width(), second.height()) == (700, 500)
    second.close()


def test_notes_go_with_their_recording_and_the_box_is_clean_for_the_next(open_window, qtbot):
    window = open_window("steady")
    window.notes_edit.setPlainText("A-01: stiff neck")
    window.record_button.click()
    qtbot.wait(200)
    window.record_button.click()
    assert window.notes_edit.toPlainText() == ""
    window.record_button.click()  # the next client: nothing typed
    qtbot.wait(200)
    path = window.recorder.path
    window.record_button.click()
    assert read_recording(path).session["notes"] == ""


def test_a_refused_tare_stays_readable_until_dismissed(open_window, qtbot):
    window = open_window("steady")  # a 20 N dead weight: not an unloaded probe
    window.acquisition.tare = _refuse  # the probe is pressed: the tare is refused
    focus_on(window, qtbot)
    qtbot.keyClick(window, "t")
    assert window.message_line.warning_label.isVisible()
    assert "Not tared" in window.message_line.warning_label.toolTip()
    window.mark("marker")  # more messages come, and the status line updates every second
    qtbot.wait(2500)
    assert "Not tared" in window.message_line.warning_label.toolTip()
    assert window.message_line.note_label.toolTip() == "Marker: marker"
    qtbot.keyClick(window, "d", Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(120)
    assert not window.message_line.warning_label.isVisible()


def _refuse(raw):
    raise CalibrationError("hold the probe still and off the client to tare")


def test_after_a_tab_switch_treatment_keys_act_and_do_not_type_into_the_client_field(
    open_window, qtbot
):
    window = open_window("steady")
    focus_on(window, qtbot)
    bar = window.treatment
    bar.side_box.setCurrentText("left")
    qtbot.keyClick(window, "2", Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, "1", Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(50)
    type_keys(qtbot, "r")
    assert bar.side == "right"
    assert bar.client == ""  # not "r"
    # Choosing the field on purpose: then the keys are the user's words.
    bar.client_edit.setFocus()
    type_keys(qtbot, "rl")
    assert bar.client == "rl" and bar.side == "right"


def test_space_presses_the_focused_button_unless_a_ppt_trial_runs(open_window, qtbot):
    window = open_window("steady")
    focus_on(window, qtbot)
    button: QPushButton = window.sound_button
    button.setEnabled(True)
    before = button.isChecked()
    button.setFocus()
    qtbot.wait(150)  # the refresh enables Space for PPT only while a trial runs
    assert not window.space_shortcut.isEnabled()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert button.isChecked() != before


def test_recording_is_shown_large_on_every_tab(open_window, qtbot):
    window = open_window("steady")
    window.treatment.client_edit.setText("B-02")
    window.treatment.side_box.setCurrentText("left")
    assert "not recording" in window.header.rec_label.text()
    window.record_button.click()
    window.tabs.setCurrentWidget(window.ppt)
    qtbot.waitUntil(lambda: window.header.rec_label.text().startswith("● REC"), timeout=2000)
    assert window.header.isVisible() and window.header.rec_label.isVisible()
    assert window.header.rec_label.font().pointSize() >= 20
    assert window.header.context_label.toolTip() == (
        "B-02 · Upper trapezius · LEFT · ischemic compression"
    )
    window.resize(1280, 700)
    qtbot.wait(50)
    assert window.header.context_label.text() == window.header.context_label.toolTip()
    window.record_button.click()
    window.treatment.client_edit.setText("B-02-with-a-very-long-pseudonym-indeed")
    window.treatment.muscle_box.setCurrentText("Sternocleidomastoid")
    window.record_button.click()
    qtbot.waitUntil(lambda: window.header.context_label.text().endswith("…"), timeout=2000)
    assert window.header.context_label.text().startswith("B-02-with-a-very-long-pseudonym")
    assert window.header.context_label.font().pointSize() >= 20
    window.record_button.click()
    qtbot.waitUntil(lambda: "not recording" in window.header.rec_label.text(), timeout=2000)


def test_a_theme_change_applies_at_once(open_window, qtbot):
    window = open_window("steady")
    try:
        window.theme_box.setCurrentText("light")
        window.theme_box.activated.emit(window.theme_box.currentIndex())
        assert theme.theme_name() == "light"
        assert QApplication.palette().window().color() == theme.THEMES["light"].background
        assert "next start" not in window.message_line.note_label.toolTip()
        assert window._settings.theme == "light"
    finally:
        theme.apply_theme(QApplication.instance(), "dark")


def test_the_examiner_is_remembered_and_goes_into_recordings(open_window, qtbot):
    window = open_window("steady")
    remembered: list[AppSettings] = []
    window._on_settings_changed = remembered.append
    window.examiner_edit.setText("Dr Lee")
    assert remembered[-1].examiner == "Dr Lee"
    window.record_button.click()
    qtbot.wait(200)
    path: Path = window.recorder.path
    window.record_button.click()
    assert read_recording(path).session["operator"] == "Dr Lee"
    assert window.session.ppt_context()["examiner"] == "Dr Lee"


def test_an_examiner_or_client_a_file_cannot_hold_is_refused_with_the_reason(open_window, qtbot):
    window = open_window("steady")
    window.examiner_edit.setText("Dr\x00Lee")  # pasted from somewhere
    window.record_button.click()
    assert window.recorder is None and not window.record_button.isChecked()
    assert "Not recording" in window.message_line.warning_label.toolTip()
    window.examiner_edit.setText("Dr Lee")
    window.treatment.client_edit.setText("<b>C-7</b>")  # markup is text, never markup
    window.record_button.click()
    assert window.recorder is not None
    qtbot.waitUntil(lambda: "<b>C-7</b>" in window.header.context_label.toolTip(), timeout=2000)
    path = window.recorder.path
    window.record_button.click()
    assert read_recording(path).session["client"] == "<b>C-7</b>"


def test_a_custom_probe_area_is_shown_whole_and_the_window_still_fits(open_window, qtbot):
    window = open_window("steady")
    window.set_probe_area(12.35)
    qtbot.wait(50)
    box = window.probe_box
    text = box.currentText()
    assert text == "12.35\u202fcm²" and box.itemText(box.count() - 1) == "custom…"
    assert box.width() >= box.fontMetrics().horizontalAdvance(text)
    window.set_probe_area(0.78)  # another custom area replaces the first
    assert [box.itemText(i) for i in range(box.count())][-2:] == ["0.78\u202fcm²", "custom…"]
    window.probe_box.activated.emit(0)
    assert window.view.probe_area_cm2 == 1.0
    hint = window.minimumSizeHint()
    assert hint.width() <= ROOM[0] and hint.height() <= ROOM[1]


def test_a_ppt_the_client_file_cannot_keep_is_a_warning_that_stays(open_window, qtbot):
    window = open_window("steady")
    bar = window.treatment

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    bar.clients.set_threshold = disk_full
    bar.client_edit.setText("C-5")
    bar.ppt_box.setValue(300)
    assert "PPT not remembered" in window.message_line.warning_label.toolTip()
    qtbot.wait(200)
    window.mark("marker")  # a note comes after: the warning stays
    assert "PPT not remembered" in window.message_line.warning_label.toolTip()


def test_a_long_warning_ends_in_an_ellipsis_inside_its_fill(open_window, qtbot):
    window = open_window("steady")
    window.resize(1280, 700)
    window.session.messages.warn("the probe reads 14.1 N: take it off the client " * 4, 0.0)
    window.message_line.show_at(0.0)
    qtbot.wait(50)
    label = window.message_line.warning_label
    shown = label.text()
    assert shown.endswith("…")
    room = label.contentsRect().width() - 2 * 8  # the fill's padding on each side
    assert label.fontMetrics().horizontalAdvance(shown) <= room
