"""Min/max overviews of the force trace, so that a long recording opens and zooms instantly.

Level L holds one (t, min, max) row per L samples; each level is built from the one below,
as the samples arrive, so the writer keeps them current at no extra read (and `repair`
rebuilds them by writing the samples again).
"""

from __future__ import annotations

import numpy as np

from recordings.schema import OVERVIEW_DTYPE, OVERVIEW_LEVELS


def _reduce(rows: np.ndarray, factor: int) -> np.ndarray:
    """Combine every ``factor`` rows of an overview (or of samples) into one."""
    n = rows.size // factor
    grouped = rows[: n * factor].reshape(n, factor)
    out = np.empty(n, dtype=OVERVIEW_DTYPE)
    out["t"] = grouped["t"][:, 0]
    # fmin/fmax skip NaN (samples without calibration) without warnings; all-NaN stays NaN.
    out["min"] = np.fmin.reduce(grouped["min"], axis=1)
    out["max"] = np.fmax.reduce(grouped["max"], axis=1)
    return out


def as_rows(t: np.ndarray, force: np.ndarray) -> np.ndarray:
    rows = np.empty(len(t), dtype=OVERVIEW_DTYPE)
    rows["t"], rows["min"], rows["max"] = t, force, force
    return rows


class OverviewBuilder:
    """Feed sample blocks; get the complete overview rows each level gained."""

    def __init__(self, levels: tuple[int, ...] = OVERVIEW_LEVELS) -> None:
        self.levels = levels
        self._carry = [np.empty(0, dtype=OVERVIEW_DTYPE) for _ in levels]

    def add(self, t: np.ndarray, force: np.ndarray) -> dict[int, np.ndarray]:
        return self._cascade(as_rows(t, force), final=False)

    def finish(self) -> dict[int, np.ndarray]:
        """The partial last bucket of every level (at the end of a recording)."""
        return self._cascade(np.empty(0, dtype=OVERVIEW_DTYPE), final=True)

    def _cascade(self, rows: np.ndarray, final: bool) -> dict[int, np.ndarray]:
        out: dict[int, np.ndarray] = {}
        below = 1
        for index, level in enumerate(self.levels):
            factor = level // below
            pending = np.concatenate([self._carry[index], rows])
            complete = _reduce(pending, factor)
            rest = pending[complete.size * factor :]
            if final and rest.size:
                complete = np.concatenate([complete, _reduce(rest, rest.size)])
                rest = rest[:0]
            self._carry[index] = rest
            out[level] = complete
            rows, below = complete, level
        return out
