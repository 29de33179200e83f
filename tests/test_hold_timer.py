"""The hold timer, driven by sample time and zones as the live view drives it."""

from __future__ import annotations

import numpy as np
import pytest

from monitor.feedback import Zone
from monitor.hold_timer import HoldTimer


def drive(timer: HoldTimer, zones: list[tuple[float, Zone | None]], step: float = 0.033):
    """Hold each zone for its duration, updating at the display rate."""
    t, state = 0.0, timer.state
    for duration, zone in zones:
        for _ in range(round(duration / step)):
            t += step
            state = timer.update(t, zone)
    return state


def test_counts_current_longest_and_total() -> None:
    timer = HoldTimer(target_s=60)
    state = drive(timer, [(5, Zone.UNDER), (20, Zone.IN), (3, Zone.OVER), (10, Zone.IN)])
    assert state.current_s == pytest.approx(10, abs=0.1)
    assert state.longest_s == pytest.approx(20, abs=0.1)
    assert state.total_s == pytest.approx(30, abs=0.1)
    assert not state.reached and state.progress == pytest.approx(10 / 60, abs=0.01)


def test_brief_dip_does_not_break_a_hold() -> None:
    timer = HoldTimer(target_s=30)
    state = drive(timer, [(20, Zone.IN), (0.3, Zone.UNDER), (12, Zone.IN)])
    assert state.current_s == pytest.approx(32, abs=0.1)  # the dip paused, not ended, the hold
    assert state.reached and state.progress == 1.0


def test_a_release_ends_the_hold() -> None:
    timer = HoldTimer(target_s=30)
    state = drive(timer, [(20, Zone.IN), (1.0, Zone.UNDER)])
    assert state.current_s == 0 and state.longest_s == pytest.approx(20, abs=0.1)


def test_no_target_means_no_progress_and_never_reached() -> None:
    state = drive(HoldTimer(), [(100, Zone.IN)])
    assert state.progress == 0 and not state.reached


def test_reset_for_a_new_muscle() -> None:
    timer = HoldTimer(target_s=60)
    drive(timer, [(40, Zone.IN)])
    timer.reset(target_s=90)
    assert timer.state.current_s == 0 and timer.state.target_s == 90
    assert np.isfinite(timer.update(100.0, Zone.IN).current_s)
