"""A thread-safe ring of recent samples (time, force, raw): the reader writes, the display reads."""

from __future__ import annotations

import threading

import numpy as np

DEFAULT_CAPACITY = 1 << 20  # 105 s at 10 kHz (the longest trace window is 90 s), 24 MiB


def min_max_decimate(
    t: np.ndarray, values: np.ndarray, max_points: int
) -> tuple[np.ndarray, np.ndarray]:
    """At most ``max_points`` points: each bucket of samples as its minimum and maximum (NaN
    ignored), so a one-sample peak survives any rate. New arrays, never views of the input."""
    n = t.size
    if n <= max_points:
        return t.copy(), values.copy()
    per_bucket = -(-n // (max_points // 2))
    starts = np.arange(0, n, per_bucket)
    ends = np.minimum(starts + per_bucket, n) - 1
    low, high = np.fmin.reduceat(values, starts), np.fmax.reduceat(values, starts)
    return (
        np.column_stack([t[starts], t[ends]]).ravel(),
        np.column_stack([low, high]).ravel(),
    )


class LiveBuffer:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._columns = {name: np.zeros(capacity) for name in ("t", "force", "raw")}
        self._capacity = capacity
        self._written = 0
        self._lock = threading.Lock()
        # Where ``envelope`` gathers a window: reused, so a frame does not fault in fresh pages.
        self._scratch = {name: np.empty(0) for name in ("t", "force")}

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
            parts = self._recent(seconds)
            return {
                name: np.concatenate([self._columns[name][part] for part in parts])
                if parts
                else np.empty(0)
                for name in names
            }

    def envelope(self, seconds: float, max_points: int) -> tuple[np.ndarray, np.ndarray]:
        """Time and force of the last ``seconds`` as at most ``max_points`` min/max points:
        what a trace draws. Decimated under the lock from a reused scratch copy, so a frame
        neither allocates nor hands over the whole window (900 000 samples at 10 kHz)."""
        with self._lock:
            parts = self._recent(seconds)
            n = sum(part.stop - part.start for part in parts)
            t, force = (
                np.concatenate(
                    [self._columns[name][part] for part in parts] or [np.empty(0)],
                    out=self._scratch_for(name, n),
                )
                for name in ("t", "force")
            )
            return min_max_decimate(t, force, max_points)

    def _scratch_for(self, name: str, n: int) -> np.ndarray:
        if self._scratch[name].size < n:
            self._scratch[name] = np.empty(min(2 * n, self._capacity))
        return self._scratch[name][:n]

    def _recent(self, seconds: float) -> list[slice]:
        """The ring's slices holding the last ``seconds`` (by sample time), oldest first;
        called with the lock held."""
        held = min(self._written, self._capacity)
        if held == 0:
            return []
        end = self._written % self._capacity
        if held == self._capacity:
            parts = [slice(end, self._capacity), slice(0, end)]
        else:
            parts = [slice(0, end)]
        t = self._columns["t"]
        cut = t[(end - 1) % self._capacity] - seconds
        recent = []
        for part in parts:
            times = t[part]
            if times.size and times[-1] >= cut:
                first = int(np.searchsorted(times, cut, side="left"))
                recent.append(slice(part.start + first, part.stop))
        return recent
