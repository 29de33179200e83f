"""What the user must see now and until it is over: a recording that cannot be written, a
device that sends nothing readable, a calibration that could not be used. Qt-free: the window
shows these in a banner, and ``record`` prints the same facts on stderr."""

from __future__ import annotations

from dataclasses import dataclass

from firmware_bridge.reader import ReaderStatus
from monitor.recorder import RecordingResult
from recordings import WriterStatus


@dataclass(frozen=True)
class Alert:
    text: str  # one line, plain text
    data_at_risk: bool = False  # samples may be lost unless the user acts


def current_alerts(
    reader: ReaderStatus,
    writer: WriterStatus | None = None,
    calibration_note: str = "",
    notes_problem: str = "",
    ended: RecordingResult | None = None,
) -> tuple[Alert, ...]:
    """The alerts for this moment, the most urgent first; ``ended``: the last recording,
    which went wrong (shown until the next one starts: where its samples are)."""
    alerts = []
    if ended is not None and ended.error:
        alerts.append(Alert(f"The last recording: {ended.describe()}", bool(ended.lost_samples)))
    if writer is not None and writer.describe():
        alerts.append(Alert(f"Recording: {writer.describe()}", data_at_risk=True))
    if notes_problem:
        alerts.append(Alert(f"Session notes not saved: {notes_problem}", data_at_risk=True))
    if reader.error:
        alerts.append(Alert(f"NO SIGNAL: {reader.error}"))
    elif reader.silence_reason:
        alerts.append(Alert(f"NO SIGNAL: {reader.silence_reason}"))
    if calibration_note:
        alerts.append(Alert(f"{calibration_note}; the device's own calibration is used"))
    return tuple(alerts)
