"""A clinic day walked in the real main window, as a therapist drives it: the keys, the
fields and the buttons, on the built-in simulator's profiles (no sample is faked).

Morning: the sensor is calibrated on the bench (weights-on-demand), with a wrong mass
vouched for, refused at the next step, retaken and saved. Then three clients in a row, each
recorded with their own notes and markers: the first and third treated (therapy profile), the
second measured for pressure-pain thresholds (ppt profile) after a tare refused while the
probe was moving and taken once it was still; one implausible PPT trial is kept, then deleted.
Every file is opened in Review and read back: it holds its own client's notes and events
only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QFileDialog

from calibration import CalibrationStore
from monitor.markers import MARKER_KEYS
from monitor.ppt.protocol import REPEATED_WORDS
from monitor.ui.main_window import MainWindow
from recordings import EventKind, read_recording

CTRL = Qt.KeyboardModifier.ControlModifier
#: The simulator's PPT examiner ramps at 300 kPa/s and rests 2.5 s between trials: a trial
#: every 3-4 s, with a second of still probe in each rest to tare on.
PPT_RATE_KPA_S = 300
SIMULATOR = {"ppt_rate": PPT_RATE_KPA_S, "ppt_rest": 2.5}
KG = 9.80665  # N


@dataclass
class Client:
    pseudonym: str
    notes: str  # typed before the recording starts
    added: str  # typed while it runs
    markers: tuple[str, ...]  # marker keys pressed while it runs
    path: Path | None = None


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def trace_markers(window: MainWindow) -> list[str]:
    """The marker labels the live trace shows."""
    return [item.marker.label for item in window.trace._markers if item.marker is not None]


# --- what the test waits for, read from the live stream ---------------------------------


def recent_force(window: MainWindow, seconds: float) -> np.ndarray:
    return window.buffer.columns(seconds, ("force",))["force"]


def probe_moving(window: MainWindow) -> bool:
    """Loading: the last 0.3 s rise by more than 2 N (20 kPa on the 1 cm² probe)."""
    force = recent_force(window, 0.3)
    return force.size > 10 and float(force[-1] - force[0]) > 2.0


def probe_still_and_off(window: MainWindow) -> bool:
    """The last 1.2 s unloaded and still: what a tare needs."""
    force = recent_force(window, 1.2)
    return force.size > 300 and float(np.abs(force).max()) < 0.5


def connect(window: MainWindow, qtbot, profile: str) -> None:
    """Choose the simulator's profile in the device panel and connect, as a user does."""
    panel = window.device_panel
    panel.profile_box.setCurrentText(profile)
    qtbot.mouseClick(panel.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: profile in window.acquisition.port, timeout=3000)
    qtbot.waitUntil(lambda: window.buffer.written > 500, timeout=5000)


# --- the morning: calibration on the bench ----------------------------------------------


def calibrate_with_a_wrong_mass_retaken(window: MainWindow, qtbot, store_dir: Path) -> None:
    """Loads 2 and 5 kg, 2 kg to verify. The simulated bench places 1 kg first: refused as
    2 kg, the therapist vouches for it anyway (the wrong step), the 2 kg placed next is then
    refused as 5 kg, and Retake drops the wrong reading; 2 kg and 5 kg are then taken."""
    click(qtbot, window.calibrate_button)
    dialog = window.calibration_dialog
    qtbot.waitExposed(dialog)
    dialog.loads_edit.clear()
    qtbot.keyClicks(dialog.loads_edit, "2, 5")
    dialog.unloading_box.setChecked(False)
    dialog.verify_edit.clear()
    qtbot.keyClicks(dialog.verify_edit, "2")
    click(qtbot, dialog.start_button)
    qtbot.waitUntil(lambda: dialog.points_table.rowCount() == 1, timeout=5000)  # the zero

    click(qtbot, dialog.next_weight)  # 1 kg on, where 2 kg is asked for
    qtbot.waitUntil(lambda: "Not taken as 2.000\u202fkg" in dialog.message.text(), timeout=5000)
    assert dialog.points_table.rowCount() == 1
    assert dialog.confirm_zero.text() == "&It is 2.000\u202fkg (19.61\u202fN): take it"
    click(qtbot, dialog.confirm_zero)  # the wrong step: 1 kg vouched for as 2 kg
    qtbot.waitUntil(lambda: dialog.points_table.rowCount() == 2, timeout=5000)

    click(qtbot, dialog.next_weight)  # 2 kg on, where 5 kg is asked for: the loads taken say 4 kg
    qtbot.waitUntil(lambda: "Not taken as 5.000\u202fkg" in dialog.message.text(), timeout=5000)
    assert "retake the earlier load" in dialog.message.text()
    assert dialog.points_table.rowCount() == 2
    assert dialog.retake_button.text() == "&Retake 2.000\u202fkg (19.61\u202fN)"
    click(qtbot, dialog.retake_button)  # the wrong reading dropped; 2 kg (on now) is taken
    assert dialog.points_table.rowCount() == 1
    qtbot.waitUntil(lambda: dialog.points_table.rowCount() == 2, timeout=5000)
    assert dialog.points_table.item(1, 0).text() == f"{2 * KG:.3f}"

    click(qtbot, dialog.next_weight)  # 5 kg
    qtbot.waitUntil(dialog.accept_line.isVisible, timeout=5000)
    click(qtbot, dialog.accept_line)
    click(qtbot, dialog.next_weight)  # 2 kg to verify
    qtbot.waitUntil(dialog.verdict.isVisible, timeout=5000)
    assert "PASS" in dialog.verdict.text()
    click(qtbot, dialog.save_button)
    summary = dialog.saved_summary.text()
    assert (
        "3 points: 0.000\u202fkg (0.00\u202fN), 2.000\u202fkg (19.61\u202fN), "
        "5.000\u202fkg (49.03\u202fN)" in summary
    )
    assert "Verification passed" in summary
    (saved,) = store_dir.glob("*.json")
    assert f"Saved to {saved}" in summary
    (record,) = CalibrationStore(store_dir).history(window.acquisition.identity)
    zero, two, five = (point["raw"] for point in record.points)
    assert (two - zero) / (five - zero) == pytest.approx(2 / 5, rel=0.01)  # 2 kg, not 1 kg
    click(qtbot, dialog.close_button)
    assert not dialog.isVisible()
    # A window manager gives the main window back the keyboard when its dialog closes (so it
    # does on Xvfb with openbox); the offscreen platform leaves no window active, and the
    # window's shortcuts dead, until asked.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)


def begin(window: MainWindow, qtbot, client: Client) -> None:
    """The pseudonym and the notes typed, then Ctrl+R: what is typed stays in the fields
    (digits and letters that are shortcuts elsewhere included)."""
    field = window.treatment.client_edit
    assert field.isEnabled() and window.recorder is None
    click(qtbot, field)
    qtbot.keyClick(field, Qt.Key.Key_A, CTRL)  # the last client's name, replaced
    qtbot.keyClicks(field, client.pseudonym)
    qtbot.keyClick(field, Qt.Key.Key_Return)  # leaves the field: keys are shortcuts again
    assert field.text() == client.pseudonym
    assert window.notes_edit.toPlainText() == ""  # the last client's notes went with them
    qtbot.keyClick(window, Qt.Key.Key_N)
    assert window.notes_edit.hasFocus()
    qtbot.keyClicks(window.notes_edit, client.notes)
    qtbot.keyClick(window.notes_edit, Qt.Key.Key_Escape)
    assert window.notes_edit.toPlainText() == client.notes and not window.notes_edit.hasFocus()
    assert window.session.markers == () and trace_markers(window) == []
    qtbot.keyClick(window, Qt.Key.Key_R, CTRL)
    assert window.recorder is not None and not field.isEnabled()
    client.path = window.recorder.path
    qtbot.waitUntil(lambda: window.header.rec_label.text().startswith("● REC"), timeout=2000)
    assert client.pseudonym in window.header.context_label.toolTip()


def add_notes_and_markers(window: MainWindow, qtbot, client: Client) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N)
    window.notes_edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(window.notes_edit, client.added)
    qtbot.keyClick(window.notes_edit, Qt.Key.Key_Escape)
    for key in client.markers:
        qtbot.keyClick(window, key)
        qtbot.wait(150)
    labels = [MARKER_KEYS[key.upper()] for key in client.markers]
    qtbot.waitUntil(lambda: trace_markers(window) == labels, timeout=2000)
    assert [event.detail for event in window.session.markers] == labels


def end(window: MainWindow, qtbot, client: Client) -> None:
    """Ctrl+R again: the file is closed, the notes box emptied, the file shown in Review."""
    qtbot.wait(300)  # the last marker well inside the recording
    qtbot.keyClick(window, Qt.Key.Key_R, CTRL)
    assert window.recorder is None and window.treatment.client_edit.isEnabled()
    assert window.notes_edit.toPlainText() == ""
    assert window.session.markers == ()
    qtbot.waitUntil(lambda: window.header.rec_label.text() == "○ not recording", timeout=2000)
    assert client.path is not None and client.path.exists()
    assert_reviewed(window, client)


def assert_reviewed(window: MainWindow, client: Client) -> None:
    """The Review tab shows the client's file: its name, client and notes, its markers."""
    review = window.review
    assert review.problem.text() == ""
    title = review.title.text()
    assert client.path is not None and title.startswith(
        f"{client.path.name} · {client.pseudonym} ·"
    )
    assert title.endswith(f"\nNotes: {client.notes}{client.added}")
    listed = [review.marker_list.item(i).text() for i in range(review.marker_list.count())]
    labels = [MARKER_KEYS[key.upper()] for key in client.markers]
    assert [text.split("  ", 1)[1] for text in listed] == labels


# --- the PPT client ---------------------------------------------------------------------


def tare_refused_then_taken(window: MainWindow, qtbot) -> None:
    """T while the examiner loads the probe is refused with a warning that stays; T once the
    probe is off and still is taken, and said, and the refusal goes (it no longer holds)."""
    line = window.message_line
    qtbot.waitUntil(lambda: probe_moving(window), timeout=8000)
    qtbot.keyClick(window, Qt.Key.Key_T)
    assert line.warning_label.isVisible()
    assert line.warning_label.toolTip().startswith("⚠ Not tared: hold the probe still")
    qtbot.waitUntil(lambda: probe_still_and_off(window), timeout=8000)
    qtbot.keyClick(window, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: line.note_label.toolTip().startswith("Tared"), timeout=15000)
    said = [message.text for message in window.session.messages.log]
    refused = next(i for i, text in enumerate(said) if text.startswith("Not tared"))
    taken = next(i for i, text in enumerate(said) if text.startswith("Tared"))
    assert refused < taken
    qtbot.waitUntil(lambda: not line.warning_label.isVisible(), timeout=1000)


def ppt_with_an_implausible_trial_deleted(window: MainWindow, qtbot) -> list[str]:
    """Upper trapezius, left, 2 trials at the simulated examiner's 300 kPa/s. The first is
    stopped at once (the pain-now button pressed as loading begins): flagged, kept by the
    examiner, then deleted from the trials list with Del. Returns the thresholds shown
    (the deleted one's, the one left's)."""
    asked: list[str] = []
    ppt = window.ppt
    setup, guide, trials, results = ppt.setup, ppt.guide, ppt.trials.table, ppt.results.table
    ppt.confirm = lambda title, text: asked.append(title) or True  # the examiner says yes
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)
    assert window.tabs.currentWidget() is ppt
    setup.site_list.setFocus()
    setup.site_list.setCurrentRow(0)
    qtbot.keyClick(setup.site_list, Qt.Key.Key_Space)
    assert ppt.chosen_sites() == ("Upper trapezius",)
    setup.sides_box.setCurrentText("left only")
    setup.trials_box.setValue(2)
    setup.rate_box.setCurrentText("custom")
    setup.custom_rate.setValue(PPT_RATE_KPA_S)
    setup.rest_box.setValue(1)
    qtbot.waitUntil(lambda: probe_still_and_off(window), timeout=8000)  # between ramps
    click(qtbot, setup.start_button)
    assert "Now: Upper trapezius, left, trial 1 of 2" in guide.next_label.text()

    qtbot.waitUntil(ppt.trial_running, timeout=8000)
    click(qtbot, guide.stop_button)  # "pain now" as the probe touches: implausible
    qtbot.waitUntil(lambda: not guide.repeat_button.isHidden(), timeout=3000)
    assert "too short" in guide.flag_label.text()
    assert trials.item(0, 5).text() == "waiting"
    assert trials.item(0, 3).text() == "key"
    assert "too short" in trials.item(0, 4).text()
    assert ppt.rows == []  # nothing in the results while it waits
    click(qtbot, guide.keep_button)  # kept (it counts in the mean) ...
    assert trials.item(0, 5).text() == "yes (kept)"
    kept = trials.item(0, 1).text()
    assert results.item(0, 2).text() == f"{kept}*"

    trials.setFocus()  # ... then deleted, from the keyboard
    trials.selectRow(0)
    qtbot.keyClick(trials, Qt.Key.Key_Delete)
    assert asked == ["Delete this trial?"]
    assert trials.rowCount() == 0
    assert results.rowCount() == 0 or results.item(0, 2).text() == ""

    deadline = time.monotonic() + 20  # the second trial, at the simulated examiner's pace
    while "Protocol complete" not in guide.next_label.text():
        assert time.monotonic() < deadline, guide.next_label.text()
        if not guide.repeat_button.isHidden():  # the simulator's too-fast ramp: repeated
            click(qtbot, guide.repeat_button)
        qtbot.wait(50)
    # A repeated (too-fast) ramp stays listed as such, above the trial that replaced it.
    rows = [row for row in range(trials.rowCount()) if trials.item(row, 5).text() == "yes"]
    assert len(rows) == 1 and trials.rowCount() - 1 == sum(
        trials.item(row, 5).text() == "repeated" for row in range(trials.rowCount())
    )
    (row,) = rows
    assert trials.item(row, 0).text() == "Upper trapezius L2"
    threshold = trials.item(row, 1).text()
    assert results.item(0, 2).text() == threshold and results.item(0, 4).text() == "2"
    qtbot.keyClick(window, Qt.Key.Key_1, CTRL)
    assert window.tabs.currentIndex() == 0
    return [kept, threshold]


# --- the day ------------------------------------------------------------------------------


def test_a_clinic_day(open_window, qtbot, tmp_path: Path, monkeypatch) -> None:
    store = CalibrationStore(tmp_path / "calibrations")
    sessions = tmp_path / "sessions"
    window = open_window("weights-on-demand", sessions, store=store, **SIMULATOR)
    first = Client(
        "C-0101",
        "Neck stiffness for 2 weeks; left worse.",
        " Better after the 2nd hold.",
        ("1", "m"),
    )
    second = Client(
        "C-0102",
        "PPT of the upper trapezius before treatment.",
        " Tender at L1.",
        ("4",),
    )
    third = Client(
        "C-0103",
        "Masseter, jaw clenching (3 months).",
        " Release felt on the right.",
        ("3", "m", "1"),
    )

    calibrate_with_a_wrong_mass_retaken(window, qtbot, tmp_path / "calibrations")
    assert window.acquisition.calibration.source.startswith("calibrated ")

    connect(window, qtbot, "therapy")  # the calibration saved is the one in use
    assert window.acquisition.calibration.source.startswith("calibrated ")
    begin(window, qtbot, first)
    add_notes_and_markers(window, qtbot, first)
    end(window, qtbot, first)

    connect(window, qtbot, "ppt")
    begin(window, qtbot, second)
    tare_refused_then_taken(window, qtbot)
    thresholds = ppt_with_an_implausible_trial_deleted(window, qtbot)
    add_notes_and_markers(window, qtbot, second)
    end(window, qtbot, second)

    connect(window, qtbot, "therapy")
    begin(window, qtbot, third)
    add_notes_and_markers(window, qtbot, third)
    end(window, qtbot, third)

    # Review: each file opened again (Ctrl+O), with its client and its markers only.
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL)
    assert window.tabs.currentWidget() is window.review
    for client in (first, second, third):
        chosen = lambda *args, path=client.path: (str(path), "")  # noqa: E731
        monkeypatch.setattr(QFileDialog, "getOpenFileName", chosen)
        qtbot.keyClick(window, Qt.Key.Key_O, CTRL)
        assert_reviewed(window, client)

    # The files: each holds its own client's notes and events, and nothing of the others'.
    files = sorted(sessions.glob("session-*.h5"))
    assert files == sorted(client.path for client in (first, second, third))
    for client in (first, second, third):
        recording = read_recording(client.path)
        assert recording.session["client"] == client.pseudonym
        assert recording.session["notes"] == client.notes + client.added
        events = recording.events
        notes = events[events["kind"] == EventKind.NOTE.value]["label"].tolist()
        assert notes and all(note.startswith(client.notes) for note in notes)
        others = [other for other in (first, second, third) if other is not client]
        assert not any(
            other.notes in note or other.added in note for other in others for note in notes
        )
        markers = events[events["kind"] == EventKind.MARKER.value]["label"].tolist()
        assert markers == [MARKER_KEYS[key.upper()] for key in client.markers]
        assert recording.calibration["source"].startswith("calibrated ")
        kinds = set(events["kind"].tolist())
        if client is second:
            assert {EventKind.TARE, EventKind.PPT_PROTOCOL, EventKind.PPT_TRIAL_WITHDRAWN} <= kinds
            (protocol,) = events[events["kind"] == EventKind.PPT_PROTOCOL.value]["label"]
            assert '"sites": ["Upper trapezius"]' in protocol
            assert f'"rate_kpa_s": {PPT_RATE_KPA_S:.1f}' in protocol
            (withdrawn,) = events[events["kind"] == EventKind.PPT_TRIAL_WITHDRAWN.value]["label"]
            withdrawn = withdrawn.replace("\u202f", " ")  # a narrow space before the unit
            assert withdrawn == f"deleted: Upper trapezius L1 ({thresholds[0]} kPa)"
            trials = recording.ppt_trials
            # A ramp the simulator made too fast is repeated: its row is kept, marked.
            repeated = np.array([r.endswith(REPEATED_WORDS) for r in trials["reason"]], bool)
            assert set(trials["trial"][repeated].tolist()) <= {2}
            assert not trials["accepted"][repeated].any()
            trials = trials[~repeated]
            assert trials["trial"].tolist() == [1, 2]  # rows stay; the withdrawal beside them
            assert "too short" in trials["reason"][0] and "kept" in trials["reason"][0]
            assert trials["accepted"].tolist() == [0, 1]
            assert f"{trials['threshold_kpa'][1]:.0f}" == thresholds[1]
        else:  # no tare, calibration or PPT of the day's other moments
            foreign = kinds & {
                EventKind.TARE,
                EventKind.CALIBRATION,
                EventKind.PPT_PROTOCOL,
                EventKind.PPT_TRIAL_WITHDRAWN,
            }
            assert not foreign, f"{client.pseudonym}'s file holds {sorted(foreign)}"
            assert recording.ppt_trials.size == 0
