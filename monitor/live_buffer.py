"""A thread-safe ring of recent (time, force) samples: the reader writes, the display reads."""

from __future__ import annotations

import threading

import numpy as np

DEFAULT_CAPACITY = 1 << 19  # 52 s at 10 kHz, 8 MiB


class LiveBuffer:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._t = np.zeros(capacity)
        self._force = np.zeros(capacity)
        self._capacity = capacity
        self._written = 0
        self._lock = threading.Lock()

    @property
    def written(self) -> int:
        """Samples appended since creation (a counter, not the number held)."""
        with self._lock:
            return self._written

    def on_samples(self, block: np.ndarray) -> None:
        """Append a block with ``t`` and ``force`` fields (called on the reader thread)."""
        self.append(block["t"], block["force"])

    def append(self, t: np.ndarray, force: np.ndarray) -> None:
        n = len(t)
        if n > self._capacity:
            t, force, n = t[-self._capacity :], force[-self._capacity :], self._capacity
        with self._lock:
            start = self._written % self._capacity
            first = min(n, self._capacity - start)
            self._t[start : start + first] = t[:first]
            self._force[start : start + first] = force[:first]
            self._t[: n - first] = t[first:]
            self._force[: n - first] = force[first:]
            self._written += n

    def window(self, seconds: float) -> tuple[np.ndarray, np.ndarray]:
        """Copies of the samples of the last ``seconds`` (by sample time), oldest first."""
        with self._lock:
            held = min(self._written, self._capacity)
            if held == 0:
                return np.empty(0), np.empty(0)
            end = self._written % self._capacity
            parts = (
                [slice(end, self._capacity), slice(0, end)]
                if held == self._capacity
                else [slice(0, end)]
            )
            cut = self._t[(end - 1) % self._capacity] - seconds
            times, forces = [], []
            for part in parts:
                t = self._t[part]
                if t.size and t[-1] >= cut:
                    first = int(np.searchsorted(t, cut, side="left"))
                    times.append(t[first:].copy())
                    forces.append(self._force[part][first:].copy())
        if not times:
            return np.empty(0), np.empty(0)
        return np.concatenate(times), np.concatenate(forces)
