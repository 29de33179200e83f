"""Messages for the user that stay long enough to be read.

A therapist glances at the screen between strokes: a message that another one replaces within
a second ("Not tared: hold the probe still") is a message never seen. Notes (``INFO``) stay
for their reading time and queue behind each other; warnings (``WARNING``: something the user
asked for did not happen, or needs doing) stay until dismissed. Qt-free: the window shows the
board, tests drive it with their own clock.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import Enum

#: Reading time: a fixed glance plus about 3 words a second (slow reading, from arm's length,
#: with the eyes back on the client in between; an estimate, no published source).
GLANCE_S = 3.0
WORDS_PER_S = 3.0
LONGEST_S = 12.0
#: Notes waiting behind the one shown: more than this and the oldest waiting are dropped
#: (the log keeps them all).
QUEUE_LIMIT = 3
LOG_LIMIT = 200


class Level(Enum):
    INFO = "info"  # done as asked, or worth knowing: shown for its reading time
    WARNING = "warning"  # not done, or needs doing: shown until dismissed


@dataclass(frozen=True)
class Message:
    text: str
    level: Level = Level.INFO
    at: float = 0.0  # on the board's clock
    #: What it is about ("tare"): a newer warning on the same topic replaces the older.
    topic: str = ""

    @property
    def reading_time_s(self) -> float:
        return min(LONGEST_S, GLANCE_S + len(self.text.split()) / WORDS_PER_S)


class MessageBoard:
    """What to show now: the current note and the warnings not yet dismissed."""

    def __init__(self) -> None:
        self._shown: Message | None = None
        self._shown_since = 0.0
        self._waiting: deque[Message] = deque(maxlen=QUEUE_LIMIT)
        self._warnings: list[Message] = []
        self.log: deque[Message] = deque(maxlen=LOG_LIMIT)

    def info(self, text: str, now: float) -> None:
        self.post(Message(text, Level.INFO, now), now)

    def warn(self, text: str, now: float, topic: str = "") -> None:
        self.post(Message(text, Level.WARNING, now, topic), now)

    def post(self, message: Message, now: float) -> None:
        self.log.append(message)
        if message.level is Level.WARNING:
            # The same warning again (a key pressed twice), or news on its topic, replaces it.
            self._warnings = [m for m in self._warnings if not _same(m, message)]
            self._warnings.insert(0, message)
            return
        if self._shown is not None and self._shown.text == message.text:
            self._shown_since = now  # repeated: show it longer, not twice
            return
        self._waiting.append(message)
        self.current(now)

    def current(self, now: float) -> Message | None:
        """The note to show at ``now``: the one shown until its time is up, then the next."""
        if self._shown is not None and now - self._shown_since < self._shown.reading_time_s:
            return self._shown
        if self._waiting:
            self._shown, self._shown_since = self._waiting.popleft(), now
            return self._shown
        self._shown = None
        return None

    @property
    def warnings(self) -> tuple[Message, ...]:
        """The warnings not dismissed, newest first."""
        return tuple(self._warnings)

    def dismiss(self, message: Message | None = None) -> None:
        """Dismiss one warning (by default the newest)."""
        if message is None:
            self._warnings = self._warnings[1:]
        else:
            self._warnings = [m for m in self._warnings if m is not message]

    def withdraw(self, topic: str) -> None:
        """Warnings that no longer hold (a refused tare, then one taken) go by themselves."""
        self._warnings = [m for m in self._warnings if m.topic != topic]

    def dismiss_all(self) -> None:
        self._warnings.clear()


def _same(old: Message, new: Message) -> bool:
    return old.text == new.text or bool(new.topic and old.topic == new.topic)
