"""Host arrival times de-jittered: a steady device seen through a bursty USB link."""

from __future__ import annotations

import numpy as np
import pytest

from firmware_bridge.timing import ArrivalClock


def bursty_arrivals(rate_hz: float, seconds: float, seed: int = 0):
    """(made, chunks): when each sample was made, and (count, arrival) per read, as an FTDI
    cable's 16 ms latency timer plus scheduling delays deliver them."""
    rng = np.random.default_rng(seed)
    made = 0.5 + np.arange(int(rate_hz * seconds)) / rate_hz * 1.0001  # a crystal 100 ppm off
    flushes = np.arange(0.5, made[-1] + 0.016, 0.016)
    flushes += rng.uniform(0, 0.004, flushes.size)
    chunks, start = [], 0
    for flush in flushes:
        end = int(np.searchsorted(made, flush, side="right"))
        if end > start:
            chunks.append((end - start, float(flush + rng.uniform(0, 0.003))))
            start = end
    return made[:start], chunks


def stamp_all(clock: ArrivalClock, chunks) -> np.ndarray:
    return np.concatenate([clock.stamp(count, arrival) for count, arrival in chunks])


def test_times_follow_the_device_not_the_bursts() -> None:
    made, chunks = bursty_arrivals(80.0, 30.0)
    times = stamp_all(ArrivalClock(), chunks)
    settled = slice(80 * 2, None)  # after two seconds of history
    error = times[settled] - made[settled]
    assert np.ptp(error) < 0.004  # raw arrivals wander by ~20 ms
    assert np.all(error >= -0.001)  # never before the sample was made (bar the fit's noise)
    assert np.all(np.diff(times) > 0)


def test_jitter_does_not_show_as_noise_on_a_loading_rate() -> None:
    """A 50 kPa/s ramp on a 1 cm² probe is 5 N/s. The PPT guide fits the rate over about
    10 samples: from de-jittered times it stays within 1 % of the truth; with each chunk
    spread evenly since the previous one (what the decoder did before) it is off by 5 %+."""
    made, chunks = bursty_arrivals(80.0, 20.0, seed=4)
    force = 5.0 * (made - made[0])
    times = stamp_all(ArrivalClock(), chunks)
    spread, previous = [], chunks[0][1]
    for count, arrival in chunks:
        spread.append(previous + (arrival - previous) * np.arange(1, count + 1) / count)
        previous = arrival
    window = 10
    late = np.arange(80 * 2, made.size - window, window)

    def rates(t: np.ndarray) -> np.ndarray:
        return np.array([np.polyfit(t[i : i + window], force[i : i + window], 1)[0] for i in late])

    assert np.max(np.abs(rates(times) / 5.0 - 1)) < 0.01
    assert np.max(np.abs(rates(np.concatenate(spread)) / 5.0 - 1)) > 0.05


def test_a_pause_restarts_the_fit_instead_of_bending_it() -> None:
    clock = ArrivalClock()
    for i in range(100):
        clock.stamp(1, 1.0 + i * 0.01)
    after = clock.stamp(1, 10.0)  # the device paused for nine seconds
    assert clock.resets == 1
    assert after[0] == pytest.approx(10.0)


def test_first_chunk_is_spread_since_the_previous_arrival() -> None:
    clock = ArrivalClock()
    clock.stamp(0, 10.0)
    assert clock.stamp(4, 10.4).tolist() == pytest.approx([10.1, 10.2, 10.3, 10.4])
