"""The cue sounds, synthesised as WAV bytes: no sound files to ship, and each cue differs in
pitch *and* rhythm, so they stay distinct for a listener who cannot tell pitches apart."""

from __future__ import annotations

import io
import wave

import numpy as np

from monitor.cues import Cue

SAMPLE_RATE = 22_050
_FADE_S = 0.01  # edges ramped so tones do not click

#: (frequency Hz, duration s, then silence s) per note.
TUNES: dict[Cue, tuple[tuple[float, float, float], ...]] = {
    Cue.IN: ((660.0, 0.12, 0.0),),
    Cue.UNDER: ((330.0, 0.35, 0.0),),  # low and long
    Cue.OVER: ((1320.0, 0.09, 0.06), (1320.0, 0.09, 0.0)),  # high, double, short
    Cue.REACHED: ((784.0, 0.15, 0.0), (988.0, 0.15, 0.0), (1319.0, 0.3, 0.0)),  # rising chime
}


def _note(frequency: float, duration: float, volume: float) -> np.ndarray:
    index = np.arange(int(duration * SAMPLE_RATE))
    from_edge = np.minimum(index, index[-1] - index)  # 0 at the first and the last sample
    envelope = np.minimum(1.0, from_edge / (_FADE_S * SAMPLE_RATE))
    return volume * envelope * np.sin(2 * np.pi * frequency * index / SAMPLE_RATE)


def tune_wav(cue: Cue, volume: float = 0.6) -> bytes:
    parts = []
    for frequency, duration, silence in TUNES[cue]:
        parts.append(_note(frequency, duration, volume))
        parts.append(np.zeros(int(silence * SAMPLE_RATE)))
    pcm = (np.concatenate(parts) * 32767).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(pcm.tobytes())
    return out.getvalue()
