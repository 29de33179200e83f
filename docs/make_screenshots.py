"""Render the real windows on the simulator and save them as the docs' pictures.

QT_QPA_PLATFORM=offscreen python docs/make_screenshots.py
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from calibration import CalibrationStore
from firmware_bridge.sim import SimulatorConfig
from monitor.acquisition import Acquisition
from monitor.calibration_wizard import Step
from monitor.settings import AppSettings
from monitor.ui.main_window import MainWindow
from monitor.ui.target_editor import TargetEditor
from monitor.ui.theme import apply_theme

OUT = Path(__file__).parent / "images"


def wait(app: QApplication, until: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not until() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)


def save(widget: QWidget, name: str) -> None:
    OUT.mkdir(exist_ok=True)
    widget.grab().save(str(OUT / name))


def open_window(
    app: QApplication, profile: str, folder: Path, settings: AppSettings | None = None
) -> MainWindow:
    store = CalibrationStore(folder / "calibrations")
    acquisition = Acquisition(SimulatorConfig(profile=profile).to_url(), "fgb1", store)
    window = MainWindow(acquisition, folder, settings=settings)
    window.resize(1280, 800)
    acquisition.start()
    window.show()
    return window


def main_window(app: QApplication, folder: Path) -> None:
    """The live tab mid-hold while recording, then the review of that recording."""
    window = open_window(app, "therapy", folder)
    window.treatment.client_edit.setText("C-0042")
    window.treatment.side_box.setCurrentText("left")
    window.record_button.click()
    wait(app, lambda: False, 9.0)  # into the first hold (4.5-22 s)
    window.mark("trigger point found")
    window.notes_edit.setPlainText("Left UT trigger point refers to the temple.")
    wait(app, lambda: False, 8.0)
    save(window, "main-window.png")
    wait(app, lambda: False, 6.0)
    window.treatment.side_box.setCurrentText("right")
    wait(app, lambda: False, 14.0)  # the second hold, over the band
    window.record_button.click()
    window.tabs.setCurrentWidget(window.review)
    wait(app, lambda: False, 0.5)
    save(window, "review.png")
    window.close()


def light_theme(app: QApplication, folder: Path) -> None:
    """The live tab in the light theme, for bright rooms."""
    apply_theme(app, "light")
    window = open_window(app, "therapy", folder, AppSettings(theme="light"))
    window.treatment.client_edit.setText("C-0042")
    wait(app, lambda: False, 12.0)
    save(window, "main-window-light.png")
    window.close()
    apply_theme(app, "dark")


def ppt_screens(app: QApplication, folder: Path) -> None:
    """The PPT tab mid-ramp (the guide), then its results after a short protocol."""
    window = open_window(app, "ppt", folder)
    window.treatment.client_edit.setText("C-0042")
    ppt = window.ppt
    window.tabs.setCurrentWidget(ppt)
    setup = ppt.setup
    for row in (0, 12):  # upper trapezius, tibialis anterior
        setup.site_list.item(row).setCheckState(Qt.CheckState.Checked)
    setup.trials_box.setValue(2)
    setup.rest_box.setValue(0)
    setup.sex_box.setCurrentText("female")
    setup.start_button.click()
    wait(app, lambda: ppt.session.current_kpa > 180 and ppt.guide.pace_label.text() != "", 30)
    save(window, "ppt-guide.png")
    wait(app, lambda: ppt.session.run.finished, 150)
    wait(app, lambda: False, 0.5)
    save(window, "ppt-results.png")
    window.close()


def target_editor(app: QApplication, folder: Path) -> None:
    window = open_window(app, "steady", folder)
    window.treatment.choose("Infraspinatus — ischemic compression", "left")
    editor = TargetEditor(window.treatment.library, window.treatment.target, window)
    editor.basis_box.setCurrentText("% PPT")
    editor.low_box.setValue(70)
    editor.high_box.setValue(90)
    editor.show()
    wait(app, lambda: False, 0.3)
    save(editor, "target-editor.png")
    editor.close()
    window.close()


def calibration(app: QApplication, folder: Path) -> None:
    window = open_window(app, "weights", folder)
    window.open_calibration()
    dialog = window.calibration_dialog
    dialog.resize(1000, 760)
    dialog.start_button.click()
    wait(app, lambda: dialog.wizard.step is Step.LOADS and len(dialog.wizard.points) == 3, 20)
    save(dialog, "calibration-capturing.png")
    wait(app, lambda: dialog.wizard.step is Step.FIT, 30)
    save(dialog, "calibration-fit.png")
    dialog.accept_line.click()
    wait(app, lambda: dialog.wizard.step is Step.DONE, 20)
    wait(app, lambda: False, 0.3)
    save(dialog, "calibration-verified.png")
    dialog.reject()
    window.close()


def main() -> None:
    os.environ.setdefault("PRESSURE_MONITOR_DATA", tempfile.mkdtemp())
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    folder = Path(tempfile.mkdtemp())
    main_window(app, folder)
    target_editor(app, folder)
    ppt_screens(app, folder)
    light_theme(app, folder)
    calibration(app, folder)


if __name__ == "__main__":
    main()
