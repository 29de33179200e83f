"""One PPT protocol being measured: the stream in, trials and the ramp guide out. Qt-free.

The PPT screen hands it calibrated blocks (force in N and the device's flags) and the
examiner's key presses; it turns force into pressure on the probe, finds trials, adds them to
the run, and says what the ramp guide shows.
"""

from __future__ import annotations

import numpy as np

from firmware_bridge.samples import FLAG_BUTTON
from monitor.ppt.protocol import PlannedTrial, PptProtocol, PptRun
from monitor.ppt.trial import GuideFrame, PptSettings, RampGuide, Trial, TrialDetector

#: The guide looks back this far at most (its window is 0.25-1 s).
GUIDE_HISTORY_S = 1.0


class PptSession:
    def __init__(
        self,
        protocol: PptProtocol,
        probe_area_cm2: float = 1.0,
        sample_rate_hz: float = 1000.0,
        tolerance: float = 0.20,
        safety_max_kpa: float = 1000.0,
    ) -> None:
        self.settings = PptSettings(
            target_rate_kpa_s=protocol.rate_kpa_s,
            tolerance=tolerance,
            safety_max_kpa=safety_max_kpa,
        )
        self.run = PptRun(protocol)
        self.detector = TrialDetector(self.settings)
        self.guide = RampGuide(self.settings, sample_rate_hz)
        self.probe_area_cm2 = probe_area_cm2
        self._recent_t = np.zeros(0)
        self._recent_kpa = np.zeros(0)

    def kpa(self, force_n: np.ndarray) -> np.ndarray:
        return np.asarray(force_n, dtype=np.float64) * 10.0 / self.probe_area_cm2

    def feed(
        self, t: np.ndarray, force_n: np.ndarray, flags: np.ndarray, now: float
    ) -> list[tuple[PlannedTrial, Trial]]:
        """Trials this block completed, each with the site it was measured at."""
        kpa = self.kpa(force_n)
        since = self.detector.loading_since
        if t.size:  # the trial under way (for its plot), else the last second
            start = float(t[-1]) - GUIDE_HISTORY_S
            keep = self._recent_t >= (min(since, start) if since is not None else start)
        else:
            keep = slice(None)
        self._recent_t = np.concatenate([self._recent_t[keep], t])
        self._recent_kpa = np.concatenate([self._recent_kpa[keep], kpa])
        done = []
        for trial in self.detector.feed(t, kpa, (flags & FLAG_BUTTON) > 0):
            planned = self.run.current
            if planned is None:
                break
            self.run.add(trial, now)
            done.append((planned, trial))
        return done

    def stop_now(self) -> None:
        """The examiner's key or foot pedal: the trial stops at the newest sample."""
        if self._recent_t.size:
            self.detector.stop_now(float(self._recent_t[-1]))

    def guide_frame(self) -> GuideFrame:
        return self.guide.frame(self._recent_t, self._recent_kpa, self.detector.loading_since)

    def describe(self) -> dict[str, object]:
        """The protocol and its settings, as recorded with the trials (order seed included, so
        a randomised order can be reproduced)."""
        protocol = self.run.protocol
        return {
            "sites": list(protocol.sites),
            "sides": list(protocol.sides),
            "trials_per_site": protocol.trials_per_site,
            "rate_kpa_s": protocol.rate_kpa_s,
            "interval_s": protocol.interval_s,
            "order": protocol.order,
            "seed": protocol.seed,
            "tolerance": self.settings.tolerance,
            "safety_max_kpa": self.settings.safety_max_kpa,
            "probe_area_cm2": self.probe_area_cm2,
        }

    def recent(self) -> tuple[np.ndarray, np.ndarray]:
        """(time, pressure) since the trial under way started loading, at least the last
        second: what the guide's plot draws."""
        return self._recent_t, self._recent_kpa

    @property
    def current_kpa(self) -> float:
        return float(self._recent_kpa[-1]) if self._recent_kpa.size else float("nan")
