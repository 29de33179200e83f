"""A thread-safe ring of recent samples (time, force, raw): the reader writes, the display reads."""

from __future__ import annotations

import threading

import numpy as np

DEFAULT_CAPACITY = 1 << 20  # 105 s at 10 kHz (the longest trace window is 90 s), 24 MiB


class LiveBuffer:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._columns = {name: np.zeros(capacity) for name in ("t", "force", "raw")}
        self._capacity = capacity
        self._written = 0
        self._lock = threading.Lock()

    @property
    def written(self) -> int:
        """Samples appended since creation (a counter, not the number held)."""
        with self._lock:
            return self._written

    def on_samples(self, block: np.ndarray) -> None:
        """Append a block with ``t``, ``force`` and ``raw`` fields (on the reader thread)."""
        self.append(block["t"], block["force"], block["raw"])

    def append(self, t: np.ndarray, force: np.ndarray, raw: np.ndarray | None = None) -> None:
        values = {"t": t, "force": force, "raw": force if raw is None else raw}
        n = len(t)
        if n > self._capacity:
            values = {name: column[-self._capacity :] for name, column in values.items()}
            n = self._capacity
        with self._lock:
            start = self._written % self._capacity
            first = min(n, self._capacity - start)
            for name, column in self._columns.items():
                column[start : start + first] = values[name][:first]
                column[: n - first] = values[name][first:]
            self._written += n

    def clear(self) -> None:
        """Forget what is held (another device: another session clock)."""
        with self._lock:
            self._written = 0
            for column in self._columns.values():
                column[:] = 0

    def window(self, seconds: float) -> tuple[np.ndarray, np.ndarray]:
        """Copies of time and force of the last ``seconds`` (by sample time), oldest first."""
        columns = self.columns(seconds, ("t", "force"))
        return columns["t"], columns["force"]

    def columns(self, seconds: float, names: tuple[str, ...]) -> dict[str, np.ndarray]:
        """Copies of the named columns over the last ``seconds``, oldest first."""
        with self._lock:
            held = min(self._written, self._capacity)
            if held == 0:
                return {name: np.empty(0) for name in names}
            end = self._written % self._capacity
            if held == self._capacity:
                parts = [slice(end, self._capacity), slice(0, end)]
            else:
                parts = [slice(0, end)]
            t = self._columns["t"]
            cut = t[(end - 1) % self._capacity] - seconds
            pieces: dict[str, list[np.ndarray]] = {name: [] for name in names}
            for part in parts:
                times = t[part]
                if times.size and times[-1] >= cut:
                    first = int(np.searchsorted(times, cut, side="left"))
                    for name in names:
                        pieces[name].append(self._columns[name][part][first:].copy())
        return {
            name: np.concatenate(chunks) if chunks else np.empty(0)
            for name, chunks in pieces.items()
        }
