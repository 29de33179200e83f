"""Where the app keeps its own files: one place, the same for the desktop app and the CLI.

The platforms' folders come from platformdirs, which follows each one's conventions (XDG on
Linux, Application Support on macOS, the roaming AppData on Windows: where this app has
always kept its files, so calibrations stored by earlier versions are still found).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_FOLDER = "pressure-monitor"
#: The recordings' folder inside the user's documents, named for people rather than programs.
RECORDINGS_FOLDER = "Pressure Monitor"


def user_data_dir() -> Path:
    """The platform's per-user data folder (``PRESSURE_MONITOR_DATA`` overrides it)."""
    override = os.environ.get("PRESSURE_MONITOR_DATA")
    if override:
        return Path(override)
    return platformdirs.user_data_path(APP_FOLDER, appauthor=False, roaming=True)


def default_recordings_dir() -> Path:
    """Where recordings go unless the user chose elsewhere: ``Documents/Pressure Monitor``."""
    return platformdirs.user_documents_path() / RECORDINGS_FOLDER


def calibrations_dir() -> Path:
    return user_data_dir() / "calibrations"


def target_edits_path() -> Path:
    return user_data_dir() / "targets.json"


def clients_path() -> Path:
    return user_data_dir() / "clients.json"


def rescue_dir() -> Path:
    """Where a recording goes on when its own folder cannot be written (full disk, removed
    drive, the folder deleted): private to the user, as recordings hold health data."""
    return user_data_dir() / "rescue"
