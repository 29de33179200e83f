"""Markers a therapist sets without looking: one key each (a USB foot pedal types one too)."""

from __future__ import annotations

#: Key -> label. M is a plain marker; the digits name what therapists note most often.
MARKER_KEYS: dict[str, str] = {
    "M": "marker",
    "1": "trigger point found",
    "2": "referred pain",
    "3": "release felt",
    "4": "client discomfort",
}
