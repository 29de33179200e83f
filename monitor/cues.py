"""Which sound to play, frame by frame: the therapist's ears while their eyes are on the client.

Distinct cues, each rare enough to stay meaningful:
- ``IN``: a soft tone on entering the band;
- ``UNDER``: a low tone on slipping out of the band below (not when the probe is simply lifted
  between holds: that starts from under and never was in);
- ``OVER``: a high double tone on going over, repeated while over, because too much pressure
  is the risk to the client;
- ``REACHED``: a chime once per hold, when the target hold time is reached.
"""

from __future__ import annotations

from enum import Enum

from monitor.feedback import Zone

#: While over the band the warning repeats this often.
OVER_REPEAT_S = 2.0
#: No two cues closer than this: an edge crossed and re-crossed sounds once.
MIN_GAP_S = 0.4


class Cue(Enum):
    IN = "in"
    UNDER = "under"
    OVER = "over"
    REACHED = "reached"


class CueChooser:
    def __init__(self) -> None:
        self._zone: Zone | None
        self._reached: bool
        self._last_cue_t: float
        self._last_over_t: float
        self.reset()

    def reset(self) -> None:
        """A new target: no cue is owed for what happened before."""
        self._zone = None
        self._reached = False
        self._last_cue_t = -float("inf")
        self._last_over_t = -float("inf")

    def update(self, t: float, zone: Zone | None, reached: bool) -> Cue | None:
        """The cue owed at time ``t`` (s, monotonic) given the zone and hold, or None."""
        previous, self._zone = self._zone, zone
        cue = None
        if reached and not self._reached:
            cue = Cue.REACHED
        elif zone is Zone.OVER and (
            previous is not Zone.OVER or t - self._last_over_t >= OVER_REPEAT_S
        ):
            cue = Cue.OVER
        elif zone is Zone.IN and previous is not Zone.IN:
            cue = Cue.IN
        elif zone is Zone.UNDER and previous is Zone.IN:
            cue = Cue.UNDER
        self._reached = reached
        if cue is None:
            return None
        if t - self._last_cue_t < MIN_GAP_S and cue is not Cue.REACHED:
            return None
        self._last_cue_t = t
        if cue is Cue.OVER:
            self._last_over_t = t
        return cue
