"""Render the real main window on the simulator and save it as the README's picture.

QT_QPA_PLATFORM=offscreen python docs/make_screenshots.py [seconds]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from firmware_bridge.sim import SimulatorConfig
from monitor.acquisition import Acquisition
from monitor.ui.main_window import MainWindow
from monitor.ui.theme import apply_dark_theme

OUT = Path(__file__).parent / "images"


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 24.0
    app = QApplication.instance() or QApplication([])
    apply_dark_theme(app)
    acquisition = Acquisition(SimulatorConfig(rate_hz=1000).to_url(), "fgb1")
    window = MainWindow(acquisition, Path(tempfile.mkdtemp()), simulated=True)
    window.resize(1280, 800)
    acquisition.start()
    window.show()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    OUT.mkdir(exist_ok=True)
    window.grab().save(str(OUT / "main-window.png"))
    window.close()


if __name__ == "__main__":
    main()
