"""Shared fixtures: simulator processes on real pseudo-terminals, the CLI as a user runs it."""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from calibration import CalibrationStore
from firmware_bridge.sim import SimulatorConfig
from firmware_bridge.sim.pty_server import serve_pty
from monitor.acquisition import Acquisition
from monitor.cues import Cue
from monitor.live_buffer import LiveBuffer
from monitor.ui import theme
from monitor.ui.calibration_dialog import CalibrationDialog
from monitor.ui.main_window import MainWindow

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

needs_pty = pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals need POSIX")


class PtyDevice:
    """A simulated device served on a fresh pty; ``unplug`` closes it like a pulled cable."""

    def __init__(self, config: SimulatorConfig) -> None:
        self._stop, ready = threading.Event(), queue.Queue()
        self._thread = threading.Thread(
            target=serve_pty, args=(config, self._stop, ready.put), daemon=True
        )
        self._thread.start()
        self.port: str = ready.get(timeout=10)

    def unplug(self) -> None:
        self._stop.set()
        self._thread.join(10)


@contextlib.contextmanager
def speaking_pty(lines: Iterable[bytes], interval_s: float = 0.02) -> Iterator[str]:
    """A DIY board on a real pty (POSIX): writes ``lines``, one every ``interval_s``, then
    nothing with the port still open, as a hung board does. Yields the port."""
    import tty  # noqa: PLC0415 - POSIX only

    controller, device = os.openpty()
    tty.setraw(device)
    stop = threading.Event()

    def speak() -> None:
        for line in lines:
            if stop.wait(interval_s):
                return
            with contextlib.suppress(OSError):
                os.write(controller, line)

    thread = threading.Thread(target=speak, daemon=True)
    thread.start()
    try:
        yield os.ttyname(device)
    finally:
        stop.set()
        thread.join(5)
        os.close(controller)
        os.close(device)


def wait_for_file(path: Path, timeout_s: float = 15.0) -> float:
    """Poll until ``path`` exists (``record`` listens from then on); returns when, on the
    monotonic clock."""
    deadline = time.monotonic() + timeout_s
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.01)
    return time.monotonic()


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, timeout: float = 60.0) -> CliResult:
    """``pressure-monitor ARGS`` in a subprocess, as a user or script runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


@dataclass
class SimulatorProcess:
    port: str
    process: subprocess.Popen

    def kill(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def start_simulator(*args: str) -> SimulatorProcess:
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", "simulate", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first_line = process.stdout.readline()
    if not first_line.startswith("port: "):
        process.kill()
        raise RuntimeError(f"simulate printed {first_line!r}; stderr: {process.stderr.read()}")
    return SimulatorProcess(first_line.split(" ", 1)[1].strip(), process)


@pytest.fixture
def simulator() -> Iterator[callable]:
    """Start ``pressure-monitor simulate ARGS`` processes; all are stopped after the test."""
    started: list[SimulatorProcess] = []

    def start(*args: str) -> SimulatorProcess:
        started.append(start_simulator(*args))
        return started[-1]

    yield start
    for sim in started:
        if sim.process.poll() is None:
            sim.kill()
        sim.process.stdout.close()
        sim.process.stderr.close()


@pytest.fixture
def pty_device() -> Iterator[Callable[..., PtyDevice]]:
    """Serve simulated devices (``SimulatorConfig`` fields) on real ptys from threads of this
    process: the port a reader or a ``record`` process sees is the same, without a
    ``simulate`` process to start (about a second each). All are unplugged after the test."""
    started: list[PtyDevice] = []

    def start(**config: object) -> PtyDevice:
        started.append(PtyDevice(SimulatorConfig(**config)))
        return started[-1]

    yield start
    for device in started:
        device.unplug()


@pytest.fixture(autouse=True)
def _no_leaked_threads() -> Iterator[None]:
    """Every thread a test starts (readers, writers, simulators) has ended when it ends: a
    thread left running outlives its window and races Qt's teardown at exit."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5
    while True:
        leaked = [t for t in set(threading.enumerate()) - before if t.is_alive()]
        if not leaked or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert not leaked, f"threads still running after the test: {[t.name for t in leaked]}"


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory, monkeypatch) -> None:
    """Tests never read or write the developer's own calibrations and settings."""
    monkeypatch.setenv("PRESSURE_MONITOR_DATA", str(tmp_path_factory.mktemp("user-data")))


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return tmp_path


class HeardCues:
    """Stands in for the sound card (the one thing a test machine cannot have): remembers
    which cues the window played."""

    def __init__(self) -> None:
        self.played: list[Cue] = []

    def play(self, cue: Cue) -> None:
        self.played.append(cue)


@pytest.fixture
def open_window(qtbot, tmp_path: Path) -> Iterator[Callable[..., MainWindow]]:
    """Open the main window on an in-process simulated device, as ``--demo`` does."""
    windows: list[MainWindow] = []  # held here: qtbot keeps only weak references

    def open_(
        profile: str = "steady",
        recordings_dir: Path | None = None,
        store: CalibrationStore | None = None,
        rate_hz: float = 500,
        sound: tuple[HeardCues | None, str] | None = None,
        **simulator_options: float,
    ) -> MainWindow:
        url = SimulatorConfig(rate_hz=rate_hz, profile=profile, **simulator_options).to_url()
        acquisition = Acquisition(url, "fgb1", store)
        sound = sound or (HeardCues(), "")
        window = MainWindow(acquisition, recordings_dir or tmp_path, open_sound=lambda: sound)
        qtbot.addWidget(window)
        # Tests close windows with recordings running (qtbot too, at teardown): no question
        # unless a test asks for it.
        window.force_close = True
        window.resize(1100, 760)
        acquisition.start()
        window.show()
        windows.append(window)
        qtbot.waitUntil(lambda: window.readout.value_label.text() != "—", timeout=5000)
        return window

    yield open_
    for window in windows:
        window.close()  # releases the device and closes any recording


@pytest.fixture
def themed_app(qapp: QApplication) -> Iterator[QApplication]:
    """The application in the dark theme, its palette and theme restored after: tests that
    switch themes leave no colours behind for the next test."""
    palette = qapp.palette()
    theme.apply_theme(qapp, "dark")
    yield qapp
    theme.apply_theme(qapp, "dark")
    qapp.setPalette(palette)


@pytest.fixture
def calibration_dialog(qtbot, tmp_path: Path) -> CalibrationDialog:
    """The calibration dialog on a device that is not read: the test fills its buffer."""
    acquisition = Acquisition("fgsim://", "fgb1")
    dialog = CalibrationDialog(acquisition, LiveBuffer(), CalibrationStore(tmp_path / "cal"))
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog
