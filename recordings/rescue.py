"""The rescue folder, where a recording goes on when its own file cannot take more.

It is private to the user (0700, files 0600: recordings hold health data) and is never a
folder someone else made or a symbolic link planted in its place.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from recordings.errors import RecordingError, reason

#: Longest file name most file systems take (bytes); a rescue name keeps well inside it.
_NAME_MAX_BYTES = 255
_SUFFIX = "-rescued"


def prepare_private_dir(folder: Path) -> Path:
    """Create ``folder`` for this user alone, or check that it is such a folder."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = os.lstat(folder)
    except OSError as exc:
        raise RecordingError(f"cannot make the rescue folder {folder}: {reason(exc)}") from exc
    if stat.S_ISLNK(status.st_mode) or not stat.S_ISDIR(status.st_mode):
        raise RecordingError(f"the rescue folder {folder} is a link or not a folder: not used")
    if hasattr(os, "getuid"):
        if status.st_uid != os.getuid():
            raise RecordingError(f"the rescue folder {folder} belongs to someone else: not used")
        if status.st_mode & 0o077:
            try:
                folder.chmod(0o700)
            except OSError as exc:
                raise RecordingError(f"cannot make {folder} private: {reason(exc)}") from exc
    return folder


def make_private(path: Path) -> None:
    """Readable and writable by the user alone (where the system has such modes)."""
    if hasattr(os, "getuid"):
        path.chmod(0o600)


def rescue_name(folder: Path, original: Path) -> Path:
    """A free name in ``folder`` for a rescue of ``original``, short enough for any file
    system however long the original's name was."""
    keep = _NAME_MAX_BYTES - len(f"{_SUFFIX}-999999{original.suffix}".encode()) - 8
    stem = original.stem.encode("utf-8")[:keep].decode("utf-8", errors="ignore")
    candidate, n = folder / f"{stem}{_SUFFIX}{original.suffix}", 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{stem}{_SUFFIX}-{n}{original.suffix}"
    return candidate
