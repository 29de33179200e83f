"""Holds in the band: how long this one has lasted, the longest, and the total time in band.

Ischemic compression is held in the band for tens of seconds; the tremor of a working hand
can dip it out of the band for a moment without the therapist letting go. A dip shorter than
``grace_s`` pauses the hold; a longer one ends it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from monitor.feedback import Zone

GRACE_S = 0.5


@dataclass(frozen=True)
class HoldState:
    current_s: float = 0.0  # the hold under way (0 when none)
    longest_s: float = 0.0
    total_s: float = 0.0  # all time in band
    target_s: float | None = None

    @property
    def reached(self) -> bool:
        return self.target_s is not None and self.current_s >= self.target_s

    @property
    def progress(self) -> float:
        """0..1 towards the target hold (0 without a target)."""
        if not self.target_s:
            return 0.0
        return min(self.current_s / self.target_s, 1.0)


class HoldTimer:
    def __init__(self, target_s: float | None = None, grace_s: float = GRACE_S) -> None:
        self.grace_s = grace_s
        self.reset(target_s)

    def reset(self, target_s: float | None = None) -> None:
        """A new muscle, side or technique: a new count."""
        self.target_s = target_s
        self._state = HoldState(target_s=target_s)
        self._last_t: float | None = None
        self._out_since: float | None = None

    @property
    def state(self) -> HoldState:
        return self._state

    def update(self, t: float, zone: Zone | None) -> HoldState:
        """Advance to sample time ``t`` with the zone the pressure is in now."""
        dt = 0.0 if self._last_t is None else max(t - self._last_t, 0.0)
        self._last_t = t
        state = self._state
        if zone is Zone.IN:
            self._out_since = None
            current = state.current_s + dt
            state = HoldState(
                current, max(state.longest_s, current), state.total_s + dt, self.target_s
            )
        elif state.current_s > 0:
            self._out_since = t if self._out_since is None else self._out_since
            if t - self._out_since >= self.grace_s:
                state = HoldState(0.0, state.longest_s, state.total_s, self.target_s)
        self._state = state
        return state


def hold_durations(t: np.ndarray, in_band: np.ndarray, grace_s: float = GRACE_S) -> np.ndarray:
    """Every hold in a recorded stretch, in seconds: what ``HoldTimer`` would have counted
    live, computed on whole arrays for review.

    A sample in band is credited the time since the previous sample; a stretch out of band
    ends the hold once it has lasted ``grace_s`` (from its first to its last sample)."""
    inside = np.flatnonzero(in_band)
    if inside.size == 0:
        return np.zeros(0)
    credit = np.diff(t, prepend=t[0])[inside]
    before, after = inside[:-1], inside[1:]
    apart = after > before + 1
    out_length = np.where(
        apart, t[np.maximum(after - 1, 0)] - t[np.minimum(before + 1, t.size - 1)], 0
    )
    breaks = np.flatnonzero(apart & (out_length >= grace_s)) + 1
    return np.add.reduceat(credit, np.concatenate([[0], breaks]))
