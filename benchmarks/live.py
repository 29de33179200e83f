"""Live-display benchmark: the real main window, offscreen, fed by the simulator through a pty.

    python benchmarks/live.py                 # 1 kHz and 10 kHz, 20 s each
    python benchmarks/live.py --soak 600      # also: memory over a long run, as MB per hour
    python benchmarks/live.py --rates 1000 --ablate   # where the CPU goes

For each rate it prints, for the app's window and for a naive window (one curve redrawn with
the whole history every frame, as a first version would), side by side with their ratio:

- frames/s: new frames painted per second (paint events showing a newer sample than the last);
- latency p50 / p95: from the moment the simulator made the newest sample on screen (it stamps
  samples with the machine's monotonic clock, ``simulate --host-clock``) to the paint that
  showed it;
- CPU: user + system time of the whole process (reader thread, decoding, display) per
  second of wall time, in % of one core.

``--ablate`` measures the app's window again with one part switched off at a time (the
trace, the gauge, the digits and hold timer, all refreshing), to show where its CPU goes.

The soak run feeds the app's window at 10 kHz and records it: ten times the samples of a 1 kHz
session per second, so 12 min stand for a 2 h session at 1 kHz. It prints resident memory
every minute and its slope after the first minute (goal: flat, i.e. near 0 MB/h).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication

from monitor.acquisition import Acquisition
from monitor.ui.main_window import REFRESH_INTERVAL_MS, MainWindow
from monitor.ui.theme import apply_theme

WRAP_S = 2**32 / 1e6  # the device clock is u32 microseconds
WARM_UP_S = 5.0


def start_simulator(rate_hz: float) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", "simulate", "--rate", str(rate_hz), "--host-clock"],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    if not line.startswith("port: "):
        process.kill()
        raise RuntimeError(f"simulate printed {line!r}")
    return process, line.split(" ", 1)[1].strip()


class LatencyProbe(QObject):
    """Knows when each sample was made (from the stream) and notes, at every paint of
    ``widget``, how long ago the newest sample on screen was made."""

    def __init__(self, acquisition: Acquisition, widget, newest_shown) -> None:
        super().__init__()
        self._offset: float | None = None  # t_device - session t, fixed per stream
        self._newest_shown = newest_shown  # () -> session time of the newest sample drawn
        self.latencies: list[float] = []
        self.paints = 0
        self._last_painted: float | None = None
        acquisition.connect(self._on_samples)
        widget.installEventFilter(self)

    def _on_samples(self, block: np.ndarray) -> None:
        if self._offset is None and block.size:
            self._offset = float(block["t_device"][0] - block["t"][0])

    def reset(self) -> None:
        self.latencies.clear()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and self._offset is not None:
            newest = self._newest_shown()
            if newest is not None and newest != self._last_painted:  # a new frame's first paint
                self._last_painted = newest
                now = time.monotonic()
                made = newest + self._offset  # the simulator's clock, mod 2^32 us
                made += round((now - made) / WRAP_S) * WRAP_S
                self.latencies.append(now - made)
                self.paints += 1
        return False


class NaiveWindow(pg.PlotWidget):
    """The baseline: keep every sample, redraw all of them every frame."""

    def __init__(self, acquisition: Acquisition) -> None:
        super().__init__()
        self.t: list[np.ndarray] = []
        self.force: list[np.ndarray] = []
        self.curve = self.plot()
        self.newest: float | None = None
        acquisition.connect(self._on_samples)
        self.timer = QTimer(self, interval=REFRESH_INTERVAL_MS, timeout=self.redraw)
        self.timer.start()

    def _on_samples(self, block: np.ndarray) -> None:
        self.t.append(block["t"].copy())
        self.force.append(block["force"].copy())

    def redraw(self) -> None:
        if self.t:
            t, force = np.concatenate(self.t), np.concatenate(self.force)
            self.curve.setData(t, force)
            self.newest = float(t[-1])


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_for(app: QApplication, seconds: float) -> None:
    """Run Qt's event loop for ``seconds`` (not app.quit(): in Qt 6 that closes the windows)."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def _nothing(*args: object) -> None:
    """Stands in for a part switched off."""


#: What ``--ablate`` switches off, by name: the window's parts the refresh drives.
ABLATIONS = {
    "the trace": lambda window: setattr(window.trace, "show_frame", _nothing),
    "the gauge": lambda window: setattr(window.gauge, "show_frame", _nothing),
    "digits and hold": lambda window: (
        setattr(window.readout, "show_frame", _nothing),
        setattr(window.hold_display, "show_hold", _nothing),
    ),
    "all refreshing": lambda window: window.timer.stop(),
}


def measure(
    app: QApplication, rate_hz: float, seconds: float, naive: bool, switch_off: str = ""
) -> dict:
    simulator, port = start_simulator(rate_hz)
    acquisition = Acquisition(port, "fgb1")
    try:
        if naive:
            window = NaiveWindow(acquisition)
            probe = LatencyProbe(acquisition, window.viewport(), lambda: window.newest)
        else:
            window = MainWindow(acquisition, Path("/nonexistent"), open_sound=lambda: (None, ""))
            frames: list[float] = []
            original = window.view.frame

            def frame_and_note(with_trace: bool = True, now: float | None = None):
                frame = original(with_trace, now)
                if window.buffer.written:
                    frames.append(float(window.buffer.window(0.0)[0][-1]))
                return frame

            window.view.frame = frame_and_note
            probe = LatencyProbe(acquisition, window.gauge, lambda: frames[-1] if frames else None)
            if switch_off:
                ABLATIONS[switch_off](window)
        window.resize(1280, 800)
        acquisition.start()
        window.show()
        run_for(app, WARM_UP_S)
        probe.reset()
        cpu, wall = cpu_seconds(), time.monotonic()
        run_for(app, seconds)
        cpu, wall = cpu_seconds() - cpu, time.monotonic() - wall
        latencies = np.array(probe.latencies) * 1000
        return {
            "fps": probe.paints / wall,
            "p50": float(np.percentile(latencies, 50)) if latencies.size else float("nan"),
            "p95": float(np.percentile(latencies, 95)) if latencies.size else float("nan"),
            "cpu": 100 * cpu / wall,
            "status": acquisition.status(),
        }
    finally:
        if naive:
            window.timer.stop()
        else:
            window.shutdown()
        window.close()
        acquisition.stop()
        simulator.terminate()
        simulator.wait(10)


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def soak(app: QApplication, seconds: float) -> None:
    """The window live and recording at 10 kHz for ``seconds``, memory noted every minute."""
    simulator, port = start_simulator(10_000)
    acquisition = Acquisition(port, "fgb1")
    folder = Path(tempfile.mkdtemp(prefix="pm-soak-"))
    window = MainWindow(acquisition, folder, open_sound=lambda: (None, ""))
    window.resize(1280, 800)
    acquisition.start()
    window.show()
    run_for(app, 1.0)
    window.record_button.click()
    points: list[tuple[float, float]] = []
    start = time.monotonic()
    try:
        while time.monotonic() - start < seconds:
            run_for(app, 60.0)
            points.append((time.monotonic() - start, rss_mb()))
            samples = acquisition.status().samples
            print(
                f"soak  {points[-1][0]:6.0f} s  {samples:11,d} samples  RSS {points[-1][1]:7.1f} MB"
            )
    finally:
        window.shutdown()  # stops the recording
        window.close()
        simulator.terminate()
        simulator.wait(10)
    for file in folder.glob("*.h5"):
        print(f"soak  recording {file.name}: {file.stat().st_size / 1e6:.1f} MB")
    if len(points) >= 3:
        t, rss = np.array(points[1:]).T
        slope = np.polyfit(t / 3600, rss, 1)[0]
        print(f"soak  RSS slope after the first minute: {slope:+.1f} MB/h (goal: flat)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rates", type=float, nargs="*", default=[1000.0, 10_000.0])
    parser.add_argument("--soak", type=float, default=0.0, help="seconds of memory soak")
    parser.add_argument(
        "--ablate", action="store_true", help="CPU with each part of the window switched off"
    )
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    for rate in args.rates:
        ours = measure(app, rate, args.seconds, naive=False)
        naive = measure(app, rate, args.seconds, naive=True)
        dropped = ours["status"].dropped_samples
        print(f"--- {rate:,.0f} samples/s, {args.seconds:g} s (dropped by the app: {dropped})")
        for key, label, unit, better_high in (
            ("fps", "frames/s", "", True),
            ("p50", "latency p50", " ms", False),
            ("p95", "latency p95", " ms", False),
            ("cpu", "CPU", " %", False),
        ):
            a, b = ours[key], naive[key]
            ratio = a / b if better_high else b / a
            print(f"{label:12s} {a:9.1f}{unit:3s}  naive {b:9.1f}{unit:3s}  ratio {ratio:5.1f}x")
        if args.ablate:
            print(f"CPU without {'(nothing)':17s} {ours['cpu']:5.1f} %")
            for part in ABLATIONS:
                cpu = measure(app, rate, args.seconds, naive=False, switch_off=part)["cpu"]
                print(f"CPU without {part:17s} {cpu:5.1f} %")
    if args.soak:
        soak(app, args.soak)


if __name__ == "__main__":
    main()
