"""Sample times for devices that send none: host arrival times, de-jittered.

USB delivers a stream in bursts (an FTDI cable's 16 ms latency timer, a CDC endpoint's
packets), so arrival times are jittery although the device's ADC runs at a steady rate. Taken
as they are, that jitter would show as noise on the loading rate the PPT mode shows live.
"""

from __future__ import annotations

import numpy as np

#: The fit looks back this far: long enough to average out bursts, short enough to follow a
#: crystal's drift and a device whose rate changes.
WINDOW_S = 10.0
#: Points kept at most (one per chunk); older ones go first.
MAX_POINTS = 2048
#: The fit needs this much history before it is trusted over plain arrival times.
MIN_SPAN_S = 0.25
MIN_POINTS = 4
#: A chunk this much later than the model expects means the device paused (or lines were
#: lost): the model starts again rather than bend the old line through the gap.
LATE_AFTER_S = 0.25


class ArrivalClock:
    """Steady sample times fitted to arrival times.

    Each chunk's last sample was made no later than the chunk arrived. Over the recent
    window the sample index is fitted to arrival time: the period from a least-squares
    slope, the offset from the lower envelope (the least delayed arrivals), so that no
    sample is ever stamped after it arrived. Before there is history to fit, the samples of
    a chunk are spread evenly since the previous arrival. After a pause, until the fit has
    history again, the period fitted before it is kept, with the offset from the new
    arrivals' lower envelope: a burst that piled up during the pause is spaced at the
    device's rate back from its arrival, not piled on it. After the first chunk (which,
    with no arrival before it, lands on its arrival) times are strictly increasing while
    arrivals are.
    """

    def __init__(self) -> None:
        self._next_index = 0
        self._indices = np.empty(0)
        self._arrivals = np.empty(0)
        self._previous_arrival: float | None = None
        self._last_time = -np.inf
        self._fitted: tuple[float, float] | None = None  # (period, offset) after the last chunk
        self.period: float | None = None  # the last fitted period, kept across a pause
        self.resets = 0  # pauses seen, for tests and diagnostics

    def stamp(self, count: int, arrival: float) -> np.ndarray:
        """Times (s, host clock) of the next ``count`` samples, which arrived at ``arrival``."""
        if count <= 0:  # bytes but no reading: the next readings were made after this
            self._previous_arrival = arrival
            return np.empty(0)
        indices = np.arange(self._next_index, self._next_index + count, dtype=np.float64)
        self._next_index += count
        if self._is_late(count, indices[-1], arrival):
            self.restart()
            self.resets += 1
        self._remember(indices[-1], arrival)
        self._fitted = fit = self._fit()
        if fit is not None:
            self.period, offset = fit
            times = offset + self.period * indices
        elif self.period is not None:  # after a pause: the old rate, on the new envelope
            offset = float(np.min(self._arrivals - self.period * self._indices))
            times = offset + self.period * indices
        else:
            previous = arrival if self._previous_arrival is None else self._previous_arrival
            times = previous + (arrival - previous) * np.arange(1, count + 1) / count
        self._previous_arrival = arrival
        times = np.minimum(times, arrival)  # never after the sample arrived
        if times[0] <= self._last_time < arrival:  # nor back in time: spread since the last
            times = self._last_time + (arrival - self._last_time) * np.arange(1, count + 1) / count
        times = np.maximum(times, self._last_time)  # an arrival that went back (a test clock)
        self._last_time = float(times[-1])
        return times

    def restart(self) -> None:
        """The stream was interrupted (a pause, a reconnection): fit afresh. The period
        fitted so far is kept: a device's rate survives its pauses."""
        self._indices, self._arrivals = np.empty(0), np.empty(0)
        self._previous_arrival = None
        self._fitted = None

    def _is_late(self, count: int, index: float, arrival: float) -> bool:
        """Whether the chunk came later than the fit (or, while there is none yet after a
        pause, the last time and the period) expects."""
        fit = self._fitted
        if fit is not None:
            return arrival - (fit[1] + fit[0] * index) > LATE_AFTER_S
        if self.period is None or not np.isfinite(self._last_time):
            return False
        return arrival - (self._last_time + self.period * count) > LATE_AFTER_S

    def _remember(self, index: float, arrival: float) -> None:
        keep = self._arrivals > arrival - WINDOW_S
        self._indices = np.append(self._indices[keep], index)[-MAX_POINTS:]
        self._arrivals = np.append(self._arrivals[keep], arrival)[-MAX_POINTS:]

    def _fit(self) -> tuple[float, float] | None:
        if self._indices.size < MIN_POINTS:
            return None
        if self._arrivals[-1] - self._arrivals[0] < MIN_SPAN_S:
            return None
        index = self._indices - self._indices.mean()
        spread = float(index @ index)
        if spread == 0:
            return None
        period = float(index @ (self._arrivals - self._arrivals.mean())) / spread
        if not period > 0:
            return None
        offset = float(np.min(self._arrivals - period * self._indices))
        return period, offset
