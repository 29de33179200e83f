"""Recording benchmark: append throughput, bytes per sample, and opening a long recording.

    python benchmarks/recording.py

Each figure is printed next to a naive baseline measured in the same run, as a ratio:

- append: the writer thread (0.25 s batches) against appending each incoming block
  directly (resize + write per column, flush every second), as a first version would;
- size: bytes per sample of the simulator's therapy profile (goal <= 8) against
  uncompressed columns, written at once and at the live writer's cadence (a batch every
  0.25 s, a flush every 0.5 s), where SWMR's no-reuse of file space used to bloat files;
- review: open a 1 h x 1 kHz recording and draw its overview (goal >= 10x faster) against
  loading every sample and plotting it, both drawn by pyqtgraph offscreen.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import h5py
import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QApplication

from firmware_bridge.sim import SimulatorConfig, decoded_blocks
from monitor.acquisition import CALIBRATED_DTYPE, calibration_for
from recordings import RecordingWriter, ReviewFile, SessionInfo, read_recording
from recordings.h5file import H5Recording
from recordings.schema import SAMPLE_COLUMNS

RATE_HZ = 1000
BLOCK = 20  # samples per reader block at 1 kHz with 20 ms reads


def therapy_blocks(seconds: int) -> list[np.ndarray]:
    """The simulator's therapy profile through the real wire format and decoder."""
    info, decoded, _ = decoded_blocks(SimulatorConfig(rate_hz=RATE_HZ), seconds, 1.0)
    calibration = calibration_for(info)
    blocks = []
    for part in decoded:
        block = np.zeros(part.size, dtype=CALIBRATED_DTYPE)
        for name in part.dtype.names:
            block[name] = part[name]
        block["t"] = block["t_device"]
        block["force"] = calibration.apply(block["raw"])
        blocks.append(block)
    return blocks


def write_with_writer(path: Path, blocks: list[np.ndarray]) -> float:
    writer = RecordingWriter(path, SessionInfo(), {"protocol": "fgb1"}, {"source": "device"})
    start = time.perf_counter()
    writer.start()
    for block in blocks:
        for i in range(0, block.size, BLOCK):
            writer.append(block[i : i + BLOCK])
    writer.close()
    return time.perf_counter() - start


def write_at_live_cadence(path: Path, blocks: list[np.ndarray]) -> None:
    """As the writer thread does it in a real session: 250-sample batches, every other one
    flushed (no wall-clock waiting: the file's layout is what this measures)."""
    file = H5Recording.create(path, SessionInfo(), {"protocol": "fgb1"}, {"source": "device"})
    samples = np.concatenate(blocks)
    for index, start in enumerate(range(0, samples.size, RATE_HZ // 4)):
        file.write([samples[start : start + RATE_HZ // 4]], {})
        if index % 2:
            file.flush()
    file.close_and_stamp()


def write_naively(path: Path, blocks: list[np.ndarray]) -> float:
    start = time.perf_counter()
    last_flush = start
    with h5py.File(path, "w") as file:
        columns = {
            c.name: file.create_dataset(c.name, (0,), maxshape=(None,), dtype=c.dtype)
            for c in SAMPLE_COLUMNS
        }
        for block in blocks:
            for i in range(0, block.size, BLOCK):
                part = block[i : i + BLOCK]
                for name, dataset in columns.items():
                    n = dataset.shape[0]
                    dataset.resize((n + part.size,))
                    dataset[n:] = part[name]
                if time.perf_counter() - last_flush >= 1.0:
                    file.flush()
                    last_flush = time.perf_counter()
    return time.perf_counter() - start


def draw(x: np.ndarray, y: np.ndarray) -> None:
    """Plot and render offscreen, as the review tab would."""
    app = QApplication.instance() or QApplication([])
    widget = pg.PlotWidget()
    widget.resize(1200, 400)
    widget.plot(x, y)
    widget.show()
    app.processEvents()
    widget.grab()
    widget.close()


def open_and_draw_overview(path: Path) -> float:
    start = time.perf_counter()
    with ReviewFile(path) as review:
        t0, t1 = review.time_span()
        envelope = review.envelope(t0, t1, max_points=2000)
    x = np.repeat(envelope.t, 2)
    y = np.column_stack([envelope.low, envelope.high]).ravel()
    draw(x, y)
    return time.perf_counter() - start


def load_everything_and_draw(path: Path) -> float:
    start = time.perf_counter()
    recording = read_recording(path)
    draw(recording.samples["t"], recording.samples["force"])
    return time.perf_counter() - start


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="pm-bench-"))
    draw(np.arange(3.0), np.arange(3.0))  # Qt start-up is not part of either figure

    blocks = therapy_blocks(600)
    samples = sum(block.size for block in blocks)
    ours = write_with_writer(folder / "writer.h5", blocks)
    naive = write_naively(folder / "naive.h5", blocks)
    print(
        f"append   {samples / ours:12,.0f} samples/s   naive {samples / naive:12,.0f}"
        f"   ratio {naive / ours:6.1f}x"
    )

    raw = sum(np.dtype(c.dtype).itemsize for c in SAMPLE_COLUMNS)
    write_at_live_cadence(folder / "live.h5", blocks)
    for name, file in (("at once", "writer.h5"), ("live", "live.h5")):
        size = (folder / file).stat().st_size / samples
        print(
            f"size     {size:12.2f} bytes/sample  uncompressed {raw:6.0f}"
            f"   ratio {raw / size:6.1f}x   (goal <= 8; {name}, 10 min x 1 kHz)"
        )

    hour = therapy_blocks(3600)
    write_with_writer(folder / "hour.h5", hour)
    opened = min(open_and_draw_overview(folder / "hour.h5") for _ in range(3))
    loaded = min(load_everything_and_draw(folder / "hour.h5") for _ in range(2))
    print(
        f"review   {opened * 1000:12.0f} ms open+overview (1 h x 1 kHz)   naive "
        f"{loaded * 1000:8.0f} ms   ratio {loaded / opened:6.1f}x   (goal <= 300 ms, >= 10x)"
    )


if __name__ == "__main__":
    main()
