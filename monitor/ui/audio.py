"""Cue sounds through Qt Multimedia, or silence with the reason when it cannot play.

Qt Multimedia needs the platform's audio stack (PulseAudio/PipeWire on Linux). Where that or
an output device is missing the app works on, visually only, and says so: a silent failure
would let a therapist believe they will hear when they go over.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Protocol

from monitor.cues import Cue
from monitor.tones import TUNES, tune_wav


class CuePlayer(Protocol):
    def play(self, cue: Cue) -> None: ...


class SoundEffects:
    """One preloaded QSoundEffect per cue: low latency, no decoding at play time."""

    def __init__(self, effects: dict) -> None:
        self._effects = effects

    def play(self, cue: Cue) -> None:
        self._effects[cue].play()


def open_sound() -> tuple[CuePlayer | None, str]:
    """A player for the cues, or None and why there is none (for the user to read)."""
    try:
        # Imported here: the app must start, silent, where the audio stack is missing.
        from PySide6.QtCore import QUrl
        from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
    except ImportError as exc:
        return None, f"Qt Multimedia cannot load ({exc})"
    if QMediaDevices.defaultAudioOutput().isNull():
        return None, "no audio output device"
    folder = Path(tempfile.mkdtemp(prefix="pressure-monitor-cues-"))
    effects = {}
    for cue in TUNES:
        path = folder / f"{cue.value}.wav"
        path.write_bytes(tune_wav(cue))
        effect = QSoundEffect()
        effect.setSource(QUrl.fromLocalFile(str(path)))
        effects[cue] = effect
    return SoundEffects(effects), ""
