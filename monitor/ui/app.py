"""Start the desktop app: Qt application, theme, the acquisition and the main window."""

from __future__ import annotations

import signal
import sys

from PySide6.QtCore import QByteArray, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from calibration import CalibrationStore
from firmware_bridge.sim import SimulatorConfig
from monitor.acquisition import Acquisition
from monitor.paths import calibrations_dir, default_recordings_dir
from monitor.ui import settings_store
from monitor.ui.main_window import MainWindow
from monitor.ui.theme import apply_theme

#: Where the window's size and place are kept (Qt's own encoding, beside the settings).
GEOMETRY_KEY = "window/geometry"


#: How often Python gets the chance to run signal handlers while Qt's loop runs.
SIGNAL_CHECK_MS = 200


def quit_on_signals(app: QApplication, window: MainWindow | None = None) -> QTimer:
    """Ctrl-C or SIGTERM from a terminal quit the app cleanly (closing any recording).

    Python handles signals only between its own bytecodes, never inside Qt's C++ loop: a
    timer that runs a no-op gives it that chance. Keep the returned timer alive."""

    def quit_now(*_: object) -> None:
        if window is not None:
            window.force_close = True  # nobody is there to answer "stop recording?"
        app.quit()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, quit_now)
    timer = QTimer(interval=SIGNAL_CHECK_MS)
    timer.timeout.connect(lambda: None)
    timer.start()
    return timer


def run_app(port: str | None, protocol: str | None) -> int:
    """The app on ``port`` (None: the device used last time, else the simulator)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Pressure Monitor")
    stored = QSettings("pressure-monitor", "Pressure Monitor")
    settings = settings_store.load(stored)
    apply_theme(app, settings.theme)
    if port is None:
        port = settings.last_port or SimulatorConfig().to_url()
        protocol = protocol or (settings.protocol if settings.last_port else "fgb1")
    acquisition = Acquisition(port, protocol or "fgb1", CalibrationStore(calibrations_dir()))
    window = MainWindow(
        acquisition,
        default_recordings_dir(),
        settings=settings,
        on_settings_changed=lambda settings: settings_store.save(stored, settings),
        geometry=_stored_geometry(stored),
        on_geometry=lambda geometry: stored.setValue(GEOMETRY_KEY, QByteArray(geometry)),
    )
    acquisition.start()
    window.show()
    signal_timer = quit_on_signals(app, window)
    try:
        return app.exec()
    finally:
        signal_timer.stop()
        window.shutdown()


def _stored_geometry(stored: QSettings) -> bytes | None:
    value = stored.value(GEOMETRY_KEY)
    return bytes(value.data()) if isinstance(value, QByteArray) else None
