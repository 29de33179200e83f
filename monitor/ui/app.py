"""Start the desktop app: Qt application, theme, the acquisition and the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QApplication

from calibration import CalibrationStore
from monitor.acquisition import Acquisition
from monitor.paths import calibrations_dir
from monitor.ui.main_window import MainWindow
from monitor.ui.theme import apply_dark_theme


def default_recordings_dir() -> Path:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents or Path.home()) / "Pressure Monitor"


def run_app(port: str, protocol: str) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Pressure Monitor")
    apply_dark_theme(app)
    acquisition = Acquisition(port, protocol, CalibrationStore(calibrations_dir()))
    window = MainWindow(acquisition, default_recordings_dir(), simulated=port.startswith("fgsim"))
    acquisition.start()
    window.show()
    try:
        return app.exec()
    finally:
        window.shutdown()
