"""Sound cues: which cue when, and the tones that carry them (Qt-free)."""

from __future__ import annotations

import io
import itertools
import wave

import numpy as np
import pytest

from monitor.cues import MIN_GAP_S, OVER_REPEAT_S, Cue, CueChooser
from monitor.feedback import Zone
from monitor.tones import SAMPLE_RATE, TUNES, tune_wav


def run(steps: list[tuple[float, Zone | None, bool]]) -> list[tuple[float, Cue]]:
    chooser = CueChooser()
    heard = []
    for t, zone, reached in steps:
        cue = chooser.update(t, zone, reached)
        if cue:
            heard.append((t, cue))
    return heard


def test_a_hold_sounds_in_then_reached_then_under_on_slipping() -> None:
    steps = [(0.0, Zone.UNDER, False), (1.0, Zone.UNDER, False), (2.0, Zone.IN, False)]
    steps += [(2.0 + k * 0.1, Zone.IN, False) for k in range(1, 50)]
    steps += [(7.0, Zone.IN, True), (7.5, Zone.IN, True), (8.0, Zone.UNDER, False)]
    assert run(steps) == [(2.0, Cue.IN), (7.0, Cue.REACHED), (8.0, Cue.UNDER)]


def test_lifting_the_probe_between_holds_is_silent() -> None:
    # Never in band: resting under the band is the normal state between holds.
    assert run([(k * 0.1, Zone.UNDER, False) for k in range(100)]) == []
    assert run([(0.0, None, False), (1.0, Zone.UNDER, False), (2.0, None, False)]) == []


def test_over_warns_at_once_and_keeps_warning() -> None:
    steps = [(k * 0.1, Zone.OVER, False) for k in range(61)]  # 6 s over
    heard = run(steps)
    assert [cue for _, cue in heard] == [Cue.OVER] * 4
    assert np.diff([t for t, _ in heard]) == pytest.approx(OVER_REPEAT_S, abs=0.11)


def test_an_edge_crossed_back_and_forth_sounds_once() -> None:
    steps = [(0.0, Zone.IN, False)]
    for k in range(1, 6):  # in and over every 0.05 s: quicker than the minimum gap
        steps.append((k * 0.1 - 0.05, Zone.OVER, False))
        steps.append((k * 0.1, Zone.IN, False))
    heard = run(steps)
    assert heard[0] == (0.0, Cue.IN)
    times = [t for t, _ in heard]
    assert all(b - a >= MIN_GAP_S for a, b in itertools.pairwise(times))


def test_reached_chimes_once_per_hold_and_again_for_the_next() -> None:
    steps = [(0.0, Zone.IN, False), (1.0, Zone.IN, True), (2.0, Zone.IN, True)]
    steps += [(3.0, Zone.UNDER, False), (4.0, Zone.IN, False), (5.0, Zone.IN, True)]
    cues = [cue for _, cue in run(steps)]
    assert cues.count(Cue.REACHED) == 2


def test_each_cue_is_a_distinct_playable_tune() -> None:
    signatures = set()
    for cue in Cue:
        data = tune_wav(cue)
        with wave.open(io.BytesIO(data)) as wav:
            assert wav.getframerate() == SAMPLE_RATE and wav.getnchannels() == 1
            pcm = np.frombuffer(wav.readframes(wav.getnframes()), "<i2")
        assert 0.1 < pcm.size / SAMPLE_RATE < 1.0  # short enough not to mask the next
        assert np.abs(pcm).max() > 10_000  # audible
        assert abs(int(pcm[0])) < 100 and abs(int(pcm[-1])) < 100  # no click at the edges
        signatures.add((len(TUNES[cue]), TUNES[cue][0][0]))
    assert len(signatures) == len(Cue)  # differ in rhythm or pitch
