"""Where the app keeps its own files: one place, the same for the desktop app and the CLI."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_FOLDER = "pressure-monitor"


def user_data_dir() -> Path:
    """The platform's per-user data folder (``PRESSURE_MONITOR_DATA`` overrides it)."""
    override = os.environ.get("PRESSURE_MONITOR_DATA")
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home())) / APP_FOLDER
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_FOLDER
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / APP_FOLDER


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
