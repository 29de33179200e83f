"""The PPT report's small plots, Qt-free: round ticks on their shared axes, and titles
wrapped to their cell (the drawing is ``monitor/ui/ppt_report.py``)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from monitor import numbers
from monitor.numbers import GIVEN_DECIMALS

#: Round steps between ticks (times a power of ten): 1, 2, 2.5, 5.
TICK_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)
#: A small plot's axes carry at most this many steps.
MOST_TICK_STEPS = 5
#: A small plot's title wraps to at most this many lines; the last is elided with "…".
TITLE_LINES = 3


@dataclass(frozen=True)
class Axis:
    """A small plot's axis from 0 to ``top``, ticked at round steps that end on ``top``."""

    top: float
    step: float

    @classmethod
    def holding(cls, largest: float) -> Axis:
        """From 0 past ``largest`` (with some headroom), in at most ``MOST_TICK_STEPS``
        round steps."""
        largest = largest * 1.05 if largest > 0 else 1.0
        raw = largest / MOST_TICK_STEPS
        power = 10 ** math.floor(math.log10(raw))
        step = next(m * power for m in TICK_STEPS if m * power >= raw * (1 - 1e-9))
        return cls(math.ceil(largest / step - 1e-9) * step, step)

    def ticks(self) -> list[float]:
        return [i * self.step for i in range(round(self.top / self.step) + 1)]

    def label(self, value: float, symbol: str) -> str:
        """A tick's number; the last one says the unit."""
        decimals = next(
            (d for d in range(GIVEN_DECIMALS) if math.isclose(round(self.step, d), self.step)),
            GIVEN_DECIMALS,
        )
        if math.isclose(value, self.top):
            return numbers.with_unit(value, symbol, decimals)
        return numbers.number(value, decimals)


def wrapped(text: str, fits: Callable[[str], bool], lines: int = TITLE_LINES) -> list[str]:
    """``text`` broken at spaces into at most ``lines`` lines, each as long as ``fits`` (a
    line -> whether it fits the cell) allows. A line that still does not fit (one word too
    long alone, or the rest joined on the last line) is the caller's to elide."""
    out: list[str] = []
    for word in text.split(" "):
        if out and fits(f"{out[-1]} {word}"):
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
    if len(out) > lines:
        out = [*out[: lines - 1], " ".join(out[lines - 1 :])]
    return out
