"""The kinds of ``/events`` rows: one enumeration, so what is written is what is documented.

docs/recording-format.md has a row for each (tests/test_event_kinds.py keeps them in step).
Readers must still accept kinds they do not know: a newer version may write more.
"""

from __future__ import annotations

from enum import Enum


class EventKind(str, Enum):
    """What an event row says happened; the value is the text the file stores.

    A ``str`` enum (Python 3.10 has no ``StrEnum``): a member equals its text, so rows read
    back compare with members and plain strings alike."""

    # From the device's stream (firmware_bridge.reader.StreamKind, recorded as they come)
    CONNECTED = "connected"
    GAP = "gap"
    DISCONNECTED = "disconnected"
    RECONNECTED = "reconnected"
    DEVICE = "device"
    ERROR = "error"
    CLOSED = "closed"
    # From the session (monitor.acquisition, monitor.recorder)
    MARKER = "marker"
    TARE = "tare"
    DRIFT = "drift"
    CALIBRATION = "calibration"
    NOTE = "note"
    PPT_PROTOCOL = "ppt_protocol"
    PPT_TRIAL_WITHDRAWN = "ppt_trial_withdrawn"
    # From the writer
    CONTINUED = "continued"

    def __str__(self) -> str:
        """The stored text, on every Python (3.11 changed what format() gives a mixin)."""
        return self.value

    @property
    def meaning(self) -> str:
        """One line: what happened, and what the row's label and value hold."""
        return _MEANINGS[self]


_MEANINGS = {
    EventKind.CONNECTED: "the port opened and the reader listens; label = the port",
    EventKind.GAP: "samples lost in transit; value = how many, label = the time without samples",
    EventKind.DISCONNECTED: "the port was lost; label = the reason",
    EventKind.RECONNECTED: ("the port is back; label = the port, value = the seconds without data"),
    EventKind.DEVICE: "the device changed its unit, lost its stream, or was detected; label = what",
    EventKind.ERROR: "the device or the port failed; label = the reason",
    EventKind.CLOSED: "the port closed; label = the port",
    EventKind.MARKER: "a labelled marker set by the user; label = its label",
    EventKind.TARE: "the probe was re-zeroed; value = the raw reading taken as zero",
    EventKind.DRIFT: "the unloaded reading drifted off zero; value = what it read, N",
    EventKind.CALIBRATION: "a new calibration took effect; label = its source",
    EventKind.NOTE: "the session notes as the user left them then; label = the whole text",
    EventKind.PPT_PROTOCOL: "a PPT protocol started; label = its settings as JSON (seed too)",
    EventKind.PPT_TRIAL_WITHDRAWN: (
        "the examiner deleted or redid a PPT trial already in the PPT table; label = which"
    ),
    EventKind.CONTINUED: "the recording goes on in another file; label = that file's name",
}
